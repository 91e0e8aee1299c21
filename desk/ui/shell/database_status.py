"""Whether the desk's database can be used right now, said once and at once.

`DatabaseMonitor` learns from every background job's outcome (`TaskRunner.jobFinished`)
and from a cheap check on a timer (the local file's identity; a server's `SELECT 1`).
On a server whose change listener is connected (`follow`), that connection is the check:
its socket, with TCP keepalives, notices a server going away at once, so a healthy idle
window sends nothing but its presence heartbeat; the timer runs only while it is down.
A file deleted, moved or replaced, or a server that stops answering, becomes one status,
shown by one non-modal `DatabaseBanner`; a server is tried again with backoff (1, 2, 4 …
30 s) and the status clears by itself when it answers. Failures of work started before
the database came back are old news and are ignored.
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desk.domain.errors import DatabaseError, DatabaseGone, DatabaseReadOnly, DatabaseUnavailable
from desk.services import health
from desk.services.database import Database

from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.tasks import TaskRunner

log = logging.getLogger(__name__)

#: How often a healthy database is checked: a local file's identity costs one stat().
LOCAL_CHECK_MS = 2_000
SERVER_CHECK_MS = 5_000
#: Seconds between tries while the database cannot be used.
BACKOFF_S = (1, 2, 4, 8, 16, 30)


@dataclass(frozen=True)
class DatabaseStatus:
    """What the window tells the agent about its database."""

    #: Why the database cannot be used now (DatabaseGone, DatabaseUnavailable), or None.
    problem: DatabaseError | None = None
    #: It can be read but nothing can be saved (a read-only file or folder).
    read_only: bool = False
    #: Seconds until the next try (0: trying now), while there is a problem.
    retry_in: int | None = None

    @property
    def writable(self) -> bool:
        return self.problem is None and not self.read_only

    @property
    def gone(self) -> bool:
        return isinstance(self.problem, DatabaseGone)


class DatabaseMonitor(QObject):
    #: The status changed (a `DatabaseStatus`); the countdown too, once a second.
    statusChanged = Signal(object)
    #: The database answers again after a problem: views re-read what they show.
    recovered = Signal()
    #: Whether anything can be saved now changed: (writable, why not in the user's words).
    writableChanged = Signal(bool, str)

    def __init__(
        self,
        db: Database,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        local: bool = True,
        check_ms: int | None = None,
        where: str = "",
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._where = where  # "Local file …", "Server …": for the words
        self._writable = True
        self._runner = runner
        self._read_only = health.is_read_only(db)
        self._problem: DatabaseError | None = None
        #: When the database was last seen to work again (monotonic): older failures are stale.
        self._ok_since = time.monotonic()
        self._attempt = 0
        self._checking: int | None = None  # the id of the check job in flight
        self._next_try = 0.0
        self._periodic = QTimer(
            self, interval=check_ms or (LOCAL_CHECK_MS if local else SERVER_CHECK_MS)
        )
        self._periodic.timeout.connect(self.check_now)
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(self.check_now)
        self._countdown = QTimer(self, interval=1000)
        self._countdown.timeout.connect(self._on_countdown_timeout)
        runner.jobFinished.connect(self._on_runner_job_finished)
        self._periodic.start()
        #: The change listener's connection is up: it watches the server, the timer rests.
        self._listening = False

    def follow(self, hub: ChangeHub) -> None:
        """Let `hub`'s listening connection stand in for the periodic check (a server)."""
        hub.connectedChanged.connect(self._on_hub_connected_changed)
        self._on_hub_connected_changed(hub.connected, check=False)

    @property
    def status(self) -> DatabaseStatus:
        retry_in = None
        if self._problem is not None and self._retry.isActive():
            retry_in = max(1, round(self._next_try - time.monotonic()))
        elif self._problem is not None and self._checking is not None:
            retry_in = 0  # trying now
        return DatabaseStatus(self._problem, self._read_only, retry_in)

    @property
    def writable(self) -> bool:
        return self.status.writable

    def announce(self) -> None:
        """Say the current status and, when nothing can be saved, that too (at start-up,
        once everyone listening is connected)."""
        self._emit()
        if not self.writable:
            self.writableChanged.emit(False, self.refusal())

    def refusal(self) -> str:
        """Why nothing can be saved now, in the user's words ("" when it can)."""
        status = self.status
        if status.problem is not None:
            return status.problem.message
        if status.read_only:
            return tr("Read-only: {where} cannot be changed, so changes cannot be saved.").format(
                where=self._where
            )
        return ""

    def check_now(self) -> None:
        """Check the database in the background now (the banner's "Try again now")."""
        if self._checking is not None:
            return
        self._retry.stop()
        db = self._db
        self._checking = self._runner.run(
            lambda: health.check_database(db),
            self._on_check_done,
            self._on_check_failed,
            quiet=True,
        )

    def stop(self) -> None:
        """The window is closing: no more checks."""
        for timer in (self._periodic, self._retry, self._countdown):
            timer.stop()

    # --- what the checks and everyone's work say ---------------------------------------------

    def _on_check_done(self, _result: object) -> None:
        self._checking = None
        if self._problem is not None:
            self._recover()

    def _on_check_failed(self, exc: BaseException) -> None:
        self._checking = None
        if isinstance(exc, DatabaseError):
            self._fail(exc, tried=True)
        else:  # not the database's doing: keep checking, say nothing new
            log.warning("checking the database failed", exc_info=exc)

    def _on_runner_job_finished(self, job_id: int, started: float, exc: object) -> None:
        if job_id == self._checking:
            return  # its own callbacks decide
        if started < self._ok_since:
            return  # began before the database came back: what it says is old
        if exc is None:
            if self._problem is not None and not self._problem_is_gone():
                self._recover()  # a server that answers this job answers
            return
        if isinstance(exc, DatabaseReadOnly):
            if not self._read_only:
                self._read_only = True
                self._emit()
        elif isinstance(exc, DatabaseGone):
            self._fail(exc)  # the file's identity: certain, no need to ask again
        elif isinstance(exc, DatabaseUnavailable) and self._problem is None:
            # Maybe an outage, maybe just this statement: a check tells them apart.
            self.check_now()

    def _on_hub_connected_changed(self, connected: bool, *, check: bool = True) -> None:
        self._listening = connected
        if connected:
            self._periodic.stop()
        elif self._problem is None:
            self._periodic.start()
        if check:  # lost: is it the server? back: does it answer again?
            self.check_now()

    def _problem_is_gone(self) -> bool:
        return isinstance(self._problem, DatabaseGone)

    def _fail(self, problem: DatabaseError, *, tried: bool = False) -> None:
        """A problem seen by a check (`tried`) or by someone's work."""
        first = self._problem is None
        changed = first or problem.message != self._problem.message  # type: ignore[union-attr]
        if first:
            log.warning("the database cannot be used: %s", problem.message)
            self._periodic.stop()
            self._countdown.start()
            self._attempt = 0
        self._problem = problem
        if not first and not tried:  # more work failing the same way: the tries go on as set
            if changed:
                self._emit()
            return
        delay = BACKOFF_S[min(self._attempt, len(BACKOFF_S) - 1)]
        self._attempt += 1
        self._next_try = time.monotonic() + delay
        self._retry.start(int(delay * 1000))
        if changed:
            self._emit()

    def _recover(self) -> None:
        log.info("the database can be used again")
        self._problem = None
        self._attempt = 0
        self._ok_since = time.monotonic()
        self._retry.stop()
        self._countdown.stop()
        if not self._listening:
            self._periodic.start()
        self._emit()
        self.recovered.emit()

    def _on_countdown_timeout(self) -> None:
        self._emit()

    def _emit(self) -> None:
        status = self.status
        self.statusChanged.emit(status)
        if status.writable != self._writable:
            self._writable = status.writable
            self.writableChanged.emit(status.writable, self.refusal())


class DatabaseBanner(QFrame):
    """The database cannot be used, or only read: what happened, and what to do about it.
    Hidden while all is well; never modal, so the agent keeps reading and typing."""

    #: "Reopen the file": open the same path again (it was replaced, or put back).
    reopenRequested = Signal()
    #: "Choose another database…": File › Connect.
    connectRequested = Signal()
    #: "Try again now".
    retryRequested = Signal()

    def __init__(self, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("databaseBanner")
        self._where = where
        self.message = QLabel(objectName="bannerText", wordWrap=True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reopen_button = QPushButton(tr("Reopen the file"))
        self.reopen_button.clicked.connect(self.reopenRequested.emit)
        self.retry_button = QPushButton(tr("Try again now"))
        self.retry_button.clicked.connect(self.retryRequested.emit)
        self.connect_button = QPushButton(tr("Choose another database…"))
        self.connect_button.clicked.connect(self.connectRequested.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(8)
        layout.addWidget(self.message, 1)
        for button in (self.reopen_button, self.retry_button, self.connect_button):
            button.setObjectName("small")
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_status(self, status: DatabaseStatus) -> None:
        problem = status.problem
        if problem is None and not status.read_only:
            self.hide()
            return
        if isinstance(problem, DatabaseGone):
            state = "gone"
            title = (
                tr("The database file was replaced.")
                if problem.replaced
                else tr("The database file is gone.")
            )
            text = (
                tr(
                    "{path} is no longer the file Desk opened. Nothing more is saved to it; "
                    "what you type is kept as a draft. Reopen the file, or choose another "
                    "database."
                )
                if problem.replaced
                else tr(
                    "{path} was deleted or moved while Desk had it open. Nothing more is "
                    "saved; what you type is kept as a draft. Put the file back and reopen "
                    "it, or choose another database."
                )
            ).format(path=_escape(problem.path))
        elif problem is not None:
            state = "down"
            title = tr("The database does not answer.")
            text = problem.message
            if status.retry_in == 0:
                text += " " + tr("Desk is trying again by itself now…")
            elif status.retry_in is not None:
                text += " " + tr("Desk tries again by itself in {seconds} s.").format(
                    seconds=status.retry_in
                )
            text = _escape(text)
        else:
            state = "readonly"
            title = tr("Read-only:")
            text = tr("{where} can be read, but changes cannot be saved.").format(
                where=_escape(self._where)
            )
        self.message.setText(f"<b>{_escape(title)}</b> {text}")
        self.reopen_button.setVisible(state == "gone")
        self.retry_button.setVisible(state == "down")
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()

    def show_reopen_problem(self, message: str) -> None:
        """Reopening did not work: say why, in place of what the banner said."""
        self.message.setText(f"<b>{_escape(tr('Cannot reopen it.'))}</b> {_escape(message)}")


def _escape(text: str) -> str:
    return html.escape(text, quote=False)

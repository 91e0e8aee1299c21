"""What the window says about itself: the status bar (working, who is signed in, which
database, the connection light) and its problems: a word in the status bar, one error box
that later errors update rather than stack, the error report for the unexpected."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QMessageBox, QStatusBar, QToolButton, QWidget

from desk.domain.errors import DatabaseError, DeskError
from desk.domain.model import Agent

from ..common import labels
from ..common.dialogs import error_text
from ..common.error_report import ErrorReporter
from ..common.labels import tr
from .database_status import DatabaseStatus

log = logging.getLogger(__name__)


class DeskStatusBar(QStatusBar):
    """Messages on the left; on the right "Working…", the agent, the database, the light."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.busy = QLabel(tr("Working…"), objectName="busy")
        self.busy.hide()
        self.agent = QLabel(objectName="muted")
        #: Sign out / switch agent, beside who is signed in (a shared counter PC).
        self.sign_out = QToolButton(objectName="signOutButton")
        self.sign_out.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.sign_out.setAutoRaise(True)
        # Reached by the mouse or Ctrl+Shift+L: never the window's first focus.
        self.sign_out.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.database = ElidedLabel(where, "muted")
        self.connection = QLabel(objectName="connection")
        for label in (self.busy, self.agent, self.sign_out, self.database, self.connection):
            self.addPermanentWidget(label)

    def show_agent(self, agent: Agent, sign_out: QAction | None = None) -> None:
        self.agent.setText(
            tr("Signed in as {name} ({role})").format(
                name=agent.name, role=labels.role_label(agent.role).lower()
            )
        )
        if sign_out is not None:
            self.sign_out.setDefaultAction(sign_out)
            self.sign_out.setText(tr("Sign out"))
        self.sign_out.setVisible(sign_out is not None)

    def show_status(self, status: DatabaseStatus) -> None:
        """The connection light, as the database monitor last found the database."""
        if status.gone:
            light, state = tr("● File missing"), "down"
        elif status.problem is not None:
            light, state = tr("● Not connected"), "down"
        elif status.read_only:
            light, state = tr("● Read-only"), "readonly"
        else:
            light, state = tr("● Connected"), "ok"
        self.connection.setText(light)
        self.connection.setProperty("state", state)
        self.connection.style().unpolish(self.connection)
        self.connection.style().polish(self.connection)


class WindowProblems(QObject):
    """How the window tells the agent that something went wrong, by kind of problem."""

    def __init__(self, status: QStatusBar, errors: ErrorReporter | None, parent: QWidget) -> None:
        super().__init__(parent)
        self._status, self._parent = status, parent
        #: Where an unexpected error goes: the dialog that names the log (none: the log).
        self.errors = errors
        #: The one error box on screen, if any: later errors update it rather than stack.
        self.error_box: QMessageBox | None = None
        self._errors_in_box = 0
        self.last_error = ""

    def message(self, text: str) -> None:
        self._status.showMessage(text, 6000)

    def failure(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseError):  # the monitor has heard too: the banner says it
            self._status.showMessage(error_text(exc), 12000)
            return
        if not isinstance(exc, DeskError):
            if self.errors is not None:  # what happened, and where the log is
                self.errors.report(exc)
                return
            log.error("unexpected failure", exc_info=exc)
        self.show_error(error_text(exc))

    def database_failure(self, exc: BaseException) -> None:
        """An action the database refused: the banner says why the database cannot be used;
        the status bar says that this action was not done. No dialog for each one."""
        self._status.showMessage(tr("Not saved: {reason}").format(reason=error_text(exc)), 12000)

    def show_error(self, text: str) -> None:
        self._status.showMessage(text, 12000)
        self.last_error = text
        if self.error_box is not None and self.error_box.isVisible():
            # One box at a time: the newest error replaces the one shown, with a count.
            self._errors_in_box += 1
            self.error_box.setText(text)
            self.error_box.setInformativeText(
                tr("The latest of {count} problems.").format(count=self._errors_in_box)
            )
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, tr("Desk"), text, QMessageBox.StandardButton.Ok, self._parent
        )
        box.setObjectName("errorBox")
        box.finished.connect(lambda _r: self._on_error_box_finished(box))
        self.error_box = box
        self._errors_in_box = 1
        box.open()

    def _on_error_box_finished(self, box: QMessageBox) -> None:
        if self.error_box is box:
            self.error_box = None
        box.deleteLater()


class ElidedLabel(QLabel):
    """A label that gives way in a narrow window: its middle cut to "…" (a long path keeps
    its start and its file name), the whole text in its tooltip."""

    def __init__(self, text: str = "", name: str = "") -> None:
        super().__init__(objectName=name)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(60, super().minimumSizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        room = self.contentsRect()
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideMiddle, room.width()
        )
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            room,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )

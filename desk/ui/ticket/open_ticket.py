"""The open ticket, kept live: its fields, its thread, and who else is on it.

It loads the ticket the agent opens and listens to the change hub for itself: when the
ticket changed or got new thread entries it reads it again (the thread grows in place,
its scroll position kept unless it was at the bottom); when someone else changed a
ticket the agent is editing, the editor keeps the agent's typing and its bar says what
changed, with Reload / Keep mine. It tells the other agents that this one is viewing
the ticket, or replying, and shows who else is ("Priya is replying…"), asking before a
reply that would cross someone else's.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

from desk.domain.changes import Changes
from desk.domain.presence import Activity, PresenceEntry
from desk.domain.thread import EntryKind
from desk.services import live, queries
from desk.services.views import TicketDetail

from ..common import labels
from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.ops import Ops
from ..common.presence_keeper import PresenceKeeper
from ..common.session import DeskSession
from .thread_view import Composer, ThreadView, event_text
from .ticket_editor import TicketEditor

log = logging.getLogger(__name__)


class OpenTicket(QObject):
    #: A ticket (or a fresh read of the open one) is on screen.
    shown = Signal(object)
    #: Reading the ticket failed.
    failed = Signal(object)

    def __init__(
        self,
        session: DeskSession,
        editor: TicketEditor,
        thread: ThreadView,
        composer: Composer,
        ops: Ops,
        hub: ChangeHub,
        keeper: PresenceKeeper | None,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._parent = parent
        self.editor, self.thread, self.composer = editor, thread, composer
        self._ops = ops
        self._keeper = keeper
        self._wanted: int | None = None
        # One read of the open ticket at a time: a change that comes meanwhile asks for
        # one more after it (superseding it would starve the view under a steady stream).
        self._loading: int | None = None
        self._load_again = False
        #: A newer version someone else saved while the agent edits (the bar is up).
        self.pending: TicketDetail | None = None
        #: Other agents on the open ticket.
        self.others: list[PresenceEntry] = []
        #: The "already replying" question while it is open.
        self.reply_question: QMessageBox | None = None
        self._asked_for: int | None = None  # the ticket the agent chose to reply anyway on
        self._expiry = QTimer(self, singleShot=True)
        self._expiry.timeout.connect(self._read_presence)
        hub.changed.connect(self._on_hub_changed)
        composer.replyingChanged.connect(self._on_composer_replying_changed)
        composer.replyStarting.connect(self._on_composer_reply_starting)
        editor.edit_bar.reloadRequested.connect(self._on_edit_bar_reload_requested)
        editor.edit_bar.keepRequested.connect(self._on_edit_bar_keep_requested)

    @property
    def ticket_id(self) -> int | None:
        return self.editor.ticket_id

    def set_session(self, session: DeskSession) -> None:
        self._session = session

    def load(self, ticket_id: int) -> None:
        """Open `ticket_id` (or read the open one again); another ticket supersedes the
        read under way, the same one waits for it and is read once more."""
        if self._loading == ticket_id:
            self._load_again = True
            return
        self._wanted = self._loading = ticket_id
        self._load_again = False
        db = self._session.db
        self._ops.run(
            self,
            lambda: queries.get_ticket(db, ticket_id),
            self._on_loaded,
            self._on_load_failed,
            what=tr("Opening the ticket"),
            latest="ticket",
        )

    def leave(self) -> None:
        """The window closes: nobody here is on the ticket any more."""
        if self._keeper is not None:
            self._keeper.stop()

    # --- arrivals ---------------------------------------------------------------------------

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading, self._load_again = None, False
        self.failed.emit(exc)

    def _on_loaded(self, detail: TicketDetail) -> None:
        self._loading = None
        if detail.ticket.id != self._wanted:
            return
        try:
            self._show(detail)
        finally:
            if self._load_again and self._wanted is not None:
                self.load(self._wanted)

    def _show(self, detail: TicketDetail) -> None:
        shown = self.editor.detail
        same = shown is not None and shown.ticket.id == detail.ticket.id
        if same and self.editor.dirty:
            # The agent is typing: their edit stays. Someone else's change says so in the
            # bar; their own save (or nothing new) leaves the fields to the next read.
            assert shown is not None
            others = _others_changes(shown, detail, self._session.agent_id)
            if others and detail.ticket.version != shown.ticket.version:
                self.pending = detail
                self.editor.edit_bar.say(others)
            elif detail.ticket.version != shown.ticket.version:
                self.pending = None
                self.editor.show_detail(detail)  # this agent's own save came back
        else:
            self.pending = None
            self.editor.show_detail(detail)
        self.thread.show_entries(detail.thread, keep_place=same)
        if not same:
            assert detail.ticket.id is not None
            self.composer.set_ticket(detail.ticket.id)
            self._asked_for = None
            self.others = []
            self._say_on(detail.ticket.id)
            self._read_presence()
        self.shown.emit(detail)

    @Slot(object)
    def _on_hub_changed(self, changes: Changes) -> None:
        ticket_id = self.ticket_id
        if ticket_id is None:
            return
        if changes.everything or ticket_id in changes.tickets or ticket_id in changes.entries:
            self.load(ticket_id)
        if changes.everything or ticket_id in changes.presence:
            self._read_presence()

    def _on_edit_bar_reload_requested(self) -> None:
        if self.pending is not None:
            self.editor.show_detail(self.pending)
            self.pending = None
        self.editor.edit_bar.hide()

    def _on_edit_bar_keep_requested(self) -> None:
        self.editor.edit_bar.hide()  # saving meets the version check, and says who won

    # --- presence ---------------------------------------------------------------------------

    def _say_on(self, ticket_id: int | None) -> None:
        if self._keeper is None:
            return
        activity = Activity.REPLYING if self.composer.replying else Activity.VIEWING
        self._keeper.on(ticket_id, activity)

    def _on_composer_replying_changed(self, _replying: bool) -> None:
        if self.ticket_id is not None:
            self._say_on(self.ticket_id)

    def _read_presence(self) -> None:
        ticket_id = self.ticket_id
        if ticket_id is None:
            return
        db = self._session.db
        self._ops.run(
            self,
            lambda: live.who_is_on(db, [ticket_id]).get(ticket_id, []),
            lambda found: self._on_presence(ticket_id, found),
            lambda exc: log.warning("reading who is on the ticket failed: %s", exc),
            what=tr("Reading who is on the ticket"),
            latest="presence",
        )

    def _on_presence(self, ticket_id: int, found: list[PresenceEntry]) -> None:
        if ticket_id != self.ticket_id:
            return
        self.others = found
        self.editor.show_presence(labels.presence_text(found).replace("\n", " · "))
        if found:  # a crashed client says nothing: look again when its entry would expire
            first = min(e.expires_at for e in found)
            if first.tzinfo is None:
                first = first.replace(tzinfo=UTC)
            wait = (first - datetime.now(UTC)).total_seconds()
            self._expiry.start(max(200, int(wait * 1000) + 200))
        else:
            self._expiry.stop()

    def someone_replying(self) -> PresenceEntry | None:
        return next((e for e in self.others if e.activity == Activity.REPLYING), None)

    def _on_composer_reply_starting(self) -> None:
        other = self.someone_replying()
        if other is None or self._asked_for == self.ticket_id or self.reply_question is not None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            tr("Someone is replying"),
            tr("{name} is already replying — reply anyway?").format(name=other.agent_name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self._parent,
        )
        box.setObjectName("alreadyReplyingBox")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)  # Enter: reply anyway
        box.setEscapeButton(QMessageBox.StandardButton.No)  # Escape: leave it to them
        box.finished.connect(lambda result: self._on_reply_question_finished(box, result))
        self.reply_question = box
        # After the focus change that asked, not inside it.
        QTimer.singleShot(0, box, box.open)

    def _on_reply_question_finished(self, box: QMessageBox, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            self._asked_for = self.ticket_id
            QTimer.singleShot(0, self.composer.editor.setFocus)
        else:

            def away() -> None:
                if isValid(self.thread):
                    self.thread.setFocus()
                self.reply_question = None

            QTimer.singleShot(0, away)
            box.deleteLater()
            return
        self.reply_question = None
        box.deleteLater()


def _others_changes(before: TicketDetail, after: TicketDetail, me: int) -> list[str]:
    """Other agents' changes between two reads of a ticket, in the thread's own words
    ("Priya Patel changed the priority from normal to high"); empty if there are none."""
    seen = max((e.id for e in before.thread), default=0)
    return [
        f"{e.author_name} {event_text(e)}"
        for e in after.thread
        if e.id > seen and e.kind == EntryKind.EVENT and e.agent_id != me
    ]

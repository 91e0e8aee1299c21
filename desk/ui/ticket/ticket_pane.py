"""The ticket pane: the open ticket's fields above its thread and reply box, or a word
to choose one while none is open.

It builds the editor, the thread and the composer, keeps the ticket live through
`OpenTicket` (who else is on it, what others changed), and sends what the agent asks of
this ticket (claim, assign, a new status, save, send) to `TicketActions`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from desk.domain.model import TicketStatus
from desk.services import desk_settings
from desk.services.views import TicketDetail

from ..common.change_hub import ChangeHub
from ..common.drafts import DraftStore
from ..common.labels import tr
from ..common.ops import Ops
from ..common.presence_keeper import PresenceKeeper
from ..common.session import DeskSession
from .actions import TicketActions
from .clocks_panel import ClocksPanel
from .open_ticket import OpenTicket
from .thread_view import Composer, ThreadView
from .ticket_editor import TicketEditor


class TicketPane(QStackedWidget):
    #: A ticket (or a fresh read of the open one) is on screen.
    shown = Signal(object)
    #: Reading the ticket failed.
    failed = Signal(object)

    def __init__(
        self,
        session: DeskSession,
        drafts: DraftStore,
        actions: TicketActions,
        ops: Ops,
        hub: ChangeHub,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.actions = actions
        # Built inside their places (MainWindow: each move to a parent styles a widget again).
        self.splitter = QSplitter(Qt.Orientation.Vertical, self, objectName="detailSplitter")
        conversation = QWidget(self.splitter, objectName="conversation")
        self.editor = TicketEditor(session, self.splitter)
        self.thread = ThreadView(conversation)
        # Drafts are this desk's and this agent's: ticket ids repeat across databases.
        self.composer = Composer(
            drafts.for_desk(desk_settings.desk_id(session.db), session.agent_id), conversation
        )
        self.presence = PresenceKeeper(session.db, session.agent_id, self)  # type: ignore[arg-type]
        self.open_ticket = OpenTicket(
            session, self.editor, self.thread, self.composer, ops, hub, self.presence, self
        )
        #: The ticket's SLA clocks, explained, with "Set due time…" for supervisors.
        self.clocks = ClocksPanel(session, ops, hub, conversation)
        self.clocks.failed.connect(self.failed)
        self.placeholder = QLabel(tr("Select a ticket to see it here."), objectName="placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._build_layout(conversation)

        self.open_ticket.shown.connect(self._on_open_ticket_shown)
        self.open_ticket.failed.connect(self.failed)
        actions.reloadRequested.connect(self._on_actions_reload_requested)
        self.editor.claimRequested.connect(lambda: actions.claim(self.current_ids()))
        self.editor.releaseRequested.connect(lambda: actions.release(self.current_ids()))
        self.editor.assignRequested.connect(self.assign)
        self.editor.transferRequested.connect(self.transfer)
        self.editor.statusRequested.connect(self.change_status)
        self.editor.saveRequested.connect(self._on_editor_save_requested)
        self.composer.sendRequested.connect(self._on_composer_send_requested)

    def _build_layout(self, conversation: QWidget) -> None:
        conversation_layout = QVBoxLayout(conversation)
        conversation_layout.setContentsMargins(14, 6, 14, 12)
        conversation_layout.setSpacing(8)
        conversation_layout.addWidget(self.clocks)
        conversation_layout.addWidget(self.thread, 1)
        conversation_layout.addWidget(self.composer)
        # Five lines where there is room, three on a small screen (a banner showing too).
        self.composer.editor.setMinimumHeight(56)
        self.composer.editor.setMaximumHeight(96)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(conversation)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.addWidget(self.placeholder)
        self.addWidget(self.splitter)

    # --- the ticket on screen ---------------------------------------------------------------

    @property
    def ticket_id(self) -> int | None:
        return self.editor.ticket_id

    @property
    def detail(self) -> TicketDetail | None:
        return self.editor.detail

    def current_ids(self) -> list[int]:
        """The open ticket as a list of one, or none."""
        return [self.ticket_id] if self.ticket_id is not None else []

    def load(self, ticket_id: int) -> None:
        self.open_ticket.load(ticket_id)

    def open(self, ticket_id: int) -> None:
        """The agent chose another ticket: open it, unless they keep unsaved changes."""
        if ticket_id == self.ticket_id:
            return
        if self.editor.dirty and not self._confirm_discard():
            return
        self.load(ticket_id)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self.window(),
            tr("Unsaved changes"),
            tr("Discard your unsaved changes to {number}?").format(
                number=self.detail.number if self.detail else ""
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def set_session(self, session: DeskSession) -> None:
        self.editor.set_session(session)
        self.open_ticket.set_session(session)
        self.clocks.set_session(session)

    def set_writable(self, writable: bool, why: str = "") -> None:
        self.editor.set_writable(writable, why)
        self.composer.set_writable(writable, why)

    def leave(self) -> None:
        """The window closes: the draft is kept, and nobody here is on the ticket any more."""
        self.composer.save_draft()
        self.open_ticket.leave()

    def _on_open_ticket_shown(self, detail: TicketDetail) -> None:
        self.setCurrentWidget(self.splitter)
        if detail.ticket.id != self.clocks.ticket_id:
            self.clocks.show_ticket(detail.ticket.id)
        self.shown.emit(detail)

    def _on_actions_reload_requested(self, ticket_id: int) -> None:
        # The conflict dialog's "Reload": the agent lets their edit go for the saved one.
        if self.ticket_id == ticket_id:
            self.editor.revert()
            self.load(ticket_id)

    # --- acting on the open ticket ---------------------------------------------------------------

    def team(self) -> int | None:
        """The open ticket's team: where Assign and Transfer start."""
        return self.detail.ticket.team_id if self.detail else None

    def assign(self) -> None:
        if ids := self.current_ids():
            self.actions.assign(ids, self.team())

    def transfer(self) -> None:
        if ids := self.current_ids():
            self.actions.transfer(ids, self.team())

    def change_status(self, target: TicketStatus) -> None:
        """A new status for the open ticket, checked against the version on screen."""
        detail = self.detail
        if detail is None:
            return
        assert detail.ticket.id is not None
        if target == TicketStatus.OPEN and not detail.ticket.status.is_active:
            self.actions.reopen([detail.ticket.id], detail.ticket.version)
        else:
            self.actions.change_status([detail.ticket.id], target, detail.ticket.version)

    def compose(self, *, internal: bool) -> None:
        """Reply (Ctrl+R) or Internal note: the reply box takes the keys."""
        if self.ticket_id is None:
            return
        self.composer.set_internal(internal)
        self.composer.editor.setFocus()

    def _on_composer_send_requested(self, text: str, internal: bool) -> None:
        if self.ticket_id is not None:
            self.actions.send(
                self.ticket_id, text, internal, self.composer.sent, self.composer.failed
            )

    def _on_editor_save_requested(self, edit: object, version: int) -> None:
        if self.ticket_id is not None:
            self.actions.save(self.ticket_id, edit, version, self.editor.show_problem)  # type: ignore[arg-type]

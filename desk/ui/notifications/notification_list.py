"""The agent's notifications (breaches of tickets they work or supervise), and the status
bar's button that shows how many are unread.

The count follows the change hub: the sweep that records a breach (in this Desk or any
other) and a "mark read" both announce `NOTIFICATIONS_CHANGED`, and the button reads the
count again in the background. Opening the list marks what it shows read.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.domain.changes import Changes
from desk.domain.ticket import format_number
from desk.services import sla

from ..common.change_hub import ChangeHub
from ..common.desk_dialog import DeskDialog
from ..common.labels import full_time, tr
from ..common.ops import Ops
from ..common.session import DeskSession

TICKET_ROLE = Qt.ItemDataRole.UserRole + 1
UNREAD_ROLE = Qt.ItemDataRole.UserRole + 2


def notification_text(kind: str, ticket_id: int, data: dict, created_at: datetime) -> str:
    number = format_number(ticket_id)
    if kind == "sla_breached":
        clock = data.get("clock")
        what = tr("First response") if clock == "first_response" else tr("Resolution")
        due = data.get("due")
        try:
            due_text = full_time(datetime.fromisoformat(due)) if due else ""
        except ValueError:
            due_text = str(due)
        return tr("{number} · {what} overdue: it was due {due}").format(
            number=number, what=what, due=due_text
        )
    return tr("{number}: {kind}").format(number=number, kind=kind)


class NotificationButton(QToolButton):
    """ "Notifications (3)" in the status bar; a click opens the list."""

    def __init__(self, session: DeskSession, ops: Ops, hub: ChangeHub | None) -> None:
        super().__init__(objectName="notificationsButton")
        self._session, self._ops = session, ops
        self.unread = 0
        self.setAutoRaise(True)
        self.setToolTip(tr("Breaches of the tickets you work or supervise (Ctrl+Shift+B)"))
        self._show(0)
        if hub is not None:
            hub.changed.connect(self._on_hub_changed)
        self.recount()  # its first count: from then on the hub says when to count again

    def set_session(self, session: DeskSession) -> None:
        self._session = session
        self.recount()

    def recount(self) -> None:
        db, me = self._session.db, self._session.agent_id
        self._ops.run(
            self,
            lambda: sla.unread_notifications(db, me),
            self._show,
            lambda _exc: None,  # the count stays; the database monitor says what is wrong
            what=tr("Counting notifications"),
            latest="unread",
        )

    def _on_hub_changed(self, changes: Changes) -> None:
        if changes.everything or sla.NOTIFICATIONS_CHANGED in changes.settings:
            self.recount()

    def _show(self, unread: int) -> None:
        self.unread = unread
        if unread:
            self.setText(tr("● {count} unread").format(count=unread))
        else:
            self.setText(tr("Notifications"))
        self.setProperty("unread", bool(unread))
        self.style().unpolish(self)
        self.style().polish(self)


class NotificationList(DeskDialog):
    """The newest notifications, unread ones in bold; Enter opens the ticket."""

    #: The agent chose a notification's ticket.
    ticketChosen = Signal(int)

    def __init__(
        self, session: DeskSession, ops: Ops, hub: ChangeHub | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("notificationList")
        self.setWindowTitle(tr("Notifications"))
        self.resize(560, 420)
        self._session, self._ops = session, ops
        intro = QLabel(
            tr("SLA breaches of the tickets you work or supervise. Enter opens the ticket."),
            objectName="dialogIntro",
            wordWrap=True,
        )
        self.list = QListWidget(objectName="notifications")
        self.list.setSpacing(3)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.empty = QLabel(tr("No notifications."), objectName="placeholder")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(
            tr("Open ticket"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        self.open_button.clicked.connect(self._open_current)
        self.set_primary(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(buttons)
        self._bold = QFont()
        self._bold.setBold(True)
        #: Unread when this opening of the list showed them: bold until it closes.
        self._fresh: set[int] = set()
        if hub is not None:
            hub.changed.connect(self._on_hub_changed)

    def open_and_read(self) -> None:
        """Show the list and mark what it shows read (the badge goes back to none)."""
        if not self.isVisible():
            self._fresh = set()
        self.show()
        self.raise_()
        self.activateWindow()
        self.reload(mark_read=True)

    def reload(self, *, mark_read: bool = False) -> None:
        db, me = self._session.db, self._session.agent_id

        def work():
            found = sla.list_notifications(db, me, limit=100)
            unread = [n.id for n in found if n.unread]
            if mark_read and unread:
                sla.mark_notifications_read(db, me, unread)
            return found

        self._ops.run(
            self, work, self._show, what=tr("Reading notifications"), latest="list", write=mark_read
        )

    def _on_hub_changed(self, changes: Changes) -> None:
        if self.isVisible() and (
            changes.everything or sla.NOTIFICATIONS_CHANGED in changes.settings
        ):
            self.reload(mark_read=self.isActiveWindow())

    def _show(self, found: list) -> None:
        current = self.list.currentRow()
        self.list.clear()
        self._fresh |= {n.id for n in found if n.unread}
        for n in found:
            item = QListWidgetItem(
                notification_text(n.kind, n.ticket_id, dict(n.data), n.created_at)
                + "\n"
                + tr("Sent {time}").format(time=full_time(n.created_at))
            )
            item.setData(TICKET_ROLE, n.ticket_id)
            item.setData(UNREAD_ROLE, n.id in self._fresh)
            if n.id in self._fresh:
                item.setFont(self._bold)
            self.list.addItem(item)
        self.list.setVisible(bool(found))
        self.empty.setVisible(not found)
        self.open_button.setEnabled(bool(found))
        if found:
            self.list.setCurrentRow(min(max(current, 0), len(found) - 1))
            self.list.setFocus()

    def _open_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._on_list_item_activated(item)

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        self.ticketChosen.emit(int(item.data(TICKET_ROLE)))
        self.accept()

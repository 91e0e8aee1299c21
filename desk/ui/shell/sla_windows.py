"""The window's service-level parts: the notifications button in the status bar and the
list it opens, and the housekeeping sweep this Desk takes its turn at."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ..notifications.notification_list import NotificationButton, NotificationList
from .housekeeping import Housekeeper

if TYPE_CHECKING:
    from .main_window import MainWindow


class SlaWindows(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.button = NotificationButton(window.session, window.ops, window.hub)
        window.status.insertPermanentWidget(0, self.button)
        self.button.clicked.connect(self.show_notifications)
        self.notifications: NotificationList | None = None
        self.housekeeper = Housekeeper(window.session.db, window.runner, self)
        window.monitor.writableChanged.connect(self.housekeeper.set_writable)
        self.housekeeper.start()

    def show_notifications(self) -> NotificationList:
        w = self._window
        if self.notifications is None:
            self.notifications = NotificationList(w.session, w.ops, w.hub, w)
            self.notifications.ticketChosen.connect(w.ticket_pane.open)
        self.notifications.open_and_read()
        return self.notifications

    def set_session(self, session) -> None:
        self.button.set_session(session)

    def stop(self) -> None:
        self.housekeeper.stop()

"""The window's service-level parts: the notifications button in the status bar and the
list it opens, the housekeeping sweep this Desk takes its turn at, and Administration ›
Service levels… (business hours, SLA plans, auto-close) in a window of its own until the
Administration window takes its pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ..notifications.notification_list import NotificationButton, NotificationList
from .housekeeping import Housekeeper

if TYPE_CHECKING:
    from ..admin.service_levels import ServiceLevelsWindow
    from .main_window import MainWindow


class SlaWindows(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.button = NotificationButton(window.session, window.ops, window.hub)
        window.status.insertPermanentWidget(0, self.button)
        self.button.clicked.connect(self.show_notifications)
        self.notifications: NotificationList | None = None
        self.service_levels: ServiceLevelsWindow | None = None
        self.housekeeper = Housekeeper(window.session.db, window.runner, self)
        window.monitor.writableChanged.connect(self.housekeeper.set_writable)
        self.button.recount()
        self.housekeeper.start()

    def show_notifications(self) -> NotificationList:
        w = self._window
        if self.notifications is None:
            self.notifications = NotificationList(w.session, w.ops, w.hub, w)
            self.notifications.ticketChosen.connect(w.ticket_pane.open)
        self.notifications.open_and_read()
        return self.notifications

    def show_service_levels(self) -> ServiceLevelsWindow:
        from ..admin.service_levels import ServiceLevelsWindow

        w = self._window
        if self.service_levels is None:
            self.service_levels = ServiceLevelsWindow(w.session, w.hub, w)
        self.service_levels.show()
        self.service_levels.raise_()
        self.service_levels.activateWindow()
        return self.service_levels

    def set_session(self, session) -> None:
        self.button.set_session(session)

    def stop(self) -> None:
        self.housekeeper.stop()

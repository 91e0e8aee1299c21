"""View › Dashboard: the supervisor's dashboard in a window of its own beside the main
window (tickets drag from one to the other), made on first use; a count chosen on it
opens that queue in the main window's list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desk.domain.measures import Measure

from ..common.session import DeskSession

if TYPE_CHECKING:
    from ..dashboard.dashboard_window import DashboardWindow
    from .main_window import MainWindow


class DashboardDoor:
    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.dashboard: DashboardWindow | None = None

    def open(self) -> None:
        from ..dashboard.dashboard_window import DashboardWindow

        window = self._window
        if self.dashboard is None:
            self.dashboard = DashboardWindow(window.session, window.ops, window.hub, window)
            self.dashboard.queueRequested.connect(self._on_dashboard_queue_requested)
        self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.activateWindow()

    def set_session(self, session: DeskSession) -> None:
        if self.dashboard is not None:
            self.dashboard.set_session(session)

    def _on_dashboard_queue_requested(
        self, title: str, measure: Measure, team_id: int | None, assignee_id: int | None
    ) -> None:
        self._window.queues.show_measure(title, measure, team_id=team_id, assignee_id=assignee_id)
        self._window.activateWindow()

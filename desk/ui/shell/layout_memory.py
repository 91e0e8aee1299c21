"""The window's layout, remembered in the settings between runs: its size and place, the
panes' widths, the ticket's split, and the queue table's columns (order and widths).

Each agent's own, per desk (`agent_prefix`): on a counter PC that agents share, the next
agent to sign in gets their layout, not the last one's."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from desk.services import desk_settings

from ..common.session import DeskSession
from ..queues.queue_pane import TABLE_MIN_WIDTH

QUEUES_MIN_WIDTH = 140
DEFAULT_SIZE = (1500, 900)


class LayoutMemory:
    def __init__(
        self,
        settings: QSettings,
        window: QMainWindow,
        panes: QSplitter,
        ticket: QSplitter,
        columns: QHeaderView,
        prefix: str = "",
    ) -> None:
        self._settings = settings
        self._prefix = prefix
        self._window, self._panes = window, panes
        self._parts: dict[str, tuple[Callable[[], QByteArray], Callable[[QByteArray], object]]] = {
            "window/geometry": (window.saveGeometry, window.restoreGeometry),
            "window/state": (window.saveState, window.restoreState),
            "window/mainSplitter": (panes.saveState, panes.restoreState),
            "window/detailSplitter": (ticket.saveState, ticket.restoreState),
            "window/queueColumns": (columns.saveState, columns.restoreState),
        }

    def restore(self) -> None:
        """The layout of the last run; a first run's from the window's size."""
        for key, (_save, restore) in self._parts.items():
            if (value := self._stored(key)) is not None:
                restore(value)
        if self._stored("window/geometry") is None:
            self._window.resize(*DEFAULT_SIZE)
        if self._stored("window/mainSplitter") is None:
            self._panes.setSizes(default_pane_widths(self._panes, self._window.width()))

    def save(self) -> None:
        for key, (save, _restore) in self._parts.items():
            self._settings.setValue(self._prefix + key, save())
        self._settings.sync()

    def _stored(self, key: str) -> QByteArray | None:
        value = self._settings.value(self._prefix + key)
        return QByteArray(value) if isinstance(value, QByteArray | bytes) else None


def agent_prefix(session: DeskSession) -> str:
    """Where the agent's layout on this desk is kept in the settings."""
    return f"agents/{desk_settings.desk_id(session.db)}-{session.agent_id}/"


def default_pane_widths(panes: QSplitter, width: int) -> list[int]:
    """Queues, table and ticket for a window `width` wide: the queues take what their
    names need, the table three fifths of the rest, the ticket at least its minimum."""
    ticket = panes.widget(2)
    queues_width = max(QUEUES_MIN_WIDTH, min(200, width // 7))
    rest = width - queues_width - 2 * panes.handleWidth()
    ticket_width = max(ticket.minimumSizeHint().width(), int(rest * 0.4))
    return [queues_width, max(TABLE_MIN_WIDTH, rest - ticket_width), ticket_width]

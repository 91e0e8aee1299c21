"""The dashboard's two tables: each team's queue counts and each agent's load.

A count is a door: a click (or Enter on it) asks for exactly the queue it counted. Rows
take dropped tickets: onto an agent to assign them, onto a team to transfer them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desk.domain.dashboard import AgentLoad, Measure, TeamLoad
from desk.domain.model import Availability

from ..common.labels import availability_label, tr, when
from ..common.style import is_dark
from ..common.ticket_drag import DraggedTicket, tickets_from

AnyIndex = QModelIndex | QPersistentModelIndex
MEASURE_ROLE = Qt.ItemDataRole.UserRole + 1  # the Measure a count cell counts, or None
LOAD_ROLE = Qt.ItemDataRole.UserRole + 2  # (open, capacity) for the load bar


def age(since: datetime | None, now: datetime) -> str:
    """How long ago, shortly: 45 min, 3 h, 2 d."""
    if since is None:
        return "—"
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 1:
        return tr("just now")
    if minutes < 60:
        return tr("{n} min").format(n=minutes)
    if minutes < 48 * 60:
        return tr("{n} h").format(n=minutes // 60)
    return tr("{n} d").format(n=minutes // (24 * 60))


class _LoadModel(QAbstractTableModel):
    """Lines of counts, replaced whole by each read; the same lines again keep the
    selection and the focus (only their cells change)."""

    COLUMNS: tuple[tuple[str, Measure | None], ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: tuple[Any, ...] = ()
        self.now = datetime.now(UTC)

    def set_lines(self, lines: Sequence[Any], now: datetime) -> None:
        self.now = now
        if [self.key(x) for x in lines] == [self.key(x) for x in self.lines]:
            self.lines = tuple(lines)
            if lines:
                last = self.index(len(lines) - 1, len(self.COLUMNS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self.lines = tuple(lines)
        self.endResetModel()

    @staticmethod
    def key(line: Any) -> object:
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(self.COLUMNS[section][0])
        if role == Qt.ItemDataRole.TextAlignmentRole:  # over their numbers, or their names
            side = (
                Qt.AlignmentFlag.AlignRight
                if self.COLUMNS[section][1]
                else Qt.AlignmentFlag.AlignLeft
            )
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None


class TeamLoadModel(_LoadModel):
    COLUMNS: tuple[tuple[str, Measure | None], ...] = (
        ("Team", None),
        ("Unassigned", Measure.UNASSIGNED),
        ("Open", Measure.OPEN),
        ("Pending", Measure.PENDING),
        ("At risk", Measure.AT_RISK),
        ("Overdue", Measure.OVERDUE),
        ("Oldest unassigned", None),
    )

    @property
    def teams(self) -> tuple[TeamLoad, ...]:
        return self.lines

    @staticmethod
    def key(line: TeamLoad) -> object:
        return line.team_id

    def set_teams(self, teams: Sequence[TeamLoad], now: datetime) -> None:
        self.set_lines(teams, now)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        team = self.teams[index.row()] if index.isValid() else None
        return base | Qt.ItemFlag.ItemIsDropEnabled if team and team.team_id else base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        team = self.teams[index.row()]
        title, measure = self.COLUMNS[index.column()]
        if role == MEASURE_ROLE:
            return measure if team.team_id is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return team.name
            if measure is not None:
                return f"{team.count(measure):,}"
            return age(team.oldest_unassigned, self.now)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        breach = measure in (Measure.OVERDUE, Measure.AT_RISK)
        if role == Qt.ItemDataRole.ForegroundRole and breach and team.count(measure):
            assert measure is not None
            return QColor("#d13438") if measure == Measure.OVERDUE else QColor("#d9822b")
        if role == Qt.ItemDataRole.ToolTipRole and measure is not None:
            return tr("Open the queue: {team}, {what}").format(
                team=team.name, what=tr(title).lower()
            )
        return None


class AgentLoadModel(_LoadModel):
    COLUMNS: tuple[tuple[str, Measure | None], ...] = (
        ("Agent", None),
        ("Availability", None),
        ("Open", Measure.OPEN),
        ("Pending", Measure.PENDING),
        ("Overdue", Measure.OVERDUE),
        ("Due today", Measure.DUE_TODAY),
        ("Load", None),
        ("Last activity", None),
    )
    LOAD_COLUMN = 6

    @property
    def agents(self) -> tuple[AgentLoad, ...]:
        return self.lines

    @staticmethod
    def key(line: AgentLoad) -> object:
        return line.agent_id

    def set_agents(self, agents: Sequence[AgentLoad], now: datetime) -> None:
        self.set_lines(agents, now)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDropEnabled
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        agent = self.agents[index.row()]
        column = index.column()
        title, measure = self.COLUMNS[column]
        if role == MEASURE_ROLE:
            return measure
        if role == LOAD_ROLE:
            return (agent.open, agent.capacity)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return agent.name
            if column == 1:
                text = availability_label(agent.availability)
                if agent.availability == Availability.AWAY and agent.away_until is not None:
                    text = tr("Away until {when}").format(when=when(agent.away_until, self.now))
                return text
            if measure is not None:
                return f"{agent.count(measure):,}"
            if column == self.LOAD_COLUMN:
                if agent.capacity is None:
                    return tr("{open} (no limit)").format(open=agent.open)
                return f"{agent.open} / {agent.capacity}"
            return age(agent.last_activity, self.now) if agent.last_activity else tr("never")
        if role == Qt.ItemDataRole.TextAlignmentRole and measure is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 1 and agent.availability != Availability.AVAILABLE:
                return QColor("#b35c00")
            if measure == Measure.OVERDUE and agent.overdue:
                return QColor("#d13438")
        if role == Qt.ItemDataRole.ToolTipRole:
            if measure is not None:
                return tr("Open the queue: {agent}, {what}").format(
                    agent=agent.name, what=tr(title).lower()
                )
            if column == 7 and agent.last_activity:
                return tr("Last wrote to a ticket at {when}").format(when=when(agent.last_activity))
        return None


class LoadBarDelegate(QStyledItemDelegate):
    """Open tickets against capacity as a bar: green, amber from 80 %, red when full."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        open_, capacity = index.data(LOAD_ROLE)
        super().paint(painter, option, index)
        if capacity is None:
            return
        share = 1.0 if capacity == 0 else min(1.0, open_ / capacity)
        dark = is_dark(option.palette)
        colour = "#2e8540" if share < 0.8 else ("#d9822b" if share < 1.0 else "#d13438")
        track = QColor("#353c45" if dark else "#e6e9ee")
        rect = QRect(option.rect.adjusted(6, option.rect.height() - 7, -6, -3))
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(rect, 2, 2)
        filled = QRect(rect)
        filled.setWidth(int(rect.width() * share))
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(filled, 2, 2)
        painter.restore()


class LoadTable(QTableView):
    """A table of counts: click or Enter on a count opens its queue; rows take dropped
    tickets (which row, and the tickets, go to `ticketsDropped`)."""

    #: (row, measure) of a count chosen.
    countChosen = Signal(int, object)
    #: (row, [(ticket id, version)]) dropped onto a row.
    ticketsDropped = Signal(int, list)

    def __init__(
        self, model: QAbstractTableModel, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(28)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 170)
        header.setMinimumSectionSize(70)
        last = model.columnCount() - 1
        header.setSectionResizeMode(last, QHeaderView.ResizeMode.ResizeToContents)
        self.clicked.connect(self._on_clicked)
        self._drop_row = -1
        model.modelReset.connect(self.updateGeometry)

    def rows_height(self) -> int:
        """The height that shows every row without scrolling (the teams: a handful)."""
        rows = self.model().rowCount()
        return self.horizontalHeader().sizeHint().height() + rows * 28 + 2 * self.frameWidth()

    def _on_clicked(self, index: QModelIndex) -> None:
        measure = index.data(MEASURE_ROLE)
        if measure is not None:
            self.countChosen.emit(index.row(), measure)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._on_clicked(self.currentIndex())
            return
        super().keyPressEvent(event)

    # --- drops ------------------------------------------------------------------------------

    def _row_for(self, event: QDragMoveEvent | QDropEvent) -> int:
        index = self.indexAt(event.position().toPoint())
        if not index.isValid() or not (index.flags() & Qt.ItemFlag.ItemIsDropEnabled):
            return -1
        return index.row()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if tickets_from(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        row = self._row_for(event)
        if row >= 0 and tickets_from(event.mimeData()):
            event.acceptProposedAction()
            if row != self._drop_row:
                self._drop_row = row
                self.selectRow(row)  # the row the tickets would go to, lit
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self._drop_row = -1
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        row = self._row_for(event)
        dropped: list[DraggedTicket] = tickets_from(event.mimeData())
        self._drop_row = -1
        if row < 0 or not dropped:
            event.ignore()
            return
        event.acceptProposedAction()
        self.ticketsDropped.emit(row, dropped)

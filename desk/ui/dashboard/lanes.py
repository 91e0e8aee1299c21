"""The dashboard's lanes: tickets waiting for someone, and tickets at risk or overdue.

Each line is a ticket (number, subject, team, how long it waited or how late it is).
Choose one or several and drag them onto an agent or a team, or press M and type a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from desk.domain.queues import QueueRow

from ..common.labels import tr
from ..common.ticket_drag import DraggedTicket, start_ticket_drag
from .load_tables import age

AnyIndex = QModelIndex | QPersistentModelIndex
TICKET_ROLE = Qt.ItemDataRole.UserRole + 1


class LaneModel(QAbstractListModel):
    def __init__(self, breaches: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.breaches = breaches
        self.rows: tuple[QueueRow, ...] = ()
        self.now = datetime.now(UTC)

    def set_rows(self, rows: Sequence[QueueRow], now: datetime) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.now = now
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == TICKET_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.number}  {row.subject}\n{self._detail(row)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.number} · {row.subject}\n{row.customer_name}"
        late = row.due_at is not None and row.due_at < self.now
        if role == Qt.ItemDataRole.ForegroundRole and self.breaches and late:
            return QColor("#d13438")
        return None

    def _detail(self, row: QueueRow) -> str:
        team = row.team_name or tr("No team")
        if not self.breaches:
            return tr("{team} · waiting {age}").format(team=team, age=age(row.created_at, self.now))
        who = row.assignee_name or tr("unassigned")
        if row.due_at is not None and row.due_at < self.now:
            late = age(row.due_at, self.now)
            return tr("{team} · {who} · overdue by {late}").format(team=team, who=who, late=late)
        soon = age(self.now, row.due_at) if row.due_at else "—"
        return tr("{team} · {who} · due in {soon}").format(team=team, who=who, soon=soon)


class LaneView(QListView):
    """A lane: choose tickets, drag them away, or press M to move them by name."""

    #: The chosen tickets are to be moved by name (the M key).
    moveRequested = Signal(list)

    def __init__(self, model: LaneModel, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setUniformItemSizes(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSpacing(2)

    def chosen(self) -> list[DraggedTicket]:
        rows = sorted(i.row() for i in self.selectionModel().selectedIndexes())
        tickets = [self.model().index(r, 0).data(TICKET_ROLE) for r in rows]
        return [(t.id, t.version) for t in tickets if t is not None]

    def startDrag(self, supported: Qt.DropAction) -> None:
        start_ticket_drag(self, self.chosen())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_M and not event.modifiers() and self.chosen():
            self.moveRequested.emit(self.chosen())
            return
        super().keyPressEvent(event)


class Lane(QWidget):
    """A lane's heading (its name and how many there are in all) above its list."""

    def __init__(
        self, title: str, breaches: bool, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.model = LaneModel(breaches, self)
        self.view = LaneView(self.model, name)
        self.heading = QLabel(title, objectName="laneHeading")
        self.heading.setBuddy(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)

    def show_rows(self, rows: Sequence[QueueRow], total: int, now: datetime) -> None:
        chosen = {t for t, _v in self.view.chosen()}
        self.model.set_rows(rows, now)
        for r, row in enumerate(rows):  # the chosen tickets stay chosen across a refresh
            if row.id in chosen:
                self.view.selectionModel().select(
                    self.model.index(r, 0), self.view.selectionModel().SelectionFlag.Select
                )
        shown = len(rows)
        count = (
            f"{total:,}"
            if total == shown
            else tr("{shown} of {total}").format(shown=shown, total=f"{total:,}")
        )
        self.heading.setText(f"{self.title}  ·  {count}")

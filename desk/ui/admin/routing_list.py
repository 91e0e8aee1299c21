"""The ordered list of routing rules: each with its tick (on or off), its name and its
sentence; Alt+Up / Alt+Down or a drag move a rule, Space switches it on or off."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractItemView, QApplication, QListView, QWidget

from desk.services.routing_rules import RuleView

from ..common.labels import tr

Index = QModelIndex | QPersistentModelIndex


class RuleListModel(QAbstractListModel):
    """The rules in the order they are tried."""

    #: The admin ticked or unticked a rule (by mouse): its id and whether it is on now.
    enableRequested = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rules: list[RuleView] = []

    def set_rules(self, rules: Sequence[RuleView]) -> None:
        self.beginResetModel()
        self.rules = list(rules)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rules)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rules):
            return None
        view = self.rules[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row() + 1}. {view.rule.name}\n{view.sentence}"
        if role == Qt.ItemDataRole.ToolTipRole:
            state = tr("On") if view.rule.enabled else tr("Off (not tried)")
            return f"{view.sentence}\n{state}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if view.rule.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and not view.rule.enabled:
            return QColor("#8a929c")
        if role == Qt.ItemDataRole.UserRole:
            return view.rule.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        view = self.rules[index.row()]
        on = Qt.CheckState(value) == Qt.CheckState.Checked
        if view.rule.id is not None and on != view.rule.enabled:
            self.enableRequested.emit(view.rule.id, on)
        return False  # the list changes when the database says so

    def move(self, source: int, target: int) -> list[int]:
        """Move row `source` to row `target` (here and now, before the database hears of
        it); the ids in their new order."""
        if source == target or not (0 <= source < len(self.rules)):
            return self.ids()
        target = max(0, min(target, len(self.rules) - 1))
        destination = target + 1 if target > source else target
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), destination)
        self.rules.insert(target, self.rules.pop(source))
        self.endMoveRows()
        first, last = min(source, target), max(source, target)
        self.dataChanged.emit(self.index(first), self.index(last))  # the numbers moved
        return self.ids()

    def ids(self) -> list[int]:
        return [v.rule.id for v in self.rules if v.rule.id is not None]

    def row_of(self, rule_id: int | None) -> int | None:
        return next((n for n, v in enumerate(self.rules) if v.rule.id == rule_id), None)


class RuleListView(QListView):
    """The rules; keys and a drag reorder them (the owner saves the order)."""

    #: Move the rule at this row to that row.
    moveRequested = Signal(int, int)
    #: Switch the rule at this row on or off (Space).
    toggleRequested = Signal(int)
    #: Delete the rule at this row (Delete).
    deleteRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleList")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setSpacing(2)
        self.setAlternatingRowColors(True)
        self.setDragEnabled(False)  # the drag below moves rows without a drag-and-drop loop
        self.setAccessibleName(tr("Routing rules, in the order they are tried"))
        self._press: tuple[int, QPoint] | None = None
        #: While dragging: the row the rule would land on.
        self.drop_row: int | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row()
        alt = event.modifiers() == Qt.KeyboardModifier.AltModifier
        if row >= 0 and alt and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            target = row - 1 if event.key() == Qt.Key.Key_Up else row + 1
            if 0 <= target < self.model().rowCount():
                self.moveRequested.emit(row, target)
            event.accept()
            return
        if row >= 0 and event.key() == Qt.Key.Key_Space and not event.modifiers():
            self.toggleRequested.emit(row)
            event.accept()
            return
        if row >= 0 and event.key() == Qt.Key.Key_Delete and not event.modifiers():
            self.deleteRequested.emit(row)
            event.accept()
            return
        super().keyPressEvent(event)

    # --- the drag -------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        index = self.indexAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index.isValid():
            self._press = (index.row(), event.position().toPoint())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            super().mouseMoveEvent(event)
            return
        _row, start = self._press
        pos = event.position().toPoint()
        if self.drop_row is None and (pos - start).manhattanLength() < (
            QApplication.startDragDistance()
        ):
            return
        self.drop_row = self._row_at(pos)
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        pressed, target = self._press, self.drop_row
        self._press, self.drop_row = None, None
        self.viewport().update()
        if pressed is not None and target is not None:
            if target != pressed[0]:
                self.moveRequested.emit(pressed[0], target)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _row_at(self, pos: QPoint) -> int:
        count = self.model().rowCount()
        index = self.indexAt(pos)
        if not index.isValid():
            return count - 1 if pos.y() > 0 else 0
        return index.row()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.drop_row is None or self._press is None:
            return
        rect = self.visualRect(self.model().index(self.drop_row, 0))
        y = rect.bottom() if self.drop_row > self._press[0] else rect.top()
        painter = QPainter(self.viewport())
        painter.setPen(QPen(self.palette().highlight().color(), 2))
        painter.drawLine(rect.left(), y, rect.right(), y)

"""Qt for Python must not lose references to None: a window open all day would crash."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


class _Blank(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        return 1

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


def test_reading_none_through_qt_keeps_none_alive(qapp):
    model = _Blank()
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(2000):
        index.data(Qt.ItemDataRole.ToolTipRole)
    # PySide6 6.12.0 drops one reference per call (-2000 here) and eventually aborts.
    assert sys.getrefcount(None) - before > -100

"""Dragging with the mouse in offscreen tests.

The press and the moves are real mouse events on the source, so the view starts its drag
as Qt decides (past the drag distance, with the rows chosen). Qt's offscreen platform then
runs no drag loop (its QDrag.exec returns at once), so `FakeDrag` stands in for the
platform: it delivers the drag's own QMimeData to the widget under the release point as
enter, move and drop events, as the platform would.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desk.ui.common import ticket_drag


class FakeDrag:
    """Where the mouse will be released; a QDrag that drops there."""

    target: QWidget | None = None
    at: QPoint = QPoint()
    result: Qt.DropAction | None = None
    started = 0

    def __init__(self, source: QWidget) -> None:
        self.source = source
        self.mime: QMimeData | None = None

    def setMimeData(self, mime: QMimeData) -> None:
        self.mime = mime

    def setPixmap(self, _pixmap) -> None:
        pass

    def setHotSpot(self, _point) -> None:
        pass

    def exec(self, actions: Qt.DropAction) -> Qt.DropAction:
        cls = type(self)
        cls.started += 1
        target, at = cls.target, QPointF(cls.at)
        assert target is not None and self.mime is not None
        buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        enter = QDragEnterEvent(at.toPoint(), actions, self.mime, buttons, mods)
        QApplication.sendEvent(target, enter)
        if not enter.isAccepted():
            cls.result = Qt.DropAction.IgnoreAction
            return cls.result
        move = QDragMoveEvent(at.toPoint(), actions, self.mime, buttons, mods)
        QApplication.sendEvent(target, move)
        if not move.isAccepted():
            cls.result = Qt.DropAction.IgnoreAction
            return cls.result
        drop = QDropEvent(at, actions, self.mime, buttons, mods)
        QApplication.sendEvent(target, drop)
        cls.result = drop.dropAction() if drop.isAccepted() else Qt.DropAction.IgnoreAction
        return cls.result


def drag(
    monkeypatch, source: QWidget, start: QPoint, target: QWidget, end: QPoint, *, modifiers=None
) -> Qt.DropAction | None:
    """Press on `source` at `start`, move past the drag distance, release over `target`
    at `end` (both points in those widgets' own coordinates: pass viewports of views)."""
    monkeypatch.setattr(ticket_drag, "QDrag", FakeDrag)
    FakeDrag.target, FakeDrag.at, FakeDrag.result = target, end, None
    before = FakeDrag.started
    mods = modifiers or Qt.KeyboardModifier.NoModifier
    QTest.mousePress(source, Qt.MouseButton.LeftButton, mods, start)
    step = QApplication.startDragDistance() + 4
    QTest.mouseMove(source, start + QPoint(step // 2, 1))
    QTest.mouseMove(source, start + QPoint(step, 2))
    QTest.mouseMove(source, start + QPoint(step * 2, 3))
    QTest.mouseRelease(source, Qt.MouseButton.LeftButton, mods, start + QPoint(step * 2, 3))
    assert FakeDrag.started == before + 1, "the view did not start a drag"
    return FakeDrag.result

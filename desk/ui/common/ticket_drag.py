"""Tickets dragged between views: the queue table and the dashboard's lanes start a drag
of the chosen tickets; the dashboard's agents and teams take the drop.

What travels is each ticket's id and the version the supervisor saw, so a ticket someone
changed meanwhile is refused by the version check instead of being moved blind.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QColor, QDrag, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

from desk.domain.ticket import format_number

from .labels import tr

TICKETS_MIME = "application/x-desk-tickets"

DraggedTicket = tuple[int, int]  # ticket id, the version seen


def tickets_mime(tickets: Sequence[DraggedTicket]) -> QMimeData:
    mime = QMimeData()
    mime.setData(TICKETS_MIME, json.dumps([[int(i), int(v)] for i, v in tickets]).encode())
    mime.setText(", ".join(format_number(i) for i, _v in tickets))  # pasted elsewhere: numbers
    return mime


def tickets_from(mime: QMimeData | None) -> list[DraggedTicket]:
    """The dragged tickets, or [] for anything else (text, files, a malformed payload)."""
    if mime is None or not mime.hasFormat(TICKETS_MIME):
        return []
    try:
        data = json.loads(bytes(mime.data(TICKETS_MIME).data()).decode())
        return [(int(i), int(v)) for i, v in data]
    except (ValueError, TypeError):
        return []


def drag_label(count: int) -> str:
    return tr("1 ticket") if count == 1 else tr("{count} tickets").format(count=count)


def start_ticket_drag(source: QWidget, tickets: Sequence[DraggedTicket]) -> Qt.DropAction:
    """Drag `tickets` from `source` under a small badge saying how many."""
    if not tickets:
        return Qt.DropAction.IgnoreAction
    drag = QDrag(source)
    drag.setMimeData(tickets_mime(tickets))
    drag.setPixmap(_badge(source, drag_label(len(tickets))))
    drag.setHotSpot(QPoint(-12, -12))
    return drag.exec(Qt.DropAction.MoveAction)


def _badge(source: QWidget, text: str) -> QPixmap:
    metrics = QFontMetrics(source.font())
    width, height = metrics.horizontalAdvance(text) + 20, metrics.height() + 10
    ratio = source.devicePixelRatioF()
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#2f6fd6"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(0, 0, width, height, height / 2, height / 2)
    painter.setPen(QColor("#ffffff"))
    painter.setFont(source.font())
    painter.drawText(0, 0, width, height, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap

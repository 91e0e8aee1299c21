"""Charts drawn with QPainter: line, bar and stacked bar, for the dashboard and reports.

A chart is data (`ChartData`: categories along the bottom, one or more `Series` of
values) drawn by `paint_chart` onto any QPainter -- a widget, a QImage, a QPdfWriter page --
in the colours of `chart_colours(dark)`. `ChartView` is the widget: hover shows the value
under the mouse, the arrow keys walk the bars (or points) and Enter or a click emits
`barClicked(series, index)`.

Our own module rather than a library: QtCharts lives in PySide6-Addons (a wheel of a few
hundred MB next to Essentials), pyqtgraph needs numpy (~30 MB in the Windows folder) and
matplotlib needs numpy and more and takes a second to import. Three small chart kinds of
a few dozen points each are a few hundred lines of QPainter, draw in well under a
millisecond, follow Desk's theme and print through the same code path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from .labels import tr
from .style import DARK, LIGHT, is_dark


class ChartKind(StrEnum):
    LINE = "line"
    BAR = "bar"  # the series side by side in each category
    STACKED = "stacked"  # the series on top of each other in each category


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    colour: str | None = None  # "#rrggbb"; None takes the next colour of the theme's set


@dataclass(frozen=True)
class ChartData:
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    title: str = ""
    y_label: str = ""
    kind: ChartKind = ChartKind.BAR

    def value(self, series: int, index: int) -> float:
        values = self.series[series].values
        return values[index] if index < len(values) else 0.0

    @property
    def is_empty(self) -> bool:
        return not self.categories or not self.series


@dataclass(frozen=True)
class ChartColours:
    background: str
    text: str
    muted: str
    grid: str
    axis: str
    focus: str
    series: tuple[str, ...] = field(default_factory=tuple)


# Picked to be told apart by most colour-blind readers (after Okabe & Ito), a little
# brighter on dark backgrounds.
_LIGHT_SERIES = ("#2f6fd6", "#e08a00", "#2e8540", "#c62828", "#7b4fc9", "#00838f", "#8d6e63")
_DARK_SERIES = ("#5b9bf0", "#f0a24b", "#5cc27a", "#ef6b6b", "#a98be8", "#4cc3cc", "#bca08f")


def chart_colours(dark: bool) -> ChartColours:
    theme = DARK if dark else LIGHT
    return ChartColours(
        background=theme["surface"],
        text=theme["text"],
        muted=theme["muted"],
        grid=theme["rowLine"],
        axis=theme["border"],
        focus=theme["accent"],
        series=_DARK_SERIES if dark else _LIGHT_SERIES,
    )


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round values from 0 up to at least `top` for the y axis (steps of 1, 2 or 5 x 10^n)."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1 and top >= 1:
        step = 1.0
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class Mark:
    """One bar, stacked segment or line point, where it was drawn."""

    series: int
    index: int
    rect: QRectF  # for a point: a square around it, to hover and click


@dataclass(frozen=True)
class ChartLayout:
    plot: QRectF
    marks: tuple[Mark, ...]
    ticks: tuple[float, ...]
    legend: tuple[tuple[int, QRectF], ...]


_FOCUS_NONE = (-1, -1)


class ChartGeometry:
    """Where everything of a chart goes in a rectangle: shared by painting and hit tests."""

    def __init__(self, data: ChartData, rect: QRectF, font: QFont) -> None:
        self.data = data
        self.rect = rect
        self.font = font
        self.metrics = QFontMetricsF(font)
        self.layout = self._lay_out()

    def top_value(self) -> float:
        data = self.data
        if data.is_empty:
            return 0.0
        n = len(data.categories)
        if data.kind == ChartKind.STACKED:
            return max(
                (
                    sum(max(0.0, data.value(s, i)) for s in range(len(data.series)))
                    for i in range(n)
                ),
                default=0.0,
            )
        return max(
            (data.value(s, i) for s in range(len(data.series)) for i in range(n)), default=0.0
        )

    def _lay_out(self) -> ChartLayout:
        data, fm, r = self.data, self.metrics, self.rect
        line = fm.height()
        pad = line * 0.5
        top = r.top() + pad
        if data.title:
            top += line * 1.3
        legend: list[tuple[int, QRectF]] = []
        if len(data.series) > 1:
            x = r.left() + pad
            for s, series in enumerate(data.series):
                width = line * 0.9 + fm.horizontalAdvance(series.name) + line
                if x + width > r.right() - pad and x > r.left() + pad:
                    x = r.left() + pad
                    top += line * 1.2
                legend.append((s, QRectF(x, top, width, line)))
                x += width
            top += line * 1.4
        ticks = nice_ticks(self.top_value())
        y_label_width = max(fm.horizontalAdvance(_number(t)) for t in ticks)
        left = r.left() + pad + y_label_width + pad
        if data.y_label:
            left += line * 1.2
        bottom = r.bottom() - pad - line * 1.4
        plot = QRectF(QPointF(left, top + line * 0.5), QPointF(r.right() - pad, bottom))
        if plot.width() < 10 or plot.height() < 10:
            return ChartLayout(plot, (), tuple(ticks), tuple(legend))
        return ChartLayout(plot, tuple(self._marks(plot, ticks[-1])), tuple(ticks), tuple(legend))

    def y_of(self, plot: QRectF, value: float, top: float) -> float:
        return plot.bottom() - plot.height() * (value / top if top else 0.0)

    def _marks(self, plot: QRectF, top: float) -> list[Mark]:
        data = self.data
        n = len(data.categories)
        if data.is_empty:
            return []
        slot = plot.width() / n
        marks: list[Mark] = []
        if data.kind == ChartKind.LINE:
            half = max(4.0, min(slot / 2, 8.0))
            for s in range(len(data.series)):
                for i in range(n):
                    x = plot.left() + slot * (i + 0.5)
                    y = self.y_of(plot, data.value(s, i), top)
                    marks.append(Mark(s, i, QRectF(x - half, y - half, half * 2, half * 2)))
            return marks
        # A few wide categories keep slim bars, centred in their slot.
        gap = max(slot * 0.2, slot - self.metrics.height() * 3 * len(data.series))
        if data.kind == ChartKind.STACKED:
            gap = max(slot * 0.2, slot - self.metrics.height() * 3)
            for i in range(n):
                base = 0.0
                x = plot.left() + slot * i + gap / 2
                for s in range(len(data.series)):
                    value = max(0.0, data.value(s, i))
                    y0 = self.y_of(plot, base, top)
                    y1 = self.y_of(plot, base + value, top)
                    marks.append(Mark(s, i, QRectF(x, y1, slot - gap, y0 - y1)))
                    base += value
            return marks
        width = (slot - gap) / len(data.series)
        for i in range(n):
            for s in range(len(data.series)):
                x = plot.left() + slot * i + gap / 2 + width * s
                y = self.y_of(plot, max(0.0, data.value(s, i)), top)
                marks.append(Mark(s, i, QRectF(x, y, width, plot.bottom() - y)))
        return marks

    def mark_at(self, point: QPointF) -> Mark | None:
        """The bar or point under `point`; for bars, anywhere in the bar's column counts
        when the bar is too short to aim at."""
        for mark in self.layout.marks:
            if mark.rect.contains(point):
                return mark
        plot = self.layout.plot
        if self.data.kind == ChartKind.BAR and plot.contains(point):
            for mark in self.layout.marks:
                if mark.rect.left() <= point.x() <= mark.rect.right() and mark.rect.height() < 6:
                    return mark
        return None


def paint_chart(
    painter: QPainter,
    rect: QRectF,
    data: ChartData,
    colours: ChartColours,
    *,
    font: QFont | None = None,
    focus: tuple[int, int] = _FOCUS_NONE,
    hover: tuple[int, int] = _FOCUS_NONE,
) -> ChartGeometry:
    """Draw `data` into `rect` of any painter (a widget, an image, a PDF page)."""
    font = font or painter.font()
    painter.save()
    painter.setFont(font)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    geometry = ChartGeometry(data, rect, font)
    layout, fm = geometry.layout, geometry.metrics
    painter.fillRect(rect, QColor(colours.background))
    line = fm.height()
    pad = line * 0.5
    text, muted = QColor(colours.text), QColor(colours.muted)
    if data.title:
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(
            QRectF(rect.left() + pad, rect.top() + pad, rect.width() - 2 * pad, line * 1.2),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            data.title,
        )
        painter.setFont(font)
    for s, box in layout.legend:
        swatch = QRectF(box.left(), box.center().y() - line * 0.3, line * 0.6, line * 0.6)
        painter.fillRect(swatch, _series_colour(data, colours, s))
        painter.setPen(muted)
        painter.drawText(
            box.adjusted(line * 0.9, 0, 0, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            data.series[s].name,
        )
    plot = layout.plot
    if data.is_empty or plot.width() < 10 or plot.height() < 10:
        painter.setPen(muted)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, tr("Nothing to show yet"))
        painter.restore()
        return geometry
    top = layout.ticks[-1]
    for tick in layout.ticks:
        y = geometry.y_of(plot, tick, top)
        painter.setPen(QPen(QColor(colours.grid if tick else colours.axis), 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(muted)
        painter.drawText(
            QRectF(rect.left(), y - line / 2, plot.left() - rect.left() - pad, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            _number(tick),
        )
    if data.y_label:
        painter.save()
        painter.translate(rect.left() + pad + line * 0.5, plot.center().y())
        painter.rotate(-90)
        painter.setPen(muted)
        painter.drawText(
            QRectF(-plot.height() / 2, -line / 2, plot.height(), line),
            Qt.AlignmentFlag.AlignCenter,
            data.y_label,
        )
        painter.restore()
    _paint_category_labels(painter, geometry, muted)
    if data.kind == ChartKind.LINE:
        _paint_lines(painter, geometry, colours)
    else:
        for mark in layout.marks:
            colour = _series_colour(data, colours, mark.series)
            if (mark.series, mark.index) == hover:
                colour = colour.lighter(115)
            painter.fillRect(mark.rect, colour)
    for mark in layout.marks:
        if (mark.series, mark.index) == focus:
            painter.setPen(QPen(QColor(colours.focus), 2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(mark.rect.adjusted(-2, -2, 2, 2))
    painter.restore()
    return geometry


def _series_colour(data: ChartData, colours: ChartColours, s: int) -> QColor:
    own = data.series[s].colour
    return QColor(own or colours.series[s % len(colours.series)])


def _paint_category_labels(painter: QPainter, geometry: ChartGeometry, pen: QColor) -> None:
    """Under each category its name: a few long names are shortened to their slot
    ("System Admin…"); many short ones (hours, days) are thinned to every k-th. None runs
    off the chart's edge or over its neighbour."""
    data, plot, fm = geometry.data, geometry.layout.plot, geometry.metrics
    n = len(data.categories)
    slot = plot.width() / n
    pad = fm.height() * 0.5
    widest = max(fm.horizontalAdvance(c) for c in data.categories) + pad
    every = 1 if n <= 8 else max(1, math.ceil(widest / slot))
    room = max(slot * every - pad, fm.height())
    painter.setPen(pen)
    last_right = -math.inf
    for i, label in enumerate(data.categories):
        if i % every:
            continue
        text = fm.elidedText(label, Qt.TextElideMode.ElideRight, room)
        width = fm.horizontalAdvance(text) + 2
        centre = plot.left() + slot * (i + 0.5)
        left = max(geometry.rect.left(), min(centre - width / 2, geometry.rect.right() - width))
        if left < last_right + pad / 2:
            continue  # it would run over the label before it
        last_right = left + width
        painter.drawText(
            QRectF(left, plot.bottom() + 2, width, fm.height() * 1.3),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            text,
        )


def _paint_lines(painter: QPainter, geometry: ChartGeometry, colours: ChartColours) -> None:
    data = geometry.data
    by_series: dict[int, list[Mark]] = {}
    for mark in geometry.layout.marks:
        by_series.setdefault(mark.series, []).append(mark)
    for s, marks in by_series.items():
        colour = _series_colour(data, colours, s)
        path = QPainterPath(marks[0].rect.center())
        for mark in marks[1:]:
            path.lineTo(mark.rect.center())
        painter.setPen(QPen(colour, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if len(marks) <= 40:  # dots while they still read as dots
            painter.setBrush(colour)
            for mark in marks:
                painter.drawEllipse(mark.rect.center(), 2.5, 2.5)


class ChartView(QWidget):
    """A chart on screen: hover for values, arrows to walk the bars, Enter or a click to
    open what a bar stands for."""

    barClicked = Signal(int, int)  # series, category index of the bar (or point) chosen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = ChartData((), ())
        self._focus = _FOCUS_NONE
        self._hover = _FOCUS_NONE
        self._geometry: ChartGeometry | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)

    # ---- data ---------------------------------------------------------------------------

    @property
    def data(self) -> ChartData:
        return self._data

    def set_data(self, data: ChartData) -> None:
        self._data = data
        self.setAccessibleName(data.title or tr("Chart"))
        if self._focus != _FOCUS_NONE and not self._is_mark(self._focus):
            self._focus = _FOCUS_NONE
        self._geometry = None
        self.update()

    @property
    def focused_mark(self) -> tuple[int, int] | None:
        return None if self._focus == _FOCUS_NONE else self._focus

    def describe(self, series: int, index: int) -> str:
        """What a bar says, in words: for the tooltip and screen readers."""
        data = self._data
        value = _number(data.value(series, index))
        if len(data.series) > 1:
            return f"{data.series[series].name}, {data.categories[index]}: {value}"
        return f"{data.categories[index]}: {value}"

    def render_to(self, painter: QPainter, rect: QRectF, *, dark: bool = False) -> None:
        """Draw the chart onto another painter (a printer, a PDF page, an image)."""
        paint_chart(painter, rect, self._data, chart_colours(dark), font=self.font())

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    # ---- painting and geometry ----------------------------------------------------------

    def geometry_now(self) -> ChartGeometry:
        if self._geometry is None or self._geometry.rect != QRectF(self.rect()):
            self._geometry = ChartGeometry(self._data, QRectF(self.rect()), self.font())
        return self._geometry

    def mark_rect(self, series: int, index: int) -> QRectF:
        """Where a bar is drawn (tests aim the mouse with it)."""
        for mark in self.geometry_now().layout.marks:
            if (mark.series, mark.index) == (series, index):
                return mark.rect
        raise KeyError((series, index))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        focus = self._focus if self.hasFocus() else _FOCUS_NONE
        self._geometry = paint_chart(
            painter,
            QRectF(self.rect()),
            self._data,
            chart_colours(is_dark(self.palette())),
            font=self.font(),
            focus=focus,
            hover=self._hover,
        )
        painter.end()

    # ---- mouse --------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        mark = self.geometry_now().mark_at(event.position())
        hover = (mark.series, mark.index) if mark else _FOCUS_NONE
        if hover != self._hover:
            self._hover = hover
            self.update()
        if mark:
            QToolTip.showText(event.globalPosition().toPoint(), self.describe(*hover), self)
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            QToolTip.hideText()
            self.unsetCursor()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        self._hover = _FOCUS_NONE
        self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            mark = self.geometry_now().mark_at(event.position())
            if mark:
                self._focus = (mark.series, mark.index)
                self.update()
                self.barClicked.emit(mark.series, mark.index)
                return
        super().mouseReleaseEvent(event)

    # ---- keyboard -----------------------------------------------------------------------

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self._focus == _FOCUS_NONE and not self._data.is_empty:
            self._focus = (0, 0)
            self._announce()
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        data = self._data
        if data.is_empty:
            super().keyPressEvent(event)
            return
        series, index = self._focus if self._focus != _FOCUS_NONE else (0, 0)
        n, m = len(data.categories), len(data.series)
        key = event.key()
        if key == Qt.Key.Key_Right:
            series, index = self._step(series, index, +1, n, m)
        elif key == Qt.Key.Key_Left:
            series, index = self._step(series, index, -1, n, m)
        elif key == Qt.Key.Key_Up and m > 1:
            # Up climbs a stack (or moves to the next series side by side); Down descends.
            series = min(m - 1, series + 1)
        elif key == Qt.Key.Key_Down and m > 1:
            series = max(0, series - 1)
        elif key == Qt.Key.Key_Home:
            series, index = 0, 0
        elif key == Qt.Key.Key_End:
            series = m - 1 if data.kind == ChartKind.BAR else series
            index = n - 1
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._focus = (series, index)
            self.barClicked.emit(series, index)
            return
        else:
            super().keyPressEvent(event)
            return
        self._focus = (series, index)
        self._announce()
        self.update()

    def _step(self, series: int, index: int, step: int, n: int, m: int) -> tuple[int, int]:
        # Side by side bars are walked bar by bar; stacks and lines category by category.
        if self._data.kind == ChartKind.BAR and m > 1:
            flat = max(0, min(n * m - 1, index * m + series + step))
            return flat % m, flat // m
        return series, max(0, min(n - 1, index + step))

    def _announce(self) -> None:
        if self._is_mark(self._focus):
            text = self.describe(*self._focus)
            self.setAccessibleDescription(text)
            if self.isVisible():
                corner = self.mark_rect(*self._focus).topRight().toPoint()
                QToolTip.showText(self.mapToGlobal(corner), text, self)

    def _is_mark(self, mark: tuple[int, int]) -> bool:
        s, i = mark
        return 0 <= s < len(self._data.series) and 0 <= i < len(self._data.categories)

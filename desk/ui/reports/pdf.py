"""Report pages on paper: a title, the range and filters, the chart, then the table
(continued on as many pages as its rows need), with a page number at the foot.

`paint_pages` draws onto any QPaintDevice page by page (a QPdfWriter, or a QImage in the
tests and previews); `write_pdf` makes the A4 PDF. Works under a QGuiApplication alone:
the command line prints PDFs offscreen, without widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from ..common.charts import chart_colours, paint_chart
from ..common.labels import tr
from .cells import cell_text, is_number
from .pages import ReportPage, column_title

#: Pages are laid out at 96 dots an inch: A4 is 794 x 1123 of these, with 15 mm margins.
DPI = 96
CHART_HEIGHT = 330
INK = QColor("#1f2328")
MUTED = QColor("#59636e")
RULE = QColor("#d0d7de")
BAND = QColor("#f6f8fa")

__all__ = ["ReportPage", "paint_pages", "render_pages", "write_pdf"]


def _fonts(base: QFont) -> tuple[QFont, QFont, QFont, QFont]:
    body = QFont(base)
    body.setPointSizeF(8.5)
    bold = QFont(body)
    bold.setBold(True)
    title = QFont(base)
    title.setPointSizeF(15)
    title.setBold(True)
    small = QFont(base)
    small.setPointSizeF(7.5)
    return title, body, bold, small


def paint_pages(
    painter: QPainter,
    page_rect: QRectF,
    pages: Sequence[ReportPage],
    new_page: Callable[[], QPainter],
) -> int:
    """Paint `pages` in `page_rect` of each sheet, starting on `painter`; between sheets
    `new_page()` gives the painter of the next one. Returns the number of sheets."""
    title_font, body, bold, small = _fonts(painter.font())
    sheets = 0

    def start_sheet() -> None:
        nonlocal sheets, painter
        if sheets:
            painter = new_page()
        sheets += 1
        painter.fillRect(page_rect, Qt.GlobalColor.white)

    def footer(name: str) -> None:
        painter.setFont(small)
        painter.setPen(MUTED)
        text = tr("Desk · {report} · page {n}").format(report=name, n=sheets)
        painter.drawText(
            QRectF(page_rect.left(), page_rect.bottom() - 14, page_rect.width(), 14),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            text,
        )

    for page in pages:
        start_sheet()
        y = page_rect.top()
        painter.setFont(title_font)
        painter.setPen(INK)
        height = QFontMetricsF(title_font).height()
        painter.drawText(QRectF(page_rect.left(), y, page_rect.width(), height), page.title)
        y += height + 2
        painter.setFont(body)
        painter.setPen(MUTED)
        line = QFontMetricsF(body).height()
        painter.drawText(QRectF(page_rect.left(), y, page_rect.width(), line), page.subtitle)
        y += line + 10
        if not page.chart.is_empty:
            chart_rect = QRectF(page_rect.left(), y, page_rect.width(), CHART_HEIGHT)
            paint_chart(painter, chart_rect, page.chart, chart_colours(False), font=body)
            y += CHART_HEIGHT + 14
        rows = list(page.table.rows)
        widths = _column_widths(page, page_rect.width(), QFontMetricsF(body))
        row_height = line + 6
        bottom = page_rect.bottom() - 20
        first = True
        while first or rows:
            if not first:
                footer(page.title)
                start_sheet()
                y = page_rect.top()
            first = False
            y = _paint_header(painter, page, widths, page_rect.left(), y, row_height, bold)
            painter.setFont(body)
            shown = 0
            while rows and y + row_height <= bottom:
                row = rows.pop(0)
                if shown % 2:
                    painter.fillRect(
                        QRectF(page_rect.left(), y, page_rect.width(), row_height), BAND
                    )
                _paint_row(painter, page, row, widths, page_rect.left(), y, row_height)
                y += row_height
                shown += 1
            if not page.table.rows:
                painter.setPen(MUTED)
                painter.drawText(
                    QRectF(page_rect.left(), y, page_rect.width(), row_height),
                    tr("No tickets in this range."),
                )
        footer(page.title)
    return sheets


def _column_widths(page: ReportPage, width: float, fm: QFontMetricsF) -> list[float]:
    columns = page.table.columns
    wanted = []
    for i, column in enumerate(columns):
        cells = [cell_text(row[i], column.kind) for row in page.table.rows[:200]]
        widest = max([fm.horizontalAdvance(c) for c in cells] + [0.0])
        title = max(fm.horizontalAdvance(line) for line in column_title(column).split("\n"))
        wanted.append(max(min(title, 150.0), widest, 30.0) + 12)
    scale = width / sum(wanted) if sum(wanted) > 0 else 1.0
    return [w * scale for w in wanted]


def _paint_header(painter, page, widths, left, y, height, bold) -> float:
    painter.setFont(bold)
    painter.setPen(INK)
    fm = QFontMetricsF(bold)
    lines = 1
    for column, w in zip(page.table.columns, widths, strict=True):
        title = column_title(column)
        if "\n" in title or fm.horizontalAdvance(title) > w - 8:
            lines = 2
    header = height * lines
    x = left
    for column, w in zip(page.table.columns, widths, strict=True):
        align = (
            Qt.AlignmentFlag.AlignRight if is_number(column.kind) else Qt.AlignmentFlag.AlignLeft
        )
        painter.drawText(
            QRectF(x + 4, y, w - 8, header),
            align | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap,
            column_title(column),
        )
        x += w
    painter.setPen(RULE)
    painter.drawLine(int(left), int(y + header + 2), int(x), int(y + header + 2))
    return y + header + 4


def _paint_row(painter, page, row, widths, left, y, height) -> None:
    painter.setPen(INK)
    fm = painter.fontMetrics()
    x = left
    for value, column, w in zip(row, page.table.columns, widths, strict=True):
        text = fm.elidedText(cell_text(value, column.kind), Qt.TextElideMode.ElideRight, int(w - 8))
        align = (
            Qt.AlignmentFlag.AlignRight if is_number(column.kind) else Qt.AlignmentFlag.AlignLeft
        )
        painter.drawText(
            QRectF(x + 4, y, w - 8, height), align | Qt.AlignmentFlag.AlignVCenter, text
        )
        x += w


def write_pdf(path: str, pages: Sequence[ReportPage]) -> int:
    """The pages as an A4 portrait PDF at `path`; returns the number of sheets."""
    writer = QPdfWriter(path)
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(", ".join(p.title for p in pages))
    writer.setCreator("Desk")
    painter = QPainter(writer)
    try:
        rect = QRectF(writer.pageLayout().paintRectPixels(DPI))
        rect.moveTo(0, 0)

        def new_page() -> QPainter:
            writer.newPage()
            return painter

        return paint_pages(painter, rect, pages, new_page)
    finally:
        painter.end()


def render_pages(pages: Sequence[ReportPage], scale: float = 1.0) -> list[QImage]:
    """The same sheets as images (A4 at 96 dpi times `scale`), for previews and tests."""
    size = QPageSize(QPageSize.PageSizeId.A4).sizePixels(DPI)
    images: list[QImage] = []
    margin = 15 / 25.4 * DPI

    def sheet() -> QPainter:
        image = QImage(
            int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_RGB32
        )
        image.fill(Qt.GlobalColor.white)
        images.append(image)
        painter = QPainter(image)
        painter.scale(scale, scale)
        return painter

    holder = [sheet()]

    def new_page() -> QPainter:
        holder[0].end()
        holder[0] = sheet()
        return holder[0]

    rect = QRectF(margin, margin, size.width() - 2 * margin, size.height() - 2 * margin)
    try:
        paint_pages(holder[0], rect, pages, new_page)
    finally:
        holder[0].end()
    return images

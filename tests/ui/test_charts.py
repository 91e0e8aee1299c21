"""Charts: what a person sees and does with them (values, hover, keys, clicks, printing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolTip

from desk.ui.common.charts import (
    ChartData,
    ChartKind,
    ChartView,
    Series,
    chart_colours,
    nice_ticks,
    paint_chart,
)

HOURS = tuple(f"{h:02d}" for h in range(8, 14))
ARRIVED = Series("Arrived", (3, 5, 9, 4, 0, 7))
RESOLVED = Series("Resolved", (1, 4, 6, 6, 2, 3))


def chart(qtbot, kind: ChartKind, *series: Series) -> ChartView:
    view = ChartView()
    view.set_data(ChartData(HOURS, series or (ARRIVED,), title="Today", kind=kind))
    view.resize(480, 260)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def centre(view: ChartView, series: int, index: int) -> QPoint:
    return view.mark_rect(series, index).center().toPoint()


def test_ticks_are_round_and_reach_the_top() -> None:
    assert nice_ticks(9) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(730)[-1] >= 730 and all(t % 100 == 0 for t in nice_ticks(730))
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(3) == [0, 1, 2, 3]  # counts never get half a ticket per step


def test_taller_value_has_the_taller_bar(qtbot) -> None:
    view = chart(qtbot, ChartKind.BAR)
    heights = [view.mark_rect(0, i).height() for i in range(len(HOURS))]
    assert heights.index(max(heights)) == 2  # 9 at 10:00
    assert heights[4] == 0  # nothing at 12:00


def test_stacked_segments_sit_on_each_other(qtbot) -> None:
    view = chart(qtbot, ChartKind.STACKED, ARRIVED, RESOLVED)
    lower, upper = view.mark_rect(0, 2), view.mark_rect(1, 2)
    assert upper.bottom() == pytest.approx(lower.top())
    ratio = upper.height() / lower.height()
    assert ratio == pytest.approx(6 / 9, rel=0.01)


def test_line_points_follow_the_values(qtbot) -> None:
    view = chart(qtbot, ChartKind.LINE, ARRIVED, RESOLVED)
    ys = [view.mark_rect(0, i).center().y() for i in range(len(HOURS))]
    assert ys[2] < ys[1] < ys[0]  # 9 above 5 above 3


def test_hover_shows_the_value_and_click_emits_the_bar(qtbot) -> None:
    view = chart(qtbot, ChartKind.BAR, ARRIVED, RESOLVED)
    where = centre(view, 1, 3)
    QTest.mouseMove(view, where)
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=2000)
    assert QToolTip.text() == "Resolved, 11: 6"
    with qtbot.waitSignal(view.barClicked) as clicked:
        QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    assert clicked.args == [1, 3]


def test_click_beside_the_bars_emits_nothing(qtbot) -> None:
    view = chart(qtbot, ChartKind.BAR)
    with qtbot.assertNotEmitted(view.barClicked):
        QTest.mouseClick(
            view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(3, 3)
        )


def test_arrows_walk_the_bars_and_enter_clicks(qtbot) -> None:
    view = chart(qtbot, ChartKind.BAR, ARRIVED, RESOLVED)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    assert view.focused_mark == (0, 0)
    QTest.keyClick(view, Qt.Key.Key_Right)  # side by side: the next bar is Resolved at 08
    assert view.focused_mark == (1, 0)
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.focused_mark == (0, 1)
    QTest.keyClick(view, Qt.Key.Key_End)
    assert view.focused_mark == (1, len(HOURS) - 1)
    QTest.keyClick(view, Qt.Key.Key_Right)  # stays at the last bar
    assert view.focused_mark == (1, len(HOURS) - 1)
    assert view.accessibleDescription() == "Resolved, 13: 3"
    QTest.keyClick(view, Qt.Key.Key_Left)
    assert view.focused_mark == (0, len(HOURS) - 1)
    with qtbot.waitSignal(view.barClicked) as clicked:
        QTest.keyClick(view, Qt.Key.Key_Return)
    assert clicked.args == [0, len(HOURS) - 1]


def test_arrows_in_a_stack_move_by_category_and_up_climbs(qtbot) -> None:
    view = chart(qtbot, ChartKind.STACKED, ARRIVED, RESOLVED)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.focused_mark == (0, 1)
    QTest.keyClick(view, Qt.Key.Key_Up)
    assert view.focused_mark == (1, 1)
    QTest.keyClick(view, Qt.Key.Key_Up)
    assert view.focused_mark == (1, 1)
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.focused_mark == (0, 1)


def _ink(image: QImage, background: str) -> int:
    """How many pixels are not the background (sampled)."""
    bg = QColor(background).rgb()
    return sum(
        1
        for y in range(0, image.height(), 3)
        for x in range(0, image.width(), 3)
        if image.pixel(x, y) != bg
    )


@pytest.mark.parametrize("dark", [False, True])
def test_paints_onto_an_image_in_either_theme(dark: bool, qapp) -> None:
    colours = chart_colours(dark)
    image = QImage(400, 240, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    data = ChartData(HOURS, (ARRIVED, RESOLVED), title="Today", kind=ChartKind.BAR)
    paint_chart(painter, QRectF(0, 0, 400, 240), data, colours)
    painter.end()
    assert QColor(image.pixel(1, 1)) == QColor(colours.background)
    assert _ink(image, colours.background) > 200
    first_bar = [
        QColor(image.pixel(x, y)).name() for y in range(0, 240, 2) for x in range(0, 400, 2)
    ]
    assert colours.series[0] in first_bar and colours.series[1] in first_bar


def test_an_empty_chart_says_so(qtbot) -> None:
    view = ChartView()
    qtbot.addWidget(view)
    view.resize(300, 200)
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    assert _ink(image, chart_colours(False).background) > 0  # the words, not a blank box
    with pytest.raises(KeyError):
        view.mark_rect(0, 0)


def test_prints_to_pdf(qtbot, tmp_path: Path) -> None:
    view = chart(qtbot, ChartKind.LINE, ARRIVED, RESOLVED)
    path = tmp_path / "chart.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    view.render_to(painter, QRectF(0, 0, writer.width(), writer.height() / 2))
    painter.end()
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1500


def test_a_long_last_label_stays_inside_the_chart(qapp) -> None:
    colours = chart_colours(False)
    image = QImage(300, 160, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    data = ChartData(
        ("A", "B", "System Administrators"), (Series("n", (1, 2, 3)),), kind=ChartKind.BAR
    )
    paint_chart(painter, QRectF(0, 0, 300, 160), data, colours)
    painter.end()
    bg = QColor(colours.background).rgb()
    bottom_strip = [x for x in range(300) for y in range(135, 160) if image.pixel(x, y) != bg]
    assert max(bottom_strip) < 299  # the label's last letters are drawn, not cut
    assert max(bottom_strip) > 200  # and the label is there at all


def test_long_category_names_do_not_run_into_each_other(qapp) -> None:
    colours = chart_colours(False)
    names = ("Applications", "Facilities", "Network", "Service Desk", "System Administrators")
    image = QImage(330, 170, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    data = ChartData(names, (Series("n", (4, 2, 2, 15, 1)),), kind=ChartKind.STACKED)
    paint_chart(painter, QRectF(0, 0, 330, 170), data, colours)
    painter.end()
    bg = QColor(colours.background).rgb()
    inked = [any(image.pixel(x, y) != bg for y in range(150, 170)) for x in range(330)]
    runs, inside = 0, False
    for x in range(330):  # separate words under separate bars: a gap between them
        gap_ahead = not any(inked[x : x + 6])
        if inked[x] and not inside:
            runs, inside = runs + 1, True
        elif inside and gap_ahead:
            inside = False
    assert runs == len(names)

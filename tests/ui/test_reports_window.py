"""The Reports window driven by keys and the mouse on a demo desk with an SLA plan:
choose a range, run, cancel, a click on a bar lists its tickets and opens one in the main
window, exports; and screenshots of each report and of a PDF page, to look at."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from desk.domain.model import Priority
from desk.domain.sla import Targets
from desk.services import report_facts, reports
from desk.services import sla as sla_service
from desk.services.database import open_database
from desk.services.demo import seed_demo
from desk.services.sla import PlanFields
from desk.store.unit_of_work import SqlDatabase
from desk.ui.reports.pages import ReportPage
from desk.ui.reports.pdf import render_pages
from desk.ui.reports.reports_window import ReportsWindow

from .helpers import session_for

NOW = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)
TODAY = NOW.date()
TICKETS = 600


@pytest.fixture(scope="module")
def reports_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo desk whose tickets ran under a 9-17 weekday plan (the demo has none)."""
    path = tmp_path_factory.mktemp("reports") / "demo.sqlite3"
    db = open_database(f"sqlite:///{path}")
    seed_demo(db, TICKETS, now=NOW)
    admin = next(a for a in session_for(db).directory.agents if a.login == "admin")
    calendar = sla_service.create_calendar(
        db, admin.id, "Office hours", "Europe/London", ["08:00-18:00"] * 5 + ["", ""]
    )
    targets = {p: Targets(timedelta(hours=2), timedelta(hours=16)) for p in Priority}
    targets[Priority.URGENT] = Targets(timedelta(minutes=30), timedelta(hours=4))
    plan = sla_service.create_plan(
        db, admin.id, PlanFields("Standard", targets, calendar_id=calendar.id)
    )
    sla_service.set_default_plan(db, admin.id, plan.id)
    with db.write() as uow:  # counted again under the plan
        uow.reports._conn.exec_driver_sql("DELETE FROM report_spans")
        uow.reports._conn.exec_driver_sql("DELETE FROM report_facts")
        uow.commit()
    report_facts.backfill(db)
    db.close()
    return path


@pytest.fixture
def reports_db(reports_template: Path, tmp_path: Path) -> Iterator[SqlDatabase]:
    path = tmp_path / "reports.sqlite3"
    shutil.copy(reports_template, path)
    db = open_database(f"sqlite:///{path}")
    yield db
    db.close()


@pytest.fixture
def main(make_window, reports_db):
    return make_window(db=reports_db)


def _open_reports(qtbot, main) -> ReportsWindow:
    QTest.keyClick(
        main, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: _reports_window() is not None, timeout=5_000)
    window = _reports_window()
    assert window is not None
    window.filters._today = TODAY
    window.resize(1180, 860)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    return window


def _reports_window() -> ReportsWindow | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReportsWindow)]
    return found[0] if found and found[0].isVisible() else None


def _type_range(qtbot, window: ReportsWindow, first: date, last: date) -> None:
    for edit, day in ((window.filters.first, first), (window.filters.last, last)):
        edit.setFocus()
        QTest.keyClick(edit, Qt.Key.Key_Home)  # the year's section, typed over
        QTest.keyClicks(edit, day.strftime("%Y-%m-%d"))
        assert edit.date().toPython() == day


def _run(qtbot, window: ReportsWindow) -> None:
    QTest.mouseClick(window.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.running, timeout=30_000)


def test_changed_tickets_say_the_figures_are_old_and_someone_viewing_one_does_not(
    qtbot, main, reports_db
):
    from desk.domain.changes import Changes

    window = _open_reports(qtbot, main)
    _type_range(qtbot, window, date(2026, 9, 1), date(2026, 10, 31))
    _run(qtbot, window)
    ran = window.status.text()
    assert ran.startswith("Reports for 2026-09-01 to 2026-10-31")
    ticket_id = 1
    main.hub.deliver_now(Changes(presence=frozenset({ticket_id})))  # an agent opened it
    assert window.status.text() == ran
    main.hub.deliver_now(Changes(tickets={ticket_id: 2}))  # an agent changed it
    assert window.status.text().startswith("Tickets have changed since these reports")


def test_choose_a_range_run_and_read_the_figures(qtbot, main, reports_db):
    window = _open_reports(qtbot, main)
    first, last = date(2026, 9, 1), date(2026, 10, 31)
    _type_range(qtbot, window, first, last)
    assert window.filters.preset.currentText() == "Custom range"
    QTest.keyClick(window.filters.grain, Qt.Key.Key_W)  # "Week"
    _run(qtbot, window)
    assert window.status.text().startswith("Reports for 2026-09-01 to 2026-10-31")
    expected = reports.volume_report(
        reports_db, main.session.agent_id, reports.request(first, last, grain="week")
    )
    tab = window.tab_by_name["volume"]
    model = tab.model
    assert model.rowCount() == len(expected.rows)
    created = [int(model.index(r, 2).data().replace(",", "")) for r in range(model.rowCount())]
    assert created == [r.created for r in expected.rows]
    assert tab.chart.data.categories[0] == "w/c 01 Sep"  # the week cut at the range
    # Every tab has its table.
    for name, other in window.tab_by_name.items():
        assert other.page is not None, name
    agents = window.tab_by_name["agents"].model
    assert agents.rowCount() > 0


def test_a_click_on_a_bar_lists_its_tickets_and_opens_one(qtbot, main, reports_db):
    window = _open_reports(qtbot, main)
    _type_range(qtbot, window, date(2026, 10, 1), date(2026, 10, 31))
    _run(qtbot, window)
    tab = window.tab_by_name["volume"]
    chart = tab.chart
    rect = chart.mark_rect(0, 5)  # created on 6 October
    QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    qtbot.waitUntil(lambda: window.ticket_list is not None and window.ticket_list.isVisible())
    dialog = window.ticket_list
    assert dialog is not None
    expected = reports.tickets_behind(
        reports_db,
        main.session.agent_id,
        reports.request(date(2026, 10, 1), date(2026, 10, 31)),
        "created",
        date(2026, 10, 6),
        date(2026, 10, 6),
    )
    rows = dialog.table.model().rowCount()
    assert rows == len(expected) == int(chart.data.value(0, 5)) > 0
    with qtbot.waitSignal(dialog.openTicket) as opened:
        QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    assert opened.args == [expected[0].id]
    qtbot.waitUntil(lambda: main.editor.ticket_id == expected[0].id, timeout=10_000)


def test_cancel_stops_a_running_report(qtbot, main, monkeypatch):
    started = threading.Event()

    def slow_backfill(db, *, should_stop=None, **_kw):
        started.set()
        deadline = time.monotonic() + 10
        while not (should_stop and should_stop()) and time.monotonic() < deadline:
            time.sleep(0.01)

    monkeypatch.setattr(report_facts, "backfill_if_writable", slow_backfill)
    window = _open_reports(qtbot, main)
    QTest.mouseClick(window.run_button, Qt.MouseButton.LeftButton)
    assert started.wait(5)
    assert window.progress.isVisible() and window.cancel_button.isEnabled()
    assert not window.run_button.isEnabled()
    QTest.keyClick(window.tabs, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.running, timeout=5_000)
    assert window.status.text().startswith("Cancelled")
    assert window.run_button.isEnabled() and not window.progress.isVisible()


def test_exports_write_csv_and_pdf(qtbot, main, tmp_path, monkeypatch):
    window = _open_reports(qtbot, main)
    _type_range(qtbot, window, date(2026, 10, 1), date(2026, 10, 31))
    _run(qtbot, window)
    target = {"path": ""}
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (target["path"], ""))
    )
    target["path"] = str(tmp_path / "volume")
    QTest.mouseClick(window.csv_button, Qt.MouseButton.LeftButton)
    text = (tmp_path / "volume.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbfFrom,To,Created,Resolved,Reopened\r\n")
    assert text.count(b"\r\n") == 32  # the header and 31 days
    target["path"] = str(tmp_path / "tickets.csv")
    QTest.mouseClick(window.tickets_csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.running, timeout=10_000)
    lines = (tmp_path / "tickets.csv").read_text(encoding="utf-8-sig").splitlines()
    created = window.tab_by_name["volume"].page.table.rows
    assert len(lines) - 1 == sum(row[2] for row in created)
    assert not (tmp_path / "tickets.csv.part").exists()
    target["path"] = str(tmp_path / "report.pdf")
    window.tabs.setCurrentIndex(1)
    QTest.mouseClick(window.pdf_button, Qt.MouseButton.LeftButton)
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1


def test_screenshots_of_each_report_and_a_pdf_page(qtbot, main, tmp_path):
    out = Path(os.environ.get("DESK_SCREENSHOTS", tmp_path)) / "reports"
    out.mkdir(parents=True, exist_ok=True)
    window = _open_reports(qtbot, main)
    _type_range(qtbot, window, date(2026, 8, 3), date(2026, 11, 1))
    QTest.keyClick(window.filters.grain, Qt.Key.Key_W)
    _run(qtbot, window)
    for index, (name, tab) in enumerate(window.tab_by_name.items()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        image = window.grab()
        image.save(str(out / f"reports-{name}.png"))
        assert image.width() > 1000
        assert tab.page is not None and not tab.page.chart.is_empty, name
    window.tabs.setCurrentIndex(2)  # compliance: a team's breaches
    chart = window.tab_by_name["compliance"].chart
    QTest.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.mark_rect(0, 0).center().toPoint())
    qtbot.waitUntil(lambda: window.ticket_list is not None and window.ticket_list.isVisible())
    QApplication.processEvents()
    window.ticket_list.grab().save(str(out / "reports-bar-tickets.png"))
    assert window.ticket_list.table.model().rowCount() > 0
    window.ticket_list.close()
    volume = window.tab_by_name["volume"].page
    times = window.tab_by_name["times"].page
    assert isinstance(volume, ReportPage) and isinstance(times, ReportPage)
    sheets = render_pages([volume, times])
    assert len(sheets) == 2
    for i, sheet in enumerate(sheets):
        sheet.save(str(out / f"pdf-page-{i + 1}.png"))
        # Ink on the page: the chart's bars are not white.
        colours = {sheet.pixel(QPoint(x, 300)) for x in range(60, 740, 4)}
        assert len(colours) > 3

"""Screenshots of the service-clock screens (issue 13), written to artifacts/sla (or
$DESK_SCREENSHOTS/sla) to be looked at: the Due column in both themes, the ticket's
clocks, the notifications, the calendar editor with a problem at its field, the plan
editor with its preview."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from desk.domain.queues import DueState
from desk.ui.common.style import Theme, apply_style

from .helpers import open_ticket, wait_idle
from .sla_desk import give_service_levels
from .test_sla_screens import _rows_by_state

ROOT = Path(__file__).resolve().parents[2]


def _out() -> Path:
    out = Path(os.environ.get("DESK_SCREENSHOTS", ROOT / "artifacts")) / "sla"
    out.mkdir(parents=True, exist_ok=True)
    return out


def _save(widget, name: str) -> Path:
    path = _out() / name
    assert widget.grab().save(str(path))
    image = QImage(str(path))
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 17) for y in range(0, image.height(), 17)
    }
    assert len(colours) > 8, f"{name} looks blank"
    return path


def test_service_clock_screenshots(qtbot, qapp, demo_db, make_window):
    give_service_levels(demo_db)
    window = make_window()
    window.resize(1600, 940)
    window.queues.choose("all_open")
    wait_idle(qtbot, window)
    rows = _rows_by_state(window)
    open_ticket(qtbot, window, window.queue_model.ticket_at(rows[DueState.AT_RISK]).id)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.ticket_pane.clocks.clocks is not None)
    qtbot.wait(200)
    _save(window, "due-column.png")
    window.ticket_pane.clocks.how_button.click()  # how each due time was reached
    qtbot.wait(100)
    _save(window.ticket_pane, "ticket-clocks.png")
    window.ticket_pane.clocks.how_button.click()
    notifications = window.sla_window.show_notifications()
    qtbot.waitUntil(lambda: notifications.list.count() > 0)
    _save(notifications, "notifications.png")
    notifications.close()
    apply_style(qapp, Theme.DARK)
    qtbot.wait(300)
    _save(window, "due-column-dark.png")
    apply_style(qapp, Theme.LIGHT)
    admin = make_window("admin")
    admin.open_administration("Business hours")
    levels_window = admin.administration
    pages = [levels_window.page(t) for t in ("Business hours", "SLA plans", "Auto-close")]
    for page in pages:
        qtbot.waitUntil(lambda page=page: page.runner.pending == 0, timeout=10_000)
    calendars = pages[0]
    qtbot.waitUntil(lambda: calendars.list.count() > 0)
    calendars.list.setCurrentRow(0)
    calendars.days[5].setText("10:00-14:00, 13:00-25:00")
    calendars.check_day(5)
    qtbot.wait(200)
    _save(levels_window, "calendar-editor.png")
    levels_window.show_titled("SLA plans")
    plans = pages[1]
    qtbot.waitUntil(lambda: plans.list.count() > 0)
    plans.list.setCurrentRow(1)
    qtbot.wait(200)
    _save(levels_window, "plan-editor.png")
    levels_window.show_titled("Auto-close")
    qtbot.wait(100)
    _save(levels_window, "auto-close.png")

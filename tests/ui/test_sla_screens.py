"""The service clock on screen (issue 13): the Due column's states and colours, the SLA
queues' counts, the ticket's clocks and "Set due time…", the notifications and their
unread count, the housekeeping sweep in the running Desk, and the admin's calendar and
plan editors, all with real keys and clicks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desk.domain.queues import DueState, QueueKind, QueueQuery, SortKey, queue_filter
from desk.domain.sla import Clock
from desk.domain.ticket import format_number
from desk.services import housekeeping, queries, sla
from desk.services.database import open_database
from desk.services.intake import IntakeRequest, log_ticket
from desk.ui.common.style import DARK, LIGHT
from desk.ui.queues.queue_model import COLUMN, DUE_STATE_ROLE
from desk.ui.shell.housekeeping import Housekeeper
from desk.ui.ticket.clocks_panel import SetDueDialog

from .helpers import open_ticket, wait_idle
from .sla_desk import give_service_levels

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
DUE = COLUMN[SortKey.DUE]
POPUP = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def levels(demo_db):
    return give_service_levels(demo_db)


def _rows_by_state(window) -> dict[DueState, int]:
    model = window.queue_model
    found: dict[DueState, int] = {}
    for row in range(model.rowCount()):
        found.setdefault(model.index(row, DUE).data(DUE_STATE_ROLE), row)
    return found


def _click(widget, pos=None) -> None:
    if pos is None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def test_the_due_column_says_each_state_in_the_themes_colours(qtbot, levels, make_window):
    window = make_window()
    window.queues.choose("all_open")
    wait_idle(qtbot, window)
    model = window.queue_model
    rows = _rows_by_state(window)
    assert {DueState.ON_TRACK, DueState.AT_RISK, DueState.OVERDUE, DueState.PAUSED} <= set(rows)
    keys = {
        DueState.ON_TRACK: "ok",
        DueState.AT_RISK: "warning",
        DueState.OVERDUE: "error",
        DueState.PAUSED: "muted",
    }
    for state, key in keys.items():
        index = model.index(rows[state], DUE)
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        assert isinstance(colour, QColor)
        assert colour.name() == LIGHT[key], state  # the light theme is on
        assert colour.name() != DARK[key]  # each theme has its own, readable on it
    overdue = model.index(rows[DueState.OVERDUE], DUE)
    assert overdue.data().endswith("overdue")
    assert overdue.data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(rows[DueState.PAUSED], DUE).data() == "Paused"
    assert model.index(rows[DueState.ON_TRACK], DUE).data().endswith("left")
    tip = model.index(rows[DueState.AT_RISK], DUE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Due ") and "At risk since" in tip and "business hours left" in tip
    # Sorting by Due sorts in the database: the due times come in order.
    header = window.table.horizontalHeader()
    _click(header.viewport(), QPoint(header.sectionViewportPosition(DUE) + 5, 5))
    wait_idle(qtbot, window)
    assert window.queue_model.query.sort == SortKey.DUE
    dues = [r.due_at for n in range(model.rowCount()) if (r := model.ticket_at(n)) and r.due_at]
    assert len(dues) >= 3 and dues == sorted(dues)


def test_the_sla_queues_count_and_follow_a_due_time_set_by_hand(
    qtbot, levels, demo_db, make_window
):
    window = make_window()
    wait_idle(qtbot, window)
    now = datetime.now(UTC).astimezone()

    def expected(kind: QueueKind) -> int:
        return queries.queue_count(demo_db, QueueQuery(queue_filter(kind, now=now)))

    counts = {
        key: window.queues.item(row).data(Qt.ItemDataRole.UserRole + 2)
        for row in range(window.queues.count())
        if (key := window.queues.item(row).data(Qt.ItemDataRole.UserRole + 1))
    }
    assert counts["overdue"] == expected(QueueKind.OVERDUE) > 0
    assert counts["at_risk"] == expected(QueueKind.AT_RISK) == 1
    assert counts["due_today"] == expected(QueueKind.DUE_TODAY)
    # Another supervisor gives an overdue ticket more time: it leaves Overdue here.
    overdue = queries.queue_page(
        demo_db, QueueQuery(queue_filter(QueueKind.OVERDUE, now=now)), 0, 1
    )
    sla.set_due_time(
        demo_db, levels["admin"], overdue[0].id, Clock.RESOLUTION, now + timedelta(days=9)
    )
    sla.set_due_time(
        demo_db, levels["admin"], overdue[0].id, Clock.FIRST_RESPONSE, now + timedelta(days=9)
    )

    def overdue_count() -> int:
        row = next(
            r
            for r in range(window.queues.count())
            if window.queues.item(r).data(Qt.ItemDataRole.UserRole + 1) == "overdue"
        )
        return window.queues.item(row).data(Qt.ItemDataRole.UserRole + 2)

    qtbot.waitUntil(lambda: overdue_count() == counts["overdue"] - 1, timeout=5000)


def test_the_ticket_shows_its_clocks_explained(qtbot, levels, make_window):
    window = make_window()
    window.queues.choose("all_open")
    wait_idle(qtbot, window)
    rows = _rows_by_state(window)
    ticket = window.queue_model.ticket_at(rows[DueState.AT_RISK])
    open_ticket(qtbot, window, ticket.id)
    panel = window.ticket_pane.clocks
    qtbot.waitUntil(lambda: panel.clocks is not None and panel.isVisible())
    assert "Around the clock" in panel.heading.text()
    first, why = panel.rows[Clock.FIRST_RESPONSE]
    assert "left" in first.text() and first.property("dueState") == DueState.AT_RISK
    assert "first response within 4 h" in why.text() and "at risk from" in why.text()
    # How it was reached takes room, so it shows on asking (a click), and goes again.
    assert not why.isVisible()
    QTest.mouseClick(panel.how_button, Qt.MouseButton.LeftButton)
    assert why.isVisible()
    QTest.mouseClick(panel.how_button, Qt.MouseButton.LeftButton)
    assert not why.isVisible()
    # A paused one says so, and what is left when it resumes.
    paused = window.queue_model.ticket_at(rows[DueState.PAUSED])
    open_ticket(qtbot, window, paused.id)
    qtbot.waitUntil(lambda: panel.clocks is not None and panel.ticket_id == paused.id)
    summary, _why = panel.rows[Clock.RESOLUTION]
    qtbot.waitUntil(lambda: "Paused" in summary.text())
    assert summary.property("dueState") == DueState.PAUSED


def test_set_due_time_by_keys_and_back_to_the_plan(qtbot, levels, demo_db, make_window):
    window = make_window()
    window.queues.choose("all_open")
    wait_idle(qtbot, window)
    ticket = window.queue_model.ticket_at(_rows_by_state(window)[DueState.OVERDUE])
    open_ticket(qtbot, window, ticket.id)
    panel = window.ticket_pane.clocks
    qtbot.waitUntil(lambda: panel.clocks is not None)
    before = sla.explain_due_times(demo_db, ticket.id).resolution
    assert before is not None and not before.manual
    # Ctrl+Shift+D opens it, typing starts in its first field, Escape leaves unchanged.
    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SetDueDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.focusWidget() is dialog.clock_box
    qtbot.keyClick(dialog.clock_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    assert not sla.explain_due_times(demo_db, ticket.id).resolution.manual
    # Again: Tab to the time (past the box, off while nothing is set by hand), a day later
    # with the Up key on its day, Enter sets it.
    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SetDueDialog))
    dialog = QApplication.activeModalWidget()
    assert not dialog.use_plan.isEnabled()
    qtbot.keyClick(dialog.clock_box, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.when
    shown = dialog.when.dateTime().toPython()
    dialog.when.setCurrentSection(dialog.when.Section.DaySection)
    qtbot.keyClick(dialog.when, Qt.Key.Key_Up)
    assert dialog.when.dateTime().toPython() == shown + timedelta(days=1)
    qtbot.keyClick(dialog.when, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    after = sla.explain_due_times(demo_db, ticket.id).resolution
    assert after.manual
    assert abs(after.due - (shown + timedelta(days=1)).astimezone(UTC)) < timedelta(seconds=1)
    summary, _why = panel.rows[Clock.RESOLUTION]
    qtbot.waitUntil(lambda: "set by hand" in summary.text())
    # And back to the plan's: the box ticked with Space, Ctrl+Enter.
    window.activateWindow()  # offscreen Qt does not give it back when a dialog closes
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_D, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SetDueDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(dialog.isActiveWindow)  # Ctrl+Enter is a shortcut of the active window
    assert dialog.use_plan.isEnabled()
    qtbot.keyClick(dialog.clock_box, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.use_plan
    qtbot.keyClick(dialog.use_plan, Qt.Key.Key_Space)
    assert not dialog.when.isEnabled()
    qtbot.keyClick(dialog.use_plan, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    back = sla.explain_due_times(demo_db, ticket.id).resolution
    assert not back.manual and back.due == before.due


def test_notifications_count_follows_the_feed_and_opening_marks_them_read(
    qtbot, levels, demo_db, make_window
):
    window = make_window()  # Alex Morgan supervises the Service Desk
    wait_idle(qtbot, window)
    button = window.sla_window.button
    me = window.session.agent_id
    unread = sla.unread_notifications(demo_db, me)
    qtbot.waitUntil(lambda: button.unread == unread > 0)
    assert str(unread) in button.text()
    # A breach recorded by any Desk's sweep reaches the count through the change feed.
    team = next(t.id for t in window.session.directory.teams if t.name == "Service Desk")
    caller = queries.get_ticket(demo_db, 1).ticket.customer_id
    mine = log_ticket(
        demo_db, me, IntakeRequest(subject="Monitor flickers", customer_id=caller, team_id=team)
    )
    sla.set_due_time(
        demo_db,
        levels["admin"],
        mine.id,
        Clock.RESOLUTION,
        datetime.now(UTC) - timedelta(minutes=1),
    )
    housekeeping.sweep(demo_db, "another-desk", release=True)
    qtbot.waitUntil(lambda: button.unread > unread, timeout=5000)
    # A click on the status bar's button opens the list; what it shows is read now.
    _click(button)
    dialog = window.sla_window.notifications
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible() and dialog.list.count() > 0)
    qtbot.waitUntil(lambda: button.unread == 0, timeout=5000)
    assert sla.unread_notifications(demo_db, me) == 0
    assert dialog.list.item(0).font().bold()  # new this time: still bold while it is open
    assert dialog.list.item(0).text().startswith(format_number(mine.id))
    # Enter opens the ticket of the one chosen.
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.editor.ticket_id == mine.id)
    assert not dialog.isVisible()


def test_only_one_running_desk_sweeps_at_a_time(qtbot, levels, demo_db):
    from desk.ui.common.tasks import TaskRunner

    runner = TaskRunner()
    # Two Desks on the same database: each its own connection and client id.
    other = open_database(demo_db.url.render_as_string(hide_password=False))
    first, second = Housekeeper(demo_db, runner), Housekeeper(other, runner)
    assert first.holder != second.holder
    results = []
    for keeper in (first, second):
        keeper.swept.connect(results.append)
        keeper._timer.start()  # as start() does, without the first sweep's wait
    first.sweep_now()
    qtbot.waitUntil(lambda: len(results) == 1, timeout=10_000)
    second.sweep_now()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=10_000)
    assert results[0].swept and not results[1].swept
    first.stop()
    second.stop()
    runner.wait()
    other.close()


# --- the admin's screens ----------------------------------------------------------------


def _service_levels(qtbot, window):
    assert window.service_levels_action.isVisible()
    window.service_levels_action.trigger()
    levels_window = window.administration
    qtbot.waitUntil(lambda: levels_window.isVisible())
    levels_window.pages_shown = [
        levels_window.page(title) for title in ("Business hours", "SLA plans", "Auto-close")
    ]
    assert levels_window.stack.currentWidget() is levels_window.pages_shown[0]
    for page in levels_window.pages_shown:
        qtbot.waitUntil(lambda page=page: page.runner.pending == 0, timeout=10_000)
    return levels_window


def test_service_levels_are_for_admins(qtbot, levels, make_window):
    window = make_window()  # a supervisor
    assert not window.service_levels_action.isVisible()


def test_the_calendar_editor_says_what_is_wrong_at_the_field(qtbot, levels, demo_db, make_window):
    window = make_window("admin")
    page = _service_levels(qtbot, window).pages_shown[0]
    qtbot.waitUntil(lambda: page.list.count() == 1)
    _click(page.new_button)
    assert page.name.hasFocus()
    qtbot.keyClicks(page.name, "Glasgow office")
    monday, error = page.days[0], page.errors["hours:0"][1]
    monday.setFocus()
    monday.selectAll()
    qtbot.keyClicks(monday, "9-5")
    assert error.isVisible() and "09:00-17:00" in error.text()
    assert monday.property("invalid") is True
    for _ in range(3):
        qtbot.keyClick(monday, Qt.Key.Key_Backspace)
    qtbot.keyClicks(monday, "08:30-24:00")
    assert not error.isVisible() and monday.property("invalid") is False
    page.days[1].setFocus()
    page.days[1].selectAll()
    qtbot.keyClicks(page.days[1], "08:00-12:00, 11:00-25:00")
    assert page.errors["hours:1"][1].isVisible()
    page.days[1].selectAll()
    qtbot.keyClicks(page.days[1], "08:00-12:00, 13:00-17:00")
    # A holiday row that is not a date: said at the table, and nothing saved.
    _click(page.add_holiday_button)
    page.holidays.item(0, 0).setText("25/12")
    _click(page.save_button)
    assert "Row 1" in page.errors["holidays"][1].text()
    assert len(sla.list_calendars(demo_db)) == 1
    page.holidays.item(0, 0).setText("2026-12-25")
    _click(page.save_button)
    qtbot.waitUntil(lambda: len(sla.list_calendars(demo_db)) == 2, timeout=10_000)
    saved = next(c for c in sla.list_calendars(demo_db) if c.name == "Glasgow office")
    assert str(saved.week[0][0]) == "08:30–24:00" and len(saved.week[1]) == 2
    qtbot.waitUntil(lambda: page.list.count() == 2, timeout=10_000)
    # A name another calendar has: the service's refusal at the name.
    _click(page.new_button)
    qtbot.keyClicks(page.name, "London office")
    _click(page.save_button)
    qtbot.waitUntil(
        lambda: page.errors["name"][1].isVisible() or bool(page.message.text()), timeout=10_000
    )


def test_on_a_1366x768_screen_the_calendar_editor_scrolls_and_squashes_no_field(
    qtbot, levels, make_window
):
    window = make_window("admin")
    levels_window = _service_levels(qtbot, window)
    levels_window.resize(1366, 768)
    page = levels_window.pages_shown[0]
    qtbot.waitUntil(lambda: page.list.count() == 1)
    saturday = page.days[5]
    saturday.setFocus()
    qtbot.keyClicks(saturday, "10:00-14:00, 13:00-25:00")  # a problem under the field
    page.country.setFocus()
    qtbot.keyClicks(page.country, "ZZ")
    _click(page.prefill_button)  # and one under the country
    qtbot.waitUntil(lambda: page.errors["country"][1].isVisible(), timeout=5000)
    qtbot.wait(100)
    assert levels_window.height() == 768  # it still fits the screen
    for field in (*page.days, page.name, page.country, page.region):
        assert field.height() >= field.sizeHint().height(), field.objectName()
    save = page.save_button
    corner = save.mapTo(levels_window, save.rect().bottomRight())
    assert save.isVisible() and levels_window.rect().contains(corner)


@POPUP
def test_the_plan_editor_checks_targets_and_previews(qtbot, levels, demo_db, make_window):
    window = make_window("admin")
    levels_window = _service_levels(qtbot, window)
    qtbot.keyClick(levels_window.stack.currentWidget(), Qt.Key.Key_PageDown, CTRL)
    page = levels_window.pages_shown[1]  # the next page: SLA plans
    assert levels_window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.list.count() == 2)
    standard = next(n for n in range(page.list.count()) if "Standard" in page.list.item(n).text())
    _click(page.list.viewport(), page.list.visualItemRect(page.list.item(standard)).center())
    qtbot.waitUntil(lambda: page.name.text() == "Standard")
    assert page.is_default.isChecked()
    assert "due" in page.preview.text()
    field = page.targets[(page.preview_priority.currentData(), Clock.FIRST_RESPONSE)]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "soon")
    key = next(k for k, (w, _e) in page.errors.items() if w is field)
    assert page.errors[key][1].isVisible()
    assert page.preview.text().startswith("Fix the targets")
    field.selectAll()
    qtbot.keyClicks(field, "2 h")
    assert not page.errors[key][1].isVisible()
    assert "within 2 h" in page.preview.text()
    _click(page.save_button)
    qtbot.waitUntil(lambda: sla.list_plans(demo_db)[1].version == 2, timeout=10_000)
    saved = next(p for p in sla.list_plans(demo_db) if p.name == "Standard")
    assert saved.target(Clock.FIRST_RESPONSE, page.preview_priority.currentData()) == timedelta(
        hours=2
    )

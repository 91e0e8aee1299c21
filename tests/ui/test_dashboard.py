"""The supervisor's dashboard in a real window on the demo desk: numbers that match the
queues, a click that opens the queue, tickets dragged (real mouse events) onto agents and
teams, the question for an away agent, the bulk move, the keyboard path, Ctrl+Z."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desk.domain.dashboard import Measure, measure_filter
from desk.domain.model import ACTIVE_STATUSES, Availability
from desk.domain.queues import QueueFilter, QueueQuery
from desk.services import directory, queries
from desk.services import tickets as work
from desk.services.demo import DEMO_LOGIN
from desk.ui.dashboard.dashboard_window import DashboardWindow
from desk.ui.dashboard.reassign import AskFirstDialog, MoveToDialog, NotMovedDialog

from .drag import drag
from .helpers import idle


def agent_id(db, login: str) -> int:
    return next(a.id for a in queries.directory(db).agents if a.login == login)


def ticket(db, ticket_id: int):
    return queries.get_ticket(db, ticket_id).ticket


@pytest.fixture
def board(qtbot, make_window, demo_db):
    lead = agent_id(demo_db, DEMO_LOGIN)
    # A few tickets back in their queues, so the Unassigned lane has something in it.
    rows = queries.queue_page(demo_db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES)), 0, 40)
    for row in [r for r in rows if r.assignee_name][:4]:
        work.release_ticket(demo_db, lead, row.id)
    window = make_window()
    QTest.keyClick(
        window,
        Qt.Key.Key_O,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(
        lambda: window.dashboard is not None and window.dashboard.isVisible(), timeout=5000
    )
    dash: DashboardWindow = window.dashboard
    qtbot.waitUntil(
        lambda: bool(dash.counts and dash.lanes and dash.charts_data and dash.idle), timeout=10_000
    )
    return window, dash


def settle(qtbot, window, dash) -> None:
    qtbot.waitUntil(lambda: idle(window) and dash.idle, timeout=10_000)


def press_undo(qtbot, dash) -> None:
    """Ctrl+Z in the dashboard, made the active window first as a click on it would (no
    window manager hands activation back after a dialog offscreen)."""
    dash.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dash, timeout=3000)
    QTest.keyClick(
        QApplication.focusWidget() or dash, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
    )


def agent_row(dash: DashboardWindow, login_name: str) -> int:
    return next(i for i, a in enumerate(dash.agent_model.agents) if a.name == login_name)


def team_row(dash: DashboardWindow, name: str) -> int:
    return next(i for i, t in enumerate(dash.team_model.teams) if t.name == name)


def cell_centre(table, row: int, column: int) -> QPoint:
    return table.visualRect(table.model().index(row, column)).center()


def lane_point(lane, row: int) -> QPoint:
    return lane.view.visualRect(lane.model.index(row, 0)).center()


def drop_first_unassigned(monkeypatch, dash: DashboardWindow, row: int) -> None:
    """Drag the Unassigned lane's first ticket onto an agent's row."""
    lane, agents = dash.unassigned, dash.agents
    start = lane_point(lane, 0)
    drag(monkeypatch, lane.view.viewport(), start, agents.viewport(), cell_centre(agents, row, 0))


def test_agents_have_no_dashboard(make_window):
    window = make_window("priya.shah")
    assert not window.dashboard_action.isVisible()


def test_the_numbers_are_the_queues_counts(qtbot, board, demo_db):
    _window, dash = board
    now = dash.counts.at
    for team in dash.team_model.teams:
        if team.team_id is None:
            continue
        for m in (
            Measure.UNASSIGNED,
            Measure.OPEN,
            Measure.PENDING,
            Measure.AT_RISK,
            Measure.OVERDUE,
        ):
            truth = queries.queue_count(
                demo_db, QueueQuery(measure_filter(m, now, team_id=team.team_id))
            )
            assert team.count(m) == truth, (team.name, m)
    for agent in dash.agent_model.agents:
        for m in (Measure.OPEN, Measure.PENDING, Measure.OVERDUE, Measure.DUE_TODAY):
            truth = queries.queue_count(
                demo_db, QueueQuery(measure_filter(m, now, assignee_id=agent.agent_id))
            )
            assert agent.count(m) == truth, (agent.name, m)
    assert dash.lanes.unassigned, "the demo desk has unassigned tickets"


def test_a_click_on_a_count_opens_that_queue(qtbot, board):
    window, dash = board
    row = team_row(dash, "Service Desk")
    column = 2  # Open
    shown = dash.team_model.teams[row].open
    QTest.mouseClick(
        dash.teams.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        cell_centre(dash.teams, row, column),
    )
    qtbot.waitUntil(lambda: window.queues.current_key() == "measure", timeout=5000)
    settle(qtbot, window, dash)
    assert window.queue_pane.title.text() == "Service Desk · open"
    assert window.queue_model.total == shown
    # And an agent's count, from the keyboard: Enter on the cell.
    dash.agents.setFocus()
    arow = agent_row(dash, "Priya Shah")
    dash.agents.setCurrentIndex(dash.agent_model.index(arow, 2))
    QTest.keyClick(dash.agents, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.queue_pane.title.text() == "Priya Shah · open", timeout=5000)
    settle(qtbot, window, dash)
    assert window.queue_model.total == dash.agent_model.agents[arow].open


def test_drag_one_ticket_from_the_lane_onto_an_agent(qtbot, monkeypatch, board, demo_db):
    window, dash = board
    first = dash.lanes.unassigned[0]
    row = agent_row(dash, "Tom Becker")
    before = dash.agent_model.agents[row].open
    drop_first_unassigned(monkeypatch, dash, row)
    # Shown at once, before the database has it: Tom's count, the lane without it.
    assert dash.agent_model.agents[row].open == before + 1
    assert first.id not in {r.id for r in dash.unassigned.model.rows}
    qtbot.waitUntil(
        lambda: ticket(demo_db, first.id).assignee_id == agent_id(demo_db, "tom.becker"),
        timeout=5000,
    )
    settle(qtbot, window, dash)
    # Live: the lane and Tom's count follow without a refresh.
    assert first.id not in {r.id for r in dash.lanes.unassigned}
    assert "Moved 1 ticket to Tom Becker" in dash.status.text()


def test_drag_several_from_the_queue_table_onto_a_team(qtbot, monkeypatch, board, demo_db):
    window, dash = board
    window.queues.choose("all_open")
    qtbot.waitUntil(lambda: window.queue_model.total > 3 and idle(window), timeout=5000)
    table = window.table
    QTest.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        table.visualRect(table.model().index(0, 1)).center(),
    )
    QTest.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        table.visualRect(table.model().index(2, 1)).center(),
    )
    ids = window.queue_pane.selected_ids()
    assert len(ids) == 3
    network = team_row(dash, "Network")
    network_id = dash.team_model.teams[network].team_id
    drag(
        monkeypatch,
        table.viewport(),
        table.visualRect(table.model().index(1, 1)).center(),
        dash.teams.viewport(),
        cell_centre(dash.teams, network, 0),
    )
    qtbot.waitUntil(
        lambda: all(ticket(demo_db, i).team_id == network_id for i in ids), timeout=8000
    )
    settle(qtbot, window, dash)
    assert "Moved 3 tickets to Network" in dash.status.text()


def test_a_drop_onto_an_away_agent_asks_first(qtbot, monkeypatch, board, demo_db):
    window, dash = board
    priya = agent_id(demo_db, "priya.shah")
    directory.set_availability(demo_db, priya, Availability.AWAY)
    qtbot.waitUntil(
        lambda: (
            dash.agent_model.agents[agent_row(dash, "Priya Shah")].availability == Availability.AWAY
        ),
        timeout=5000,
    )
    settle(qtbot, window, dash)
    first = dash.lanes.unassigned[0]
    row = agent_row(dash, "Priya Shah")
    drop_first_unassigned(monkeypatch, dash, row)
    qtbot.waitUntil(lambda: isinstance(dash.reassigner.dialog, AskFirstDialog), timeout=3000)
    ask = dash.reassigner.dialog
    assert "Priya Shah is away" in ask.question.text()
    QTest.keyClick(ask, Qt.Key.Key_Escape)  # no: nothing moves
    qtbot.waitUntil(lambda: dash.reassigner.dialog is None, timeout=3000)
    settle(qtbot, window, dash)
    assert ticket(demo_db, first.id).assignee_id is None
    drop_first_unassigned(monkeypatch, dash, row)
    qtbot.waitUntil(lambda: isinstance(dash.reassigner.dialog, AskFirstDialog), timeout=3000)
    QTest.keyClick(dash.reassigner.dialog, Qt.Key.Key_Return)  # yes
    qtbot.waitUntil(lambda: ticket(demo_db, first.id).assignee_id == priya, timeout=5000)


def test_keyboard_move_and_ctrl_z(qtbot, board, demo_db):
    window, dash = board
    view = dash.unassigned.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Home)
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # two chosen
    chosen = [t for t, _v in view.chosen()]
    assert len(chosen) == 2
    QTest.keyClick(view, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: isinstance(dash.reassigner.dialog, MoveToDialog), timeout=3000)
    dialog = dash.reassigner.dialog
    QTest.keyClicks(dialog.name, "kwame")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    kwame = agent_id(demo_db, "kwame.mensah")
    qtbot.waitUntil(
        lambda: all(ticket(demo_db, i).assignee_id == kwame for i in chosen), timeout=5000
    )
    settle(qtbot, window, dash)
    press_undo(qtbot, dash)
    qtbot.waitUntil(
        lambda: all(ticket(demo_db, i).assignee_id is None for i in chosen), timeout=5000
    )
    settle(qtbot, window, dash)
    assert "Put 2 tickets back" in dash.status.text()


def test_ctrl_z_after_a_minute_undoes_nothing(qtbot, monkeypatch, board, demo_db):
    window, dash = board
    first = dash.lanes.unassigned[0]
    row = agent_row(dash, "Tom Becker")
    drop_first_unassigned(monkeypatch, dash, row)
    tom = agent_id(demo_db, "tom.becker")
    qtbot.waitUntil(lambda: ticket(demo_db, first.id).assignee_id == tom, timeout=5000)
    later = dash.reassigner.clock() + 61
    dash.reassigner.clock = lambda: later
    press_undo(qtbot, dash)
    assert "can be undone for a minute" in dash.status.text()
    settle(qtbot, window, dash)
    assert ticket(demo_db, first.id).assignee_id == tom


def test_move_all_of_an_agents_open_tickets(qtbot, board, demo_db):
    window, dash = board
    row = agent_row(dash, "Priya Shah")
    theirs = dash.agent_model.agents[row].open
    assert theirs > 0
    dash.agents.setFocus()
    dash.agents.setCurrentIndex(dash.agent_model.index(row, 0))
    QTest.keyClick(dash.agents, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: isinstance(dash.reassigner.dialog, MoveToDialog), timeout=3000)
    dialog = dash.reassigner.dialog
    assert f"({theirs})" in dialog.windowTitle()
    QTest.keyClicks(dialog.name, "Tom Becker")
    QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dash.agent_model.agents[row].open == 0, timeout=8000)
    settle(qtbot, window, dash)
    priya = agent_id(demo_db, "priya.shah")
    assert (
        queries.queue_count(
            demo_db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES, assignee_id=priya))
        )
        == 0
    )


def test_a_ticket_changed_meanwhile_says_who_changed_it(qtbot, monkeypatch, board, demo_db):
    window, dash = board
    dash.tick.stop()
    first = dash.lanes.unassigned[0]
    # Someone claims it after the lane was read, before the drop lands: block the hub so
    # the lane still shows the old version.
    window.hub.blockSignals(True)
    work.claim_ticket(demo_db, agent_id(demo_db, "maria.lopez"), first.id)
    row = agent_row(dash, "Tom Becker")
    drop_first_unassigned(monkeypatch, dash, row)
    qtbot.waitUntil(lambda: isinstance(dash.reassigner.dialog, NotMovedDialog), timeout=5000)
    window.hub.blockSignals(False)
    text = dash.reassigner.dialog.list.text()
    assert first.number in text and "María López changed it first" in text
    assert ticket(demo_db, first.id).assignee_id == agent_id(demo_db, "maria.lopez")


def test_a_change_elsewhere_shows_within_a_second(qtbot, board, demo_db):
    _window, dash = board
    row = agent_row(dash, "Oskar Nilsson")
    before = dash.agent_model.agents[row].open
    target = dash.lanes.unassigned[0]
    started = datetime.now(UTC)
    work.assign_ticket(
        demo_db, agent_id(demo_db, DEMO_LOGIN), target.id, agent_id(demo_db, "oskar.nilsson")
    )
    qtbot.waitUntil(lambda: dash.agent_model.agents[row].open == before + 1, timeout=1000)
    assert (datetime.now(UTC) - started).total_seconds() < 1.0
    QApplication.processEvents()


def test_a_change_rereads_only_the_parts_it_can_move(qtbot, board, demo_db):
    window, dash = board
    dash.tick.stop()
    shown = {r.id for r in dash.lanes.unassigned + dash.lanes.breaches}
    rows = queries.queue_page(demo_db, QueueQuery(QueueFilter()), 0, 200)
    quiet = next(r.id for r in rows if r.id not in shown)
    before = dict(dash.reads)
    # A note: an agent's last activity moves; no ticket changes queue.
    work.add_internal_note(demo_db, agent_id(demo_db, "priya.shah"), quiet, "Called back.")
    qtbot.waitUntil(lambda: dash.reads["counts"] > before["counts"], timeout=3000)
    settle(qtbot, window, dash)
    assert dash.reads["lanes"] == before["lanes"]
    assert dash.reads["charts"] == before["charts"]
    # Someone goes away: the agents' table, nothing else.
    before = dict(dash.reads)
    directory.set_availability(demo_db, agent_id(demo_db, "tom.becker"), Availability.AWAY)
    qtbot.waitUntil(lambda: dash.reads["counts"] > before["counts"], timeout=3000)
    settle(qtbot, window, dash)
    assert (dash.reads["lanes"], dash.reads["charts"]) == (before["lanes"], before["charts"])
    tom = dash.agent_model.agents[agent_row(dash, "Tom Becker")]
    assert tom.availability == Availability.AWAY


def test_a_drop_onto_a_full_agent_asks_first(qtbot, monkeypatch, board, demo_db):
    window, dash = board
    row = agent_row(dash, "Tom Becker")
    tom = dash.agent_model.agents[row]
    directory.set_capacity(demo_db, agent_id(demo_db, DEMO_LOGIN), tom.agent_id, tom.open)
    qtbot.waitUntil(lambda: dash.agent_model.agents[row].full, timeout=5000)
    settle(qtbot, window, dash)
    drop_first_unassigned(monkeypatch, dash, row)
    qtbot.waitUntil(lambda: isinstance(dash.reassigner.dialog, AskFirstDialog), timeout=3000)
    assert "capacity is" in dash.reassigner.dialog.question.text()
    QTest.keyClick(dash.reassigner.dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dash.reassigner.dialog is None, timeout=3000)


def test_a_closed_dashboard_reads_nothing_until_it_is_opened_again(qtbot, board, demo_db):
    window, dash = board
    dash.close()
    before = dict(dash.reads)
    row = agent_row(dash, "Oskar Nilsson")
    was = dash.agent_model.agents[row].open
    target = dash.lanes.unassigned[0]
    work.assign_ticket(
        demo_db, agent_id(demo_db, DEMO_LOGIN), target.id, agent_id(demo_db, "oskar.nilsson")
    )
    qtbot.wait(600)  # the change has arrived in the hub meanwhile
    settle(qtbot, window, dash)
    assert dash.reads == before
    window.dashboard_action.trigger()  # View › Dashboard (its key is pressed in `board`)
    qtbot.waitUntil(lambda: dash.agent_model.agents[row].open == was + 1, timeout=5000)

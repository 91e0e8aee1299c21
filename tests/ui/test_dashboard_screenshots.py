"""Screenshots of the dashboard on the demo desk, light and dark, at 1366×768 and
1920×1080: artifacts for people to look at (saved to $DESK_SCREENSHOTS/dashboard, or a
temporary folder)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import update

from desk.domain.model import ACTIVE_STATUSES, Availability
from desk.domain.queues import QueueFilter, QueueQuery
from desk.services import directory, queries
from desk.services import tickets as work
from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN, seed_demo
from desk.store.schema import tickets
from desk.ui.common.style import Theme, apply_style

from .test_screenshots import _distinct_colours


@pytest.fixture(scope="module")
def busy_template(tmp_path_factory) -> Path:
    """A demo desk that worked up to this moment (today's and this month's charts have
    something in them), with some agents' capacity set and one away."""
    path = tmp_path_factory.mktemp("busy") / "busy.sqlite3"
    db = open_database(f"sqlite:///{path}")
    seed_demo(db, 900, now=datetime.now(UTC))
    people = {a.login: a.id for a in queries.directory(db).agents}
    lead = people[DEMO_LOGIN]
    for login, capacity in (
        ("priya.shah", 8),
        ("tom.becker", 6),
        ("chen.wei", 10),
        ("sofia.rossi", 5),
    ):
        directory.set_capacity(db, lead, people[login], capacity)
    directory.set_availability(db, people["kwame.mensah"], Availability.AWAY)
    rows = queries.queue_page(db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES)), 0, 60)
    for row in [r for r in rows if r.assignee_name][:9]:
        work.release_ticket(db, lead, row.id)
    # Due times of every kind (the demo desk has no SLA plan): overdue, at risk, later.
    now = datetime.now(UTC)
    offsets = [-30, -3, -1, 0.5, 2, 5, 30, 70]
    with db.engine.begin() as conn:
        for i, row in enumerate(rows):
            due = now + timedelta(hours=offsets[i % len(offsets)])
            conn.execute(
                update(tickets)
                .where(tickets.c.id == row.id)
                .values(due_at=due, at_risk_at=due - timedelta(hours=3))
            )
    db.close()
    return path


@pytest.fixture
def busy_board(qtbot, make_window, busy_template, tmp_path):
    path = tmp_path / "busy.sqlite3"
    shutil.copy(busy_template, path)
    db = open_database(f"sqlite:///{path}")
    window = make_window(db=db)
    window.dashboards.open()
    dash = window.dashboard
    qtbot.waitUntil(
        lambda: bool(dash.counts and dash.lanes and dash.charts_data and dash.idle), timeout=15_000
    )
    yield window, dash
    window.close()
    db.close()


@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK], ids=["light", "dark"])
def test_dashboard_screenshots(qtbot, qapp, busy_board, tmp_path, theme):
    _window, dash = busy_board
    out = Path(os.environ.get("DESK_SCREENSHOTS", tmp_path)) / "dashboard"
    out.mkdir(parents=True, exist_ok=True)
    apply_style(qapp, theme)
    try:
        for width, height in ((1366, 768), (1920, 1080)):
            dash.resize(width, height)
            # The supervisor has chosen two tickets in a lane and is about to drag them.
            view = dash.unassigned.view
            view.setFocus()
            QTest.keyClick(view, Qt.Key.Key_Home)
            QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
            qtbot.wait(50)
            QApplication.processEvents()
            path = out / f"dashboard-{theme.value}-{width}x{height}.png"
            dash.grab().save(str(path))
            assert _distinct_colours(path) > 12
    finally:
        apply_style(qapp, Theme.LIGHT)

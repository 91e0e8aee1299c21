"""A PostgreSQL server that goes down under a running window (a throwaway cluster this
test starts and stops itself): one banner with the reason, no dialogs, and green again by
itself when the server is back."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN, seed_demo
from desk.ui.common.drafts import DraftStore
from desk.ui.common.style import apply_style
from desk.ui.shell import database_status
from desk.ui.shell.database_status import DatabaseBanner
from desk.ui.shell.main_window import MainWindow

from ..pg_cluster import Cluster, throwaway_cluster
from .helpers import first_ticket, idle, open_ticket, session_for, wait_idle


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    yield from throwaway_cluster()


@pytest.fixture
def server_window(qtbot, qapp, cluster: Cluster, tmp_path: Path, monkeypatch):
    apply_style(qapp)
    monkeypatch.setattr(database_status, "SERVER_CHECK_MS", 1000)  # a test has no all day
    db = open_database(cluster.url)
    seed_demo(db, 40, now=datetime(2026, 11, 2, 15, 30, tzinfo=UTC))  # as the UI tests' desk
    session = session_for(db, DEMO_LOGIN)
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, DraftStore(tmp_path / "drafts"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.queue_model.shown and idle(window), timeout=20_000)
    yield window
    window.close()
    db.close()


def _visible_boxes(window) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def test_an_outage_is_one_banner_and_the_return_turns_green_by_itself(
    qtbot, server_window: MainWindow, cluster: Cluster
):
    window = server_window
    ticket_id = first_ticket(window.session.db, active=True)
    open_ticket(qtbot, window, ticket_id)
    assert window.connection.text() == "● Connected"

    cluster.stop()
    # Everything the window does in the background now fails: counts, the queue, the
    # ticket, a refresh pressed twice. All of it is one banner, and no dialog.
    window.refresh()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
    qtbot.keyClick(window.table, Qt.Key.Key_F5)
    qtbot.wait(2500)  # a couple of retries' worth
    banners = [b for b in window.findChildren(DatabaseBanner) if b.isVisible()]
    assert banners == [window.banner]
    assert window.banner.property("state") == "down"
    text = window.banner.message.text()
    assert "does not answer" in text and f"127.0.0.1:{cluster.port}" in text
    assert "again by itself" in text  # "in N s", or "now" while a try is under way
    assert window.connection.text() == "● Not connected"
    assert not _visible_boxes(window)
    assert window.banner.retry_button.isVisible()
    if os.environ.get("DESK_SCREENSHOTS"):  # the real thing, to look at beside the others
        window.resize(1024, 700)
        qtbot.wait(200)
        window.grab().save(str(Path(os.environ["DESK_SCREENSHOTS"]) / "server-outage-real.png"))
    # Nothing offers to save what could not be saved; typing still works (a draft).
    assert not window.claim_action.isEnabled() and not window.composer.send_button.isEnabled()

    down_for = time.monotonic()
    cluster.start()
    # Within the backoff (it has grown to a few seconds at most), with nobody touching it.
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=35_000)
    back_after = time.monotonic() - down_for
    assert window.connection.text() == "● Connected"
    assert window.reply_action.isEnabled() and window.composer.send_button.isEnabled()
    wait_idle(qtbot, window, timeout=20_000)
    qtbot.wait(300)
    assert not window.banner.isVisible()
    boxes = _visible_boxes(window)
    assert not boxes, [b.text() for b in boxes]  # nor does an old failure turn up late
    assert back_after < 31
    # And the desk works again: the ticket still reads.
    open_ticket(qtbot, window, ticket_id)


def test_an_idle_server_window_sends_nothing_yet_notices_the_server_stop(
    qtbot, server_window: MainWindow, cluster: Cluster
):
    # The listening connection watches the server: no SELECT 1 every few seconds (the
    # check timer is set to 1 s here), only the presence heartbeat every 10 s.
    from sqlalchemy import event

    window = server_window
    sent: list[str] = []
    engine = window.session.db.engine  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.hub.connected, timeout=10_000)
    wait_idle(qtbot, window, timeout=20_000)

    def count(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        qtbot.wait(4000)
        assert [s for s in sent if "presence" not in s] == []
        cluster.stop()  # nobody touches the window: the lost listener says so
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
        assert window.connection.text() == "● Not connected"
    finally:
        event.remove(engine, "before_cursor_execute", count)
    cluster.start()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=35_000)

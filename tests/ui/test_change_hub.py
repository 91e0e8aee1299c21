"""The change hub: changes from any thread reach the GUI thread, merged per burst; a
second client's writes arrive through it, and this client's own exactly once."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QThread

from desk.domain.changes import Changes, Directory
from desk.services import directory
from desk.services.database import open_database
from desk.ui.common.change_hub import ChangeHub


def test_a_burst_from_other_threads_arrives_on_the_gui_thread_as_one_change(qtbot, qapp):
    hub = ChangeHub(coalesce_ms=100)
    got: list[tuple[Changes, bool]] = []
    hub.changed.connect(lambda c: got.append((c, QThread.currentThread() is qapp.thread())))

    def burst() -> None:
        for n in range(1, 21):
            hub.post(Changes(tickets={n: n}))
        hub.post(Changes(directory=frozenset({Directory.TEAMS})))
        hub.post(Changes())  # nothing: never delivered

    with qtbot.waitSignal(hub.changed, timeout=2000):
        threads = [threading.Thread(target=burst) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    qtbot.wait(250)
    assert len(got) == 1
    changes, on_gui_thread = got[0]
    assert on_gui_thread
    assert dict(changes.tickets) == {n: n for n in range(1, 21)}
    assert changes.directory == {Directory.TEAMS}


def test_a_steady_stream_is_delivered_every_wait_not_postponed(qtbot):
    hub = ChangeHub(coalesce_ms=100)
    got: list[Changes] = []
    hub.changed.connect(got.append)
    for n in range(12):  # a change every 50 ms for 600 ms
        hub.post(Changes(tickets={n: 1}))
        qtbot.wait(50)
    qtbot.waitUntil(lambda: sum(len(c.tickets) for c in got) == 12, timeout=1000)
    assert 4 <= len(got) <= 8


def test_flush_and_post_later(qtbot):
    hub = ChangeHub(coalesce_ms=10_000)
    got: list[Changes] = []
    hub.changed.connect(got.append)
    hub.post(Changes(tickets={1: 1}))
    qtbot.waitUntil(lambda: not hub.pending.is_empty, timeout=1000)
    hub.flush()
    assert [dict(c.tickets) for c in got] == [{1: 1}]
    hub.flush()  # nothing waiting: nothing sent
    assert len(got) == 1
    quick = ChangeHub(coalesce_ms=10)
    quick.post_later(50, Changes(presence=frozenset({4})))
    with qtbot.waitSignal(quick.changed, timeout=1000) as blocker:
        pass
    assert blocker.args[0].presence == {4}


def test_the_hub_hears_this_client_once_and_another_client_within_a_second(qtbot, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    mine, theirs = open_database(url), open_database(url)
    hub = ChangeHub()
    got: list[Changes] = []
    hub.changed.connect(got.append)
    hub.watch(mine)
    try:
        admin = directory.create_first_admin(mine, "admin", "Ada Admin")
        assert admin.id is not None
        qtbot.waitUntil(lambda: len(got) == 1, timeout=1000)
        assert got[0].directory == {Directory.AGENTS}
        qtbot.wait(600)  # the watcher has looked at least twice: no echo
        assert len(got) == 1
        directory.create_team(theirs, admin.id, "Network")
        qtbot.waitUntil(lambda: len(got) == 2, timeout=1000)
        assert got[1].directory == {Directory.TEAMS}
        assert hub.connected
    finally:
        hub.stop()
        mine.close()
        theirs.close()


def test_a_hub_deleted_without_stop_stops_its_listener(qtbot, tmp_path: Path):
    import shiboken6

    db = open_database(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    hub = ChangeHub()
    hub.watch(db)
    listener = hub._listener
    assert listener is not None and listener.connected
    shiboken6.delete(hub)
    assert not listener.connected
    directory.create_first_admin(db, "admin", "Ada Admin")  # nobody left to tell: no error
    db.close()

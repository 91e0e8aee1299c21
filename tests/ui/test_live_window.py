"""A live window, on both backends: what another client (another process, or a second
client in this one) does shows in this window without F5 — the queue row, the counts,
the open ticket's thread, the directory, who is on a ticket — and what this window's
own dialogs and editor do when the ticket moves under them."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desk.domain.model import Priority, TicketStatus
from desk.domain.presence import Activity
from desk.domain.queues import SortKey
from desk.services import directory, live, queries
from desk.services import tickets as work
from desk.services.database import open_database
from desk.services.tickets import TicketEdit
from desk.store.unit_of_work import SqlDatabase
from desk.ui.common.drafts import DraftStore
from desk.ui.common.style import apply_style
from desk.ui.queues.queue_list import COUNT_ROLE, KEY_ROLE
from desk.ui.queues.queue_model import COLUMN, PRESENCE_ROLE
from desk.ui.shell.main_window import MainWindow

from ..conftest import World
from ..integration import workers
from .helpers import idle, open_ticket, session_for, wait_idle

#: What "at once" means here: the issue asks for a second, the test allows for a slow CI.
LIVE_MS = 2_000


@pytest.fixture
def other(db_url: str) -> Iterator[SqlDatabase]:
    """A second client on the same database (another agent's Desk)."""
    database = open_database(db_url)
    yield database
    database.close()


@pytest.fixture
def make_live_window(qtbot, qapp, tmp_path: Path) -> Iterator[Callable[..., MainWindow]]:
    apply_style(qapp)
    windows: list[MainWindow] = []

    def make(db: SqlDatabase, login: str) -> MainWindow:
        session = session_for(db, login)
        settings = QSettings(str(tmp_path / f"{login}-{id(db)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(session, settings, DraftStore(tmp_path / f"drafts-{id(db)}"))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.queue_model.shown and idle(window), timeout=10_000)
        windows.append(window)
        return window

    yield make
    # Closed before their databases are: a closing window still says it left its ticket.
    for window in windows:
        window.close()


def _printer_ticket(db: SqlDatabase) -> int:
    return queries.search_tickets(db, "printer")[0]


def _count(window: MainWindow, key: str) -> int | None:
    for row in range(window.queues.count()):
        item = window.queues.item(row)
        if item.data(KEY_ROLE) == key:
            return item.data(COUNT_ROLE)
    return None


def _cell(window: MainWindow, ticket_id: int, key: SortKey) -> str | None:
    row = window.queue_model.row_of(ticket_id)
    if row is None:
        return None
    return window.queue_model.index(row, COLUMN[key]).data()


def _show_queue(qtbot, window: MainWindow, key: str) -> None:
    window.queues.choose(key)
    wait_idle(qtbot, window)


def test_a_claim_reply_and_new_team_from_another_process_show_without_f5(
    qtbot, db, db_url: str, world: World, make_live_window
):
    window = make_live_window(db, "sue")  # a supervisor: every team's queue is listed
    _show_queue(qtbot, window, "all_open")
    ticket_id = _printer_ticket(db)
    open_ticket(qtbot, window, ticket_id)
    unassigned = _count(window, "unassigned")
    assert unassigned is not None and unassigned >= 1
    assert _cell(window, ticket_id, SortKey.ASSIGNEE) == ""
    assert "Network" not in [window.queues.item(r).text() for r in range(window.queues.count())]

    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    process = spawn.Process(
        target=workers.claim_reply_and_add_team,
        args=(db_url, world.agent, world.admin, ticket_id, results),
    )
    process.start()
    try:
        outcome = results.get(timeout=60)
    finally:
        process.join(timeout=30)
    assert outcome[0] == "done", outcome

    # The row, the count, the open ticket's thread and editor, and the new team's queue.
    qtbot.waitUntil(
        lambda: _cell(window, ticket_id, SortKey.ASSIGNEE) == "Sam Agent", timeout=LIVE_MS
    )
    qtbot.waitUntil(lambda: _count(window, "unassigned") == unassigned - 1, timeout=LIVE_MS)
    qtbot.waitUntil(lambda: "On my way." in window.thread.toPlainText(), timeout=LIVE_MS)
    qtbot.waitUntil(lambda: window.editor.assignee.text() == "Sam Agent", timeout=LIVE_MS)
    qtbot.waitUntil(
        lambda: "Network" in [window.queues.item(r).text() for r in range(window.queues.count())],
        timeout=LIVE_MS,
    )
    # ... and the Transfer dialog offers it.
    wait_idle(qtbot, window)
    qtbot.mouseClick(window.editor.transfer_button, Qt.MouseButton.LeftButton)
    dialog = window.ticket_actions.dialog
    assert dialog is not None
    teams = dialog.field("team")
    assert "Network" in [teams.itemText(i) for i in range(teams.count())]
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)


def test_an_edit_that_moves_no_ticket_recounts_no_queue(
    qtbot, db, other: SqlDatabase, world: World, make_live_window
):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    ticket_id = _printer_ticket(db)
    version = queries.get_ticket(other, ticket_id).ticket.version
    counted = window.queues.counted_queues
    work.update_ticket(
        other, world.supervisor, ticket_id, TicketEdit(subject="Printer on fire"), version
    )
    qtbot.waitUntil(
        lambda: _cell(window, ticket_id, SortKey.SUBJECT) == "Printer on fire", timeout=LIVE_MS
    )
    wait_idle(qtbot, window)
    assert window.queues.counted_queues == counted  # the subject moves no ticket between queues
    # A claim moves it: only the queues it may have left or joined are counted again.
    work.claim_ticket(other, world.agent, ticket_id)
    qtbot.waitUntil(lambda: window.queues.counted_queues > counted, timeout=LIVE_MS)
    wait_idle(qtbot, window)
    assert 0 < window.queues.counted_queues - counted < len(window.queues.count_queries())


def test_presence_shows_in_the_header_and_the_row_and_goes_with_the_other_window(
    qtbot, db, other: SqlDatabase, world: World, make_live_window
):
    mine = make_live_window(db, "sue")
    _show_queue(qtbot, mine, "all_open")
    ticket_id = _printer_ticket(db)
    open_ticket(qtbot, mine, ticket_id)
    assert mine.editor.presence.isHidden()

    theirs = make_live_window(other, "sam")
    _show_queue(qtbot, theirs, "all_open")
    open_ticket(qtbot, theirs, ticket_id)
    qtbot.waitUntil(lambda: mine.editor.presence.text() == "Sam Agent is viewing", timeout=LIVE_MS)
    assert mine.editor.presence.isVisible()
    row = mine.queue_model.row_of(ticket_id)
    qtbot.waitUntil(
        lambda: (
            [e.agent_name for e in mine.queue_model.index(row, 0).data(PRESENCE_ROLE)]
            == ["Sam Agent"]
        ),
        timeout=LIVE_MS,
    )
    assert mine.queue_model.index(row, 0).data(Qt.ItemDataRole.DecorationRole) is not None

    # Sam starts typing a reply: "replying", in both places.
    qtbot.mouseClick(theirs.composer.editor.viewport(), Qt.MouseButton.LeftButton)
    theirs.composer.editor.setFocus()
    qtbot.waitUntil(theirs.composer.editor.hasFocus)
    qtbot.keyClicks(theirs.composer.editor, "Looking")
    qtbot.waitUntil(
        lambda: mine.editor.presence.text() == "Sam Agent is replying…", timeout=LIVE_MS
    )

    theirs.close()  # Sam's Desk ends: his presence goes with it
    qtbot.waitUntil(lambda: mine.editor.presence.isHidden(), timeout=LIVE_MS)
    qtbot.waitUntil(
        lambda: mine.queue_model.index(row, 0).data(PRESENCE_ROLE) == [], timeout=LIVE_MS
    )


def _answer_box(qtbot, window: MainWindow, key: Qt.Key) -> str:
    """Press `key` in the "already replying" box once it is up; its text."""
    found: list[QMessageBox] = []

    def up() -> bool:
        found[:] = [
            box for box in window.findChildren(QMessageBox, "alreadyReplyingBox") if box.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(up, timeout=LIVE_MS)
    text = found[0].text()
    qtbot.keyClick(found[0], key)
    return text


def test_starting_a_reply_while_someone_replies_asks_first(
    qtbot, db, other: SqlDatabase, world: World, make_live_window
):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    ticket_id = _printer_ticket(db)
    open_ticket(qtbot, window, ticket_id)
    live.set_presence(other, world.agent, ticket_id, Activity.REPLYING)
    qtbot.waitUntil(
        lambda: window.editor.presence.text() == "Sam Agent is replying…", timeout=LIVE_MS
    )

    window.thread.setFocus()
    qtbot.mouseClick(window.composer.editor.viewport(), Qt.MouseButton.LeftButton)
    assert (
        _answer_box(qtbot, window, Qt.Key.Key_Escape)
        == "Sam Agent is already replying — reply anyway?"
    )
    # Escape: the reply is left to Sam, the keys go back to the thread.
    qtbot.waitUntil(
        lambda: window.focusWidget() is window.thread and window.open_ticket.reply_question is None
    )
    assert window.composer.editor.toPlainText() == ""
    window.activateWindow()  # the offscreen platform does not hand it back after a box
    qtbot.waitUntil(window.isActiveWindow)

    qtbot.mouseClick(window.composer.editor.viewport(), Qt.MouseButton.LeftButton)
    _answer_box(qtbot, window, Qt.Key.Key_Return)  # reply anyway
    window.activateWindow()
    qtbot.waitUntil(window.composer.editor.hasFocus)
    qtbot.keyClicks(window.composer.editor, "Me too")
    assert window.composer.editor.toPlainText() == "Me too"
    assert QApplication.activeModalWidget() is None  # asked once, not at every keystroke


def test_someone_elses_change_to_the_ticket_i_edit_shows_in_a_bar(
    qtbot, db, other: SqlDatabase, world: World, make_live_window
):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    ticket_id = _printer_ticket(db)
    open_ticket(qtbot, window, ticket_id)
    window.editor.subject.setFocus()
    window.editor.subject.selectAll()
    qtbot.keyClicks(window.editor.subject, "Printer jams on A3 only")
    assert window.editor.dirty
    assert window.editor.edit_bar.isHidden()

    version = queries.get_ticket(other, ticket_id).ticket.version
    work.update_ticket(other, world.agent, ticket_id, TicketEdit(priority=Priority.URGENT), version)
    bar = window.editor.edit_bar
    qtbot.waitUntil(bar.isVisible, timeout=LIVE_MS)
    assert (
        bar.message.text() == "Sam Agent changed the priority from high to urgent (set by hand)"
        or (bar.message.text().startswith("Sam Agent changed the priority"))
    )
    assert window.editor.subject.text() == "Printer jams on A3 only"  # my typing stays

    # Keep mine, then save: the version check still says someone else saved first.
    qtbot.mouseClick(bar.keep_button, Qt.MouseButton.LeftButton)
    assert bar.isHidden() and window.editor.subject.text() == "Printer jams on A3 only"
    qtbot.mouseClick(window.editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ticket_actions.conflict_dialog is not None, timeout=LIVE_MS)
    window.ticket_actions.conflict_dialog.reject()
    assert queries.get_ticket(db, ticket_id).ticket.subject != "Printer jams on A3 only"


def test_reload_in_the_edit_bar_shows_the_ticket_as_saved(
    qtbot, db, other: SqlDatabase, world: World, make_live_window
):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    ticket_id = _printer_ticket(db)
    open_ticket(qtbot, window, ticket_id)
    saved_subject = window.editor.subject.text()
    window.editor.subject.setFocus()
    qtbot.keyClicks(window.editor.subject, " (again)")
    version = queries.get_ticket(other, ticket_id).ticket.version
    work.update_ticket(other, world.agent, ticket_id, TicketEdit(priority=Priority.URGENT), version)
    qtbot.waitUntil(window.editor.edit_bar.isVisible, timeout=LIVE_MS)
    qtbot.mouseClick(window.editor.edit_bar.reload_button, Qt.MouseButton.LeftButton)
    assert window.editor.edit_bar.isHidden()
    assert window.editor.subject.text() == saved_subject
    assert window.editor.priority.currentData() == Priority.URGENT
    assert not window.editor.dirty


def test_cancelling_assign_while_it_runs_raises_nothing_and_shows_the_truth(
    qtbot, db, world: World, make_live_window, monkeypatch
):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    ticket_id = _printer_ticket(db)
    open_ticket(qtbot, window, ticket_id)
    started, release = threading.Event(), threading.Event()
    assign = work.assign_ticket

    def slow_assign(*args, **kwargs):
        started.set()
        assert release.wait(10)
        return assign(*args, **kwargs)

    monkeypatch.setattr(work, "assign_ticket", slow_assign)
    qtbot.mouseClick(window.editor.assign_button, Qt.MouseButton.LeftButton)
    dialog = window.ticket_actions.dialog
    assert dialog is not None
    agents = dialog.field("assignee")
    agents.setCurrentIndex(agents.findData(world.agent))
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert started.wait(5)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # while it runs
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is None)
    release.set()
    # No "Internal C++ object already deleted" (pytest-qt fails the test on any exception
    # in a callback); the write happened, and the editor and the row say so.
    qtbot.waitUntil(lambda: window.editor.assignee.text() == "Sam Agent", timeout=LIVE_MS)
    qtbot.waitUntil(
        lambda: _cell(window, ticket_id, SortKey.ASSIGNEE) == "Sam Agent", timeout=LIVE_MS
    )
    assert window.ops.dropped >= 1
    assert queries.get_ticket(db, ticket_id).ticket.assignee_id == world.agent


def test_a_reply_from_another_client_keeps_the_thread_where_i_was_reading(
    qtbot, db, other: SqlDatabase, world: World, make_live_window
):
    ticket_id = _printer_ticket(db)
    for n in range(25):  # a thread longer than its view
        work.add_internal_note(db, world.admin, ticket_id, f"Note {n}\n" * 3)
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    open_ticket(qtbot, window, ticket_id)
    bar = window.thread.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    assert window.thread.at_bottom()  # opened at the newest entry
    bar.setValue(0)  # reading from the top
    work.reply_to_customer(other, world.agent, ticket_id, "First reply from Sam.")
    qtbot.waitUntil(lambda: "First reply from Sam." in window.thread.toPlainText(), timeout=LIVE_MS)
    assert bar.value() == 0
    bar.setValue(bar.maximum())  # at the bottom: it follows the new entries
    work.reply_to_customer(other, world.agent, ticket_id, "Second reply from Sam.")
    qtbot.waitUntil(
        lambda: "Second reply from Sam." in window.thread.toPlainText(), timeout=LIVE_MS
    )
    assert bar.value() == bar.maximum()


def test_a_status_change_in_another_client_moves_the_row_out_of_its_queue(
    qtbot, db, other: SqlDatabase, world: World, make_live_window
):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "unassigned")
    ticket_id = _printer_ticket(db)
    qtbot.waitUntil(lambda: window.queue_model.row_of(ticket_id) is not None)
    work.change_status(other, world.supervisor, ticket_id, TicketStatus.RESOLVED, note="Fixed")
    qtbot.waitUntil(lambda: window.queue_model.row_of(ticket_id) is None, timeout=LIVE_MS)


def test_the_queue_list_model_keeps_qts_rules(
    qtmodeltester, qtbot, db, world: World, make_live_window
):
    window = make_live_window(db, "sue")
    qtmodeltester.check(window.queues.model(), force_py=True)


def test_directory_rename_reaches_the_assign_dialog(
    qtbot, db, other: SqlDatabase, world: World, make_live_window
):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    open_ticket(qtbot, window, _printer_ticket(db))
    directory.create_agent(other, world.admin, "priya", "Priya Patel")
    qtbot.waitUntil(
        lambda: any(a.name == "Priya Patel" for a in window.session.directory.agents),
        timeout=LIVE_MS,
    )
    qtbot.mouseClick(window.editor.assign_button, Qt.MouseButton.LeftButton)
    dialog = window.ticket_actions.dialog
    agents = dialog.field("assignee")
    assert any("Priya Patel" in agents.itemText(i) for i in range(agents.count()))
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)


def test_my_own_save_comes_back_without_a_bar(qtbot, db, world: World, make_live_window):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    ticket_id = _printer_ticket(db)
    open_ticket(qtbot, window, ticket_id)
    window.editor.subject.setFocus()
    window.editor.subject.selectAll()
    qtbot.keyClicks(window.editor.subject, "Printer jams on A3 only")
    qtbot.keyClick(window.editor.subject, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.editor.dirty, timeout=LIVE_MS)
    wait_idle(qtbot, window)
    assert window.editor.edit_bar.isHidden()
    assert window.editor.subject.text() == "Printer jams on A3 only"
    assert queries.get_ticket(db, ticket_id).ticket.subject == "Printer jams on A3 only"
    qtbot.waitUntil(
        lambda: _cell(window, ticket_id, SortKey.SUBJECT) == "Printer jams on A3 only",
        timeout=LIVE_MS,
    )


def test_f5_keeps_what_i_am_typing(qtbot, db, world: World, make_live_window):
    window = make_live_window(db, "sue")
    _show_queue(qtbot, window, "all_open")
    open_ticket(qtbot, window, _printer_ticket(db))
    window.editor.subject.setFocus()
    qtbot.keyClicks(window.editor.subject, " (draft)")
    qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_idle(qtbot, window)
    assert window.editor.subject.text().endswith(" (draft)") and window.editor.dirty

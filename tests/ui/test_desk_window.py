"""The agent's desk, driven through its widgets and checked in the database afterwards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from desk.domain.errors import DatabaseUnavailable
from desk.domain.model import TicketStatus
from desk.domain.queues import SortKey
from desk.domain.thread import EntryKind
from desk.services import health, queries
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, log_ticket
from desk.ui.queues.queue_model import COLUMN, TICKET_ID_ROLE
from desk.ui.queues.queue_pane import select_ticket_row

from .helpers import first_ticket, open_ticket, wait_idle


def _thread(db, ticket_id):
    return queries.get_ticket(db, ticket_id).thread


def test_the_queue_model_keeps_qts_rules(qtmodeltester, window):
    qtmodeltester.check(window.queue_model, force_py=True)


def test_opening_a_ticket_shows_its_fields_and_thread(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=False)
    open_ticket(qtbot, window, ticket_id)
    detail = queries.get_ticket(demo_db, ticket_id)
    assert window.editor.number.text() == detail.number
    assert window.editor.subject.text() == detail.ticket.subject
    html = window.thread.toPlainText()
    assert detail.thread[0].body in html  # the caller's words
    assert "Internal note" not in html or any(e.kind == EntryKind.NOTE for e in detail.thread)


def test_reply_and_internal_note_from_the_composer(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    window.composer.editor.setPlainText("Please restart the laptop and try again.")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.composer.editor.toPlainText() == "")
    window.note_action.trigger()
    assert window.composer.internal
    window.composer.editor.setPlainText("Checked AD: the account was locked.")
    window.composer.send_button.click()
    wait_idle(qtbot, window)
    entries = _thread(demo_db, ticket_id)
    reply, note = [e for e in entries if e.kind in (EntryKind.REPLY, EntryKind.NOTE)][-2:]
    assert (reply.kind, reply.body, reply.author_name) == (
        EntryKind.REPLY,
        "Please restart the laptop and try again.",
        "Alex Morgan",
    )
    assert (note.kind, note.body) == (EntryKind.NOTE, "Checked AD: the account was locked.")
    qtbot.waitUntil(lambda: "Checked AD: the account was locked." in window.thread.toPlainText())


def test_an_empty_reply_is_refused_where_it_was_typed(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    before = len(_thread(demo_db, ticket_id))
    window.composer.editor.setPlainText("   ")
    window.composer.send_button.click()
    assert (
        window.composer.error.isVisible()
        or window.composer.error.text() == "Write something first."
    )
    assert len(_thread(demo_db, ticket_id)) == before


def test_claim_from_the_editor(qtbot, window, demo_db):
    ticket_id = log_ticket(
        demo_db, window.session.agent_id, IntakeRequest(subject="Badge reader dead", customer_id=1)
    ).id
    window.refresh()
    wait_idle(qtbot, window)
    open_ticket(qtbot, window, ticket_id)
    assert window.editor.claim_button.isVisible()
    window.editor.claim_button.click()
    wait_idle(qtbot, window)
    ticket = queries.get_ticket(demo_db, ticket_id).ticket
    assert (ticket.assignee_id, ticket.status) == (window.session.agent_id, TicketStatus.OPEN)
    qtbot.waitUntil(lambda: window.editor.assignee.text() == "Alex Morgan")
    assert not window.editor.claim_button.isVisible()


def test_transfer_through_its_dialog(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    window.editor.transfer_button.click()
    dialog = window.ticket_actions.dialog
    assert dialog is not None
    teams = dialog.field("team")
    teams.setCurrentIndex(teams.findText("Network"))
    dialog.field("reason").setPlainText("Looks like the VPN concentrator.")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is None)
    detail = queries.get_ticket(demo_db, ticket_id)
    assert detail.team.name == "Network" and detail.ticket.assignee_id is None
    assert [e.body for e in detail.thread if e.kind == EntryKind.NOTE][
        -1
    ] == "Looks like the VPN concentrator."


def test_resolve_needs_a_note_then_close_with_csat_then_reopen(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    version = queries.get_ticket(demo_db, ticket_id).ticket.version

    window.editor.status_buttons[TicketStatus.RESOLVED].click()
    dialog = window.ticket_actions.dialog
    dialog.submit_button.click()  # no resolution note
    wait_idle(qtbot, window)
    assert dialog.isVisible()
    assert dialog._fields["resolution_note"][1].text() == "The resolution note cannot be empty."
    assert queries.get_ticket(demo_db, ticket_id).ticket.version == version  # nothing written
    dialog.field("resolution_note").setPlainText("Replaced the faulty dock.")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is None)
    wait_idle(qtbot, window)
    ticket = queries.get_ticket(demo_db, ticket_id).ticket
    assert (ticket.status, ticket.resolution_note) == (
        TicketStatus.RESOLVED,
        "Replaced the faulty dock.",
    )

    qtbot.waitUntil(lambda: TicketStatus.CLOSED in window.editor.status_buttons)
    assert set(window.editor.status_buttons) == {TicketStatus.CLOSED, TicketStatus.OPEN}
    window.editor.status_buttons[TicketStatus.CLOSED].click()
    dialog = window.ticket_actions.dialog
    scores = dialog.field("csat")
    scores.setCurrentIndex(scores.findData(5))
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is None)
    wait_idle(qtbot, window)
    ticket = queries.get_ticket(demo_db, ticket_id).ticket
    assert (ticket.status, ticket.csat) == (TicketStatus.CLOSED, 5)

    qtbot.waitUntil(lambda: set(window.editor.status_buttons) == {TicketStatus.OPEN})
    window.editor.status_buttons[TicketStatus.OPEN].click()
    dialog = window.ticket_actions.dialog
    dialog.field("reason").setPlainText("The dock died again.")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is None)
    wait_idle(qtbot, window)
    ticket = queries.get_ticket(demo_db, ticket_id).ticket
    assert (ticket.status, ticket.reopen_count) == (TicketStatus.OPEN, 1)


def test_a_ticket_shown_again_shows_only_its_own_status_buttons(qtbot, window, demo_db):
    """A ticket re-read (a change to it, the theme switched) gets new status buttons; the
    old ones, deleted only once the event loop comes round, must not stay on screen
    meanwhile: a window painted in between showed them as a second row of buttons."""
    from PySide6.QtWidgets import QApplication, QPushButton

    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    window.editor.show_detail(queries.get_ticket(demo_db, ticket_id))
    QApplication.processEvents()  # what a paint in between sees: not the deferred deletes
    on_screen = [
        b.text() for b in window.editor.findChildren(QPushButton, "statusAction") if b.isVisible()
    ]
    assert on_screen == [b.text() for b in window.editor.status_buttons.values()]
    assert len(on_screen) == len(queries.get_ticket(demo_db, ticket_id).allowed_statuses)


def test_saving_over_someone_elses_change_opens_the_conflict_dialog(qtbot, make_window, demo_db):
    mine = make_window()
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, mine, ticket_id)
    # A second agent, in their own session, saves the same ticket first.
    other = next(a for a in mine.session.directory.agents if a.login == "dana.wright")
    seen = queries.get_ticket(demo_db, ticket_id).ticket.version
    work.update_ticket(
        demo_db, other.id, ticket_id, work.TicketEdit(subject="Dana's subject"), seen
    )

    mine.editor.subject.setText("My subject")
    mine.editor.subject.textEdited.emit("My subject")
    assert mine.editor.save_button.isEnabled()
    mine.editor.save_button.click()
    qtbot.waitUntil(lambda: mine.ticket_actions.conflict_dialog is not None, timeout=10_000)
    dialog = mine.ticket_actions.conflict_dialog
    shown = QTextDocument()
    shown.setHtml(" ".join(label.text() for label in dialog.findChildren(QLabel)))
    text = shown.toPlainText()
    assert "Dana Wright" in text and "Dana's subject" in text
    assert (
        queries.get_ticket(demo_db, ticket_id).ticket.subject == "Dana's subject"
    )  # nothing overwritten
    assert mine.editor.subject.text() == "My subject"  # and nothing of mine thrown away yet
    dialog.reload_button.click()
    qtbot.waitUntil(lambda: mine.editor.subject.text() == "Dana's subject", timeout=10_000)
    assert not mine.editor.dirty


def test_a_field_error_shows_at_the_field(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    before = queries.get_ticket(demo_db, ticket_id)
    window.editor.subject.setText("")
    window.editor.subject.textEdited.emit("")
    window.editor.save_button.click()
    wait_idle(qtbot, window)
    assert window.editor.errors["subject"].text() == "Subject cannot be empty."
    assert not window.editor.errors["subject"].isHidden()
    assert queries.get_ticket(demo_db, ticket_id) == before


def test_clicking_a_header_sorts_in_sql(qtbot, window):
    window.queues.choose("all")
    qtbot.waitUntil(
        lambda: window.queue_model.query.filter.statuses is None and window.runner.pending == 0
    )
    window.table.horizontalHeader().setSortIndicator(
        COLUMN[SortKey.SUBJECT], Qt.SortOrder.AscendingOrder
    )
    qtbot.waitUntil(
        lambda: window.queue_model.query.sort == SortKey.SUBJECT and window.runner.pending == 0
    )
    subjects = [window.queue_model.ticket_at(r).subject for r in range(50)]
    assert subjects == sorted(subjects)
    assert window.queue_model.cached_rows() <= 100  # a window, not the table


def test_search_box_finds_by_number_and_words(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db)
    window.search.setText(f"HD-{ticket_id:06d}")
    window.search.returnPressed.emit()
    qtbot.waitUntil(lambda: window.queues.current_key() == "search" and window.runner.pending == 0)
    assert window.queue_model.row_of(ticket_id) is not None
    window.search.setText("vpn")
    window.search.returnPressed.emit()
    qtbot.waitUntil(lambda: window.queue_model.query.text == "vpn" and window.runner.pending == 0)
    assert window.queue_model.total > 0
    first = window.queue_model.ticket_at(0)
    thread = " ".join(e.body for e in queries.get_ticket(demo_db, first.id).thread)
    assert "vpn" in (first.subject + thread).lower()


def test_selection_stays_on_its_ticket_when_the_queue_refreshes(qtbot, window, demo_db):
    window.queues.choose("all")
    wait_idle(qtbot, window)
    row = 5
    select_ticket_row(window.table, row)
    chosen = window.table.currentIndex().data(TICKET_ID_ROLE)
    assert len(window.table.selectionModel().selectedRows()) == 1
    # Someone logs a new ticket: it sorts first and pushes every row down.
    log_ticket(
        demo_db, window.session.agent_id, IntakeRequest(subject="Projector in 2A", customer_id=1)
    )
    window.refresh()
    wait_idle(qtbot, window)
    selected = window.table.selectionModel().selectedRows()
    assert [index.data(TICKET_ID_ROLE) for index in selected] == [chosen]
    assert selected[0].row() == row + 1


def test_bulk_assign_from_the_table(qtbot, window, demo_db):
    window.queues.choose("all_open")
    wait_idle(qtbot, window)
    for row in range(3):
        window.table.selectionModel().select(
            window.queue_model.index(row, 0),
            window.table.selectionModel().SelectionFlag.Select
            | window.table.selectionModel().SelectionFlag.Rows,
        )
    ids = window.selected.ids()
    assert len(ids) == 3
    window.assign_action.trigger()
    dialog = window.ticket_actions.dialog
    agents = dialog.field("assignee")
    agents.setCurrentIndex(agents.findText("Priya Shah", Qt.MatchFlag.MatchStartsWith))
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is None)
    wait_idle(qtbot, window)
    assert {queries.get_ticket(demo_db, i).assignee.name for i in ids} == {"Priya Shah"}


def test_a_failed_operation_is_shown_and_the_window_lives_on(qtbot, window, demo_db, monkeypatch):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)

    def down(*_args, **_kwargs):
        raise DatabaseUnavailable("The connection to db.example:5432 was lost.")

    monkeypatch.setattr(queries, "queue_counts", down)
    monkeypatch.setattr(health, "check_database", down)
    qtbot.keyClick(window.table, Qt.Key.Key_F5)  # the queues count again, and fail
    qtbot.waitUntil(lambda: window.connection.property("state") == "down")
    # Said once, in the window, without a dialog in the way.
    assert window.banner.isVisible() and "was lost" in window.banner.message.text()
    assert not [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    monkeypatch.undo()  # the server is back: the next try (after a second) finds it
    qtbot.waitUntil(lambda: window.connection.property("state") == "ok", timeout=5000)
    assert not window.banner.isVisible()


def test_a_draft_survives_the_window_going_away(qtbot, make_window, demo_db):
    ticket_id = first_ticket(demo_db, active=True)
    first = make_window()
    open_ticket(qtbot, first, ticket_id)
    first.composer.editor.setPlainText("Half-written reply about the printer")
    qtbot.waitUntil(lambda: not first.composer._autosave.isActive(), timeout=3000)
    # Nothing is sent and the first window is never closed: as if the program died now.
    second = make_window()
    open_ticket(qtbot, second, ticket_id)
    assert second.composer.editor.toPlainText() == "Half-written reply about the printer"


def test_layout_is_remembered(qtbot, make_window):
    first = make_window()
    first.resize(1500, 900)
    first.table.setColumnWidth(COLUMN[SortKey.SUBJECT], 333)
    first.main_splitter.setSizes([200, 700, 600])  # all above the panes' minimum widths
    wait_idle(qtbot, first)  # the first ticket loads, and may nudge the panes
    qtbot.wait(50)
    sizes = first.main_splitter.sizes()  # what was on screen when the window closed
    first.close()
    second = make_window()
    wait_idle(qtbot, second)
    qtbot.wait(50)
    assert second.table.columnWidth(COLUMN[SortKey.SUBJECT]) == 333
    assert second.main_splitter.sizes() == sizes

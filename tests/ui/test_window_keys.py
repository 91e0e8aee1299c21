"""The main window at the sizes agents use, driven with real keys and clicks: the find box,
the queue's columns, the composer's mode, sorting, actions that need a ticket, the
satisfaction score, and Help › Keyboard shortcuts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desk.domain.model import TicketStatus
from desk.domain.queues import SortKey
from desk.domain.thread import EntryKind
from desk.services import queries
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, log_ticket
from desk.ui.queues.queue_model import COLUMN, TICKET_ID_ROLE
from desk.ui.shell.shortcuts_help import key_text
from desk.ui.shell.window_actions import (
    ACTIONS,
    DIALOG_PRIMARY,
    INTAKE_ADD,
    INTAKE_LOG,
    MENUS,
    PART_KEYS,
    TOOLBAR,
)

from .helpers import first_ticket, open_ticket, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
SIZES = [(1024, 700), (1920, 1080)]


def _at_size(qtbot, window, size: tuple[int, int]) -> None:
    window.resize(*size)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow() and window.size().width() == size[0])
    qtbot.wait(20)  # the layout settles


def _focused():
    return QApplication.focusWidget()


def _type(qtbot, text: str) -> None:
    """Keys go where the keyboard's go: to whatever has the focus."""
    qtbot.keyClicks(_focused(), text)


def _on_screen(window, widget) -> bool:
    """Shown, and inside the window (not cut off or folded into an overflow menu)."""
    if not widget.isVisible() or widget.visibleRegion().isEmpty():
        return False
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def _click(widget, pos: QPoint) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def _visible_width(table, column: int) -> int:
    header = table.horizontalHeader()
    section = QRect(header.sectionViewportPosition(column), 0, header.sectionSize(column), 1)
    return section.intersected(QRect(0, 0, table.viewport().width(), 1)).width()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ctrl_f_from_the_reply_box_types_into_the_find_box(qtbot, window, demo_db, size):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    _at_size(qtbot, window, size)
    assert _on_screen(window, window.search)
    _click(window.composer.editor.viewport(), QPoint(40, 20))
    assert _focused() is window.composer.editor
    _type(qtbot, "Dear ")
    window.search.setText("an old search")

    qtbot.keyClick(_focused(), Qt.Key.Key_F, CTRL)
    assert _focused() is window.search
    _type(qtbot, "printer")  # over the selected old text
    assert window.search.text() == "printer"
    assert window.composer.editor.toPlainText() == "Dear "  # nothing went to the customer
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.queue_model.query.text == "printer")
    wait_idle(qtbot, window)
    assert window.queues.current_key() == "search" and window.queue_model.total > 0


@pytest.mark.parametrize("size", [(1024, 700), (880, 650), (1920, 1080)], ids=str)
def test_the_queue_keeps_number_and_subject_in_sight(qtbot, window, size):
    window.queues.choose("all")
    wait_idle(qtbot, window)
    _at_size(qtbot, window, size)
    table = window.table
    # Click a long subject, as an agent does; the table must not scroll the number away.
    row = max(range(20), key=lambda r: len(window.queue_model.ticket_at(r).subject))
    _click(table.viewport(), table.visualRect(window.queue_model.index(row, 1)).center())
    qtbot.waitUntil(lambda: window.editor.ticket_id == window.queue_model.ticket_at(row).id)
    qtbot.keyClick(table, Qt.Key.Key_Down)  # and move on with the keyboard
    wait_idle(qtbot, window)
    number, subject = COLUMN[SortKey.NUMBER], COLUMN[SortKey.SUBJECT]
    assert _visible_width(table, number) == table.horizontalHeader().sectionSize(number)
    assert _visible_width(table, subject) >= 100
    assert _on_screen(window, table) and _on_screen(window, window.editor.subject)
    # The keyboard still reaches the columns out of sight, and comes back.
    last = max(COLUMN.values())
    for _column in range(last - subject):
        qtbot.keyClick(table, Qt.Key.Key_Right)
    assert _visible_width(table, last) > 0
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    assert _visible_width(table, number) == table.horizontalHeader().sectionSize(number)


def test_the_panes_share_a_small_window_sensibly(qtbot, make_window):
    window = make_window()
    # A long path in the status bar must not hold the window wider than the screen.
    path = (
        "Local file C:\\Users\\alexandra.whitfield-morgan\\OneDrive - Northwind Bank plc"
        "\\Documents\\Service Desk\\desk.sqlite3"
    )
    window.database.setText(path)
    assert window.minimumSizeHint().width() <= 880
    _at_size(qtbot, window, (880, 650))
    queues, table, ticket = window.main_splitter.sizes()
    assert queues >= 140 and table >= 230
    assert ticket >= window.detail_stack.minimumSizeHint().width()
    assert window.database.toolTip() == path  # the whole of it, for whoever hovers


def test_after_an_internal_note_the_composer_stays_on_notes(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    before = [e.id for e in queries.get_ticket(demo_db, ticket_id).thread]

    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL_SHIFT)  # Ticket › Internal note
    assert _focused() is window.composer.editor and window.composer.internal
    _type(qtbot, "Checked AD: account locked.")
    qtbot.keyClick(_focused(), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.composer.editor.toPlainText() == "")
    wait_idle(qtbot, window)
    assert window.composer.note_button.isChecked()
    assert window.composer.send_button.text() == "Add note"
    _type(qtbot, "Unlocked it.")
    qtbot.keyClick(_focused(), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.composer.editor.toPlainText() == "")
    wait_idle(qtbot, window)

    added = [e for e in queries.get_ticket(demo_db, ticket_id).thread if e.id not in before]
    written = [(e.kind, e.body) for e in added if e.kind != EntryKind.EVENT]
    assert written == [
        (EntryKind.NOTE, "Checked AD: account locked."),
        (EntryKind.NOTE, "Unlocked it."),
    ]


@pytest.mark.parametrize("column", [SortKey.SUBJECT, SortKey.CUSTOMER])
def test_clicking_a_header_keeps_the_ticket_being_read(qtbot, window, column):
    window.queues.choose("all")
    wait_idle(qtbot, window)
    model, table, header = window.queue_model, window.table, window.table.horizontalHeader()
    _click(table.viewport(), table.visualRect(model.index(7, 1)).center())
    wait_idle(qtbot, window)
    reading = window.editor.ticket_id
    assert reading == model.ticket_at(7).id

    section = COLUMN[column]
    for order in ("ascending", "descending"):
        where = QPoint(header.sectionViewportPosition(section) + 20, header.height() // 2)
        _click(header.viewport(), where)
        qtbot.waitUntil(lambda: model.query.sort == column)
        wait_idle(qtbot, window)
        assert model.query.descending == (order == "descending")
        assert window.editor.ticket_id == reading
        assert table.currentIndex().data(TICKET_ID_ROLE) == reading
        assert [i.data(TICKET_ID_ROLE) for i in table.selectionModel().selectedRows()] == [reading]
        row = table.currentIndex().row()
        assert table.viewport().rect().intersects(table.visualRect(model.index(row, 0)))


def _button(window, action: QAction):
    for widget in action.associatedObjects():
        if widget.metaObject().className() == "QToolButton":
            return widget
    raise AssertionError(f"{action.text()} has no toolbar button")


def test_ticket_actions_wait_for_a_ticket(qtbot, window, demo_db):
    # Alex's own queue is empty on the demo desk: nothing is selected, nothing is shown.
    assert window.queues.current_key() == "mine" and window.queue_model.total == 0
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    needs_ticket = ["claim", "assign", "transfer", "reply", "note", "resolve"]
    for name in needs_ticket:
        assert not _button(window, window.actions_by_name[name]).isEnabled(), name
    for name in ("release", "pending", "close", "reopen"):
        assert not window.actions_by_name[name].isEnabled(), name
    assert _button(window, window.new_action).isEnabled()
    assert window.find_action.isEnabled()

    before = queries.queue_count(demo_db, window.queue_model.query)
    qtbot.keyClick(window.table, Qt.Key.Key_C, CTRL_SHIFT)  # Claim, with nothing to claim
    qtbot.keyClick(window.table, Qt.Key.Key_E, CTRL_SHIFT)  # Resolve
    wait_idle(qtbot, window)
    assert window.statusBar().currentMessage() == ""  # no "Claimed 0 tickets."
    assert window.ticket_actions.dialog is None
    assert queries.queue_count(demo_db, window.queue_model.query) == before

    unassigned = log_ticket(
        demo_db, window.session.agent_id, IntakeRequest(subject="Kiosk frozen", customer_id=1)
    ).id
    open_ticket(qtbot, window, unassigned)
    qtbot.waitUntil(lambda: _button(window, window.claim_action).isEnabled())
    assert _button(window, window.resolve_action).isEnabled()
    assert not window.reopen_action.isEnabled() and not window.release_action.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_C, CTRL_SHIFT)
    wait_idle(qtbot, window)
    assert queries.get_ticket(demo_db, unassigned).ticket.assignee_id == window.session.agent_id
    qtbot.waitUntil(lambda: not window.claim_action.isEnabled())
    assert window.release_action.isEnabled()


def test_the_satisfaction_score_is_shown_and_survives_a_reopen(qtbot, window, demo_db):
    me = window.session.agent_id
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    assert not window.editor.csat.isVisible()  # an open ticket has no score to show
    work.resolve_ticket(demo_db, me, ticket_id, "Replaced the dock.")
    work.close_ticket(demo_db, me, ticket_id, csat=4)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.editor.detail.ticket.status == TicketStatus.CLOSED)
    assert window.editor.csat.text() == "★★★★☆  4 of 5"
    assert window.editor.csat.isVisible() and window.editor.csat_label.text() == "Satisfaction"
    assert not window.reply_action.isEnabled() and window.note_action.isEnabled()

    work.reopen_ticket(demo_db, me, ticket_id, "The dock died again.")
    qtbot.keyClick(window.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.editor.detail.ticket.status == TicketStatus.OPEN)
    assert window.editor.csat.text() == "4 of 5 before it was reopened"
    assert "the customer had rated it 4 of 5" in window.thread.toPlainText()
    reopened = [e for e in queries.get_ticket(demo_db, ticket_id).thread if e.event == "reopened"]
    assert (reopened[-1].data["csat"], reopened[-1].data["resolution_note"]) == (
        4,
        "Replaced the dock.",
    )


def test_a_transfer_from_no_team_reads_properly(qtbot, window, demo_db):
    me = window.session.agent_id
    ticket_id = log_ticket(
        demo_db, me, IntakeRequest(subject="Door closer squeaks", customer_id=1)
    ).id
    assert queries.get_ticket(demo_db, ticket_id).team is None
    facilities = next(t for t in window.session.directory.teams if t.name == "Facilities")
    work.transfer_ticket(demo_db, me, ticket_id, facilities.id)
    open_ticket(qtbot, window, ticket_id)
    shown = window.thread.toPlainText()
    assert "transferred the ticket to Facilities" in shown
    assert "from none" not in shown


def test_a_pending_reason_is_found_from_the_find_box(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=True)
    work.set_pending(
        demo_db, window.session.agent_id, ticket_id, "Courier brings the kumquat crate"
    )
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_F, CTRL)
    _type(qtbot, "kumquat")
    qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.queue_model.query.text == "kumquat")
    wait_idle(qtbot, window)
    found = {window.queue_model.ticket_at(r).id for r in range(window.queue_model.total)}
    assert found == {ticket_id}


def _shortcut_texts(action: QAction) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())


@pytest.mark.parametrize("key", ["F1", "Ctrl+/"])
def test_help_lists_every_shortcut(qtbot, window, key):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    sequence = QKeySequence(key)[0]
    qtbot.keyClick(window.table, sequence.key(), sequence.keyboardModifiers())
    dialog = window.shortcuts_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    shown = dialog.rows()
    # Every action of the window that has keys, as its menu calls it, with its keys.
    with_keys = [a for a in window.actions() if a.shortcuts()]
    assert len(with_keys) >= 11
    for action in with_keys:
        assert (action.text().replace("…", ""), _shortcut_texts(action)) in shown, action.text()
    # And the keys of the parts of the window, which those parts use.
    for _where, keys in PART_KEYS:
        for spec in keys:
            assert any(keys_shown == key_text(spec.keys) for _what, keys_shown in shown)
    assert window.editor.save_button.shortcut().toString() == "Ctrl+S"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_menus_and_toolbar_come_from_the_action_table(window):
    names = {spec.name for spec in ACTIONS}
    placed = {n for _title, items in MENUS for n in items if n} | {n for n in TOOLBAR if n}
    assert placed <= names
    assert names - placed == set()  # every action is reachable from a menu or the toolbar
    in_menus = [a for top in window.menuBar().actions() for a in top.menu().actions()]
    for spec in ACTIONS:
        action = window.actions_by_name[spec.name]
        assert action is getattr(window, f"{spec.name}_action")
        assert action in in_menus or spec.name in TOOLBAR


def test_the_intake_forms_keys_in_the_list_are_the_forms_own(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL)
    form = window.intake
    assert form is not None
    qtbot.waitUntil(form.isVisible)
    own = {
        shortcut.key().toString()
        for shortcut in form.findChildren(QShortcut)
        if shortcut.key() != QKeySequence(QKeySequence.StandardKey.Copy)
    }
    assert own == set(INTAKE_LOG.keys) | set(INTAKE_ADD.keys)
    form.close()


def test_the_dialog_keys_in_the_list_are_every_dialogs_own(qtbot):
    from desk.ui.common.desk_dialog import DeskDialog

    dialog = DeskDialog()
    qtbot.addWidget(dialog)
    own = {shortcut.key().toString() for shortcut in dialog.findChildren(QShortcut)}
    assert own == set(DIALOG_PRIMARY.keys)

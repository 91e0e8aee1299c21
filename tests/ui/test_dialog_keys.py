"""Every dialog with only the keyboard: opened as a person opens it, typed into with real
key presses on whatever has the focus, then Enter, Ctrl+Enter or Escape, and the database
checked afterwards for what was (or was not) written."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QWidget

from desk.domain.model import TicketStatus
from desk.domain.thread import EventType
from desk.services import queries
from desk.services import tickets as work
from desk.ui.common.desk_dialog import DeskDialog
from desk.ui.common.error_report import ErrorReporter
from desk.ui.shell.main_window import MainWindow

from .helpers import first_ticket, open_ticket, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
KEYPAD = Qt.KeyboardModifier.KeypadModifier
#: The offscreen platform cannot grab the keyboard for a combo box's open list (a real one can).
POPUP = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")


# --- steps ---------------------------------------------------------------------------------


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed and released on whatever has the focus, as a keyboard does."""
    QTest.keyClick(focused(), key, modifiers)


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def click(button: QPushButton) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_dialog(qtbot, window: MainWindow) -> DeskDialog:
    """The dialog the window opened, shown and taking the keys."""
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is not None)
    dialog = window.ticket_actions.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.activeWindow() is dialog)
    return dialog


def wait_closed(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is None, timeout=10_000)
    wait_idle(qtbot, window)
    window.activateWindow()  # as a window manager does when a dialog goes


def status_event(db, ticket_id: int, to: TicketStatus):
    entries = [
        e
        for e in queries.get_ticket(db, ticket_id).thread
        if e.event == EventType.STATUS_CHANGED and e.data.get("to") == str(to)
    ]
    return entries[-1] if entries else None


def open_active_ticket(qtbot, window: MainWindow, db) -> int:
    ticket_id = first_ticket(db, active=True)
    open_ticket(qtbot, window, ticket_id)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return ticket_id


# --- pending, resolve ------------------------------------------------------------------------


def test_pending_reason_typed_straight_away_then_ctrl_enter(qtbot, window, demo_db):
    ticket_id = open_active_ticket(qtbot, window, demo_db)
    click(window.editor.status_buttons[TicketStatus.PENDING])
    dialog = wait_dialog(qtbot, window)
    assert focused() is dialog.field("reason")  # not the "Set pending" button
    type_text("Waiting for the new badge to arrive")  # spaces included: no button pressed
    assert dialog.isVisible()
    assert status_event(demo_db, ticket_id, TicketStatus.PENDING) is None
    press(Qt.Key.Key_Return, CTRL)
    wait_closed(qtbot, window)
    ticket = queries.get_ticket(demo_db, ticket_id).ticket
    assert ticket.status == TicketStatus.PENDING
    event = status_event(demo_db, ticket_id, TicketStatus.PENDING)
    assert event.data["reason"] == "Waiting for the new badge to arrive"


def test_resolve_by_shortcut_error_clears_as_the_note_is_typed(qtbot, window, demo_db):
    ticket_id = open_active_ticket(qtbot, window, demo_db)
    version = queries.get_ticket(demo_db, ticket_id).ticket.version
    press(Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Ticket › Resolve…
    dialog = wait_dialog(qtbot, window)
    note = dialog.field("resolution_note")
    assert focused() is note
    press(Qt.Key.Key_Return, CTRL)  # nothing typed yet
    wait_idle(qtbot, window)
    error = dialog._fields["resolution_note"][1]
    qtbot.waitUntil(lambda: not error.isHidden())
    assert error.text() == "The resolution note cannot be empty."
    assert dialog.isVisible() and focused() is note
    assert queries.get_ticket(demo_db, ticket_id).ticket.version == version
    type_text("R")
    assert error.isHidden()  # gone at the first key, not at the next submit
    assert note.property("invalid") is False
    type_text("eplaced the dock.")
    press(Qt.Key.Key_Return)  # Enter in a multi-line box is a new line, not Resolve
    type_text("Tested it twice.")
    assert dialog.isVisible()
    press(Qt.Key.Key_Enter, CTRL | KEYPAD)  # Ctrl+Enter on the keypad
    wait_closed(qtbot, window)
    ticket = queries.get_ticket(demo_db, ticket_id).ticket
    assert (ticket.status, ticket.resolution_note) == (
        TicketStatus.RESOLVED,
        "Replaced the dock.\nTested it twice.",
    )


# --- combo boxes: assign, transfer, close ------------------------------------------------------


def pick_in_popup(qtbot, combo: QComboBox, steps: int) -> None:
    """Open the combo's list from the keyboard, move down `steps` rows, Enter to pick."""
    assert focused() is combo
    press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: combo.view().isVisible())
    for _ in range(steps):
        press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not combo.view().isVisible() and focused() is combo)


@POPUP
def test_close_after_picking_the_score_in_the_open_list(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=False)
    if queries.get_ticket(demo_db, ticket_id).ticket.status != TicketStatus.RESOLVED:
        ticket_id = next(
            row.id
            for row in queries.queue_page(demo_db, window.queues.query_for("all"), 0, 200)
            if row.status == TicketStatus.RESOLVED
        )
    open_ticket(qtbot, window, ticket_id)
    window.activateWindow()
    click(window.editor.status_buttons[TicketStatus.CLOSED])
    dialog = wait_dialog(qtbot, window)
    scores = dialog.field("csat")
    pick_in_popup(qtbot, scores, 2)  # Not given, 5, 4: four stars
    assert scores.currentData() == 4
    press(Qt.Key.Key_Return)  # Close, not Cancel
    wait_closed(qtbot, window)
    ticket = queries.get_ticket(demo_db, ticket_id).ticket
    assert (ticket.status, ticket.csat) == (TicketStatus.CLOSED, 4)


def test_assign_by_shortcut_typing_the_agents_name(qtbot, window, demo_db):
    ticket_id = open_active_ticket(qtbot, window, demo_db)
    press(Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Ticket › Assign…
    dialog = wait_dialog(qtbot, window)
    agents = dialog.field("assignee")
    assert focused() is agents
    type_text("Priya")  # a closed combo box finds the agent by the first letters
    assert agents.currentText().startswith("Priya Shah")
    # Tabbing through Cancel and back must not leave Cancel as what Enter presses.
    press(Qt.Key.Key_Tab)
    assert focused() is not agents
    press(Qt.Key.Key_Backtab)
    assert focused() is agents
    defaults = [b for b in dialog.findChildren(QPushButton) if b.isDefault() or b.autoDefault()]
    assert defaults == [dialog.submit_button]
    press(Qt.Key.Key_Return)
    wait_closed(qtbot, window)
    assert queries.get_ticket(demo_db, ticket_id).assignee.name == "Priya Shah"


@POPUP
def test_transfer_escape_asks_before_losing_the_note(qtbot, window, demo_db):
    ticket_id = open_active_ticket(qtbot, window, demo_db)
    team_before = queries.get_ticket(demo_db, ticket_id).ticket.team_id
    press(Qt.Key.Key_T, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Ticket › Transfer…
    dialog = wait_dialog(qtbot, window)
    teams = dialog.field("team")
    assert focused() is teams
    pick_in_popup(qtbot, teams, 1)
    chosen = teams.currentData()
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.field("reason")
    type_text("Looks like the VPN concentrator.")

    press(Qt.Key.Key_Escape)  # would lose the note: asks first
    question = dialog.discard_question
    assert question is not None and question.isVisible()
    assert question.text() == "Discard what you typed?"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question)
    press(Qt.Key.Key_Escape)  # a second Escape goes back to the typing
    qtbot.waitUntil(lambda: dialog.discard_question is None)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert focused() is dialog.field("reason")
    assert dialog.field("reason").toPlainText() == "Looks like the VPN concentrator."
    assert queries.get_ticket(demo_db, ticket_id).ticket.team_id == team_before

    press(Qt.Key.Key_Return, CTRL)  # Ctrl+Enter inside the note: Transfer
    wait_closed(qtbot, window)
    detail = queries.get_ticket(demo_db, ticket_id)
    assert detail.ticket.team_id == chosen != team_before
    assert detail.ticket.assignee_id is None
    transfer = [e for e in detail.thread if e.event == EventType.TRANSFERRED][-1]
    assert transfer.data["reason"] == "Looks like the VPN concentrator."


def test_escape_with_nothing_typed_cancels_at_once(qtbot, window, demo_db):
    ticket_id = open_active_ticket(qtbot, window, demo_db)
    before = queries.get_ticket(demo_db, ticket_id)
    click(window.editor.status_buttons[TicketStatus.PENDING])
    dialog = wait_dialog(qtbot, window)
    press(Qt.Key.Key_Escape)
    wait_closed(qtbot, window)
    assert dialog.discard_question is None
    assert queries.get_ticket(demo_db, ticket_id) == before


def test_reopen_escape_then_discard_writes_nothing_then_reopen(qtbot, window, demo_db):
    ticket_id = first_ticket(demo_db, active=False)
    open_ticket(qtbot, window, ticket_id)
    window.activateWindow()
    before = queries.get_ticket(demo_db, ticket_id)
    click(window.editor.status_buttons[TicketStatus.OPEN])
    dialog = wait_dialog(qtbot, window)
    assert focused() is dialog.field("reason")
    type_text("It broke again")
    press(Qt.Key.Key_Escape)
    question = dialog.discard_question
    assert question is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question)
    press(Qt.Key.Key_Return)  # Discard
    wait_closed(qtbot, window)
    assert queries.get_ticket(demo_db, ticket_id) == before  # nothing written

    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    click(window.editor.status_buttons[TicketStatus.OPEN])
    dialog = wait_dialog(qtbot, window)
    type_text("The dock died again.")
    press(Qt.Key.Key_Return, CTRL)
    wait_closed(qtbot, window)
    ticket = queries.get_ticket(demo_db, ticket_id).ticket
    assert (ticket.status, ticket.reopen_count) == (
        TicketStatus.OPEN,
        before.ticket.reopen_count + 1,
    )
    reopened = [
        e for e in queries.get_ticket(demo_db, ticket_id).thread if e.event == EventType.REOPENED
    ]
    assert reopened[-1].data["reason"] == "The dock died again."


# --- dialogs with nothing to fill: the conflict, an unexpected error --------------------------


def save_over_someone_elses_change(qtbot, window: MainWindow, db) -> tuple[int, DeskDialog]:
    ticket_id = open_active_ticket(qtbot, window, db)
    other = next(a for a in window.session.directory.agents if a.login == "dana.wright")
    seen = queries.get_ticket(db, ticket_id).ticket.version
    work.update_ticket(db, other.id, ticket_id, work.TicketEdit(subject="Dana's subject"), seen)
    click_into(window.editor.subject)
    press(Qt.Key.Key_A, CTRL)
    type_text("My subject")
    press(Qt.Key.Key_S, CTRL)  # Save
    qtbot.waitUntil(lambda: window.ticket_actions.conflict_dialog is not None, timeout=10_000)
    dialog = window.ticket_actions.conflict_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.activeWindow() is dialog)
    return ticket_id, dialog


def click_into(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    assert focused() is widget


def test_conflict_space_presses_nothing_enter_reloads(qtbot, window, demo_db):
    ticket_id, dialog = save_over_someone_elses_change(qtbot, window, demo_db)
    assert not isinstance(focused(), QPushButton)  # nothing to fill: no button has the focus
    press(Qt.Key.Key_Space)
    assert dialog.isVisible()
    assert window.editor.subject.text() == "My subject"
    press(Qt.Key.Key_Return)  # Reload the ticket
    qtbot.waitUntil(lambda: window.editor.subject.text() == "Dana's subject", timeout=10_000)
    assert not window.editor.dirty
    assert queries.get_ticket(demo_db, ticket_id).ticket.subject == "Dana's subject"


def test_conflict_escape_keeps_my_edits(qtbot, window, demo_db):
    ticket_id, _dialog = save_over_someone_elses_change(qtbot, window, demo_db)
    press(Qt.Key.Key_Escape)  # Keep my edits for now
    qtbot.waitUntil(lambda: window.ticket_actions.conflict_dialog is None)
    assert window.editor.subject.text() == "My subject" and window.editor.dirty
    assert queries.get_ticket(demo_db, ticket_id).ticket.subject == "Dana's subject"


def test_the_unexpected_error_dialog_closes_with_enter_not_space(qtbot, qapp):
    reporter = ErrorReporter(None)
    try:
        {"Service Desk": 1}["Sevrice Desk"]
    except KeyError as exc:
        reporter.report(exc)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert not isinstance(focused(), QPushButton)
    press(Qt.Key.Key_Space)
    assert dialog.isVisible() and dialog.details.isHidden()  # "Show details" not pressed
    press(Qt.Key.Key_Return)  # Close
    qtbot.waitUntil(lambda: not dialog.isVisible())

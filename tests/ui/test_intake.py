"""Phone and walk-in intake, driven from the keyboard, checked in the database."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from desk.domain.errors import DatabaseUnavailable
from desk.domain.model import ACTIVE_STATUSES, Channel, Priority
from desk.domain.queues import QueueFilter, QueueQuery
from desk.domain.thread import EntryKind
from desk.services import intake as intake_service
from desk.services import queries
from desk.store.schema import customers, tickets

from .helpers import open_ticket, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
# Typing into the help topic opens its completer popup, which offscreen Qt cannot grab
# the keyboard for (a real display does).
POPUP = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")


def _counts(db) -> tuple[int, int]:
    with db.read() as uow:
        conn = uow.tickets._conn
        return (
            conn.execute(select(func.count()).select_from(tickets)).scalar_one(),
            conn.execute(select(func.count()).select_from(customers)).scalar_one(),
        )


def _open_intake(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form = window.intake
    assert form is not None and form.isVisible()
    qtbot.waitUntil(form.isActiveWindow, timeout=3000)  # the form takes the keyboard
    assert form.focusWidget() is form.caller.lookup
    return form


def _look_up(qtbot, window, form, typed: str) -> None:
    qtbot.keyClicks(form.caller.lookup, typed)
    qtbot.waitUntil(
        lambda: form.caller.lookup_done() and form.caller.matches.count() > 0, timeout=5000
    )
    wait_idle(qtbot, window)


def test_known_caller_to_ticket_with_the_keyboard_alone(qtbot, window, demo_db):
    customer = queries.get_ticket(demo_db, 1).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, customer.email)  # the caller's email, as they spell it out
    assert form.caller.matches.currentItem().text().startswith(customer.name)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)  # pick the highlighted caller
    assert form.focusWidget() is form.subject
    qtbot.keyClicks(form.subject, "Monitor flickers")
    qtbot.keyClick(form.subject, Qt.Key.Key_Tab)
    assert form.focusWidget() is form.description
    qtbot.keyClicks(form.description, "Started after the docking station was swapped.")
    qtbot.keyClick(form.description, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=5000)

    number = form.saved_number.text()
    assert _counts(demo_db) == (before[0] + 1, before[1])  # a ticket, no new customer
    detail = queries.get_ticket(demo_db, int(number.removeprefix("HD-")))
    assert (detail.customer.id, detail.ticket.subject, detail.ticket.channel) == (
        customer.id,
        "Monitor flickers",
        Channel.PHONE,
    )
    assert detail.ticket.call_seconds is not None
    assert detail.thread[0].body == "Started after the docking station was swapped."

    qtbot.keyClick(form.pages.currentWidget(), Qt.Key.Key_C, CTRL)
    assert QGuiApplication.clipboard().text() == number
    qtbot.keyClick(form, Qt.Key.Key_Return)  # ready for the next caller
    assert (
        form.pages.currentIndex() == 0
        and form.subject.text() == ""
        and form.caller.lookup.text() == ""
    )


def test_callers_are_found_by_phone_in_any_format(qtbot, window, demo_db):
    customer = next(
        c
        for c in (queries.get_ticket(demo_db, n).customer for n in range(1, 40))
        if c.phone and c.phone.startswith("+1")
    )
    national = customer.phone[2:]
    typed = f"({national[:3]}) {national[3:6]}-{national[6:]}"
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, typed)
    # Several callers may share a number (an office line): the caller is among the matches.
    names = [
        form.caller.matches.item(n).text().split("\n")[0]
        for n in range(form.caller.matches.count())
    ]
    assert customer.name in names


def test_new_caller_with_a_malformed_email_gets_a_message_and_nothing_is_written(
    qtbot, window, demo_db
):
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, "Zed Newperson")
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Up)
    while form.caller.matches.currentRow() < form.caller.matches.count() - 1:
        qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Down)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)  # "+ New caller"
    assert form.caller.new_name.text() == "Zed Newperson"
    assert form.focusWidget() is form.caller.new_email
    qtbot.keyClicks(form.caller.new_email, "zed@@northwind")
    form.subject.setFocus()
    qtbot.keyClicks(form.subject, "Cannot log in")
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, window)
    assert not form.caller.errors["email"].isHidden()
    assert "is not a valid email address" in form.caller.errors["email"].text()
    assert form.caller.new_email.property("invalid") is True
    assert form.pages.currentIndex() == 0
    assert _counts(demo_db) == before


def test_caller_with_an_open_ticket_adds_to_it_instead_of_a_duplicate(qtbot, window, demo_db):
    open_row = queries.queue_page(demo_db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES)), 0, 1)[
        0
    ]
    customer = queries.get_ticket(demo_db, open_row.id).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, customer.email)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    qtbot.keyClicks(form.subject, "Still no sound in Teams")
    qtbot.keyClicks(form.description, "Tried the other headset too.")
    form.caller.select_recent(open_row.id)
    assert (
        form.caller.add_to_button.isEnabled()
        and open_row.number in form.caller.add_to_button.text()
    )
    qtbot.keyClick(form, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=5000)
    assert form.saved_number.text() == open_row.number
    assert _counts(demo_db) == before  # no duplicate ticket
    last = queries.get_ticket(demo_db, open_row.id).thread
    message = [e for e in last if e.kind == EntryKind.CUSTOMER][-1]
    assert message.body == "Still no sound in Teams\n\nTried the other headset too."
    assert message.author_name == customer.name


def test_adding_to_the_ticket_open_in_the_window_shows_there_without_f5(qtbot, window, demo_db):
    open_row = queries.queue_page(demo_db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES)), 0, 1)[
        0
    ]
    open_ticket(qtbot, window, open_row.id)
    customer = queries.get_ticket(demo_db, open_row.id).customer
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, customer.email)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    qtbot.keyClicks(form.subject, "Calling again about this")
    qtbot.keyClicks(form.description, "The dock still flickers.")
    form.caller.select_recent(open_row.id)
    qtbot.keyClick(form, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=5000)
    # The window's open ticket heard it from the hub: no F5, no refresh call from intake.
    qtbot.waitUntil(lambda: "The dock still flickers." in window.thread.toPlainText(), timeout=2000)


def test_a_save_failure_keeps_everything_typed(qtbot, window, demo_db, monkeypatch):
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, "Yara Newcaller")
    form.caller.matches.setCurrentRow(form.caller.matches.count() - 1)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    form.caller.new_phone.setText("+1 212 555 0177")
    form.subject.setText("Printer offline")
    form.description.setPlainText("All jobs stuck since 9:00.")
    before = _counts(demo_db)

    def down(*_args, **_kwargs):
        raise DatabaseUnavailable("Nothing answers at db.example:5432.")

    monkeypatch.setattr(intake_service, "log_ticket", down)
    monkeypatch.setattr("desk.ui.intake.intake_form.log_ticket", down)
    form.save()
    wait_idle(qtbot, window)
    assert form.general_error.isVisible() and "Nothing answers" in form.general_error.text()
    assert (
        form.caller.new_name.text(),
        form.caller.new_phone.text(),
        form.subject.text(),
        form.description.toPlainText(),
    ) == (
        "Yara Newcaller",
        "+1 212 555 0177",
        "Printer offline",
        "All jobs stuck since 9:00.",
    )
    assert _counts(demo_db) == before
    monkeypatch.undo()
    form.save()  # the server is back: the same form saves
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=5000)
    assert _counts(demo_db) == (before[0] + 1, before[1] + 1)


def test_help_topic_sets_priority_and_the_timer_is_recorded(qtbot, window, demo_db):
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, queries.get_ticket(demo_db, 1).customer.email)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    form.category.setCurrentIndex(form.category.findText("Network › Internet outage"))
    assert form.chosen_priority() == Priority.URGENT
    assert "Urgent" in form.priority_live.text()
    form.subject.setText("Whole floor offline")
    form._started -= 125  # the call has been going for two minutes
    form.assign_to_me.setChecked(True)
    form.save()
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=5000)
    ticket = queries.get_ticket(demo_db, int(form.saved_number.text().removeprefix("HD-"))).ticket
    assert ticket.priority == Priority.URGENT and ticket.team_id is not None
    assert 125 <= ticket.call_seconds < 200
    assert ticket.assignee_id == window.session.agent_id
    # The new ticket shows in the queues at once.
    qtbot.waitUntil(lambda: window.runner.pending == 0)
    window.queues.choose("mine")
    qtbot.waitUntil(lambda: window.queue_model.row_of(ticket.id) is not None, timeout=5000)


# --- an Enter typed before the lookup answers -------------------------------------------------


class SlowLookup:
    """The caller lookup of a busy server: it answers only once the test opens the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.texts: list[str] = []

    def __call__(self, db, text, *args, **kwargs):
        self.texts.append(text)
        self.gate.wait(20)
        return LOOKUP_CALLERS(db, text, *args, **kwargs)


LOOKUP_CALLERS = queries.lookup_callers


@pytest.fixture
def slow_lookup(monkeypatch) -> Iterator[SlowLookup]:
    slow = SlowLookup()
    slow.gate.set()
    monkeypatch.setattr(queries, "lookup_callers", slow)
    yield slow
    slow.gate.set()  # never leave a worker thread waiting


def _type_where_the_focus_is(qtbot, text: str) -> None:
    """Keys go wherever the keyboard focus is, as a person's typing does."""
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _saved_ticket(qtbot, form, db):
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=5000)
    return queries.get_ticket(db, int(form.saved_number.text().removeprefix("HD-")))


def test_an_enter_before_the_lookup_answers_picks_the_caller_and_the_next_keys_go_to_the_subject(
    qtbot, window, demo_db, slow_lookup
):
    customer = queries.get_ticket(demo_db, 1).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    slow_lookup.gate.clear()
    qtbot.keyClicks(form.caller.lookup, customer.email)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)  # at once: the lookup has not answered
    assert form.caller.caller is None
    assert form.focusWidget() is form.subject  # the agent goes on, as after a quick answer
    _type_where_the_focus_is(qtbot, "Monitor flickers")
    slow_lookup.gate.set()
    qtbot.waitUntil(lambda: form.caller.caller is not None, timeout=5000)
    wait_idle(qtbot, window)

    assert form.caller.caller.customer.id == customer.id
    assert form.caller.caller_card.isVisible() and customer.name in form.caller.caller_card.text()
    assert form.caller.lookup.text() == customer.email  # nothing typed after Enter went here
    assert form.subject.text() == "Monitor flickers"
    assert form.focusWidget() is form.subject  # the answer did not move the typing
    qtbot.keyClick(form.subject, Qt.Key.Key_Tab)
    _type_where_the_focus_is(qtbot, "Since the dock was swapped.")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    detail = _saved_ticket(qtbot, form, demo_db)
    assert _counts(demo_db) == (before[0] + 1, before[1])  # the known caller, not a new one
    assert (detail.customer.id, detail.ticket.subject, detail.thread[0].body) == (
        customer.id,
        "Monitor flickers",
        "Since the dock was swapped.",
    )


def _customer_not_first_for(db, prefix_length: int = 1):
    """A caller whose email's first letter lists someone else first."""
    for n in range(1, 60):
        customer = queries.get_ticket(db, n).customer
        found = LOOKUP_CALLERS(db, customer.email[:prefix_length])
        if len(found) > 1 and found[0].customer.id != customer.id:
            return customer
    raise AssertionError("the demo desk has no such caller")


def test_an_enter_while_an_older_list_shows_waits_for_the_answer_to_what_was_typed(
    qtbot, window, demo_db, slow_lookup
):
    customer = _customer_not_first_for(demo_db)
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, customer.email[0])  # a pause: someone else is listed first
    assert not form.caller.matches.currentItem().text().startswith(customer.name)
    slow_lookup.gate.clear()
    qtbot.keyClicks(form.caller.lookup, customer.email[1:])
    qtbot.waitUntil(lambda: customer.email in slow_lookup.texts, timeout=5000)  # asked, unanswered
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    assert form.caller.caller is None  # not the first of the old list
    _type_where_the_focus_is(qtbot, "VPN drops")
    slow_lookup.gate.set()
    qtbot.waitUntil(lambda: form.caller.caller is not None, timeout=5000)
    assert form.caller.caller.customer.id == customer.id
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    detail = _saved_ticket(qtbot, form, demo_db)
    assert (detail.customer.id, detail.ticket.subject) == (customer.id, "VPN drops")


def test_an_early_enter_on_several_matches_takes_the_first_as_enter_does(
    qtbot, window, demo_db, slow_lookup
):
    last_name = queries.get_ticket(demo_db, 1).customer.name.split()[-1]
    expected = LOOKUP_CALLERS(demo_db, last_name)
    assert len(expected) > 1, "the demo desk should have several callers of that name"
    form = _open_intake(qtbot, window)
    slow_lookup.gate.clear()
    qtbot.keyClicks(form.caller.lookup, last_name)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    _type_where_the_focus_is(qtbot, "Password expired")
    slow_lookup.gate.set()
    qtbot.waitUntil(lambda: form.caller.caller is not None, timeout=5000)
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    detail = _saved_ticket(qtbot, form, demo_db)
    assert (detail.customer.id, detail.ticket.subject) == (
        expected[0].customer.id,
        "Password expired",
    )


def test_an_early_enter_with_no_match_starts_a_new_caller_and_keeps_the_subject(
    qtbot, window, demo_db, slow_lookup
):
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    slow_lookup.gate.clear()
    qtbot.keyClicks(form.caller.lookup, "Zed Newperson")
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    _type_where_the_focus_is(qtbot, "Badge does not open the door")
    slow_lookup.gate.set()
    qtbot.waitUntil(lambda: form.caller.is_new, timeout=5000)
    wait_idle(qtbot, window)
    assert form.caller.new_name.text() == "Zed Newperson"
    assert form.subject.text() == "Badge does not open the door"
    assert form.focusWidget() is form.subject  # the keys typed since stay in the subject
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    detail = _saved_ticket(qtbot, form, demo_db)
    assert _counts(demo_db) == (before[0] + 1, before[1] + 1)
    assert (detail.customer.name, detail.ticket.subject) == (
        "Zed Newperson",
        "Badge does not open the door",
    )


def test_ctrl_enter_before_the_lookup_answers_saves_for_the_caller_it_finds(
    qtbot, window, demo_db, slow_lookup
):
    customer = queries.get_ticket(demo_db, 1).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    slow_lookup.gate.clear()
    qtbot.keyClicks(form.caller.lookup, customer.email)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    _type_where_the_focus_is(qtbot, "Laptop will not charge")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    qtbot.wait(50)
    assert form.pages.currentIndex() == 0 and _counts(demo_db) == before  # not yet, not a guess
    slow_lookup.gate.set()
    detail = _saved_ticket(qtbot, form, demo_db)
    assert _counts(demo_db) == (before[0] + 1, before[1])
    assert (detail.customer.id, detail.ticket.subject) == (customer.id, "Laptop will not charge")


# --- what is typed is never dropped or misfiled -------------------------------------------------


def _known_caller_picked(qtbot, window, form, customer) -> None:
    _look_up(qtbot, window, form, customer.email)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    assert form.caller.caller.customer.id == customer.id and form.focusWidget() is form.subject


def _tab_to(qtbot, form, widget) -> None:
    for _ in range(12):
        if form.focusWidget() is widget:
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget}")


@POPUP
def test_a_help_topic_typed_that_matches_nothing_is_said_at_the_field_not_dropped(
    qtbot, window, demo_db
):
    customer = queries.get_ticket(demo_db, 1).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    _known_caller_picked(qtbot, window, form, customer)
    qtbot.keyClicks(form.subject, "Whole floor offline")
    _tab_to(qtbot, form, form.category)
    _type_where_the_focus_is(qtbot, "Internet down")  # not what the topic is called
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, window)
    error = form.errors["category_id"]
    assert error.isVisible() and "No help topic is called “Internet down”" in error.text()
    assert form.category.property("invalid") is True
    assert form.focusWidget() is form.category and form.pages.currentIndex() == 0
    assert _counts(demo_db) == before  # not logged without the topic the agent typed

    form.category.lineEdit().selectAll()
    _type_where_the_focus_is(qtbot, "outage")  # part of "Network › Internet outage"
    assert error.isHidden()  # the error goes as the field is corrected
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    ticket = _saved_ticket(qtbot, form, demo_db)
    assert ticket.category is not None and ticket.category.display_name == (
        "Network › Internet outage"
    )


@POPUP
def test_a_help_topic_that_fits_several_asks_which(qtbot, window, demo_db):
    form = _open_intake(qtbot, window)
    _known_caller_picked(qtbot, window, form, queries.get_ticket(demo_db, 1).customer)
    qtbot.keyClicks(form.subject, "Cannot connect")
    _tab_to(qtbot, form, form.category)
    _type_where_the_focus_is(qtbot, "Network")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # leaving it says so at once
    if form.focusWidget() is form.category:  # the first Tab closed the topic's popup list
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert form.focusWidget() is not form.category
    error = form.errors["category_id"]
    assert error.isVisible() and "fits 3 help topics" in error.text()
    assert form.category.currentData() is None  # not the first of the three, silently


def test_a_new_caller_with_a_known_customers_email_is_offered_that_customer(qtbot, window, demo_db):
    customer = queries.get_ticket(demo_db, 1).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, "Zed Newperson")
    form.caller.matches.setCurrentRow(form.caller.matches.count() - 1)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)  # "+ New caller"
    assert form.focusWidget() is form.caller.new_email
    _type_where_the_focus_is(qtbot, customer.email.upper())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    wait_idle(qtbot, window)
    error, use = form.caller.errors["email"], form.caller.use_known_button
    assert error.isVisible() and f"This address belongs to {customer.name}" in error.text()
    assert use.isVisible() and customer.name in use.text()

    # Saving anyway does not file the call under them, nor lose the typed name.
    form.subject.setFocus()
    _type_where_the_focus_is(qtbot, "Cannot log in")
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, window)
    assert form.pages.currentIndex() == 0 and _counts(demo_db) == before
    assert customer.name in error.text() and error.isVisible()
    assert form.caller.new_name.text() == "Zed Newperson"

    # The agent takes the offer from the keyboard: the ticket is the known customer's.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: form.caller.caller is not None)  # a mnemonic clicks animated
    assert form.caller.caller.customer.id == customer.id and not form.caller.is_new
    assert form.focusWidget() is form.subject
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    ticket = _saved_ticket(qtbot, form, demo_db)
    assert _counts(demo_db) == (before[0] + 1, before[1])
    assert (ticket.customer.id, ticket.ticket.subject) == (customer.id, "Cannot log in")


def test_a_new_caller_who_types_another_address_is_a_new_customer(qtbot, window, demo_db):
    customer = queries.get_ticket(demo_db, 1).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, "Zed Newperson")
    form.caller.matches.setCurrentRow(form.caller.matches.count() - 1)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    _type_where_the_focus_is(qtbot, customer.email)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    wait_idle(qtbot, window)
    assert form.caller.use_known_button.isVisible()
    form.caller.new_email.setFocus()
    form.caller.new_email.selectAll()
    _type_where_the_focus_is(qtbot, "zed@fabrikam.com")
    assert form.caller.errors["email"].isHidden() and not form.caller.use_known_button.isVisible()
    form.subject.setFocus()
    _type_where_the_focus_is(qtbot, "New starter laptop")
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    ticket = _saved_ticket(qtbot, form, demo_db)
    assert _counts(demo_db) == (before[0] + 1, before[1] + 1)
    assert (ticket.customer.name, ticket.customer.email) == ("Zed Newperson", "zed@fabrikam.com")


def test_alt_a_with_no_open_ticket_chosen_types_nothing_and_offers_the_newest(
    qtbot, window, demo_db
):
    open_row = queries.queue_page(demo_db, QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES)), 0, 1)[
        0
    ]
    customer = queries.get_ticket(demo_db, open_row.id).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    _known_caller_picked(qtbot, window, form, customer)
    qtbot.keyClicks(form.subject, "Still no sound")
    assert form.caller.recent.currentItem() is None
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, alt)
    assert form.subject.text() == "Still no sound"  # no stray "a"
    assert form.pages.currentIndex() == 0 and _counts(demo_db) == before  # nothing added yet
    chosen = form.caller.selected_open_ticket()
    assert chosen is not None and chosen.status.is_active
    assert form.general_error.isVisible() and chosen.number in form.general_error.text()
    assert form.focusWidget() is form.caller.recent
    # Alt+A again: added to that ticket, and the window says "Added to", not "Logged".
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, alt)
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=5000)
    assert form.saved_number.text() == chosen.number
    assert _counts(demo_db) == before
    thread = queries.get_ticket(demo_db, chosen.id).thread
    assert [e for e in thread if e.kind == EntryKind.CUSTOMER][-1].body == "Still no sound"
    assert window.statusBar().currentMessage() == f"Added to {chosen.number}."


def test_alt_a_before_a_caller_is_found_says_what_it_needs(qtbot, window, demo_db):
    form = _open_intake(qtbot, window)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert form.caller.lookup.text() == ""
    assert form.general_error.isVisible() and "Find the caller first" in form.general_error.text()


def test_a_logged_ticket_is_reported_as_logged(qtbot, window, demo_db):
    form = _open_intake(qtbot, window)
    _known_caller_picked(qtbot, window, form, queries.get_ticket(demo_db, 1).customer)
    qtbot.keyClicks(form.subject, "Toner low")
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    ticket = _saved_ticket(qtbot, form, demo_db)
    assert window.statusBar().currentMessage() == f"Logged {ticket.ticket.number}."


def test_a_lookup_that_fails_while_an_enter_waits_keeps_what_was_typed(
    qtbot, window, demo_db, monkeypatch
):
    gate = threading.Event()

    def down(_db, _text, *_args, **_kwargs):
        gate.wait(20)
        raise DatabaseUnavailable("Nothing answers at db.example:5432.")

    monkeypatch.setattr(queries, "lookup_callers", down)
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    try:
        qtbot.keyClicks(form.caller.lookup, "jane.doe@contoso.com")
        qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
        _type_where_the_focus_is(qtbot, "Printer offline")
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not form.caller.enter_waiting, timeout=5000)
    wait_idle(qtbot, window)
    assert form.general_error.isVisible() and "Nothing answers" in form.general_error.text()
    assert form.caller.caller is None and not form.caller.is_new  # nobody guessed
    assert (form.caller.lookup.text(), form.subject.text()) == (
        "jane.doe@contoso.com",
        "Printer offline",
    )
    assert form.focusWidget() is form.subject and _counts(demo_db) == before


def test_escape_asks_before_a_half_typed_call_is_thrown_away(qtbot, window, demo_db):
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Escape)  # nothing typed: closes at once
    qtbot.waitUntil(lambda: not form.isVisible())
    assert form.discard_question is None
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    form = _open_intake(qtbot, window)
    qtbot.keyClicks(form.caller.lookup, "someone new")
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Tab)
    form.subject.setFocus()
    qtbot.keyClicks(form.subject, "Laptop will not start")
    qtbot.keyClick(form.subject, Qt.Key.Key_Escape)
    question = form.discard_question
    assert question is not None and question.text() == "Discard what you typed?"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question)
    qtbot.keyClick(question, Qt.Key.Key_Escape)  # keep typing
    qtbot.waitUntil(lambda: form.discard_question is None)
    assert form.isVisible() and form.subject.text() == "Laptop will not start"

    qtbot.keyClick(form.subject, Qt.Key.Key_Escape)
    question = form.discard_question
    assert question is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question)
    qtbot.keyClick(question, Qt.Key.Key_Return)  # Discard
    qtbot.waitUntil(lambda: not form.isVisible())
    wait_idle(qtbot, window)
    assert _counts(demo_db) == before


def test_enter_in_the_subject_moves_on_and_does_not_log(qtbot, window, demo_db):
    customer = queries.get_ticket(demo_db, 1).customer
    before = _counts(demo_db)
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, customer.email)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.focusWidget() is form.subject)
    qtbot.keyClicks(form.subject, "Printer jams")
    qtbot.keyClick(form.subject, Qt.Key.Key_Return)  # on to what the caller says
    assert form.focusWidget() is form.description
    wait_idle(qtbot, window)
    assert _counts(demo_db) == before and form.isVisible()


def test_the_caller_lists_models_keep_qts_rules(qtmodeltester, qtbot, window, demo_db):
    customer = queries.get_ticket(demo_db, 1).customer
    form = _open_intake(qtbot, window)
    _look_up(qtbot, window, form, customer.email)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    qtmodeltester.check(form.caller.matches.model(), force_py=True)
    qtmodeltester.check(form.caller.recent.model(), force_py=True)

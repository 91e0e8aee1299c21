"""Bad input: a clear message for the field, and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desk.domain.errors import ValidationError
from desk.services import queries
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, NewCaller, log_ticket
from desk.store.schema import customers, thread_entries, tickets

from ..conftest import World


def _counts(db) -> tuple[int, int, int]:
    with db.read() as uow:
        conn = uow.tickets._conn
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (tickets, customers, thread_entries)
        )


CALLER = NewCaller("Raj Patel", "raj@fabrikam.com", "+1 312 555 0144")


@pytest.mark.parametrize(
    ("request_fields", "field", "message"),
    [
        ({"subject": "   ", "new_caller": CALLER}, "subject", "Subject cannot be empty."),
        (
            {"subject": "x" * 201, "new_caller": CALLER},
            "subject",
            "Subject is too long: 201 characters, at most 200 are allowed.",
        ),
        (
            {"subject": "Hi", "description": "x" * 100_001, "new_caller": CALLER},
            "description",
            "Description is too long",
        ),
        ({"subject": "Hi", "asset": "A" * 101, "new_caller": CALLER}, "asset", "Asset is too long"),
        (
            {"subject": "Hi", "new_caller": NewCaller("Raj", "raj@@fabrikam")},
            "email",
            "“raj@@fabrikam” is not a valid email address",
        ),
        ({"subject": "Hi", "new_caller": NewCaller("Raj", "", "555-CALL")}, "phone", "is not a"),
        (
            {"subject": "Hi", "new_caller": NewCaller("  ", "raj@fabrikam.com")},
            "name",
            "The caller's name cannot be empty.",
        ),
        ({"subject": "Hi", "new_caller": NewCaller("R" * 121)}, "name", "at most 120"),
    ],
)
def test_intake_refuses_bad_input_and_writes_nothing(
    db, world: World, request_fields, field, message
):
    before = _counts(db)
    with pytest.raises(ValidationError) as raised:
        log_ticket(db, world.agent, IntakeRequest(**request_fields))
    assert message in (raised.value.for_field(field) or "")
    assert _counts(db) == before


def test_every_bad_field_is_reported_at_once(db, world: World):
    with pytest.raises(ValidationError) as raised:
        log_ticket(
            db, world.agent, IntakeRequest(subject="", new_caller=NewCaller("", "bad", "12"))
        )
    assert {p.field for p in raised.value.problems} == {"subject", "name", "email", "phone"}


def test_intake_needs_a_caller(db, world: World):
    with pytest.raises(ValidationError, match="Choose a known caller"):
        log_ticket(db, world.agent, IntakeRequest(subject="Hi"))


@pytest.mark.parametrize("body", ["", "  \n\t", "x" * 100_001])
def test_empty_or_oversize_reply_and_note_are_refused(db, world: World, body: str):
    before = _counts(db)
    ticket_id = queries.search_tickets(db, "printer")[0]
    for action in (work.reply_to_customer, work.add_internal_note, work.add_customer_message):
        with pytest.raises(ValidationError):
            action(db, world.agent, ticket_id, body)
    assert _counts(db) == before


def test_one_bad_field_in_an_edit_saves_none_of_it(db, world: World):
    ticket_id = queries.search_tickets(db, "printer")[0]
    before = queries.get_ticket(db, ticket_id)
    edit = work.TicketEdit(subject="", asset="LT-1", impact=3)
    with pytest.raises(ValidationError) as raised:
        work.update_ticket(db, world.agent, ticket_id, edit, before.ticket.version)
    assert raised.value.for_field("subject") == "Subject cannot be empty."
    assert queries.get_ticket(db, ticket_id) == before

"""Digits typed in the search box find the caller with that phone number."""

from __future__ import annotations

import pytest

from desk.domain.queues import QueueQuery
from desk.services import queries
from desk.services.intake import IntakeRequest, NewCaller, log_ticket

from ..conftest import World


@pytest.mark.parametrize(
    "typed",
    ["4155550181", "+1 415 555 0181", "+14155550181", "14155550181", "(415) 555-0181", "0181"],
)
def test_a_phone_number_typed_as_digits_finds_its_caller(db, world: World, typed: str):
    ticket = log_ticket(
        db,
        world.agent,
        IntakeRequest(
            subject="VPN drops every hour",
            new_caller=NewCaller("Mo Ahmed", "mo@northwind.com", "+1 415 555 0181"),
        ),
    )
    if typed == "0181":  # a short number is a ticket number, not the end of a phone's
        assert _found(db, typed) == []
        return
    assert _found(db, typed) == [ticket.id]
    assert [m.customer.name for m in queries.lookup_callers(db, typed)] == ["Mo Ahmed"]


def _found(db, typed: str) -> list[int]:
    """The tickets the queue shows for what was typed in the search box."""
    _total, rows = queries.queue_window(db, QueueQuery(text=typed), 0, 50)
    return [row.id for row in rows]


@pytest.mark.parametrize("typed", ["2147483647", "2147483648", "99999999999", "HD-99999999999"])
def test_a_number_past_any_ticket_finds_nothing_and_does_not_fail(db, world: World, typed: str):
    assert _found(db, typed) == []

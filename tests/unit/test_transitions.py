"""The lifecycle's transition table, every pair of statuses."""

from __future__ import annotations

import itertools

import pytest

from desk.domain import lifecycle
from desk.domain.errors import TransitionError, ValidationError
from desk.domain.model import TicketStatus as S

from .factories import AGENT, T0, ticket

# Written out by hand from the brief, independently of lifecycle.TRANSITIONS.
ALLOWED = {
    (S.NEW, S.OPEN),
    (S.NEW, S.PENDING),
    (S.NEW, S.RESOLVED),
    (S.OPEN, S.PENDING),
    (S.OPEN, S.RESOLVED),
    (S.PENDING, S.OPEN),
    (S.PENDING, S.RESOLVED),
    (S.RESOLVED, S.CLOSED),
    (S.RESOLVED, S.OPEN),
    (S.CLOSED, S.OPEN),
}
ALL_PAIRS = list(itertools.product(S, S))


def test_the_table_is_exactly_the_allowed_set():
    assert set(lifecycle.TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=lambda s: str(s))
def test_every_pair_of_statuses(current: S, target: S):
    before = ticket(current)
    if (current, target) in ALLOWED:
        change = lifecycle.change_status(
            before, target, AGENT, T0, note="Replaced the cable.", csat=5
        )
        assert change.ticket.status == target
        recorded = [e for e in change.events if e.type == "status_changed"]
        assert [(e.data["from"], e.data["to"]) for e in recorded] == [(current, target)]
    else:
        with pytest.raises(TransitionError) as raised:
            lifecycle.change_status(before, target, AGENT, T0, note="x")
        message = str(raised.value)
        assert "HD-000123" in message
        assert str(current) in message
        if current != target:
            assert str(target) in message


@pytest.mark.parametrize("current", list(S))
def test_allowed_targets_offer_exactly_the_table(current: S):
    assert set(lifecycle.allowed_targets(current)) == {t for c, t in ALLOWED if c == current}


def test_closing_an_open_ticket_says_to_resolve_first():
    with pytest.raises(TransitionError, match="resolve it first"):
        lifecycle.close(ticket(S.OPEN), AGENT, T0)


def test_pending_a_closed_ticket_says_to_reopen_first():
    with pytest.raises(TransitionError, match="reopen it first"):
        lifecycle.set_pending(ticket(S.CLOSED), AGENT, T0)


@pytest.mark.parametrize("current", [S.RESOLVED, S.CLOSED])
def test_reopen_counts_and_clears_the_resolution(current: S):
    change = lifecycle.reopen(ticket(current, reopen_count=2, csat=4), AGENT, T0, "Back again")
    after = change.ticket
    assert after.status == S.OPEN
    assert after.reopen_count == 3
    assert (after.resolved_at, after.closed_at, after.resolution_note, after.csat) == (
        None,
        None,
        "",
        None,
    )
    assert [e.type for e in change.events] == ["reopened", "status_changed"]
    assert change.events[0].data["reason"] == "Back again"


def test_reopen_keeps_the_score_and_the_resolution_in_its_event():
    closed = ticket(S.CLOSED, csat=4, resolution_note="Replaced the dock")
    reopened = lifecycle.reopen(closed, AGENT, T0, "Dock died again").events[0]
    assert (reopened.data["csat"], reopened.data["resolution_note"]) == (4, "Replaced the dock")
    assert reopened.describe() == (
        "reopened the ticket (reopen #1); the customer had rated it 4 of 5"
    )
    unrated = lifecycle.reopen(ticket(S.RESOLVED), AGENT, T0).events[0]
    assert "csat" not in unrated.data and unrated.describe() == "reopened the ticket (reopen #1)"


@pytest.mark.parametrize("note", ["", "   \n "])
def test_resolving_needs_a_resolution_note(note: str):
    with pytest.raises(ValidationError) as raised:
        lifecycle.resolve(ticket(S.OPEN), AGENT, T0, note)
    assert raised.value.for_field("resolution_note") == "The resolution note cannot be empty."


def test_resolving_and_closing_stamp_their_times():
    resolved = lifecycle.resolve(ticket(S.OPEN), AGENT, T0, "Replaced the toner").ticket
    assert resolved.resolved_at == T0 and resolved.resolution_note == "Replaced the toner"
    closed = lifecycle.close(resolved, AGENT, T0, csat=4).ticket
    assert closed.closed_at == T0 and closed.csat == 4


@pytest.mark.parametrize("csat", [0, 6, -1])
def test_satisfaction_is_one_to_five(csat: int):
    with pytest.raises(ValidationError, match="from 1 to 5"):
        lifecycle.close(ticket(S.RESOLVED), AGENT, T0, csat=csat)


def test_first_reply_sets_first_response_once_and_opens_a_new_ticket():
    first = lifecycle.agent_reply(ticket(S.NEW), AGENT, T0)
    assert first.ticket.first_responded_at == T0
    assert first.ticket.status == S.OPEN
    later = T0.replace(hour=11)
    second = lifecycle.agent_reply(first.ticket, AGENT, later)
    assert second.ticket.first_responded_at == T0


def test_customer_message_takes_a_pending_ticket_back_to_open():
    change = lifecycle.customer_message(ticket(S.PENDING), T0)
    assert change.ticket.status == S.OPEN


def test_customer_message_reopens_a_resolved_ticket():
    change = lifecycle.customer_message(ticket(S.RESOLVED), T0)
    assert change.ticket.status == S.OPEN
    assert change.ticket.reopen_count == 1


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_the_agents_text_is_kept_in_every_allowed_change(current: S, target: S):
    """Whatever the move, the text typed with it reaches the thread (a reopen of a pending
    ticket used to drop it)."""
    change = lifecycle.change_status(
        ticket(current), target, AGENT, T0, note="Typed by the agent", csat=None
    )
    assert change.ticket.status == target
    kept = [
        value
        for event in change.events
        for key, value in event.data.items()
        if key in ("reason", "note")
    ]
    assert kept == ["Typed by the agent"]


@pytest.mark.parametrize("current", [S.OPEN])
def test_reopening_a_ticket_that_is_open_is_refused(current: S):
    with pytest.raises(TransitionError, match="already open"):
        lifecycle.change_status(ticket(current), S.OPEN, AGENT, T0, note="Why")

"""Random sequences of operations keep the lifecycle's invariants."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desk.domain import lifecycle
from desk.domain.errors import DeskError
from desk.domain.model import Level, Priority, Team, TicketStatus
from desk.domain.priority import priority_for
from desk.domain.ticket import Ticket

from .factories import AGENT, OTHER, SUPERVISOR, T0, ticket

TEAMS = [Team(1, "Service Desk"), Team(2, "Network")]
levels = st.sampled_from(list(Level))
texts = st.sampled_from(["", "Replaced the cable.", "Customer confirmed"])

operations = st.one_of(
    st.tuples(st.just("claim"), st.sampled_from([AGENT, OTHER])),
    st.tuples(st.just("assign"), st.sampled_from([AGENT, OTHER])),
    st.tuples(st.just("release"), st.just(None)),
    st.tuples(st.just("transfer"), st.sampled_from(TEAMS)),
    st.tuples(st.just("reply"), st.just(None)),
    st.tuples(st.just("customer"), st.just(None)),
    st.tuples(
        st.just("status"),
        st.tuples(st.sampled_from(list(TicketStatus)), texts, st.sampled_from([None, 1, 5])),
    ),
    st.tuples(st.just("levels"), st.tuples(levels, levels)),
    st.tuples(st.just("override"), st.sampled_from([None, *Priority])),
    st.tuples(st.just("subject"), st.sampled_from(["Printer jams", "", "VPN drops"])),
)


def apply(t: Ticket, op: str, arg: object, now) -> lifecycle.Change:
    match op:
        case "claim":
            return lifecycle.claim(t, arg, now)  # type: ignore[arg-type]
        case "assign":
            return lifecycle.assign(t, arg, SUPERVISOR, now)  # type: ignore[arg-type]
        case "release":
            return lifecycle.release(t, SUPERVISOR, now)
        case "transfer":
            return lifecycle.transfer(t, arg, AGENT, now)  # type: ignore[arg-type]
        case "reply":
            return lifecycle.agent_reply(t, AGENT, now)
        case "customer":
            return lifecycle.customer_message(t, now)
        case "status":
            target, note, csat = arg  # type: ignore[misc]
            return lifecycle.change_status(t, target, AGENT, now, note=note, csat=csat)
        case "levels":
            impact, urgency = arg  # type: ignore[misc]
            return lifecycle.set_levels(t, impact, urgency, AGENT, now)
        case "override":
            return lifecycle.override_priority(t, arg, AGENT, now)  # type: ignore[arg-type]
        case "subject":
            return lifecycle.change_subject(t, arg, AGENT, now)  # type: ignore[arg-type]
    raise AssertionError(op)


# Fields that move without an event of their own: last activity, and the first response,
# which the reply entry itself records in the thread.
BOOKKEEPING = {"updated_at", "updated_by", "first_responded_at"}
RECORDED = [f.name for f in fields(Ticket) if f.name not in BOOKKEEPING]


@settings(max_examples=300, deadline=None)
@given(st.lists(operations, min_size=1, max_size=40))
def test_random_operations_keep_the_invariants(ops: list[tuple[str, object]]):
    t = ticket()
    now = T0
    for op, arg in ops:
        now += timedelta(minutes=7)
        try:
            change = apply(t, op, arg, now)
        except DeskError:
            continue  # refused operations change nothing: the ticket is immutable
        after = change.ticket
        # Every change of a recorded field left an event.
        changed = [name for name in RECORDED if getattr(after, name) != getattr(t, name)]
        if changed:
            assert change.events, f"{op} changed {changed} without an event"
        # Status changes are recorded from the status the ticket really had.
        statuses = [
            (e.data["from"], e.data["to"]) for e in change.events if e.type == "status_changed"
        ]
        if statuses:
            assert statuses[0][0] == t.status and statuses[-1][1] == after.status
        assert after.reopen_count >= t.reopen_count
        if after.status == TicketStatus.CLOSED:
            assert after.closed_at is not None and after.resolved_at is not None
        if after.status == TicketStatus.RESOLVED:
            assert after.resolved_at is not None and after.resolution_note
        if after.status.is_active:
            assert after.closed_at is None and after.resolved_at is None
        if not after.priority_overridden:
            assert after.priority == priority_for(after.impact, after.urgency)
        if after.first_responded_at is not None:
            assert t.first_responded_at in (None, after.first_responded_at)
        t = after

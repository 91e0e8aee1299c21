"""A clock history read from the events the lifecycle records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desk.domain import lifecycle
from desk.domain.calendars import BusinessCalendar
from desk.domain.lifecycle import Change
from desk.domain.model import Channel, Priority
from desk.domain.sla import plan
from desk.domain.sla_clock import read_clocks
from desk.domain.sla_history import CalendarVersion, PlanVersion, history_from_thread
from desk.domain.thread import EntryKind, ThreadEntry

from .factories import AGENT

H = timedelta(hours=1)
OFFICE = BusinessCalendar.weekly("Europe/London", {d: "09:00-17:00" for d in range(5)})
PLAN = plan("Standard", {Priority.NORMAL: (H, 8 * H), Priority.URGENT: (H / 4, 2 * H)})


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_the_history_comes_from_the_thread():
    # Created Mon 2 Nov 09:00 (Normal), answered 10:00, pending 11:00, the customer
    # replies Tue 09:00 (open again), raised to Urgent Tue 10:00. Resolution at Tue
    # 11:00: used 09–11 Mon and 09–11 Tue = 4 h. Urgent's 2 h from the start were used
    # up at Mon 11:00 (when it went pending): that is the due time. Normal's 8 h were
    # not, so the breach is Tue 10:00, when Urgent came in with the clock running.
    entries: list[ThreadEntry] = []

    def record(change: Change, when: datetime) -> None:
        for event in change.events:
            entries.append(
                ThreadEntry(
                    len(entries) + 1,
                    1,
                    EntryKind.EVENT,
                    "Sam",
                    AGENT.id,
                    "",
                    event.type,
                    event.data,
                    when,
                    1,
                )
            )

    created = lifecycle.new_ticket(
        subject="VPN drops",
        description="",
        customer_id=1,
        channel=Channel.PHONE,
        now=at(2, 9),
        actor_id=AGENT.id,
    )
    record(created, at(2, 9))
    t = lifecycle.agent_reply(created.ticket, AGENT, at(2, 10))
    record(t, at(2, 10))
    step = lifecycle.set_pending(t.ticket, AGENT, at(2, 11), "Waiting for the logs")
    record(step, at(2, 11))
    step = lifecycle.customer_message(step.ticket, at(3, 9))
    record(step, at(3, 9))
    step = lifecycle.override_priority(step.ticket, Priority.URGENT, AGENT, at(3, 10))
    record(step, at(3, 10))

    h = history_from_thread(
        step.ticket,
        entries,
        plans=[PlanVersion(at(2, 9), PLAN)],
        calendars=[CalendarVersion(at(2, 9), OFFICE)],
    )
    assert [p.priority for p in h.priorities] == [Priority.NORMAL, Priority.URGENT]
    assert [s.status for s in h.statuses] == ["new", "open", "pending", "open"]
    reading = read_clocks(h, at(3, 11))
    assert reading.first_response.stopped_at == at(2, 10)
    res = reading.resolution
    assert (res.used, res.due, res.breached_at) == (4 * H, at(2, 11), at(3, 10))

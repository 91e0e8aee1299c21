"""What the reports count of one ticket (`TicketFacts`), worked out from its SLA reading
and status history when the ticket changes, so that a year's report is a scan of one
narrow row per ticket instead of a replay of a million threads.

Durations are whole seconds with pending time left out (the plan's pause statuses):
`business` counts only the plan calendar's open hours (a ticket with no plan counts every
hour, as its SLA clocks do), `calendar` counts every hour. Days are local dates in the
desk's report zone, stored as ordinals (`date.toordinal()`), so grouping by day needs no
time-zone arithmetic in SQL on either backend.

A ticket's "open spans" run from its creation or a reopen to the resolution that ended
them: created, resolved and reopened counts and the backlog at the end of each day are
counted from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .calendars import BusinessCalendar, to_us
from .model import Channel
from .sla import DONE, SlaPlan
from .sla_clock import ClockReading, ClockState, SlaReading
from .sla_history import StatusSpan
from .ticket import Ticket


@dataclass(frozen=True, slots=True)
class OpenSpan:
    """From creation (n = 0) or the n-th reopen to the resolution that ended it."""

    n: int
    opened_at: datetime
    opened_day: int
    resolved_at: datetime | None
    resolved_day: int | None


@dataclass(frozen=True, slots=True)
class TicketFacts:
    ticket_id: int
    created_at: datetime
    created_day: int
    team_id: int | None
    assignee_id: int | None
    category_id: int | None
    channel: Channel
    organisation: str
    reopen_count: int
    csat: int | None
    # The first response: when, how long it took, whether it met its target (None: the
    # plan set none, or it has not been given).
    first_response_day: int | None
    first_response_business: int | None
    first_response_calendar: int | None
    first_response_within: bool | None
    # The last resolution of a ticket that is resolved or closed now (None while open).
    resolved_at: datetime | None
    resolved_day: int | None
    resolution_business: int | None
    resolution_calendar: int | None
    resolution_within: bool | None
    spans: tuple[OpenSpan, ...]


def local_day(moment: datetime, zone: ZoneInfo) -> int:
    return moment.astimezone(zone).date().toordinal()


def day_of(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def open_spans(statuses: tuple[StatusSpan, ...], zone: ZoneInfo) -> tuple[OpenSpan, ...]:
    """The ticket's spans out of the done statuses, from its status history."""
    spans: list[OpenSpan] = []
    opened: datetime | None = None
    for span in statuses:
        done = span.status in DONE
        if not done and opened is None:
            opened = span.start
        elif done and opened is not None:
            spans.append(
                OpenSpan(
                    len(spans),
                    opened,
                    local_day(opened, zone),
                    span.start,
                    local_day(span.start, zone),
                )
            )
            opened = None
    if opened is not None:
        spans.append(OpenSpan(len(spans), opened, local_day(opened, zone), None, None))
    return tuple(spans)


def running_seconds(
    statuses: tuple[StatusSpan, ...],
    plan: SlaPlan,
    end: datetime,
    calendar: BusinessCalendar | None = None,
) -> int:
    """Seconds the ticket was neither paused nor done before `end`: every hour, or only
    `calendar`'s open hours."""
    total = 0
    limit = to_us(end)
    for span in statuses:
        if span.status in DONE or plan.pauses(span.status):
            continue
        start = to_us(span.start)
        stop = min(limit, to_us(span.end) if span.end is not None else limit)
        if stop <= start:
            continue
        if calendar is None:
            total += stop - start
        else:
            total += calendar.position_us(stop) - calendar.position_us(start)
    return total // 1_000_000


def _within(reading: ClockReading) -> bool | None:
    if reading.target is None or reading.state != ClockState.MET:
        return None
    return reading.breached_at is None


def _seconds(value: timedelta) -> int:
    return int(value // timedelta(seconds=1))


def first_response_figures(
    responded: datetime | None,
    statuses: tuple[StatusSpan, ...],
    plan: SlaPlan,
    first: ClockReading,
) -> tuple[int | None, int | None, bool | None]:
    """A ticket's first response in business seconds, in calendar seconds and whether it
    met its target (all None before it is given): the figures of its report row that
    depend on its plan and calendar, rewritten when a plan or calendar changes."""
    if responded is None:
        return None, None, None
    return _seconds(first.used), running_seconds(statuses, plan, responded), _within(first)


def ticket_facts(
    ticket: Ticket,
    organisation: str,
    statuses: tuple[StatusSpan, ...],
    plan: SlaPlan,
    reading: SlaReading,
    zone: ZoneInfo,
) -> TicketFacts:
    """The facts of `ticket` under `plan` (its SLA plan, or the no-plan plan whose calendar
    is always open), `reading` being its clocks read now."""
    assert ticket.id is not None
    first, resolution = reading.first_response, reading.resolution
    responded = ticket.first_responded_at
    spans = open_spans(statuses, zone)
    first_business, first_calendar, first_within = first_response_figures(
        responded, statuses, plan, first
    )
    resolved_at = None
    if ticket.status in DONE:
        last = spans[-1].resolved_at if spans else None
        resolved_at = last or ticket.resolved_at or ticket.closed_at
    return TicketFacts(
        ticket_id=ticket.id,
        created_at=ticket.created_at,
        created_day=local_day(ticket.created_at, zone),
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
        category_id=ticket.category_id,
        channel=ticket.channel,
        organisation=organisation,
        reopen_count=ticket.reopen_count,
        csat=ticket.csat,
        first_response_day=local_day(responded, zone) if responded else None,
        first_response_business=first_business,
        first_response_calendar=first_calendar,
        first_response_within=first_within,
        resolved_at=resolved_at,
        resolved_day=local_day(resolved_at, zone) if resolved_at else None,
        resolution_business=_seconds(resolution.used) if resolved_at else None,
        resolution_calendar=running_seconds(statuses, plan, resolved_at) if resolved_at else None,
        resolution_within=_within(resolution) if resolved_at else None,
        spans=spans,
    )


# --- exact percentiles -------------------------------------------------------------------

#: The percentiles the reports show, as fractions (numerator, denominator) so that both
#: databases and Python pick the same rank with integer arithmetic.
MEDIAN = (1, 2)
P90 = (9, 10)


def rank(count: int, share: tuple[int, int]) -> int:
    """The 1-based rank of the `share` percentile among `count` sorted values: the
    smallest value at or above which that share lies (the "nearest rank" definition,
    PostgreSQL's percentile_disc)."""
    num, den = share
    return max(1, (num * count + den - 1) // den)


def percentile(values: list[int], share: tuple[int, int]) -> int | None:
    """The exact `share` percentile of `values` (None for none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[rank(len(ordered), share) - 1]

"""A ticket's SLA clocks as a pure function of its history.

`read_clocks(history, now)` replays the ticket: its status spans, priority changes, the
plan and calendar versions in force, the first response and any due times set by hand.
It cuts the time since creation into segments in which all of those stay put, and in each
segment a clock either runs (business time is used), is paused (a status the plan names),
is stopped (resolved or closed, until a reopen) or is met (the first response was given).

So paused time is kept when the plan, priority or calendar changes: it was never used.
A priority change applies the new target to the business time used since the start. A due
time set by hand is the due time, whatever is recalculated around it. A clock is breached
at the first instant it runs past its due time; that instant never moves afterwards, so a
sweep can record the breach exactly once.

Services store `ClockReading.queue_due` (None unless the clock runs) and `queue_at_risk`
on the ticket, and recompute them with this function whenever the history or a version
changes: `read_clocks(history, now, explain=False)` for a bulk recompute. Pass the same
`BusinessCalendar` value to every ticket of a recompute: its per-day table is built once
per value and shared (a fresh value pays a couple of milliseconds to build it).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .calendars import BusinessCalendar, from_us, to_us
from .model import Priority, TicketStatus
from .sla import DONE, Clock, SlaPlan
from .sla_history import (
    CalendarVersion,
    ClockHistory,
    ManualDue,
    PlanVersion,
    PriorityChange,
    StatusSpan,
)
from .sla_steps import Step, explain_clock

# --- the reading ------------------------------------------------------------------------


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"  # a status the plan pauses in (pending)
    STOPPED = "stopped"  # resolved or closed without meeting it (it resumes on a reopen)
    MET = "met"  # first response given; resolution: resolved or closed
    NO_TARGET = "no_target"  # the plan promises nothing for this priority


@dataclass(frozen=True, slots=True)
class ClockReading:
    clock: Clock
    state: ClockState
    priority: Priority
    target: timedelta | None  # the plan's, at the current priority (None: it promises none)
    due: datetime | None  # UTC; None while paused or stopped before it was reached
    at_risk: datetime | None  # UTC; when the at-risk share of the target is used
    breached_at: datetime | None  # UTC; the first instant it ran past its due time
    used: timedelta  # business time the clock ran
    paused: timedelta  # business time it was paused for
    remaining: timedelta | None  # business time left now (negative: overdue by)
    manual: bool  # the due time was set by hand
    stopped_at: datetime | None  # when it was met or stopped
    steps: tuple[Step, ...]

    @property
    def breached(self) -> bool:
        return self.breached_at is not None

    @property
    def queue_due(self) -> datetime | None:
        """The due time to store for the Overdue and Due today queues: only while the
        clock runs (a paused or finished ticket is overdue for nobody)."""
        return self.due if self.state == ClockState.RUNNING else None

    @property
    def queue_at_risk(self) -> datetime | None:
        return self.at_risk if self.state == ClockState.RUNNING else None


@dataclass(frozen=True, slots=True)
class SlaReading:
    first_response: ClockReading
    resolution: ClockReading

    def clock(self, clock: Clock) -> ClockReading:
        return self.first_response if clock == Clock.FIRST_RESPONSE else self.resolution


def read_clocks(history: ClockHistory, now: datetime, *, explain: bool = True) -> SlaReading:
    """Both clocks of the ticket as they stand at `now` (aware). A bulk recompute that
    stores due times passes `explain=False`: the steps are most of the cost."""
    timelines = _Timelines(history)
    now_us = to_us(now)
    created = timelines.start
    resolution_end = max(created, now_us)
    resolution = _segments(timelines, Clock.RESOLUTION, resolution_end)
    responded = timelines.responded
    first_end = resolution_end if responded is None else max(created, min(now_us, responded))
    if history.manual_dues:
        first = _segments(timelines, Clock.FIRST_RESPONSE, first_end)
    else:
        # No due time set by hand: both clocks are cut at the same instants, so the first
        # response's segments are the resolution's up to its own end (half the replay).
        first = _up_to(resolution, first_end)
    return SlaReading(
        _read(history, Clock.FIRST_RESPONSE, first, now_us, responded, explain),
        _read(history, Clock.RESOLUTION, resolution, now_us, None, explain),
    )


# --- the replay -------------------------------------------------------------------------


class _Mode(StrEnum):
    RUN = "run"
    PAUSE = "pause"
    STOP = "stop"


@dataclass(slots=True)  # not frozen: built several times per ticket, and never changed
class _Segment:
    start: int
    end: int
    mode: _Mode
    status: TicketStatus
    priority: Priority
    plan: SlaPlan
    calendar: BusinessCalendar
    manual: ManualDue | None
    business: int  # business time from start to end in its calendar, microseconds
    #: The start's position in its calendar (`BusinessCalendar.position_us`): a due time
    #: within the segment is found from it without looking it up again.
    position: int

    def ending(self, end: int) -> _Segment:
        business = self.calendar.position_us(end) - self.position
        # Not dataclasses.replace: this runs twice per ticket in a bulk recompute.
        return _Segment(
            self.start,
            end,
            self.mode,
            self.status,
            self.priority,
            self.plan,
            self.calendar,
            self.manual,
            business,
            self.position,
        )


class _Timeline:
    """Values that change at instants: the value in force at t is the last set at or
    before t (the first applies from the start, wherever it was set)."""

    def __init__(self, times: list[int], values: list[Any]) -> None:
        if len(times) > 1 and times != sorted(times):  # a stable sort by time, as given
            ordered = sorted(zip(times, values, strict=True), key=lambda pair: pair[0])
            times = [t for t, _ in ordered]
            values = [v for _, v in ordered]
        self.times = times
        self.values = values

    def at(self, t: int) -> Any:
        return self.values[max(0, bisect_right(self.times, t) - 1)]

    def along(self, points: Sequence[int]) -> list[Any]:
        """`at` of each of the sorted `points`, in one pass."""
        times, values = self.times, self.values
        if len(times) == 1:  # one plan, one calendar, no manual due: the usual case
            return [values[0]] * len(points)
        found, i, n, current = [], 0, len(times), values[0]
        for t in points:
            while i < n and times[i] <= t:
                current = values[i]
                i += 1
            found.append(current)
        return found


class _Timelines:
    """A history's timelines, read once for both clocks."""

    def __init__(self, history: ClockHistory) -> None:
        self.start = start = to_us(history.created_at)
        responded = history.first_responded_at
        self.responded = None if responded is None else to_us(responded)
        statuses = history.statuses
        self.statuses = _Timeline([to_us(s.start) for s in statuses], [s.status for s in statuses])
        priorities = history.priorities
        self.priorities = _Timeline(
            [to_us(p.at) for p in priorities], [_priority(p.priority) for p in priorities]
        )
        plans, calendars = history.plans, history.calendars
        self.plans = _Timeline([to_us(p.since) for p in plans], [p.plan for p in plans])
        self.calendars = _Timeline(
            [to_us(c.since) for c in calendars], [c.calendar for c in calendars]
        )
        self.manuals: dict[Clock, _Timeline] = {}
        for clock in Clock if history.manual_dues else ():
            manual = [m for m in history.manual_dues if m.clock == clock]
            if manual:
                self.manuals[clock] = _Timeline(
                    [start, *(to_us(m.set_at) for m in manual)], [None, *manual]
                )
        self.span_ends = [to_us(s.end) for s in statuses if s.end is not None]
        shared = [self.statuses, self.priorities, self.plans, self.calendars]
        self.cuts = sorted({t for timeline in shared for t in timeline.times} | set(self.span_ends))


def _priority(value: Priority | int) -> Priority:
    return value if isinstance(value, Priority) else Priority(value)


def _segments(timelines: _Timelines, clock: Clock, end: int) -> list[_Segment]:
    """The clock's segments from the ticket's start to `end`.

    Cut one microsecond past the end, then back: the last segment then says what is in
    force at the end itself (a status that starts at `now` counts; so does a clock read
    at its own start, which gets a segment of no length)."""
    start, stop = timelines.start, end + 1
    statuses, priorities = timelines.statuses, timelines.priorities
    plans, calendars = timelines.plans, timelines.calendars
    manuals = timelines.manuals.get(clock)
    shared = timelines.cuts  # sorted, each once: those between start and stop, in order
    points = [start, *shared[bisect_right(shared, start) : bisect_left(shared, stop)], stop]
    if manuals is not None:
        points = sorted({*points, *(t for t in manuals.times if start < t < stop)})
    starts = points[:-1]
    ends = points[1:]
    ends[-1] = end  # the last segment ends at `end` itself (not cut there and back)
    segments = []
    # A boundary is the end of one segment and the start of the next: its position in the
    # calendar is looked up once while the calendar stays the same.
    previous: BusinessCalendar | None = None
    start_position = end_position = 0
    for s, e, status, priority, plan, calendar, manual in zip(
        starts,
        ends,
        statuses.along(starts),
        priorities.along(starts),
        plans.along(starts),
        calendars.along(starts),
        manuals.along(starts) if manuals is not None else [None] * len(starts),
        strict=True,
    ):
        if status in DONE:
            mode = _Mode.STOP
        elif status in plan.pause:  # plan.pauses(status), without the call
            mode = _Mode.PAUSE
        else:
            mode = _Mode.RUN
        start_position = end_position if calendar is previous else calendar.position_us(s)
        end_position = calendar.position_us(e)
        previous = calendar
        manual = manual if manual is not None and manual.due is not None else None
        segments.append(
            _Segment(
                s,
                e,
                mode,
                status,
                priority,
                plan,
                calendar,
                manual,
                end_position - start_position,
                start_position,
            )
        )
    return segments


def _up_to(segments: list[_Segment], end: int) -> list[_Segment]:
    """`segments` (cut as `_segments` cuts them) as if they had been cut for `end`."""
    if end == segments[-1].end:
        return segments
    kept = [seg for seg in segments if seg.start <= end]
    kept[-1] = kept[-1].ending(end)
    return kept


def _reached(segments: Sequence[_Segment], amount: int) -> int | None:
    """The instant the running segments have used `amount` of business time, if they have."""
    used = 0
    for seg in segments:
        if seg.mode is not _Mode.RUN:
            continue
        business = seg.business
        if used + business >= amount:
            return seg.calendar.due_us(seg.start, amount - used, seg.position)
        used += business
    return None


def _read(
    history: ClockHistory,
    clock: Clock,
    segments: list[_Segment],
    now: int,
    met_at: int | None,
    explain: bool,
) -> ClockReading:
    last = segments[-1]
    end = last.end
    plan, calendar, priority = last.plan, last.calendar, last.priority
    target_us = plan.target_us(clock, priority)

    used = paused = 0
    for seg in segments:  # one pass, not a sum for each: twice per ticket in a recompute
        if seg.mode is _Mode.RUN:
            used += seg.business
        elif seg.mode is _Mode.PAUSE:
            paused += seg.business
    breached = _first_breach(segments, clock)

    if met_at is not None and met_at <= now:
        state = ClockState.MET
        stopped_at: int | None = met_at
    elif last.mode == _Mode.STOP:
        stopped_at = _mode_since(segments, _Mode.STOP)
        state = ClockState.MET if clock == Clock.RESOLUTION else ClockState.STOPPED
    elif last.mode == _Mode.PAUSE:
        state, stopped_at = ClockState.PAUSED, None
    else:
        state, stopped_at = ClockState.RUNNING, None

    due: int | None = None
    at_risk: int | None = None
    remaining: int | None = None
    if last.manual is not None and last.manual.due is not None:
        due = to_us(last.manual.due)
        at_risk = _manual_at_risk(last.manual, plan, clock, priority, calendar)
        remaining = calendar.position_us(due) - calendar.position_us(stopped_at or end)
    elif target_us is not None:
        due = _reached(segments, target_us)
        # plan.at_risk_after in microseconds: the same floor of target × percent / 100.
        percent = plan.at_risk_percent
        threshold = None if percent is None else target_us * percent // 100
        if threshold is not None and threshold > 0:
            at_risk = _reached(segments, threshold)
        if state == ClockState.RUNNING:
            end_position = last.position + last.business  # the end's, in `calendar`
            if due is None:
                due = calendar.due_us(end, target_us - used, end_position)
            if at_risk is None and threshold is not None and threshold > 0:
                at_risk = calendar.due_us(end, threshold - used, end_position)
        remaining = target_us - used
    if (
        target_us is None
        and last.manual is None
        and state in (ClockState.RUNNING, ClockState.PAUSED)
    ):
        state = ClockState.NO_TARGET

    reading = ClockReading(
        clock=clock,
        state=state,
        priority=priority,
        target=None if target_us is None else timedelta(microseconds=target_us),
        due=None if due is None else from_us(due),
        at_risk=None if at_risk is None else from_us(at_risk),
        breached_at=None if breached is None else from_us(breached),
        used=timedelta(microseconds=used),
        paused=timedelta(microseconds=paused),
        remaining=None if remaining is None else timedelta(microseconds=remaining),
        manual=last.manual is not None,
        stopped_at=None if stopped_at is None else from_us(stopped_at),
        steps=(),
    )
    if not explain:
        return reading
    return replace(reading, steps=explain_clock(history, reading, segments, now))


def _first_breach(segments: Sequence[_Segment], clock: Clock) -> int | None:
    """The first instant a running segment is past the due time in force in it."""
    used = 0
    for seg in segments:
        business = seg.business
        if seg.mode == _Mode.RUN and seg.end > seg.start:  # at the due instant is not past it
            if seg.manual is not None and seg.manual.due is not None:
                due = to_us(seg.manual.due)
                if due < seg.end:
                    return max(seg.start, due)
            else:
                target = seg.plan.target_us(clock, seg.priority)
                if target is not None:
                    if used >= target:
                        return seg.start
                    # Past the due time within the segment: more than the target used by
                    # its end, or exactly the target with the clock running on after it
                    # (closed hours at the segment's end).
                    if used + business >= target:
                        due = seg.calendar.due_us(seg.start, target - used, seg.position)
                        if due < seg.end:
                            return due
            used += business
    return None


def _manual_at_risk(
    manual: ManualDue,
    plan: SlaPlan,
    clock: Clock,
    priority: Priority,
    calendar: BusinessCalendar,
) -> int | None:
    """At risk once the plan's share of the time given by hand is used."""
    if manual.due is None or plan.at_risk_percent is None:
        return None
    given = calendar.elapsed(manual.set_at, manual.due)
    if given <= timedelta(0):
        return None
    return calendar.due_us(
        to_us(manual.set_at), (given * plan.at_risk_percent // 100) // timedelta(microseconds=1)
    )


def _mode_since(segments: Sequence[_Segment], mode: _Mode) -> int:
    since = segments[-1].start
    for seg in reversed(segments):
        if seg.mode != mode:
            break
        since = seg.start
    return since


def preview(
    plan: SlaPlan, calendar: BusinessCalendar, priority: Priority, created_at: datetime
) -> SlaReading:
    """Both clocks of a ticket of `priority` created at `created_at` under `plan` and
    `calendar`: the admin screens' live preview ("a High ticket created now is due …")."""
    history = ClockHistory(
        created_at=created_at,
        statuses=(StatusSpan(TicketStatus.NEW, created_at),),
        priorities=(PriorityChange(created_at, priority),),
        plans=(PlanVersion(created_at, plan),),
        calendars=(CalendarVersion(created_at, calendar),),
    )
    return read_clocks(history, created_at)

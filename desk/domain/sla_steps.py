"""How a clock reading was reached, as steps of data ("created Fri 16:40", "20 min on
Fri", "closed Sat–Sun", "due Mon 09:40"). The words are in `sla_wording`; here only what
happened, in order, with datetimes local to the calendar that was in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .calendars import BusinessCalendar, DayCount, from_us, to_us

if TYPE_CHECKING:
    from .sla_clock import ClockReading, _Segment
    from .sla_history import ClockHistory


class StepKind(StrEnum):
    CREATED = "created"
    TARGET = "target"
    NO_TARGET = "no_target"
    COUNTED = "counted"  # business time counted on one day
    COUNTED_DAYS = "counted_days"  # whole opening days, first to last
    PART_HOLIDAY = "part_holiday"  # counted on a day a holiday closes in part
    CLOSED = "closed"
    CLOSED_DAYS = "closed_days"
    HOLIDAY = "holiday"
    PAUSED = "paused"
    STOPPED = "stopped"
    RESUMED = "resumed"
    PRIORITY = "priority"
    PLAN = "plan"
    CALENDAR = "calendar"
    MANUAL = "manual"
    MANUAL_CLEARED = "manual_cleared"
    PAUSED_NOW = "paused_now"
    PAUSED_OVERDUE = "paused_overdue"
    AT_RISK = "at_risk"
    DUE = "due"
    MET = "met"
    MET_LATE = "met_late"
    BREACHED = "breached"


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    params: dict[str, Any]


def _local(us: int, calendar: BusinessCalendar) -> datetime:
    return from_us(us).astimezone(calendar.tz)


def add_day_steps(steps: list[Step], calendar: BusinessCalendar, start: int, end: int) -> None:
    """The business time counted each local day from `start` to `end`, closed days
    grouped ("closed Sat–Sun") and runs of whole opening days folded into one step."""
    if end > start:
        for count in calendar.days(from_us(start), from_us(end)):
            _add_day(steps, count)


def _add_day(steps: list[Step], count: DayCount) -> None:
    last = steps[-1] if steps else None
    if last is not None and last.params.get("last", last.params.get("day")) == count.day:
        # The same day again, from the next segment (a status change that does not move
        # the clock, or the look ahead from now): one step per day.
        if count.counted and "counted" in last.params:
            counted = last.params["counted"] + count.counted
            params = {**last.params, "counted": counted}
            if last.kind == StepKind.COUNTED:
                params["whole"] = counted == count.open_time
            steps[-1] = Step(last.kind, params)
        return
    holiday = count.holiday
    if count.open_time == timedelta(0):
        if holiday is not None and holiday.whole_day:
            steps.append(Step(StepKind.HOLIDAY, {"day": count.day, "name": holiday.name}))
        elif last is not None and last.kind in (StepKind.CLOSED, StepKind.CLOSED_DAYS):
            first = last.params.get("first", last.params.get("day"))
            steps[-1] = Step(StepKind.CLOSED_DAYS, {"first": first, "last": count.day})
        else:
            steps.append(Step(StepKind.CLOSED, {"day": count.day}))
        return
    if count.counted == timedelta(0):
        return  # an opening day the range only touches outside its hours
    if holiday is not None:
        steps.append(
            Step(
                StepKind.PART_HOLIDAY,
                {"day": count.day, "counted": count.counted, "name": holiday.name},
            )
        )
        return
    whole = count.counted == count.open_time
    if whole and last is not None and last.params.get("whole"):
        first = last.params.get("first", last.params.get("day"))
        steps[-1] = Step(
            StepKind.COUNTED_DAYS,
            {
                "first": first,
                "last": count.day,
                "counted": last.params["counted"] + count.counted,
                "whole": True,
            },
        )
        return
    steps.append(
        Step(StepKind.COUNTED, {"day": count.day, "counted": count.counted, "whole": whole})
    )


def explain_clock(
    history: ClockHistory,
    reading: ClockReading,
    segments: Sequence[_Segment],
    now: int,
) -> tuple[Step, ...]:
    from .sla_clock import ClockState  # the reading's own module, imported when used

    first = segments[0]
    steps = [Step(StepKind.CREATED, {"at": _local(to_us(history.created_at), first.calendar)})]
    target = first.plan.target(reading.clock, first.priority)
    params = {"clock": reading.clock, "priority": first.priority, "plan": first.plan.name}
    if target is None:
        steps.append(Step(StepKind.NO_TARGET, params))
    else:
        steps.append(Step(StepKind.TARGET, {**params, "target": target}))
    previous = first
    used = 0
    for seg in segments:
        cal = seg.calendar
        at = _local(seg.start, cal)
        if seg is not first:
            if seg.plan != previous.plan:
                steps.append(Step(StepKind.PLAN, {"name": seg.plan.name, "at": at}))
            if seg.calendar != previous.calendar:
                steps.append(Step(StepKind.CALENDAR, {"name": cal.name, "at": at}))
            if seg.priority != previous.priority:
                params = {
                    "old": previous.priority,
                    "new": seg.priority,
                    "at": at,
                    "target": seg.plan.target(reading.clock, seg.priority),
                }
                steps.append(Step(StepKind.PRIORITY, params))
            if seg.manual != previous.manual:
                if seg.manual is not None and seg.manual.due is not None:
                    due = _local(to_us(seg.manual.due), cal)
                    steps.append(Step(StepKind.MANUAL, {"due": due, "at": at}))
                else:
                    steps.append(Step(StepKind.MANUAL_CLEARED, {"at": at}))
            if seg.mode != previous.mode:
                if seg.mode == "pause":
                    params = {"status": seg.status, "at": at, "used": timedelta(microseconds=used)}
                    steps.append(Step(StepKind.PAUSED, params))
                elif seg.mode == "stop":
                    steps.append(Step(StepKind.STOPPED, {"status": seg.status, "at": at}))
                else:
                    steps.append(Step(StepKind.RESUMED, {"status": seg.status, "at": at}))
        elif seg.manual is not None and seg.manual.due is not None:
            due = _local(to_us(seg.manual.due), cal)
            steps.append(Step(StepKind.MANUAL, {"due": due, "at": at}))
        if seg.mode == "run":
            add_day_steps(steps, cal, seg.start, seg.end)
            used += seg.business
        previous = seg
    last = segments[-1]
    cal = last.calendar
    due = to_us(reading.due) if reading.due is not None else None
    if reading.state == ClockState.RUNNING and due is not None and due > last.end:
        add_day_steps(steps, cal, last.end, due)
    if reading.state == ClockState.PAUSED and reading.remaining is not None:
        since = _local(_since(segments), cal)
        if reading.remaining < timedelta(0):
            params = {"status": last.status, "since": since, "over": -reading.remaining}
            steps.append(Step(StepKind.PAUSED_OVERDUE, params))
        else:
            params = {"status": last.status, "since": since, "left": reading.remaining}
            steps.append(Step(StepKind.PAUSED_NOW, params))
    if reading.state == ClockState.RUNNING and reading.at_risk is not None:
        steps.append(Step(StepKind.AT_RISK, {"at": _local(to_us(reading.at_risk), cal)}))
    if due is not None and reading.state not in (ClockState.MET, ClockState.STOPPED):
        steps.append(Step(StepKind.DUE, {"at": _local(due, cal)}))
    if reading.state == ClockState.MET and reading.stopped_at is not None:
        at = _local(to_us(reading.stopped_at), cal)
        left = reading.remaining
        if left is not None and left < timedelta(0):
            steps.append(Step(StepKind.MET_LATE, {"at": at, "over": -left}))
        else:
            steps.append(Step(StepKind.MET, {"at": at, "left": left}))
    if reading.breached_at is not None:
        at = _local(to_us(reading.breached_at), cal)
        steps.append(Step(StepKind.BREACHED, {"at": at}))
    return tuple(steps)


def _since(segments: Sequence[_Segment]) -> int:
    since = segments[-1].start
    for seg in reversed(segments):
        if seg.mode != segments[-1].mode:
            break
        since = seg.start
    return since

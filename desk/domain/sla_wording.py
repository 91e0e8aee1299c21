"""The English words of SLA explanations, in one place, and the formatter that uses them.

Steps are data (`sla_steps.Step`); `describe_steps(steps)` words them with `ENGLISH`.
The UI passes a `Wording` whose strings went through its translator instead: the keys
and the placeholders stay the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from .sla_steps import Step, StepKind

STEP_FORMATS: Mapping[StepKind, str] = {
    StepKind.CREATED: "created {at}",
    StepKind.TARGET: "{clock} within {target} ({priority}, {plan})",
    StepKind.NO_TARGET: "no {clock} target for {priority} ({plan})",
    StepKind.COUNTED: "{counted} on {day}",
    StepKind.COUNTED_DAYS: "{counted} on {first}–{last}",
    StepKind.PART_HOLIDAY: "{counted} on {day} (closed in part: {name})",
    StepKind.CLOSED: "closed {day}",
    StepKind.CLOSED_DAYS: "closed {first}–{last}",
    StepKind.HOLIDAY: "closed {day} ({name})",
    StepKind.PAUSED: "{status} {at}: clock paused with {used} used",
    StepKind.STOPPED: "{status} {at}: clock stopped",
    StepKind.RESUMED: "{status} {at}: clock resumed",
    StepKind.PRIORITY: "priority {old} → {new} {at}: {target} from the start",
    StepKind.PLAN: "plan {name} from {at}",
    StepKind.CALENDAR: "calendar {name} from {at}",
    StepKind.MANUAL: "due time set by hand to {due} ({at})",
    StepKind.MANUAL_CLEARED: "due time by hand cleared {at}",
    StepKind.PAUSED_NOW: "{status} since {since}: {left} left when the clock resumes",
    StepKind.PAUSED_OVERDUE: "{status} since {since}: {over} overdue",
    StepKind.AT_RISK: "at risk from {at}",
    StepKind.DUE: "due {at}",
    StepKind.MET: "met {at} with {left} to spare",
    StepKind.MET_LATE: "met {at}, {over} late",
    StepKind.BREACHED: "breached {at}",
}

#: Words for values inside the steps: clocks, priorities, statuses (by their value).
VALUE_WORDS: Mapping[str, str] = {
    "first_response": "first response",
    "resolution": "resolution",
    "low": "low",
    "normal": "normal",
    "high": "high",
    "urgent": "urgent",
    "pending": "pending",
    "resolved": "resolved",
    "closed": "closed",
    "open": "open",
    "new": "new",
}


@dataclass(frozen=True)
class Wording:
    steps: Mapping[StepKind, str] = field(default_factory=lambda: dict(STEP_FORMATS))
    values: Mapping[str, str] = field(default_factory=lambda: dict(VALUE_WORDS))
    weekdays: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months: tuple[str, ...] = (
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    )  # fmt: skip
    #: A day near the first step ("Fri"), one further away ("Fri 6 Nov"), another year.
    day_near: str = "{weekday}"
    day_far: str = "{weekday} {day} {month}"
    day_other_year: str = "{weekday} {day} {month} {year}"
    moment: str = "{day} {hour:02d}:{minute:02d}"
    hours_minutes: str = "{hours} h {minutes} min"
    hours: str = "{hours} h"
    minutes: str = "{minutes} min"
    seconds: str = "{seconds} s"
    none: str = "none"
    separator: str = "; "


ENGLISH = Wording()


def format_duration(value: timedelta, wording: Wording = ENGLISH) -> str:
    """Business time in hours and minutes ("9 h 30 min"): a business day is not 24 h."""
    total = int(value.total_seconds())
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    sign = "-" if total < 0 else ""
    if hours and minutes:
        text = wording.hours_minutes.format(hours=hours, minutes=minutes)
    elif hours:
        text = wording.hours.format(hours=hours)
    elif minutes or not seconds:
        text = wording.minutes.format(minutes=minutes)
    else:
        text = wording.seconds.format(seconds=seconds)
    return sign + text


def format_day(day: date, reference: date, wording: Wording = ENGLISH) -> str:
    parts = {
        "weekday": wording.weekdays[day.weekday()],
        "day": day.day,
        "month": wording.months[day.month - 1],
        "year": day.year,
    }
    if day.year != reference.year:
        return wording.day_other_year.format(**parts)
    if abs((day - reference).days) < 7:
        return wording.day_near.format(**parts)
    return wording.day_far.format(**parts)


def format_value(value: Any, reference: date, wording: Wording = ENGLISH) -> str:
    if value is None:
        return wording.none
    if isinstance(value, datetime):
        day = format_day(value.date(), reference, wording)
        return wording.moment.format(day=day, hour=value.hour, minute=value.minute)
    if isinstance(value, date):
        return format_day(value, reference, wording)
    if isinstance(value, timedelta):
        return format_duration(value, wording)
    if isinstance(value, Enum):
        key = value.value if isinstance(value.value, str) else value.name.lower()
        return wording.values.get(key, key)
    return str(value)


def describe_step(step: Step, reference: date, wording: Wording = ENGLISH) -> str:
    params = {key: format_value(value, reference, wording) for key, value in step.params.items()}
    return wording.steps[step.kind].format_map(params)


def describe_steps(steps: Iterable[Step], wording: Wording = ENGLISH) -> list[str]:
    """Each step in words; days within a week of the first step go by their weekday."""
    steps = list(steps)
    reference = _first_day(steps)
    return [describe_step(step, reference, wording) for step in steps]


def explanation(steps: Iterable[Step], wording: Wording = ENGLISH) -> str:
    """One line: "created Fri 16:40; 20 min on Fri; closed Sat–Sun; due Mon 09:40"."""
    return wording.separator.join(describe_steps(steps, wording))


def _first_day(steps: list[Step]) -> date:
    for step in steps:
        for value in step.params.values():
            if isinstance(value, datetime):
                return value.date()
            if isinstance(value, date):
                return value
    return date.min  # no dates at all: nothing is near

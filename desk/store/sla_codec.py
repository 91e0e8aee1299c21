"""Calendars and plans as the JSON the `business_calendars` and `sla_plans` rows hold.

Decoding is cached by the row's own text: a calendar value builds its per-day table once
and every recompute in this process shares it (desk.domain.sla_clock says why that pays).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from desk.domain.calendars import BusinessCalendar
from desk.domain.model import Priority, TicketStatus
from desk.domain.opening_hours import Holiday, Span
from desk.domain.sla import Clock, Escalation, EscalationKind, SlaPlan, Targets


def week_json(calendar: BusinessCalendar) -> list[str]:
    return [", ".join(f"{_hhmm(s.start)}-{_hhmm(s.end)}" for s in day) for day in calendar.week]


def holidays_json(calendar: BusinessCalendar) -> list[dict[str, Any]]:
    return [
        {
            "day": h.day.isoformat(),
            "name": h.name,
            "closed": [f"{_hhmm(s.start)}-{_hhmm(s.end)}" for s in h.closed],
            "every_year": h.every_year,
        }
        for h in calendar.holidays
    ]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def calendar_from_row(row: Any) -> BusinessCalendar:
    return _calendar(
        row.id,
        row.name,
        row.zone,
        json.dumps(row.week),
        json.dumps(row.holidays),
        row.version,
    )


@lru_cache(maxsize=64)
def _calendar(
    calendar_id: int, name: str, zone: str, week: str, holidays: str, version: int
) -> BusinessCalendar:
    return BusinessCalendar.weekly(
        zone,
        json.loads(week),
        tuple(
            Holiday(
                date.fromisoformat(h["day"]),
                h.get("name", ""),
                tuple(Span.parse(s) for s in h["closed"]),
                bool(h.get("every_year")),
            )
            for h in json.loads(holidays)
        ),
        name=name,
        id=calendar_id,
        version=version,
    )


def targets_json(plan: SlaPlan) -> dict[str, list[float | None]]:
    def seconds(value: timedelta | None) -> float | None:
        return None if value is None else value.total_seconds()

    return {
        str(int(priority)): [seconds(t.first_response), seconds(t.resolution)]
        for priority, t in sorted(plan.targets.items())
    }


def pause_json(plan: SlaPlan) -> list[str]:
    return sorted(str(s) for s in plan.pause)


def escalations_json(plan: SlaPlan) -> list[dict[str, Any]]:
    return [
        {
            "on": str(e.on),
            "kind": str(e.kind),
            "priority": None if e.priority is None else int(e.priority),
            "team_id": e.team_id,
        }
        for e in plan.escalations
    ]


def plan_from_row(row: Any) -> SlaPlan:
    return _plan(
        row.id,
        row.name,
        row.calendar_id,
        json.dumps(row.targets, sort_keys=True),
        row.at_risk_percent,
        json.dumps(row.pause),
        json.dumps(row.escalations),
        row.version,
    )


@lru_cache(maxsize=64)
def _plan(
    plan_id: int,
    name: str,
    calendar_id: int | None,
    targets: str,
    at_risk_percent: int | None,
    pause: str,
    escalations: str,
    version: int,
) -> SlaPlan:
    def duration(seconds: float | None) -> timedelta | None:
        return None if seconds is None else timedelta(seconds=seconds)

    return SlaPlan(
        plan_id,
        name,
        {
            Priority(int(p)): Targets(duration(first), duration(resolution))
            for p, (first, resolution) in json.loads(targets).items()
        },
        calendar_id=calendar_id,
        at_risk_percent=at_risk_percent,
        pause=frozenset(TicketStatus(s) for s in json.loads(pause)),
        escalations=tuple(
            Escalation(
                on=Clock(e["on"]),
                kind=EscalationKind(e["kind"]),
                priority=None if e.get("priority") is None else Priority(e["priority"]),
                team_id=e.get("team_id"),
            )
            for e in json.loads(escalations)
        ),
        version=version,
    )

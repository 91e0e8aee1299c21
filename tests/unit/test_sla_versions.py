"""Which plan and calendar versions a ticket's clocks count in (`SlaContext.versions`):
the ones in force at its creation, then each saved after it. A recompute lists them once
per plan and calendar version in force at a creation, so tickets created at different
times under the same versions must still get their own start."""

from __future__ import annotations

from datetime import UTC, datetime

from desk.domain.calendars import BusinessCalendar
from desk.domain.sla import SlaPlan
from desk.services.clocks import SlaContext
from desk.store.sla import SavedVersion


def _day(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def _calendar(version: int, hours: str) -> BusinessCalendar:
    return BusinessCalendar.weekly("Europe/London", [hours] * 5 + ["", ""], id=1, version=version)


PLAN_1 = SlaPlan(1, "Standard", {}, calendar_id=1, version=1)
PLAN_2 = SlaPlan(1, "Standard", {}, calendar_id=1, at_risk_percent=50, version=2)
CAL_1 = _calendar(1, "09:00-17:00")
CAL_2 = _calendar(2, "08:00-17:00")
CAL_3 = _calendar(3, "08:00-18:00")


def _context() -> SlaContext:
    return SlaContext(
        plans={1: PLAN_2},
        calendars={1: CAL_3},
        topic_plans={},
        parents={},
        default=PLAN_2,
        epoch=3,
        plan_history={
            1: [
                SavedVersion(1, _day(11, 1), None, PLAN_1),
                SavedVersion(2, _day(11, 10), None, PLAN_2),
            ]
        },
        calendar_history={
            1: [
                SavedVersion(1, _day(10, 1), None, CAL_1),
                SavedVersion(2, _day(11, 5), None, CAL_2),
                SavedVersion(3, _day(11, 20), None, CAL_3),
            ]
        },
    )


def _listed(context: SlaContext, since: datetime) -> tuple[list, list]:
    plans, calendars = context.versions(PLAN_2, since)
    return (
        [(p.since, p.plan.version) for p in plans],
        [(c.since, c.calendar.version) for c in calendars],
    )


def test_each_ticket_counts_in_the_versions_in_force_from_its_own_start():
    context = _context()
    # Created 15 Oct, before the plan's first save: its first version applies from the
    # start; calendar 1 then, 2 from 5 Nov (under plan 1), 3 from 20 Nov (under plan 2).
    assert _listed(context, _day(10, 15)) == (
        [(_day(10, 15), 1), (_day(11, 10), 2)],
        [(_day(10, 15), 1), (_day(11, 5), 2), (_day(11, 20), 3)],
    )
    assert _listed(context, _day(11, 7)) == (
        [(_day(11, 7), 1), (_day(11, 10), 2)],
        [(_day(11, 7), 2), (_day(11, 20), 3)],
    )
    # The same versions in force as the ticket before, but its own start.
    assert _listed(context, _day(11, 7, 12)) == (
        [(_day(11, 7, 12), 1), (_day(11, 10), 2)],
        [(_day(11, 7, 12), 2), (_day(11, 20), 3)],
    )
    assert _listed(context, _day(11, 25)) == ([(_day(11, 25), 2)], [(_day(11, 25), 3)])
    # Asked again in another order, the answers stay the same.
    assert _listed(context, _day(10, 15))[1] == [
        (_day(10, 15), 1),
        (_day(11, 5), 2),
        (_day(11, 20), 3),
    ]

"""What routing counts time by, and how each team assigns: the desk's routing calendar
(its business hours and time zone) and each team's "assign automatically".

Time-of-day, weekday and business-hours conditions are asked in the desk's time zone,
never a workstation's: the zone of the routing calendar. That is the calendar a desk
setting names, or else the calendar of the desk-wide default SLA plan; a desk with
neither counts in UTC and has no business hours (an "inside / outside business hours"
condition then holds for no ticket, and the editor says why).
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.domain import validation
from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import NotFound
from desk.domain.permissions import Permission
from desk.domain.routing_rules import Strategy
from desk.store.unit_of_work import SqlUnitOfWork

from . import clocks
from .database import Database
from .tickets import acting_agent

#: Desk setting: the id of the calendar routing counts in ("": the default plan's).
ROUTING_CALENDAR = "routing_calendar"


def desk_calendar(uow: SqlUnitOfWork) -> BusinessCalendar | None:
    """The routing calendar inside an open transaction (None: there is none)."""
    stored = uow.settings.get_many((ROUTING_CALENDAR, clocks.DEFAULT_PLAN))
    chosen = _number(stored.get(ROUTING_CALENDAR))
    if chosen is not None:
        try:
            return uow.sla.calendar(chosen)
        except NotFound:
            pass  # deleted since: fall back to the default plan's, as if never chosen
    plan_id = _number(stored.get(clocks.DEFAULT_PLAN))
    if plan_id is None:
        return None
    try:
        plan = uow.sla.plan(plan_id)
    except NotFound:
        return None
    if plan.calendar_id is None:
        return None
    try:
        return uow.sla.calendar(plan.calendar_id)
    except NotFound:
        return None


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@dataclass(frozen=True, slots=True)
class TeamAssignment:
    team_id: int
    name: str
    strategy: Strategy | None  # None: tickets wait in the team's queue to be claimed


@dataclass(frozen=True, slots=True)
class RoutingSetup:
    """What the rule editor shows beside the rules."""

    calendar: BusinessCalendar | None  # the one routing counts in now
    chosen_calendar_id: int | None  # the setting; None: the default plan's calendar
    calendars: tuple[BusinessCalendar, ...]
    teams: tuple[TeamAssignment, ...]

    @property
    def zone(self) -> str:
        return self.calendar.zone if self.calendar is not None else "UTC"


def routing_setup(db: Database) -> RoutingSetup:
    """The routing calendar, the calendars to choose from, and how each team assigns."""
    with db.read() as uow:
        states = uow.routing.team_states()
        teams = tuple(
            TeamAssignment(t.id, t.name, t.auto_assign)
            for t in sorted(states.values(), key=lambda t: t.name.casefold())
        )
        return RoutingSetup(
            desk_calendar(uow),
            clocks.stored_int(uow, ROUTING_CALENDAR),
            tuple(uow.sla.calendars()),
            teams,
        )


def set_routing_calendar(db: Database, actor_id: int, calendar_id: int | None) -> None:
    """The calendar routing's time conditions count in (admins); None: the default SLA
    plan's calendar."""
    calendar_id = validation.clean_id("calendar", "calendar", calendar_id, optional=True)
    with db.write() as uow:
        acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        if calendar_id is not None:
            uow.sla.calendar(calendar_id)
        uow.settings.set(ROUTING_CALENDAR, "" if calendar_id is None else str(calendar_id))
        uow.commit()

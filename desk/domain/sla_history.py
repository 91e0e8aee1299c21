"""What a ticket's SLA clocks depend on (`ClockHistory`), and how to read it from the
ticket's thread, for services that recompute due times.

The thread already records every status and priority change with its time (the
lifecycle's events); the ticket has its creation and first response. The plan and
calendar versions and the due times set by hand are kept by the services, which pass
them in: which plan a help topic had when is theirs to know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .calendars import BusinessCalendar
from .model import Priority, TicketStatus
from .sla import Clock, SlaPlan
from .thread import EventType

# --- the history (what `sla_clock.read_clocks` replays) ----------------------------------


@dataclass(frozen=True, slots=True)
class StatusSpan:
    status: TicketStatus
    start: datetime
    end: datetime | None = None  # None: the ticket is still in it


@dataclass(frozen=True, slots=True)
class PriorityChange:
    at: datetime
    priority: Priority


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """The plan in force from `since` (the first one applies from the ticket's start)."""

    since: datetime
    plan: SlaPlan


@dataclass(frozen=True, slots=True)
class CalendarVersion:
    """The calendar in force from `since` (the first one applies from the ticket's start).
    Business time before `since` stays counted in the calendar that was in force then."""

    since: datetime
    calendar: BusinessCalendar


@dataclass(frozen=True, slots=True)
class ManualDue:
    """A due time an agent set by hand at `set_at`; `due` None goes back to the plan's."""

    clock: Clock
    set_at: datetime
    due: datetime | None


@dataclass(frozen=True, slots=True)
class ClockHistory:
    """Everything a ticket's due times depend on."""

    created_at: datetime
    statuses: tuple[StatusSpan, ...]
    priorities: tuple[PriorityChange, ...]
    plans: tuple[PlanVersion, ...]
    calendars: tuple[CalendarVersion, ...]
    first_responded_at: datetime | None = None
    manual_dues: tuple[ManualDue, ...] = ()

    def __post_init__(self) -> None:
        if not self.statuses or not self.priorities or not self.plans or not self.calendars:
            raise ValueError("a clock history needs a status, a priority, a plan and a calendar")


def status_spans(
    created_at: datetime, changes: Iterable[tuple[datetime, TicketStatus]]
) -> tuple[StatusSpan, ...]:
    """Spans from status changes (at, new status), the ticket being new from `created_at`."""
    spans: list[StatusSpan] = []
    status, since = TicketStatus.NEW, created_at
    for at, new in sorted(changes, key=lambda change: change[0]):
        spans.append(StatusSpan(status, since, at))
        status, since = new if new.__class__ is TicketStatus else TicketStatus(new), at
    spans.append(StatusSpan(status, since, None))
    return tuple(s for s in spans if s.end is None or s.end > s.start)


# --- from the thread ---------------------------------------------------------------------


class TicketFacts(Protocol):
    """What a history needs of the ticket (a `Ticket` has it; a recompute reads only it)."""

    @property
    def created_at(self) -> datetime: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def first_responded_at(self) -> datetime | None: ...


class EventFacts(Protocol):
    """What a history needs of a thread event (a `ThreadEntry` has it)."""

    @property
    def id(self) -> int | None: ...
    @property
    def event(self) -> EventType | None: ...
    @property
    def data(self) -> Mapping[str, Any]: ...
    @property
    def created_at(self) -> datetime: ...


#: Each status by its stored name: a recompute reads several per ticket, and the enum's
#: own lookup is a Python call each time (a name that is not a status still raises).
_STATUSES = {str(s.value): s for s in TicketStatus}


_PRIORITIES = {p.name: p for p in Priority}


def _priority(name: object) -> Priority | None:
    return _PRIORITIES.get(str(name).upper())


def history_from_thread(
    ticket: TicketFacts,
    entries: Iterable[EventFacts],
    *,
    plans: Sequence[PlanVersion],
    calendars: Sequence[CalendarVersion],
    manual_dues: Sequence[ManualDue] = (),
) -> ClockHistory:
    """The history of `ticket` from its thread's status and priority events."""
    statuses: list[tuple[datetime, TicketStatus]] = []
    priorities: list[PriorityChange] = []
    first_priority: Priority | None = None
    for entry in sorted(entries, key=lambda e: (e.created_at, e.id or 0)):
        if entry.event == EventType.STATUS_CHANGED and entry.data.get("to"):
            to = entry.data["to"]
            statuses.append((entry.created_at, _STATUSES.get(to) or TicketStatus(to)))
        elif entry.event == EventType.PRIORITY_CHANGED:
            new = _priority(entry.data.get("to"))
            if first_priority is None and not priorities:
                first_priority = _priority(entry.data.get("from"))
            if new is not None:
                priorities.append(PriorityChange(entry.created_at, new))
        elif entry.event == EventType.CREATED and entry.data.get("priority"):
            first_priority = _priority(entry.data["priority"]) or first_priority
    initial = first_priority or (priorities[0].priority if priorities else ticket.priority)
    return ClockHistory(
        created_at=ticket.created_at,
        statuses=status_spans(ticket.created_at, statuses),
        priorities=(PriorityChange(ticket.created_at, initial), *priorities),
        plans=tuple(plans),
        calendars=tuple(calendars),
        first_responded_at=ticket.first_responded_at,
        manual_dues=tuple(manual_dues),
    )

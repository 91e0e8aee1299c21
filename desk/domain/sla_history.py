"""A ticket's clock history read from its thread, for services that recompute due times.

The thread already records every status and priority change with its time (the
lifecycle's events); the ticket has its creation and first response. The plan and
calendar versions and the due times set by hand are kept by the services, which pass
them in: which plan a help topic had when is theirs to know.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from .model import Priority, TicketStatus
from .sla_clock import (
    CalendarVersion,
    ClockHistory,
    ManualDue,
    PlanVersion,
    PriorityChange,
    status_spans,
)
from .thread import EventType, ThreadEntry
from .ticket import Ticket


def _priority(name: object) -> Priority | None:
    try:
        return Priority[str(name).upper()]
    except KeyError:
        return None


def history_from_thread(
    ticket: Ticket,
    entries: Iterable[ThreadEntry],
    *,
    plans: Sequence[PlanVersion],
    calendars: Sequence[CalendarVersion],
    manual_dues: Sequence[ManualDue] = (),
) -> ClockHistory:
    """The history of `ticket` from its thread's status and priority events."""
    statuses: list[tuple[datetime, TicketStatus]] = []
    priorities: list[PriorityChange] = []
    first_priority: Priority | None = None
    for entry in sorted(entries, key=lambda e: (e.created_at, e.id)):
        if entry.event == EventType.STATUS_CHANGED and entry.data.get("to"):
            statuses.append((entry.created_at, TicketStatus(entry.data["to"])))
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

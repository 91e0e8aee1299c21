"""The ticket, its number, and the help topic's defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .model import ID_MAX, Channel, Level, Priority, TicketStatus

NUMBER_PREFIX = "HD-"
_NUMBER = re.compile(r"^\s*(?:#|HD-?)?\s*0*(\d{1,12})\s*$", re.IGNORECASE)


def format_number(ticket_id: int) -> str:
    """`HD-000123`: six digits at least, more when the desk outgrows them."""
    return f"{NUMBER_PREFIX}{ticket_id:06d}"


def parse_number(text: str) -> int | None:
    """The ticket id in `HD-000123`, `hd123`, `#123` or `123`; None if it is not a number,
    or one too big to be a ticket's (digits typed in the search box may be a phone number)."""
    match = _NUMBER.match(text)
    if not match:
        return None
    number = int(match.group(1))
    return number if 0 < number <= ID_MAX else None


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int | None
    subject: str
    description: str
    customer_id: int
    channel: Channel
    category_id: int | None
    team_id: int | None
    assignee_id: int | None
    status: TicketStatus
    impact: Level
    urgency: Level
    priority: Priority
    priority_overridden: bool
    asset: str
    created_at: datetime
    created_by: int | None
    updated_at: datetime
    updated_by: int | None
    first_responded_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    due_at: datetime | None = None
    resolution_note: str = ""
    csat: int | None = None
    reopen_count: int = 0
    call_seconds: int | None = None
    version: int = 1

    @property
    def number(self) -> str:
        return format_number(self.id) if self.id is not None else f"{NUMBER_PREFIX}(new)"

"""The ticket, its number, and the help topic's defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .model import ID_MAX, Channel, Level, Priority, TicketStatus

#: Desk's own prefix, the one a desk has until its admin chooses another.
NUMBER_PREFIX = "HD-"
#: What an admin may choose: a letter, then up to seven letters or digits, an optional dash.
PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,7}-?$")

# The desk's prefix (Desk settings), set by the wiring when a desk is opened and again
# when an admin changes it: every number this program shows or reads uses it. One value
# per process, as one process shows one desk at a time.
_prefix = NUMBER_PREFIX


def set_number_prefix(prefix: str) -> None:
    """Show ticket numbers with `prefix` from now on (a valid one; else Desk's own)."""
    global _prefix
    _prefix = prefix if PREFIX_PATTERN.match(prefix or "") else NUMBER_PREFIX


def number_prefix() -> str:
    return _prefix


def format_number(ticket_id: int) -> str:
    """`HD-000123`: the desk's prefix, six digits at least, more when the desk outgrows them."""
    return f"{_prefix}{ticket_id:06d}"


def _number_pattern() -> re.Pattern[str]:
    known = {re.escape(p.rstrip("-")) for p in (_prefix, NUMBER_PREFIX)}
    return re.compile(
        rf"^\s*(?:#|(?:{'|'.join(sorted(known))})-?)?\s*0*(\d{{1,12}})\s*$", re.IGNORECASE
    )


def parse_number(text: str) -> int | None:
    """The ticket id in `HD-000123`, `hd123`, `#123` or `123` (or with the desk's own
    prefix, `IT-000123`; Desk's own `HD-` is read as well, as numbers given out before a
    change of prefix are still quoted); None if it is not a number, or one too big to be
    a ticket's (digits typed in the search box may be a phone number)."""
    match = _number_pattern().match(text)
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
        return format_number(self.id) if self.id is not None else f"{_prefix}(new)"

"""The help desk's nouns: channels, levels, roles, and the people and teams that work tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum

#: The largest id of any record: PostgreSQL's integer column, and the same on SQLite, so
#: that both backends accept and refuse the same ids.
ID_MAX = 2**31 - 1


class Channel(StrEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    CHAT = "chat"
    SOCIAL = "social"


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_active(self) -> bool:
        """Still work to do: the ticket sits in a working queue."""
        return self in ACTIVE_STATUSES


ACTIVE_STATUSES = frozenset({TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING})
DONE_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})


class Level(IntEnum):
    """Impact (severity) and urgency, as ITIL grades them."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Availability(StrEnum):
    AVAILABLE = "available"
    AWAY = "away"
    OFF_SHIFT = "off_shift"


def effective_availability(
    availability: Availability, away_until: datetime | None, now: datetime
) -> Availability:
    """Away until a moment that has passed is available again, without anyone saying so."""
    if availability == Availability.AWAY and away_until is not None and away_until <= now:
        return Availability.AVAILABLE
    return availability


@dataclass(frozen=True, slots=True)
class Customer:
    id: int | None
    name: str
    email: str | None
    phone: str | None  # E.164
    organisation: str
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Agent:
    id: int | None
    login: str
    name: str
    email: str | None
    role: Role
    availability: Availability = Availability.AVAILABLE
    active: bool = True
    capacity: int | None = None  # most open tickets routing gives them; None: no limit
    away_until: datetime | None = None  # away until then; available again by itself after
    version: int = 1  # counts admin edits: a second admin's stale edit is refused


@dataclass(frozen=True, slots=True)
class Team:
    id: int | None
    name: str
    description: str = ""
    active: bool = True  # a deactivated team takes no new tickets
    version: int = 1


@dataclass(frozen=True, slots=True)
class Category:
    """A help topic. Nestable; it gives new tickets their team and priority."""

    id: int | None
    name: str
    parent_id: int | None
    default_team_id: int | None
    default_priority: Priority = Priority.NORMAL
    path: str = ""  # "Hardware › Printer", filled in when read
    active: bool = True
    position: int = 0  # among the topics under the same parent
    version: int = 1
    description: str = ""

    @property
    def display_name(self) -> str:
        return self.path or self.name

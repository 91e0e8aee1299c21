"""Queues: which tickets a queue holds, how it is sorted, and the row it shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .model import ACTIVE_STATUSES, DONE_STATUSES, Channel, Priority, TicketStatus
from .ticket import format_number

RECENTLY_DONE = timedelta(days=30)
SEARCH_LIMIT = 500  # a search shows the newest matches, like every help desk's search box


class SortKey(StrEnum):
    NUMBER = "number"
    SUBJECT = "subject"
    CUSTOMER = "customer"
    PRIORITY = "priority"
    STATUS = "status"
    TEAM = "team"
    ASSIGNEE = "assignee"
    CHANNEL = "channel"
    CREATED = "created"
    UPDATED = "updated"
    DUE = "due"


class QueueKind(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    TEAM = "team"
    ALL_OPEN = "all_open"
    PENDING = "pending"
    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    DUE_TODAY = "due_today"
    RECENTLY_DONE = "recently_done"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which tickets a queue holds. Empty means every ticket."""

    statuses: frozenset[TicketStatus] | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    due_before: datetime | None = None
    due_from: datetime | None = None  # with due_before: a window (Due today)
    at_risk_before: datetime | None = None  # "at risk" reached before then
    updated_since: datetime | None = None
    customer_id: int | None = None


def queue_filter(
    kind: QueueKind,
    *,
    now: datetime,
    agent_id: int | None = None,
    team_id: int | None = None,
) -> QueueFilter:
    """The standard queues on the left of the window. Due today ends at midnight in the
    zone of `now` (pass the agent's local time): due from now to then, not yet overdue."""
    match kind:
        case QueueKind.MINE:
            return QueueFilter(statuses=ACTIVE_STATUSES, assignee_id=agent_id)
        case QueueKind.UNASSIGNED:
            return QueueFilter(statuses=ACTIVE_STATUSES, unassigned=True)
        case QueueKind.TEAM:
            return QueueFilter(statuses=ACTIVE_STATUSES, team_id=team_id)
        case QueueKind.ALL_OPEN:
            return QueueFilter(statuses=ACTIVE_STATUSES)
        case QueueKind.PENDING:
            return QueueFilter(statuses=frozenset({TicketStatus.PENDING}))
        case QueueKind.OVERDUE:
            return QueueFilter(statuses=ACTIVE_STATUSES, due_before=now)
        case QueueKind.AT_RISK:
            # At risk and not overdue yet: Overdue has those.
            return QueueFilter(statuses=ACTIVE_STATUSES, at_risk_before=now, due_from=now)
        case QueueKind.DUE_TODAY:
            return QueueFilter(statuses=ACTIVE_STATUSES, due_from=now, due_before=end_of_day(now))
        case QueueKind.RECENTLY_DONE:
            return QueueFilter(statuses=DONE_STATUSES, updated_since=now - RECENTLY_DONE)
        case QueueKind.ALL:
            return QueueFilter()


def end_of_day(now: datetime) -> datetime:
    """Midnight after `now`, in `now`'s own zone (DST-safe: wall-clock midnight)."""
    tomorrow = (now + timedelta(days=1)).date()
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=now.tzinfo)


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """A queue as the table shows it: its filter, an optional search, and the sort."""

    filter: QueueFilter = QueueFilter()
    sort: SortKey = SortKey.UPDATED
    descending: bool = True
    text: str = ""


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue table."""

    id: int
    subject: str
    customer_name: str
    priority: Priority
    status: TicketStatus
    team_name: str | None
    assignee_name: str | None
    channel: Channel
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    version: int
    at_risk_at: datetime | None = None
    sla_plan_id: int | None = None
    #: Business time left until `due_at` when the row was read (negative: overdue by),
    #: in the calendar of the ticket's plan; None without a running clock.
    due_left: timedelta | None = None

    @property
    def number(self) -> str:
        return format_number(self.id)

    def due_state(self, now: datetime) -> DueState:
        """How the row's clock stands at `now`: what the Due column's colour says."""
        if self.due_at is not None:
            if self.due_at <= now:
                return DueState.OVERDUE
            if self.at_risk_at is not None and self.at_risk_at <= now:
                return DueState.AT_RISK
            return DueState.ON_TRACK
        if self.sla_plan_id is not None and self.status == TicketStatus.PENDING:
            return DueState.PAUSED  # the plan pauses its clocks while the customer is asked
        return DueState.NONE


class DueState(StrEnum):
    """A queue row's clock, as the Due column colours it."""

    NONE = "none"  # no running clock: no plan, or the promises are kept or finished
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    PAUSED = "paused"

"""The supervisor's dashboard as data: each team's and agent's counts, the lanes, the charts.

Every count is defined as a queue (`measure_filter`), so a click on a count opens exactly
the tickets it counted, and the tests compare the two. The store hands in grouped rows
(team, assignee, status -> how many); the totals per team and per agent are summed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from .measures import Measure as Measure
from .measures import measure_filter as measure_filter
from .model import Availability, TicketStatus
from .queues import QueueRow, end_of_day

LANE_LIMIT = 50  # tickets a lane shows; its heading says how many there are in all


@dataclass(frozen=True, slots=True)
class StatusGroup:
    """Active tickets of one team, assignee and status (a row of the grouped count)."""

    team_id: int | None
    assignee_id: int | None
    status: TicketStatus
    count: int
    oldest_created: datetime | None


@dataclass(frozen=True, slots=True)
class DueGroup:
    """Active tickets of one team and assignee by due time: overdue, due later today, and
    at risk (past the at-risk moment, not yet due)."""

    team_id: int | None
    assignee_id: int | None
    overdue: int = 0
    due_today: int = 0
    at_risk: int = 0


@dataclass(frozen=True, slots=True)
class TeamLoad:
    team_id: int | None  # None: tickets in no team
    name: str
    open: int = 0
    unassigned: int = 0
    pending: int = 0
    at_risk: int = 0
    overdue: int = 0
    oldest_unassigned: datetime | None = None

    def count(self, measure: Measure) -> int:
        return int(getattr(self, Measure(measure).value))


@dataclass(frozen=True, slots=True)
class AgentLoad:
    agent_id: int
    name: str
    availability: Availability
    capacity: int | None
    away_until: datetime | None = None
    open: int = 0
    pending: int = 0
    overdue: int = 0
    due_today: int = 0
    last_activity: datetime | None = None

    def count(self, measure: Measure) -> int:
        return int(getattr(self, Measure(measure).value))

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.open >= self.capacity

    @property
    def load(self) -> float | None:
        """Open tickets as a share of capacity (None: no limit)."""
        if self.capacity is None:
            return None
        return self.open / self.capacity if self.capacity else 1.0


@dataclass(frozen=True, slots=True)
class Lanes:
    unassigned: tuple[QueueRow, ...] = ()  # the longest waiting first
    unassigned_total: int = 0
    breaches: tuple[QueueRow, ...] = ()  # overdue, the newest breach first; then at risk
    breaches_total: int = 0


@dataclass(frozen=True, slots=True)
class Activity:
    """Tickets that arrived and were resolved in each bucket (an hour, a day)."""

    starts: tuple[datetime, ...]
    arrived: tuple[int, ...]
    resolved: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Charts:
    today: Activity  # per hour since midnight
    month: Activity  # per day since the first of the month
    backlog: tuple[int, ...]  # open tickets at the end of each day of `month`


def team_loads(
    teams: Sequence[tuple[int, str]],
    groups: Iterable[StatusGroup],
    dues: Iterable[DueGroup],
    no_team: str,
) -> tuple[TeamLoad, ...]:
    """One line per team (in `teams` order), and one for tickets in no team if any."""
    totals: dict[int | None, dict[str, int]] = {}
    oldest: dict[int | None, datetime] = {}
    for g in groups:
        t = totals.setdefault(g.team_id, {})
        t["open"] = t.get("open", 0) + g.count
        if g.status == TicketStatus.PENDING:
            t["pending"] = t.get("pending", 0) + g.count
        if g.assignee_id is None:
            t["unassigned"] = t.get("unassigned", 0) + g.count
            if g.oldest_created is not None and (
                g.team_id not in oldest or g.oldest_created < oldest[g.team_id]
            ):
                oldest[g.team_id] = g.oldest_created
    for d in dues:
        t = totals.setdefault(d.team_id, {})
        t["overdue"] = t.get("overdue", 0) + d.overdue
        t["at_risk"] = t.get("at_risk", 0) + d.at_risk
    lines = [
        TeamLoad(team_id, name, **totals.get(team_id, {}), oldest_unassigned=oldest.get(team_id))
        for team_id, name in teams
    ]
    if totals.get(None):
        lines.append(TeamLoad(None, no_team, **totals[None], oldest_unassigned=oldest.get(None)))
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class AgentInfo:
    id: int
    name: str
    availability: Availability
    capacity: int | None
    away_until: datetime | None


def agent_loads(
    agents: Sequence[AgentInfo],
    groups: Iterable[StatusGroup],
    dues: Iterable[DueGroup],
    last_activity: dict[int, datetime],
) -> tuple[AgentLoad, ...]:
    totals: dict[int, dict[str, int]] = {}
    for g in groups:
        if g.assignee_id is None:
            continue
        t = totals.setdefault(g.assignee_id, {})
        t["open"] = t.get("open", 0) + g.count
        if g.status == TicketStatus.PENDING:
            t["pending"] = t.get("pending", 0) + g.count
    for d in dues:
        if d.assignee_id is None:
            continue
        t = totals.setdefault(d.assignee_id, {})
        t["overdue"] = t.get("overdue", 0) + d.overdue
        t["due_today"] = t.get("due_today", 0) + d.due_today
    return tuple(
        AgentLoad(
            a.id,
            a.name,
            a.availability,
            a.capacity,
            a.away_until,
            **totals.get(a.id, {}),
            last_activity=last_activity.get(a.id),
        )
        for a in agents
    )


# --- the charts' buckets ------------------------------------------------------------------


def hour_starts(now: datetime) -> tuple[datetime, ...]:
    """The start of each hour of today up to `now`, in `now`'s zone (a DST day has 23 or 25)."""
    zone = now.tzinfo
    midnight = datetime(now.year, now.month, now.day, tzinfo=zone)
    starts = []
    at = midnight
    while at <= now:
        starts.append(at)
        at = _local(at.astimezone(UTC) + timedelta(hours=1), zone)
    return tuple(starts)


def day_starts(now: datetime) -> tuple[datetime, ...]:
    """Midnight of each day of this month up to today, in `now`'s zone."""
    first = datetime(now.year, now.month, 1, tzinfo=now.tzinfo)
    starts = []
    at = first
    while at <= now:
        starts.append(at)
        at = end_of_day(at)
    return tuple(starts)


def bucket_counts(
    starts: Sequence[datetime], moments: Iterable[tuple[datetime, int]]
) -> tuple[int, ...]:
    """How many fall in each bucket [starts[i], starts[i+1]); the last runs on to now.
    `moments` are (instant, how many) pairs, such as counts per UTC hour."""
    counts = [0] * len(starts)
    if not starts:
        return ()
    bounds = [s.timestamp() for s in starts]
    for at, n in moments:
        t = at.timestamp()
        if t < bounds[0]:
            continue
        lo, hi = 0, len(bounds) - 1
        while lo < hi:  # the last start at or before t
            mid = (lo + hi + 1) // 2
            if bounds[mid] <= t:
                lo = mid
            else:
                hi = mid - 1
        counts[lo] += n
    return tuple(counts)


def backlog(open_now: int, month: Activity) -> tuple[int, ...]:
    """Open tickets at the end of each day: today's open count, walked back day by day
    (a day's arrivals were not open before it, its resolutions were). Tickets reopened
    later make it approximate; it is a trend line, not an audit."""
    values = [0] * len(month.starts)
    level = open_now
    for i in range(len(month.starts) - 1, -1, -1):
        values[i] = max(0, level)
        level = level - month.arrived[i] + month.resolved[i]
    return tuple(values)


def _local(at: datetime, zone: tzinfo | None) -> datetime:
    return at.astimezone(zone) if zone is not None else at

"""The reports (supervisors and admins): volume, first-response and resolution times,
SLA compliance, reopen rate, backlog, satisfaction and the agent table, each over a range
of local days with filters. Pure data (frozen dataclasses) for a chart and a table.

Every report reads the rows desk.services.report_facts keeps with the tickets, so a year
at a million tickets is a few grouped index scans; tickets that have no row yet (a
database from before reports) are filled in first by `report_facts.backfill`.

A report takes an optional `ReportRun`: its `cancel()` (from any thread) interrupts the
statement running and the report raises `ReportCancelled`; its `progress` callback hears
(steps done, steps) as the report's queries finish.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from desk.domain import validation
from desk.domain.errors import DeskError, ValidationError
from desk.domain.model import Channel
from desk.domain.permissions import Permission
from desk.domain.report_facts import MEDIAN, P90, rank
from desk.domain.reports import (
    Breakdown,
    Grain,
    Group,
    ReportCancelled,
    ReportFilters,
    ReportRange,
    bucket_end,
    bucket_start,
)
from desk.store.unit_of_work import SqlUnitOfWork

from .database import Database
from .tickets import acting_agent

#: The longest range a report covers, in days (ten years).
MAX_DAYS = 3660
#: Tickets a click on a bar lists at most.
TICKET_LIST_LIMIT = 500


# --- running a report -------------------------------------------------------------------


class ReportRun:
    """One report's run: `cancel()` from any thread stops it; `progress(done, total)`."""

    def __init__(self, progress: Callable[[int, int], object] | None = None) -> None:
        self.progress = progress
        self._lock = threading.Lock()
        self._cancelled = False
        self._interrupt: Callable[[], None] | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            interrupt = self._interrupt
        if interrupt is not None:
            interrupt()

    def check(self) -> None:
        if self._cancelled:
            raise ReportCancelled()

    def step(self, done: int, total: int) -> None:
        self.check()
        if self.progress is not None:
            self.progress(done, total)

    @contextmanager
    def attached(self, interrupt: Callable[[], None]) -> Iterator[None]:
        with self._lock:
            self._interrupt = interrupt
        try:
            self.check()
            yield
        finally:
            with self._lock:
                self._interrupt = None


@dataclass(frozen=True, slots=True)
class ReportRequest:
    range: ReportRange
    filters: ReportFilters = field(default_factory=ReportFilters)
    grain: Grain = Grain.DAY
    breakdown: Breakdown = Breakdown.NONE


def request(
    first: object,
    last: object,
    *,
    team_id: object = None,
    agent_id: object = None,
    topic_id: object = None,
    channel: object = None,
    organisation: object = None,
    grain: object = Grain.DAY,
    breakdown: object = Breakdown.NONE,
) -> ReportRequest:
    """A report's request from what a user gave, checked (topic_id's sub-topics are
    added when the report runs)."""

    def day(name: str, label: str, value: object) -> date:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValidationError.single(name, f"{label} is not a date.")
        return value

    def optional_id(name: str, value: object) -> int | None:
        return None if value is None else validation.clean_id(name, name, value)

    def choice(name: str, label: str, kind: type, value: object) -> Any:
        try:
            return kind(value)
        except (ValueError, TypeError):
            raise ValidationError.single(name, f"{label} is not one Desk knows.") from None

    def org() -> str | None:
        if organisation is None:
            return None
        return validation.clean_text(
            "organisation", "The organisation", organisation, limit=validation.ORGANISATION_MAX
        )

    values = validation.collect(
        lambda: day("first", "The first day", first),
        lambda: day("last", "The last day", last),
        lambda: optional_id("team", team_id),
        lambda: optional_id("agent", agent_id),
        lambda: optional_id("topic", topic_id),
        lambda: None if channel is None else choice("channel", "The channel", Channel, channel),
        org,
        lambda: choice("grain", "The grouping", Grain, grain),
        lambda: choice("breakdown", "The breakdown", Breakdown, breakdown),
    )
    start, end, team, agent, topic, chan, org_name, grain_, breakdown_ = values
    if end < start:
        raise ValidationError.single("last", "The last day comes before the first.")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError.single("last", "A report covers ten years at most.")
    topics = frozenset({topic}) if topic is not None else None
    return ReportRequest(
        ReportRange(start, end),
        ReportFilters(team, agent, topics, chan, org_name or None),
        grain_,
        breakdown_,
    )


def checked(req: object, run: object = None, group: object = Group.AGENT) -> ReportRun:
    """Refuse what is not a request, a run or a group; the run to use."""
    if not isinstance(req, ReportRequest):
        raise ValidationError.single("request", "The report's question is not one Desk asks.")
    if run is not None and not isinstance(run, ReportRun):
        raise ValidationError.single("run", "The report's run is not one Desk started.")
    if not isinstance(group, str) or group not in {g.value for g in Group}:
        raise ValidationError.single("group", "Figures are grouped by agent or by team.")
    return run or ReportRun()


@contextmanager
def reading(db: Database, actor_id: int, run: ReportRun | None) -> Iterator[SqlUnitOfWork]:
    """A read for a report by `actor_id`, cancellable through `run`."""
    run = run or ReportRun()
    try:
        with db.read() as uow:
            acting_agent(uow, actor_id, Permission.READ_REPORTS)
            with uow.reports.unlimited(), run.attached(uow.reports.interrupter()):
                yield uow
    except ReportCancelled:
        raise
    except DeskError as exc:
        if run.cancelled:
            raise ReportCancelled() from exc
        raise


def with_subtopics(uow: SqlUnitOfWork, filters: ReportFilters) -> ReportFilters:
    if not filters.topic_ids:
        return filters
    children: dict[int | None, list[int]] = {}
    for c in uow.categories.all():
        if c.id is not None:
            children.setdefault(c.parent_id, []).append(c.id)
    found, todo = set(), list(filters.topic_ids)
    while todo:
        topic = todo.pop()
        if topic not in found:
            found.add(topic)
            todo.extend(children.get(topic, []))
    return ReportFilters(
        filters.team_id, filters.agent_id, frozenset(found), filters.channel, filters.organisation
    )


class _Names:
    """The labels of a report's keys: team, agent and topic names, channel values."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.teams = {t.id: t.name for t in uow.teams.all()}
        self.agents = {a.id: a.name for a in uow.agents.all()}
        self.topics = {c.id: c.name for c in uow.categories.all()}

    def of(self, key: str | None, value: Any) -> str:
        if key is None:
            return ""
        if value is None:
            return {"team": "No team", "agent": "Unassigned", "topic": "No help topic"}.get(key, "")
        if key == "channel":
            return str(Channel(value).value)
        table = {"team": self.teams, "agent": self.agents, "topic": self.topics}[key]
        return table.get(value, f"#{value}")


def _key_of(breakdown: Breakdown) -> str | None:
    return None if breakdown == Breakdown.NONE else breakdown.value


# --- volume -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VolumeRow:
    start: date  # the bucket's first day
    end: date  # its last day
    key: Any  # the breakdown's value (a Channel, a team id …), None without one
    label: str
    created: int
    resolved: int
    reopened: int


@dataclass(frozen=True, slots=True)
class VolumeReport:
    request: ReportRequest
    rows: tuple[VolumeRow, ...]

    @property
    def totals(self) -> tuple[int, int, int]:
        return (
            sum(r.created for r in self.rows),
            sum(r.resolved for r in self.rows),
            sum(r.reopened for r in self.rows),
        )


def volume_report(
    db: Database, actor_id: int, req: ReportRequest, run: ReportRun | None = None
) -> VolumeReport:
    """Tickets created, resolved and reopened per day, week or month, broken down by
    channel, help topic or team (a ticket resolved twice counts twice)."""
    run = checked(req, run)
    r, key = req.range, _key_of(req.breakdown)
    with reading(db, actor_id, run) as uow:
        filters = with_subtopics(uow, req.filters)
        names = _Names(uow)
        counts: dict[tuple[date, Any], list[int]] = {}
        queries = (uow.reports.created, uow.reports.resolved, uow.reports.reopened)
        for i, query in enumerate(queries):
            for day, k, n in query(r.first_day, r.last_day, filters, key):
                start = bucket_start(date.fromordinal(day), req.grain)
                counts.setdefault((start, k), [0, 0, 0])[i] += n
            run.step(i + 1, len(queries))
    rows = []
    starts = sorted({bucket_start(d, req.grain) for d in r.each_day()})
    keys = sorted({k for _s, k in counts}, key=str) if key else [None]
    for start in starts:
        for k in keys:
            c = counts.get((start, k), [0, 0, 0])
            end = min(bucket_end(start, req.grain), r.last)
            rows.append(VolumeRow(max(start, r.first), end, k, names.of(key, k), *c))
    return VolumeReport(req, tuple(rows))


# --- first-response and resolution times ------------------------------------------------

MEASURES = (
    "first_response_business",
    "first_response_calendar",
    "resolution_business",
    "resolution_calendar",
)


@dataclass(frozen=True, slots=True)
class TimeRow:
    key: Any
    label: str
    measure: str  # one of MEASURES
    count: int
    median: int | None  # seconds
    p90: int | None


@dataclass(frozen=True, slots=True)
class TimesReport:
    request: ReportRequest
    rows: tuple[TimeRow, ...]

    def row(self, measure: str, key: Any = None) -> TimeRow:
        return next(r for r in self.rows if r.measure == measure and r.key == key)


def _ranks(n: int) -> tuple[int, ...]:
    return (rank(n, MEDIAN), rank(n, P90)) if n else ()


def times_report(
    db: Database, actor_id: int, req: ReportRequest, run: ReportRun | None = None
) -> TimesReport:
    """Median and 90th percentile of first-response and resolution times, in business
    hours and in calendar time, pending time left out: first responses given in the
    range, tickets last resolved in it; per breakdown key if one is asked for."""
    run = checked(req, run)
    r, key = req.range, _key_of(req.breakdown)
    rows = []
    with reading(db, actor_id, run) as uow:
        filters = with_subtopics(uow, req.filters)
        names = _Names(uow)
        for i, measure in enumerate(MEASURES):
            found = uow.reports.percentiles(measure, r.first_day, r.last_day, filters, key, _ranks)
            if key is None and None not in found:
                found[None] = (0, {})
            for k, (n, at) in sorted(found.items(), key=lambda item: str(item[0])):
                median = at.get(rank(n, MEDIAN)) if n else None
                p90 = at.get(rank(n, P90)) if n else None
                rows.append(TimeRow(k, names.of(key, k), measure, n, median, p90))
            run.step(i + 1, len(MEASURES))
    return TimesReport(req, tuple(rows))


# --- SLA compliance ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComplianceRow:
    team_id: int | None
    label: str
    first_response_within: int
    first_response_breached: int
    resolution_within: int
    resolution_breached: int

    @staticmethod
    def _share(within: int, breached: int) -> float | None:
        return within / (within + breached) if within + breached else None

    @property
    def first_response_share(self) -> float | None:
        return self._share(self.first_response_within, self.first_response_breached)

    @property
    def resolution_share(self) -> float | None:
        return self._share(self.resolution_within, self.resolution_breached)


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    request: ReportRequest
    total: ComplianceRow
    teams: tuple[ComplianceRow, ...]


def compliance_report(
    db: Database, actor_id: int, req: ReportRequest, run: ReportRun | None = None
) -> ComplianceReport:
    """Of the first responses given and the tickets resolved in the range under an SLA
    target: how many were within it and how many breached it, in all and by team."""
    run = checked(req, run)
    r = req.range
    with reading(db, actor_id, run) as uow:
        filters = with_subtopics(uow, req.filters)
        names = _Names(uow)
        found = uow.reports.compliance(r.first_day, r.last_day, filters, "team")
        run.step(1, 1)
    teams = sorted(set(found["first_response"]) | set(found["resolution"]), key=str)
    rows = []
    for team in teams:
        fr = found["first_response"].get(team, (0, 0))
        res = found["resolution"].get(team, (0, 0))
        rows.append(ComplianceRow(team, names.of("team", team), *fr, *res))
    total = ComplianceRow(
        None,
        "All teams",
        sum(x.first_response_within for x in rows),
        sum(x.first_response_breached for x in rows),
        sum(x.resolution_within for x in rows),
        sum(x.resolution_breached for x in rows),
    )
    return ComplianceReport(req, total, tuple(rows))


# --- reopen rate and satisfaction -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResolvedRow:
    """Of the tickets last resolved in the range (one group, or all of them)."""

    key: Any
    label: str
    resolved: int
    reopened: int  # of them, reopened at least once
    rated: int
    csat_sum: int
    distribution: tuple[int, int, int, int, int]  # ratings 1 to 5

    @property
    def reopen_rate(self) -> float | None:
        return self.reopened / self.resolved if self.resolved else None

    @property
    def response_rate(self) -> float | None:
        return self.rated / self.resolved if self.resolved else None

    @property
    def average(self) -> float | None:
        return self.csat_sum / self.rated if self.rated else None


@dataclass(frozen=True, slots=True)
class ResolvedReport:
    """The reopen rate and satisfaction, in all and per agent or team."""

    request: ReportRequest
    group: Group
    total: ResolvedRow
    rows: tuple[ResolvedRow, ...]


def _resolved_row(key: Any, label: str, values: dict[str, int]) -> ResolvedRow:
    return ResolvedRow(
        key,
        label,
        values.get("resolved", 0),
        values.get("reopened", 0),
        values.get("rated", 0),
        values.get("csat_sum", 0),
        tuple(values.get(f"csat_{n}", 0) for n in range(1, 6)),  # type: ignore[arg-type]
    )


def resolved_report(
    db: Database,
    actor_id: int,
    req: ReportRequest,
    group: Group = Group.TEAM,
    run: ReportRun | None = None,
) -> ResolvedReport:
    """Reopen rate (resolved tickets ever reopened) and satisfaction (average, ratings 1-5,
    response rate: rated of resolved) of the tickets last resolved in the range."""
    run = checked(req, run, group)
    r, key = req.range, Group(group).value
    with reading(db, actor_id, run) as uow:
        filters = with_subtopics(uow, req.filters)
        names = _Names(uow)
        found = uow.reports.resolved_summary(r.first_day, r.last_day, filters, key)
        run.step(1, 1)
    rows = tuple(
        _resolved_row(k, names.of(key, k), v)
        for k, v in sorted(found.items(), key=lambda item: names.of(key, item[0]))
    )
    sums: dict[str, int] = {}
    for values in found.values():
        for name, n in values.items():
            sums[name] = sums.get(name, 0) + n
    label = "All agents" if group == Group.AGENT else "All teams"
    return ResolvedReport(req, Group(group), _resolved_row(None, label, sums), rows)


# --- backlog ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BacklogReport:
    """Unresolved tickets at the end of each day, per agent or team (their current one)."""

    request: ReportRequest
    group: Group
    days: tuple[date, ...]
    keys: tuple[Any, ...]
    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[day][key]

    def total(self, day_index: int) -> int:
        return sum(self.counts[day_index])


def backlog_report(
    db: Database,
    actor_id: int,
    req: ReportRequest,
    group: Group = Group.AGENT,
    run: ReportRun | None = None,
) -> BacklogReport:
    """The backlog at the end of each day of the range, per agent or team."""
    run = checked(req, run, group)
    r, key = req.range, Group(group).value
    with reading(db, actor_id, run) as uow:
        filters = with_subtopics(uow, req.filters)
        names = _Names(uow)
        before, changes = uow.reports.backlog(r.first_day, r.last_day, filters, key)
        run.step(1, 1)
    keys = sorted(set(before) | {k for _d, k, _o, _r in changes}, key=lambda k: names.of(key, k))
    level = {k: before.get(k, 0) for k in keys}
    per_day: dict[int, list[tuple[Any, int, int]]] = {}
    for day, k, opened, resolved in changes:
        per_day.setdefault(day, []).append((k, opened, resolved))
    counts = []
    for day in range(r.first_day, r.last_day + 1):
        for k, opened, resolved in per_day.get(day, []):
            level[k] += opened - resolved
        counts.append(tuple(level[k] for k in keys))
    # Groups with nothing open on any day of the range say nothing.
    shown = [i for i, _k in enumerate(keys) if any(row[i] for row in counts)]
    return BacklogReport(
        req,
        Group(group),
        tuple(r.each_day()),
        tuple(keys[i] for i in shown),
        tuple(names.of(key, keys[i]) for i in shown),
        tuple(tuple(row[i] for i in shown) for row in counts),
    )


# --- the agent table --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentRow:
    agent_id: int | None
    name: str
    handled: int  # tickets last resolved in the range while theirs
    median_first_response: int | None  # business seconds, first responses in the range
    median_resolution: int | None  # business seconds
    reopen_rate: float | None
    satisfaction: float | None
    rated: int


@dataclass(frozen=True, slots=True)
class AgentReport:
    request: ReportRequest
    rows: tuple[AgentRow, ...]


def agent_report(
    db: Database, actor_id: int, req: ReportRequest, run: ReportRun | None = None
) -> AgentReport:
    """Per agent: tickets handled (resolved in the range), median first response and
    resolution in business hours, reopen rate and average satisfaction."""
    run = checked(req, run)
    r = req.range

    def medians(n: int) -> tuple[int, ...]:
        return (rank(n, MEDIAN),) if n else ()

    with reading(db, actor_id, run) as uow:
        filters = with_subtopics(uow, req.filters)
        names = _Names(uow)
        resolved = uow.reports.resolved_summary(r.first_day, r.last_day, filters, "agent")
        run.step(1, 3)
        first = uow.reports.percentiles(
            "first_response_business", r.first_day, r.last_day, filters, "agent", medians
        )
        run.step(2, 3)
        resolution = uow.reports.percentiles(
            "resolution_business", r.first_day, r.last_day, filters, "agent", medians
        )
        run.step(3, 3)

    def median(found: dict[Any, tuple[int, dict[int, int]]], k: Any) -> int | None:
        if k not in found:
            return None
        n, at = found[k]
        return at.get(rank(n, MEDIAN))

    rows = []
    for k in set(resolved) | set(first):
        row = _resolved_row(k, names.of("agent", k), resolved.get(k, {}))
        rows.append(
            AgentRow(
                k,
                row.label,
                row.resolved,
                median(first, k),
                median(resolution, k),
                row.reopen_rate,
                row.average,
                row.rated,
            )
        )
    rows.sort(key=lambda a: (-a.handled, a.name))
    return AgentReport(req, tuple(rows))


# --- the tickets behind a figure --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportTicket:
    id: int
    subject: str
    status: str
    team: str
    assignee: str
    created_at: datetime

    @property
    def number(self) -> str:
        from desk.domain.ticket import format_number

        return format_number(self.id)


#: What a bar can count: volume's three, the clocks finished, breaches, ratings, backlog.
FIGURES = frozenset(
    {
        "created",
        "resolved",
        "reopened",
        "first_response",
        "first_response_breached",
        "resolution",
        "resolution_breached",
        "rated",
        *(f"rated:{n}" for n in range(1, 6)),
        "resolved_reopened",
        "backlog",
    }
)


def tickets_behind(
    db: Database,
    actor_id: int,
    req: ReportRequest,
    figure: str,
    first: date,
    last: date,
    key_name: str | None = None,
    key: Any = None,
) -> list[ReportTicket]:
    """The tickets a bar counts: `figure` between `first` and `last` (backlog: open at
    the end of `last`), with `key_name` ("channel", "topic", "team", "agent") equal to
    `key` if given; newest first, `TICKET_LIST_LIMIT` at most."""
    checked(req)
    if not isinstance(figure, str) or figure not in FIGURES:
        raise ValidationError.single("figure", "That figure is not one a report shows.")
    for name, day in (("first", first), ("last", last)):
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValidationError.single(name, "A bar's days are not dates.")
    if key_name is not None:
        if not isinstance(key_name, str) or key_name not in ("channel", "topic", "team", "agent"):
            raise ValidationError.single("key", "That breakdown is not one a report shows.")
        if key_name == "channel":
            try:
                key = Channel(key)
            except ValueError:
                raise ValidationError.single("key", "That channel is not one Desk knows.") from None
        elif key is not None:
            key = validation.clean_id("key", key_name, key)
    with reading(db, actor_id, None) as uow:
        filters = with_subtopics(uow, req.filters)
        rows = uow.reports.tickets_for(
            figure,
            first.toordinal(),
            last.toordinal(),
            filters,
            key_name,
            key,
            TICKET_LIST_LIMIT,
        )
    return [
        ReportTicket(
            row["id"],
            row["subject"],
            str(row["status"].value),
            row["team_name"] or "",
            row["assignee_name"] or "",
            row["created_at"],
        )
        for row in rows
    ]

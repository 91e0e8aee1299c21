"""Every report's figures equal a brute-force computation in Python over the same seeded
desk, on SQLite and PostgreSQL: the demo's tickets (paused, reopened, transferred, some
re-prioritised) replayed from their threads, business hours counted day by day from the
calendar's opening spans (not through its position table), medians and 90th percentiles
by sorting every value."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from desk.domain.model import Priority, TicketStatus
from desk.domain.opening_hours import Holiday
from desk.domain.reports import Breakdown, Group
from desk.domain.sla import Targets
from desk.domain.thread import EventType
from desk.services import report_facts, reports
from desk.services import sla as sla_service
from desk.services.demo import seed_demo
from desk.services.sla import PlanFields
from desk.store import schema

NOW = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)
ZONE = ZoneInfo("Europe/London")
HOURS = ["08:00-18:00"] * 5 + ["", ""]
BANK_HOLIDAY = date(2026, 8, 31)
RANGE = (date(2026, 8, 1), date(2026, 10, 31))
DONE = {TicketStatus.RESOLVED, TicketStatus.CLOSED}


def with_office_plan(db) -> int:
    """A weekday 08:00-18:00 plan with a bank holiday as the desk's default, and every
    ticket's report rows written again under it; returns the admin's id."""
    with db.read() as uow:
        admin = uow.agents.by_login("admin")
    assert admin.id is not None
    calendar = sla_service.create_calendar(
        db, admin.id, "Office", "Europe/London", HOURS, [Holiday(BANK_HOLIDAY, "Bank holiday")]
    )
    targets = {p: Targets(timedelta(hours=2), timedelta(hours=16)) for p in Priority}
    targets[Priority.URGENT] = Targets(timedelta(minutes=30), timedelta(hours=4))
    plan = sla_service.create_plan(
        db, admin.id, PlanFields("Standard", targets, calendar_id=calendar.id)
    )
    sla_service.set_default_plan(db, admin.id, plan.id)
    with db.write() as uow:
        uow.reports._conn.execute(schema.report_spans.delete())
        uow.reports._conn.execute(schema.report_facts.delete())
        uow.commit()
    report_facts.backfill(db)
    return admin.id


@pytest.fixture
def seeded(db):
    seed_demo(db, 400, now=NOW)
    return with_office_plan(db)


def _open_minutes(day: date) -> list[tuple[int, int]]:
    if day.weekday() >= 5 or day == BANK_HOLIDAY:
        return []
    return [(8 * 60, 18 * 60)]


def _business_seconds(start: datetime, end: datetime) -> float:
    """Opening hours between two instants, a local day at a time."""
    total = 0.0
    day = start.astimezone(ZONE).date()
    while day <= end.astimezone(ZONE).date():
        for a, b in _open_minutes(day):
            midnight = datetime(day.year, day.month, day.day, tzinfo=ZONE)
            lo = max(start, midnight + timedelta(minutes=a))
            hi = min(end, midnight + timedelta(minutes=b))
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def _nearest_rank(values: list[int], num: int, den: int) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    k = -(-num * len(ordered) // den)  # ceil
    return ordered[max(k, 1) - 1]


class Brute:
    """Each ticket's figures replayed from the database's tickets and threads."""

    def __init__(self, db) -> None:
        self.tickets: dict[int, dict] = {}
        with db.read() as uow:
            conn = uow.reports._conn
            rows = conn.execute(select(schema.tickets)).mappings().all()
            events = conn.execute(
                select(schema.thread_entries)
                .where(schema.thread_entries.c.event == EventType.STATUS_CHANGED)
                .order_by(schema.thread_entries.c.created_at, schema.thread_entries.c.id)
            ).mappings()
            changes = defaultdict(list)
            for e in events:
                changes[e["ticket_id"]].append((e["created_at"], TicketStatus(e["data"]["to"])))
        for t in rows:
            spans, status, since = [], TicketStatus.NEW, t["created_at"]
            for at, new in changes[t["id"]]:
                spans.append((status, since, at))
                status, since = new, at
            spans.append((status, since, None))
            self.tickets[t["id"]] = self._figures(t, spans)

    @staticmethod
    def _running(spans, end: datetime, business: bool) -> int:
        """Whole seconds (rounded down) of the time neither pending nor done."""
        total = 0.0
        for status, a, b in spans:
            if status in DONE or status == TicketStatus.PENDING:
                continue
            hi = min(end, b) if b is not None else end
            if hi > a:
                total += _business_seconds(a, hi) if business else (hi - a).total_seconds()
        return int(total + 1e-7)

    def _figures(self, t, spans) -> dict:
        opened, resolutions, reopens = None, [], []
        for status, a, _b in spans:
            if status not in DONE and opened is None:
                if resolutions:
                    reopens.append(a)
                opened = a
            elif status in DONE and opened is not None:
                resolutions.append(a)
                opened = None
        responded = t["first_responded_at"]
        resolved = resolutions[-1] if t["status"] in DONE and resolutions else None
        day = lambda moment: moment.astimezone(ZONE).date()  # noqa: E731
        return {
            "created": day(t["created_at"]),
            "resolutions": [day(r) for r in resolutions],
            "reopens": [day(r) for r in reopens],
            "channel": t["channel"],
            "team": t["team_id"],
            "agent": t["assignee_id"],
            "csat": t["csat"],
            "reopen_count": t["reopen_count"],
            "fr_day": day(responded) if responded else None,
            "fr_business": self._running(spans, responded, True) if responded else None,
            "fr_calendar": self._running(spans, responded, False) if responded else None,
            "res_day": day(resolved) if resolved else None,
            "res_business": self._running(spans, resolved, True) if resolved else None,
            "res_calendar": self._running(spans, resolved, False) if resolved else None,
        }

    def within(self, key: str, **match) -> list[dict]:
        first, last = RANGE
        return [
            f
            for f in self.tickets.values()
            if f[key] is not None
            and first <= f[key] <= last
            and all(f[k] == v for k, v in match.items())
        ]


def test_every_figure_equals_the_brute_force_answer(db, seeded):
    actor = seeded
    brute = Brute(db)
    first, last = RANGE
    req = reports.request(first, last)

    volume = reports.volume_report(db, actor, req)
    created = Counter(f["created"] for f in brute.tickets.values())
    resolved = Counter(d for f in brute.tickets.values() for d in f["resolutions"])
    reopened = Counter(d for f in brute.tickets.values() for d in f["reopens"])
    for row in volume.rows:
        assert (row.created, row.resolved, row.reopened) == (
            created[row.start],
            resolved[row.start],
            reopened[row.start],
        ), row.start
    assert volume.totals[2] > 0  # the demo reopens some

    times = reports.times_report(db, actor, req)
    for measure, day, value in (
        ("first_response_business", "fr_day", "fr_business"),
        ("first_response_calendar", "fr_day", "fr_calendar"),
        ("resolution_business", "res_day", "res_business"),
        ("resolution_calendar", "res_day", "res_calendar"),
    ):
        values = [f[value] for f in brute.within(day)]
        row = times.row(measure)
        assert row.count == len(values) > 50, measure
        assert row.median == _nearest_rank(values, 1, 2), measure
        assert row.p90 == _nearest_rank(values, 9, 10), measure
    business = times.row("resolution_business")
    calendar = times.row("resolution_calendar")
    assert business.median < calendar.median  # nights and weekends left out

    by_channel = reports.times_report(
        db, actor, reports.request(first, last, breakdown=Breakdown.CHANNEL)
    )
    for row in by_channel.rows:
        if row.measure == "first_response_business":
            values = [f["fr_business"] for f in brute.within("fr_day", channel=row.key)]
            assert (row.count, row.median) == (len(values), _nearest_rank(values, 1, 2))

    agents = reports.agent_report(db, actor, req)
    for row in agents.rows:
        handled = brute.within("res_day", agent=row.agent_id)
        assert row.handled == len(handled)
        assert row.median_resolution == _nearest_rank([f["res_business"] for f in handled], 1, 2)
        firsts = [f["fr_business"] for f in brute.within("fr_day", agent=row.agent_id)]
        assert row.median_first_response == _nearest_rank(firsts, 1, 2)
        rated = [f["csat"] for f in handled if f["csat"] is not None]
        assert row.rated == len(rated)
        if rated:
            assert row.satisfaction == pytest.approx(sum(rated) / len(rated))
        if handled:
            again = sum(1 for f in handled if f["reopen_count"] > 0)
            assert row.reopen_rate == pytest.approx(again / len(handled))

    teams = reports.resolved_report(db, actor, req, Group.TEAM)
    everything = brute.within("res_day")
    assert teams.total.resolved == len(everything)
    dist = Counter(f["csat"] for f in everything if f["csat"] is not None)
    assert teams.total.distribution == tuple(dist[n] for n in range(1, 6))

    backlog = reports.backlog_report(db, actor, req, Group.TEAM)
    for i, day in enumerate(backlog.days[::15]):
        end = datetime(day.year, day.month, day.day, tzinfo=ZONE) + timedelta(days=1)
        expected = sum(1 for f in brute.tickets.values() if _open_at(f, day))
        assert backlog.total(i * 15) == expected, (day, end)


def _open_at(f: dict, day: date) -> bool:
    """Open at the end of `day`: created by then, and more reopens than resolutions."""
    if f["created"] > day:
        return False
    resolutions = sum(1 for d in f["resolutions"] if d <= day)
    reopens = sum(1 for d in f["reopens"] if d <= day)
    return resolutions == reopens

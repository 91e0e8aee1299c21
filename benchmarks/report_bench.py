"""Reports benchmark: each report over a year, beside the straightforward way to compute it.

    python -m benchmarks.report_bench --db URL --tickets 1000000 [--json FILE]

Seeds the desk with benchmarks/bulk_seed.py (as the queue benchmark does), then writes
each ticket's report rows. The bulk seeder writes tickets and threads straight into the
tables, without the SLA clocks, so their report rows are derived here from the ticket
columns in bulk (every hour counted as business time, one open span per ticket; the
volumes and shapes are what matter to the timing); what it costs to write real rows by
replaying threads with a business calendar, as every ticket change does, is measured on
a sample and quoted per ticket.

Then, over the last 365 days, each report through its service (median of `--repeat`
runs) beside the straightforward computation from the tickets each time:

- volume, reopen rate and satisfaction, backlog: plain SQL on tickets and thread_entries
  (GROUP BY the day of created_at; status events by day; the backlog counted with one
  query per day);
- times, SLA compliance, the agent table: business hours need the calendar, so the
  straightforward way replays each ticket's thread with its calendar, the time measured
  on a sample and scaled to the year's tickets (said so in the output);

and the per-ticket CSV of every ticket streamed to a file: rows per second for each tenth
and the process's peak memory before and after.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from desk.domain.model import TicketStatus
from desk.domain.report_facts import OpenSpan, TicketFacts, local_day, ticket_facts
from desk.domain.reports import Group
from desk.domain.sla_clock import read_clocks
from desk.services import clocks, reports
from desk.services import report_tables as tables
from desk.store import schema
from desk.store.types import STATUS_CODES
from desk.store.unit_of_work import SqlDatabase

from . import bulk_seed

ZONE = ZoneInfo("UTC")
DONE_CODES = (STATUS_CODES[TicketStatus.RESOLVED], STATUS_CODES[TicketStatus.CLOSED])
SAMPLE = 2_000
BACKLOG_DAYS = 30


def _timed(work: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of `work()`: on a shared, loaded machine
    the CPU time (this process's, which is all of SQLite's work) says more."""
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


# --- the report rows -------------------------------------------------------------------


def fill_facts(db: SqlDatabase, say: Callable[[str], None]) -> float:
    """Report rows for every ticket without one, from its columns (see the docstring)."""
    started = time.perf_counter()
    t = schema.tickets
    with db.engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(schema.report_facts)).scalar_one()
        total = conn.execute(select(func.count()).select_from(t)).scalar_one()
    if have >= total:
        return 0.0
    columns = [
        t.c.id,
        t.c.created_at,
        t.c.first_responded_at,
        t.c.resolved_at,
        t.c.closed_at,
        t.c.status,
        t.c.team_id,
        t.c.assignee_id,
        t.c.category_id,
        t.c.channel,
        t.c.csat,
        t.c.reopen_count,
        schema.customers.c.organisation,
    ]
    query = (
        select(*columns)
        .join(schema.customers, schema.customers.c.id == t.c.customer_id)
        .outerjoin(schema.report_facts, schema.report_facts.c.ticket_id == t.c.id)
        .where(schema.report_facts.c.ticket_id.is_(None))
        .order_by(t.c.id)
    )
    written = 0
    with db.engine.connect() as reader:
        batch: list[TicketFacts] = []
        for row in reader.execution_options(yield_per=20_000).execute(query):
            batch.append(_facts(row))
            if len(batch) >= 20_000:
                _write(db, batch)
                written += len(batch)
                batch = []
                say(f"  report rows: {written:,} in {time.perf_counter() - started:.0f} s")
        if batch:
            _write(db, batch)
    return time.perf_counter() - started


def _facts(row: Any) -> TicketFacts:
    done = row.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    resolved = (row.resolved_at or row.closed_at) if done else None
    responded = row.first_responded_at
    fr = int((responded - row.created_at).total_seconds()) if responded else None
    res = int((resolved - row.created_at).total_seconds()) if resolved else None
    day = local_day(row.created_at, ZONE)
    spans = (
        OpenSpan(0, row.created_at, day, resolved, local_day(resolved, ZONE) if resolved else None),
    )
    return TicketFacts(
        row.id,
        row.created_at,
        day,
        row.team_id,
        row.assignee_id,
        row.category_id,
        row.channel,
        row.organisation,
        row.reopen_count,
        row.csat,
        local_day(responded, ZONE) if responded else None,
        fr,
        fr,
        None if fr is None else fr <= 4 * 3600,
        resolved,
        local_day(resolved, ZONE) if resolved else None,
        res,
        res,
        None if res is None else res <= 48 * 3600,
        spans,
    )


def _write(db: SqlDatabase, facts: list[TicketFacts]) -> None:
    with db.write() as uow, uow.reports.unlimited():  # a loaded server may take > 10 s
        uow.reports.write_facts(facts)
        uow.commit()


def replay_us_per_ticket(db: SqlDatabase) -> float:
    """What writing one ticket's real report rows costs: its thread read and replayed with
    the plan's calendar (as `clocks.refresh` does on every change), without the write."""
    with db.read() as uow:
        ids = list(
            uow.reports._conn.execute(
                select(schema.tickets.c.id).order_by(schema.tickets.c.id.desc()).limit(SAMPLE)
            ).scalars()
        )
        started = time.perf_counter()
        context = clocks.load_context(uow)
        for start in range(0, len(ids), 500):
            found = uow.sla.tickets(ids[start : start + 500])
            histories = clocks.history_of(uow, context, found, every=True)
            for ticket in found:
                plan, history = histories[ticket.id]
                reading = read_clocks(history, uow.now(), explain=False)
                ticket_facts(ticket, "", history.statuses, plan or clocks.NO_PLAN, reading, ZONE)
        return (time.perf_counter() - started) / max(1, len(ids)) * 1e6


# --- the straightforward ways ------------------------------------------------------------


def _day_sql(db: SqlDatabase, column: str) -> str:
    return f"date({column})" if db.backend == "sqlite" else f"({column})::date"


def plain_volume(db: SqlDatabase, first: datetime, last: datetime) -> int:
    """Created per day from the tickets, status changes per day from the threads."""
    found = 0
    with db.engine.connect() as conn:
        for table, only in (("tickets", ""), ("thread_entries", "event = 'status_changed' AND ")):
            day = _day_sql(db, "created_at")
            sql = (
                f"SELECT {day}, count(*) FROM {table} WHERE {only}created_at >= :a"
                f" AND created_at < :b GROUP BY {day}"
            )
            found += len(conn.execute(text(sql), {"a": first, "b": last}).all())
    return found


def plain_resolved(db: SqlDatabase, first: datetime, last: datetime) -> int:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT assignee_id, count(*), sum(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END),"
                " count(csat), avg(csat) FROM tickets WHERE resolved_at >= :a AND resolved_at < :b"
                " GROUP BY assignee_id"
            ),
            {"a": first, "b": last},
        ).all()
    return len(rows)


def plain_backlog(db: SqlDatabase, first: date, days: int) -> int:
    total = 0
    with db.engine.connect() as conn:
        for i in range(days):
            end = datetime.combine(first + timedelta(days=i + 1), datetime.min.time(), UTC)
            total += len(
                conn.execute(
                    text(
                        "SELECT assignee_id, count(*) FROM tickets WHERE created_at < :e"
                        " AND (resolved_at IS NULL OR resolved_at >= :e) GROUP BY assignee_id"
                    ),
                    {"e": end if db.backend != "sqlite" else end.replace(tzinfo=None)},
                ).all()
            )
    return total


# --- the run -----------------------------------------------------------------------------


def run(url: str, tickets: int, repeat: int, say: Callable[[str], None]) -> dict[str, Any]:
    db = SqlDatabase.open(url)
    seeded = bulk_seed.seed(db, tickets, say=say)
    facts_s = fill_facts(db, say)
    with db.read() as uow:
        admin = uow.agents.by_login("admin")
    actor = admin.id
    assert actor is not None
    last = datetime.now(UTC).date()
    first = last - timedelta(days=364)
    req = reports.request(first, last)
    lo = datetime.combine(first, datetime.min.time(), UTC)
    hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
    if db.backend == "sqlite":
        lo, hi = lo.replace(tzinfo=None), hi.replace(tzinfo=None)
    with db.engine.connect() as conn:
        year_resolved = conn.execute(
            select(func.count()).where(schema.report_facts.c.resolved_day >= first.toordinal())
        ).scalar_one()
    replay = replay_us_per_ticket(db)
    replay_ms = replay * year_resolved / 1000
    result: dict[str, Any] = {
        "backend": db.backend,
        "load average at the start": os.getloadavg()[0],
        "tickets": seeded.tickets_after,
        "seeded this run": f"{seeded.tickets_after - seeded.tickets_before:,} tickets in {seeded.seconds:.0f} s",
        "report rows written (bulk)": f"{facts_s:.0f} s",
        "replay per ticket (thread + calendar), us": round(replay, 1),
        "tickets resolved in the year": year_resolved,
        "reports": {},
    }
    plain = {
        "volume": lambda: plain_volume(db, lo, hi),
        "reopens": lambda: plain_resolved(db, lo, hi),
        "satisfaction": lambda: plain_resolved(db, lo, hi),
        # One query a day: 30 of them timed, scaled to the year.
        "backlog": lambda: plain_backlog(db, first, BACKLOG_DAYS),
    }
    for name, named in tables.REPORTS.items():
        ms, cpu_ms = _timed(
            lambda named=named: named.run(db, actor, req, Group.AGENT, None), repeat
        )
        if name in plain:
            base_ms, _ = _timed(plain[name], max(1, repeat // 2))
            how = "plain SQL on tickets/threads"
            if name == "backlog":
                base_ms *= 365 / BACKLOG_DAYS
                how = f"a query a day on tickets, {BACKLOG_DAYS} days timed and scaled"
        else:
            base_ms, how = replay_ms, f"thread replay, {SAMPLE:,}-ticket sample scaled"
        result["reports"][name] = {
            "desk_ms": round(ms, 1),
            "desk_cpu_ms": round(cpu_ms, 1),
            "straightforward_ms": round(base_ms, 1),
            "straightforward": how,
            "ratio": round(base_ms / ms, 1) if ms else None,
        }
        say(f"  {name}: {ms:.0f} ms, CPU {cpu_ms:.0f} ms (straightforward {base_ms:.0f} ms, {how})")
    result["csv"] = csv_export(db, actor, say)
    db.close()
    return result


def csv_export(db: SqlDatabase, actor: int, say: Callable[[str], None]) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    req = reports.request(today - timedelta(days=3650), today)
    marks: list[tuple[int, float, float]] = []
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done and (not marks or done - marks[-1][0] >= max(total // 10, 1)):
            marks.append((done, time.perf_counter() - started, bulk_seed.peak_rss_mb()))

    rss_before = bulk_seed.peak_rss_mb()
    cpu = time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "tickets.csv")
        with tables.open_csv(path) as out:
            rows = tables.export_tickets_csv(db, actor, req, out, reports.ReportRun(progress))
        size = Path(path).stat().st_size
    seconds = time.perf_counter() - started
    cpu_s = time.process_time() - cpu
    rates = []
    for (a, ta, _), (b, tb, _) in itertools.pairwise(marks):
        rates.append(round((b - a) / (tb - ta)))
    say(f"  CSV: {rows:,} rows in {seconds:.1f} s (CPU {cpu_s:.1f} s); rows/s per tenth {rates}")
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_s, 1),
        "mb": round(size / 1e6, 1),
        "rows_per_s_each_tenth": rates,
        "peak_rss_mb_before": rss_before,
        "peak_rss_mb_at_each_tenth": [m[2] for m in marks],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, metavar="URL")
    parser.add_argument("--tickets", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--repeat", type=int, default=5, metavar="R")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    result = run(args.db, args.tickets, args.repeat, lambda line: print(line, flush=True))
    text_out = json.dumps(result, indent=2)
    print(text_out)
    if args.json:
        Path(args.json).write_text(text_out + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How long the SLA store and services take: a recompute of the open tickets after a
calendar edit, one housekeeping sweep that records every breach, and the due queues.

    python benchmarks/sla_store_bench.py [--db URL] [--tickets N] [--reopen R] [--json FILE]

Seeds N tickets (benchmarks/bulk_seed.py: about 1 % of them open) into a fresh database,
reopens R done ones an hour ago (their clocks run on long histories), gives the desk a default plan (Normal: first response 1 h, resolution 8 h,
Mon–Fri 09:00–17:00 in Europe/London), then times:

- `recompute_s` and `recompute_per_ticket_us`: `recompute_open_tickets` of every open
  ticket, in batches of 500 per transaction (what a calendar edit sets off);
- `recompute_cpu_s`, `sweep_cpu_s`: this process's CPU for each (on a shared machine
  it says more than the wall time; on PostgreSQL the server's work is not in it);
- `sweep_s`, `breaches` and `sweep_per_breach_us`: one `sweep` a month later, when every
  running clock is past due (each breach: a stamp, an event, notifications);
- `overdue_ms`, `at_risk_ms`, `due_today_ms`: a queue's count and first page of 50.
The domain's own arithmetic is benchmarks/sla_bench.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bulk_seed  # noqa: E402
from desk.domain.model import Priority  # noqa: E402
from desk.domain.queues import QueueKind, QueueQuery, queue_filter  # noqa: E402
from desk.domain.sla import Targets  # noqa: E402
from desk.services import housekeeping, queries  # noqa: E402
from desk.services import sla as sla_service  # noqa: E402
from desk.services.database import open_database  # noqa: E402
from desk.store.unit_of_work import SqlDatabase, utc_now  # noqa: E402

H = timedelta(hours=1)
REOPEN_BATCH = 4_000


def _admin(db: SqlDatabase) -> int:
    from sqlalchemy import select

    from desk.store.schema import agents

    with db.read() as uow:
        conn = uow.tickets._conn
        return conn.execute(select(agents.c.id).where(agents.c.role == "admin")).scalar_one()


def _reopen(db: SqlDatabase, count: int) -> None:
    """Reopen `count` done tickets an hour ago (the seed leaves few open): a backlog
    whose clocks run, with the long histories of tickets worked before. In transactions
    of REOPEN_BATCH: one UPDATE of 48,000 tickets outlasted the engine's statement time
    limit on a loaded machine."""
    while count > 0:
        _reopen_some(db, min(count, REOPEN_BATCH))
        count -= REOPEN_BATCH


def _reopen_some(db: SqlDatabase, count: int) -> None:
    from sqlalchemy import insert, select, update

    from desk.domain.model import TicketStatus
    from desk.domain.thread import EntryKind, EventType
    from desk.store.schema import thread_entries, tickets

    an_hour_ago = utc_now() - H
    with db.write() as uow:
        conn = uow.tickets._conn
        ids = list(
            conn.scalars(
                select(tickets.c.id)
                .where(tickets.c.is_active.is_(False))
                .order_by(tickets.c.id.desc())
                .limit(count)
            )
        )
        conn.execute(
            update(tickets)
            .where(tickets.c.id.in_(ids))
            .values(status=TicketStatus.OPEN, is_active=True, updated_at=an_hour_ago)
        )
        conn.execute(
            insert(thread_entries),
            [
                {
                    "ticket_id": i,
                    "kind": EntryKind.EVENT,
                    "author_name": "Bench",
                    "body": "",
                    "event": EventType.STATUS_CHANGED,
                    "data": {"from": "closed", "to": "open"},
                    "created_at": an_hour_ago,
                    "ticket_version": 99,
                }
                for i in ids
            ],
        )
        uow.commit()


def run(url: str, tickets: int, reopen: int = 0) -> dict[str, float]:
    db = open_database(url)
    try:
        bulk_seed.seed(db, tickets, say=lambda _line: None)
        if reopen:
            _reopen(db, reopen)
        admin = _admin(db)
        calendar = sla_service.create_calendar(
            db, admin, "Bench office", "Europe/London", ["09:00-17:00"] * 5 + ["", ""]
        )
        plan = sla_service.create_plan(
            db,
            admin,
            sla_service.PlanFields(
                "Bench", {p: Targets(H, 8 * H) for p in Priority}, calendar_id=calendar.id
            ),
        )
        sla_service.set_default_plan(db, admin, plan.id)  # every open ticket is behind now
        started, cpu = time.perf_counter(), time.process_time()
        done = sla_service.recompute_open_tickets(db).done
        recompute_s = time.perf_counter() - started
        recompute_cpu_s = time.process_time() - cpu

        def queue_ms(kind: QueueKind, now: datetime) -> float:
            query = QueueQuery(filter=queue_filter(kind, now=now))
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                queries.queue_count(db, query)
                queries.queue_page(db, query, 0, 50)
                best = min(best, time.perf_counter() - started)
            return best * 1000

        now = utc_now()
        figures = {
            "tickets": tickets,
            "open": done,
            "recompute_s": round(recompute_s, 2),
            "recompute_per_ticket_us": round(recompute_s / max(done, 1) * 1e6, 1),
            # This process's CPU: on SQLite all of the work, on PostgreSQL the client's.
            "recompute_cpu_s": round(recompute_cpu_s, 2),
            "overdue_ms": round(queue_ms(QueueKind.OVERDUE, now), 1),
            "at_risk_ms": round(queue_ms(QueueKind.AT_RISK, now), 1),
            "due_today_ms": round(queue_ms(QueueKind.DUE_TODAY, now), 1),
        }
        later = now + timedelta(days=31)
        db.clock = lambda: later
        started, cpu = time.perf_counter(), time.process_time()
        result = housekeeping.sweep(db, "bench")
        sweep_s = time.perf_counter() - started
        sweep_cpu_s = time.process_time() - cpu
        figures |= {
            "breaches": len(result.breaches),
            "sweep_s": round(sweep_s, 2),
            "sweep_cpu_s": round(sweep_cpu_s, 2),
            "sweep_per_breach_us": round(sweep_s / max(len(result.breaches), 1) * 1e6, 1),
        }
        return figures
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--tickets", type=int, default=40_000)
    parser.add_argument("--reopen", type=int, default=10_000, help="done tickets to reopen")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{folder}/bench.sqlite3"
        results = run(url, args.tickets, args.reopen)
    for key, value in results.items():
        print(f"{key:>24}: {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

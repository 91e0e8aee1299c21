"""A team rename at scale: how long it takes to reach every ticket, and how long another
agent waited meanwhile.

    python benchmarks/rename_bench.py --db URL [--tickets N] [--json FILE]

Seeds the database up to N tickets (default 1,000,000) with the queue benchmark's
seeding (benchmarks/bulk_seed.py), renames the team with the most tickets through the
services (`update_team`, then `spread_team_name`, batches of ticket ids sized to about
30 ms each), and meanwhile, in another process (another agent's workstation), keeps
reading the team's queue (a page sorted by team) and writing tickets of the team
(an internal note, then a priority change, each its own transaction). Reported: the
rename's total time, tickets changed, batches and the longest batch; the concurrent
reader's and writer's worst and 99th-percentile wait, during the rename and for the same
number of operations before it (what they wait on a quiet desk, on this machine).
The rename goes back and forth (A → B, then B → A) so the database can be reused.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _agent_at_work(url: str, team_id: int, actor_id: int, stop: Any, out: Any) -> None:
    """Another agent: read the team's queue, note on a ticket, change one; timed each."""
    from desk.domain.model import ACTIVE_STATUSES, Level
    from desk.domain.queues import QueueFilter, QueueQuery, SortKey
    from desk.services import queries
    from desk.services import tickets as work
    from desk.services.database import open_database
    from desk.services.tickets import TicketEdit

    db = open_database(url)
    page = QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES, team_id=team_id), SortKey.TEAM)
    candidates = [r.id for r in queries.queue_page(db, page, 0, 400)]
    queries.get_ticket(db, candidates[0])  # warm: the clock starts with the parent's work
    out.put("ready")
    rng = random.Random(3)
    reads: list[float] = []
    writes: list[float] = []
    while not stop.is_set():
        began = time.perf_counter()
        queries.queue_page(db, page, rng.randrange(0, 2000), 50)
        reads.append(time.perf_counter() - began)
        ticket_id = rng.choice(candidates)
        began = time.perf_counter()
        try:
            work.add_internal_note(db, actor_id, ticket_id, "Checked with the caller.")
            detail = queries.get_ticket(db, ticket_id)
            urgency = Level.HIGH if detail.ticket.urgency != Level.HIGH else Level.MEDIUM
            work.update_ticket(
                db, actor_id, ticket_id, TicketEdit(urgency=urgency), detail.ticket.version
            )
        except Exception as exc:  # a refused edit still counts as the wait it had
            print(f"  writer: {exc}", flush=True)
        writes.append(time.perf_counter() - began)
        time.sleep(0.005)
    db.close()
    out.put({"reads": reads, "writes": writes})


def _watch(url: str, team_id: int, actor_id: int, action: Any) -> tuple[Any, dict[str, Any]]:
    context = multiprocessing.get_context("spawn")
    stop, out = context.Event(), context.Queue()
    child = context.Process(target=_agent_at_work, args=(url, team_id, actor_id, stop, out))
    child.start()
    assert out.get(timeout=300) == "ready"  # its imports and first reads, before the clock
    result = action()
    stop.set()
    seen = out.get(timeout=120)
    child.join(timeout=60)
    summary = {}
    for kind in ("reads", "writes"):
        values = [v * 1000 for v in seen[kind]]
        summary[kind] = {
            "count": len(values),
            "max_ms": round(max(values, default=0), 1),
            "p99_ms": round(_percentile(values, 0.99), 1),
            "median_ms": round(statistics.median(values), 1) if values else 0,
        }
    return result, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, metavar="URL")
    parser.add_argument("--tickets", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from benchmarks.bulk_seed import seed
    from desk.services import administration, queries
    from desk.services.database import open_database
    from desk.services.demo import DEMO_LOGIN
    from desk.store.schema import tickets

    db = open_database(args.db)
    print(f"Seeding {db.description} up to {args.tickets:,} tickets ...", flush=True)
    seeded = seed(db, args.tickets, say=lambda line: print(line, flush=True))
    with db.engine.connect() as conn:
        team_id, count = conn.execute(
            select(tickets.c.team_id, func.count())
            .where(tickets.c.team_id.is_not(None))
            .group_by(tickets.c.team_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        total = conn.execute(select(func.count()).select_from(tickets)).scalar_one()
    people = queries.directory(db)
    admin = next(a for a in people.agents if a.role == "admin")
    worker = next(a for a in people.agents if a.login == DEMO_LOGIN)
    team = next(t for t in people.teams if t.id == team_id)
    print(f"{team.name}: {count:,} of {total:,} tickets", flush=True)

    def quiet() -> None:
        time.sleep(20.0)

    print("A quiet desk: the other agent alone for 20 s ...", flush=True)
    _none, before = _watch(args.db, team_id, worker.id, quiet)

    new_name = team.name + " (renamed)" if not team.name.endswith(" (renamed)") else team.name[:-10]

    def rename() -> Any:
        began = time.perf_counter()
        current = next(t for t in queries.directory(db).teams if t.id == team_id)
        administration.update_team(
            db, admin.id, team_id, current.version, name=new_name, description=current.description
        )
        report = administration.spread_team_name(db, team_id)
        return time.perf_counter() - began, report

    print(f"Renaming {team.name} to {new_name}, the other agent at work ...", flush=True)
    (seconds, report), during = _watch(args.db, team_id, worker.id, rename)
    with db.read() as uow:
        stale = uow.teams.stale_ticket_names(team_id)
    result = {
        "backend": db.backend,
        "tickets": total,
        "team_tickets": count,
        "rename_s": round(seconds, 1),
        "tickets_changed": report.tickets,
        "batches": report.batches,
        "longest_batch_ms": round(report.longest_batch_s * 1000, 1),
        "stale_after": stale,
        "other_agent_during_rename": during,
        "other_agent_on_a_quiet_desk": before,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_end": os.getloadavg(),
        "seeded_this_run": f"{seeded.tickets_after - seeded.tickets_before:,} tickets in {seeded.seconds:.0f} s",
    }
    db.close()
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The supervisor's dashboard on a desk that has run for years, beside a first try.

    python benchmarks/dashboard_bench.py --db URL [--tickets N] [--agents 50] [--repeat 7]
        [--json FILE] [--no-window]

Seeds the database when it holds fewer than N tickets (benchmarks/bulk_seed.py, default
1,000,000: about 1 % open), brings the desk to `--agents` agents, spreads the open
tickets over them (15 % unassigned) and gives them due times around now (overdue, at
risk, due today, later). Then times, median of `--repeat` runs:

- Desk's full dashboard refresh: dashboard_counts + dashboard_lanes + dashboard_charts
  (each part too), as the dashboard reads when it opens;
- the straightforward GROUP BY queries a first try would run for the same numbers: per
  team and per agent over the whole tickets table with CASE sums, the last activity
  over the whole thread, the lanes and the charts' rows read and bucketed in Python;
- a drop-to-reassign painted: a real DashboardWindow (offscreen) takes a ticket dropped
  on an agent, and the clock stops when the agent's new count has been painted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SCREEN = ROOT / "tests" / "offscreen-screen.json"

from sqlalchemy import case, func, select, text, update  # noqa: E402

from benchmarks import bulk_seed  # noqa: E402
from desk.domain.model import Role, TicketStatus  # noqa: E402
from desk.domain.queues import end_of_day  # noqa: E402
from desk.services import dashboard, directory, queries  # noqa: E402
from desk.services.database import open_database  # noqa: E402
from desk.store.schema import thread_entries, tickets  # noqa: E402
from desk.store.unit_of_work import SqlDatabase  # noqa: E402

CPU: dict[str, float] = {}  # the same medians in this process's CPU time (a loaded machine)


def _median_ms(work, repeat: int, name: str = "") -> float:
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    if name:
        CPU[name] = statistics.median(cpu)
    return statistics.median(times)


def prepare(db: SqlDatabase, n_agents: int, say) -> int:
    """The desk's admin; at least `n_agents` active agents, the open tickets spread over
    them and due around now."""
    people = queries.directory(db)
    admin = next(a.id for a in people.agents if a.role == Role.ADMIN)
    teams = [t.id for t in people.teams]
    have = len([a for a in people.agents if a.active])
    shared = directory.hash_password("bench-password")
    for i in range(have, n_agents):
        directory.create_agent(
            db, admin, f"bench.agent{i}", f"Bench Agent {i:02d}",
            team_ids=[teams[i % len(teams)]], password_hash=shared,
        )  # fmt: skip
    people = queries.directory(db)
    members = {agent: team for team, agent in people.memberships}
    staff = [a for a in people.agents if a.active and a.id in members]
    now = datetime.now(UTC)
    offsets = [-timedelta(hours=30), -timedelta(hours=2), timedelta(minutes=30),
               timedelta(hours=3), timedelta(days=2), None, None, None]  # fmt: skip
    started = time.perf_counter()
    with db.engine.begin() as conn:
        open_ids = list(
            conn.scalars(select(tickets.c.id).where(tickets.c.is_active).order_by(tickets.c.id))
        )
        for n, ticket_id in enumerate(open_ids):
            agent = staff[n % len(staff)] if n % 7 else None  # about 15 % unassigned
            due = offsets[n % len(offsets)]
            conn.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id)
                .values(
                    assignee_id=agent.id if agent else None,
                    assignee_name=agent.name if agent else None,
                    team_id=members[agent.id] if agent else tickets.c.team_id,
                    due_at=now + due if due is not None else None,
                    at_risk_at=now + due - timedelta(hours=4) if due is not None else None,
                )
            )
        if conn.dialect.name == "sqlite":
            conn.execute(text("ANALYZE"))
    if db.engine.dialect.name == "postgresql":
        # As autovacuum would soon: the visibility map lets the counts skip the table.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) tickets"))
    say(
        f"  {len(staff)} agents in teams, {len(open_ids):,} open tickets spread and due "
        f"around now in {time.perf_counter() - started:.1f} s"
    )
    return admin


# --- the first try ---------------------------------------------------------------------------

_ACTIVE = [TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING]


def first_try(db: SqlDatabase, now: datetime) -> None:
    """The same numbers from straightforward GROUP BY queries over the tickets table."""
    t = tickets.c
    active = t.status.in_(_ACTIVE)

    def n(condition):
        return func.sum(case((condition, 1), else_=0))

    midnight = end_of_day(now)
    with db.engine.connect() as conn:
        conn.execute(
            select(
                t.team_id,
                n(active),
                n(active & t.assignee_id.is_(None)),
                n(t.status == TicketStatus.PENDING),
                n(active & (t.at_risk_at < now) & (t.due_at >= now)),
                n(active & (t.due_at < now)),
                func.min(case((active & t.assignee_id.is_(None), t.created_at))),
            ).group_by(t.team_id)
        ).all()
        conn.execute(
            select(
                t.assignee_id,
                n(active),
                n(t.status == TicketStatus.PENDING),
                n(active & (t.due_at < now)),
                n(active & (t.due_at >= now) & (t.due_at < midnight)),
            ).group_by(t.assignee_id)
        ).all()
        conn.execute(
            select(thread_entries.c.agent_id, func.max(thread_entries.c.created_at)).group_by(
                thread_entries.c.agent_id
            )
        ).all()
        conn.execute(
            select(t.id, t.subject, t.team_name, t.created_at)
            .where(active, t.assignee_id.is_(None))
            .order_by(t.created_at)
            .limit(50)
        ).all()
        conn.execute(
            select(t.id, t.subject, t.team_name, t.due_at)
            .where(active, t.due_at < now)
            .order_by(t.due_at.desc())
            .limit(50)
        ).all()
        month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        created = conn.scalars(select(t.created_at).where(t.created_at >= month)).all()
        resolved = conn.scalars(select(t.resolved_at).where(t.resolved_at >= month)).all()
        by_day: dict[Any, int] = {}
        for at in [*created, *resolved]:
            by_day[at.date()] = by_day.get(at.date(), 0) + 1


def desk_refresh(db: SqlDatabase, actor: int, now: datetime) -> None:
    dashboard.dashboard_counts(db, actor, now)
    dashboard.dashboard_lanes(db, actor, now)
    dashboard.dashboard_charts(db, actor, now)


# --- a drop, painted ----------------------------------------------------------------------------


def drop_to_paint(
    db: SqlDatabase, actor_login: str, repeat: int
) -> tuple[list[float], list[float]]:
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
    from PySide6.QtWidgets import QApplication

    from desk.ui.common.change_hub import ChangeHub
    from desk.ui.common.ops import Ops
    from desk.ui.common.session import DeskSession
    from desk.ui.common.style import apply_style
    from desk.ui.common.tasks import TaskRunner
    from desk.ui.dashboard.dashboard_window import DashboardWindow
    from desk.ui.dashboard.reassign import Target

    app = QApplication.instance() or QApplication([])
    apply_style(app)
    people = queries.directory(db)
    lead = next(a for a in people.agents if a.login == actor_login)
    session = DeskSession(db, lead, people, db.description, db.backend)
    runner = TaskRunner()
    hub = ChangeHub()
    hub.watch(db)
    dash = DashboardWindow(session, Ops(runner), hub)
    dash.resize(1366, 768)
    dash.show()

    def spin(done, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while not done():
            if time.monotonic() > end:
                raise TimeoutError("the dashboard did not get there")
            app.processEvents()
            runner.wait(2)

    spin(lambda: bool(dash.counts and dash.lanes and dash.idle))
    painted: list[float] = []
    confirmed: list[float] = []
    for i in range(repeat):
        spin(lambda: dash.idle)
        ticket = dash.lanes.unassigned[0]
        row = i % max(1, len(dash.agent_model.agents) - 1)
        agent = dash.agent_model.agents[row]
        if agent.full or agent.availability.value != "available":
            continue
        wanted = agent.open + 1
        reads = dash.reads["counts"]
        started, started_cpu = time.perf_counter(), time.process_time()
        dash.reassigner.move([(ticket.id, ticket.version)], Target(agent.name, agent=agent))
        spin(lambda r=row, w=wanted: dash.agent_model.agents[r].open == w)
        dash.agents.viewport().repaint()  # the paint that shows it, now
        painted.append((time.perf_counter() - started) * 1000)
        CPU.setdefault("paint", 0.0)
        CPU["paint"] = max(CPU["paint"], (time.process_time() - started_cpu) * 1000)
        # And the database's own numbers, read again after the commit, painted.
        spin(lambda n=reads: dash.reads["counts"] > n and dash.idle)
        dash.agents.viewport().repaint()
        confirmed.append((time.perf_counter() - started) * 1000)
    hub.stop()
    dash.close()
    runner.wait(3000)
    return painted, confirmed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-window", action="store_true")
    args = parser.parse_args(argv)

    db = open_database(args.db)
    report = bulk_seed.seed(db, args.tickets)
    admin = prepare(db, args.agents, print)
    now = datetime.now(UTC).astimezone()
    with db.read() as uow:
        open_now = uow.dashboard.open_count()
    desk_refresh(db, admin, now)  # warm both the same way
    first_try(db, now)
    parts = {
        "counts_ms": _median_ms(lambda: dashboard.dashboard_counts(db, admin, now), args.repeat),
        "lanes_ms": _median_ms(lambda: dashboard.dashboard_lanes(db, admin, now), args.repeat),
        "charts_ms": _median_ms(lambda: dashboard.dashboard_charts(db, admin, now), args.repeat),
    }
    full = _median_ms(lambda: desk_refresh(db, admin, now), args.repeat, "full")
    naive = _median_ms(lambda: first_try(db, now), max(3, args.repeat // 2), "first try")
    result: dict[str, Any] = {
        "backend": db.backend,
        "tickets": report.tickets_after,
        "open tickets": open_now,
        "agents": args.agents,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "full refresh ms (median)": round(full, 1),
        **{k: round(v, 1) for k, v in parts.items()},
        "first try ms (median)": round(naive, 1),
        "first try / Desk": round(naive / full, 1) if full else None,
        "full refresh CPU ms (median, this process)": round(CPU["full"], 1),
        "first try CPU ms (median, this process)": round(CPU["first try"], 1),
    }
    if not args.no_window:
        with db.read() as uow:
            lead = next(a.login for a in uow.agents.all() if a.role == Role.ADMIN)
        painted, confirmed = drop_to_paint(db, lead, args.repeat)
        result["drop to paint ms (median)"] = round(statistics.median(painted), 1)
        result["drop to paint ms (max)"] = round(max(painted), 1)
        result["drop to paint CPU ms (max, this process)"] = round(CPU["paint"], 1)
        result["drop to confirmed paint ms (median)"] = round(statistics.median(confirmed), 1)
        result["drop to confirmed paint ms (max)"] = round(max(confirmed), 1)
    db.close()
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

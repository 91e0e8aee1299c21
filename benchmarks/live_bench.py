"""How fast another agent's change reaches this client, and what the feed costs.

    python benchmarks/live_bench.py [--backend sqlite|postgresql|both] [--writers 20]
        [--changes 15] [--interval 0.5] [--postgres-url URL] [--json FILE] [--no-window]

N writer processes (default 20), each an agent claiming and releasing their own ticket
every `interval` seconds (jittered), while this process listens as one more client:
the change feed's listener (PostgreSQL LISTEN, or SQLite's data_version watcher) hands
each change to a real `ChangeHub` on a Qt event loop (offscreen, no window yet: the views
are not wired to the hub). Measured, from the writer's commit (wall clock, one machine):

- the time to the listener's callback, and to the hub's `changed` signal on the GUI
  thread (which includes its 100 ms coalescing), p50 and p95;
- the statements each change costs its writer (the change log adds one), and each
  listening client (PostgreSQL: none, the change travels in the notification; SQLite:
  one read of the log per poll that saw the file move); across C clients a change costs
  writer + (C - 1) × listener;
- an idle listener's statements and CPU per minute;
- with a real `MainWindow` (offscreen; `--no-window` leaves it out): the time from the
  commit to the paint that shows it — in the queue table (the writer's row painted with
  its new assignee) and in the open ticket (its thread painted with the new entry) —
  p50 and p95, and the idle window's statements (everything it sends: reads, presence
  heartbeat, the database monitor's check) and CPU per minute.

PostgreSQL runs on a scratch database created on `--postgres-url`'s server and dropped
afterwards; SQLite on a file in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_POSTGRES = os.environ.get(
    "DESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IDLE_S = 10.0


def _writer(
    url: str, agent_id: int, ticket_id: int, changes: int, interval: float, barrier: Any, out: Any
) -> None:
    from sqlalchemy import event

    from desk.services import tickets as work
    from desk.services.database import open_database

    db = open_database(url)
    counts = {"statements": 0, "log": 0}

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counts["statements"] += 1
        if "change_log" in statement:
            counts["log"] += 1

    commits: list[tuple[int, int, float]] = []
    rng = random.Random(agent_id)
    barrier.wait(timeout=120)
    try:
        for n in range(changes):
            time.sleep(interval * rng.uniform(0.5, 1.5))
            action = work.claim_ticket if n % 2 == 0 else work.release_ticket
            saved = action(db, agent_id, ticket_id)
            commits.append((ticket_id, saved.version, time.time(), n % 2 == 0))
        out.put(("ok", commits, counts))
    except Exception as exc:
        out.put(("error", repr(exc), counts))
    finally:
        db.close()


def _seed(url: str, writers: int) -> tuple[list[int], list[int]]:
    from desk.services import directory
    from desk.services.database import open_database
    from desk.services.intake import IntakeRequest, NewCaller, log_ticket

    db = open_database(url)
    try:
        admin = directory.create_first_admin(db, "admin", "Ada Admin")
        assert admin.id is not None
        team = directory.create_team(db, admin.id, "Service Desk")
        assert team.id is not None
        agents, tickets = [], []
        for n in range(writers):
            agent = directory.create_agent(
                db, admin.id, f"agent{n}", f"Agent {n}", team_ids=[team.id]
            )
            assert agent.id is not None
            ticket = log_ticket(
                db,
                admin.id,
                IntakeRequest(
                    subject=f"Printer {n} jams",
                    team_id=team.id,
                    new_caller=NewCaller(f"Caller {n}"),
                ),
            )
            assert ticket.id is not None
            agents.append(agent.id)
            tickets.append(ticket.id)
        return agents, tickets
    finally:
        db.close()


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _first_arrivals(
    commits: list[tuple[int, int, float]], arrivals: list[tuple[float, dict[int, int]]]
) -> list[float]:
    """For each commit, the delay to the first arrival naming its ticket at that version
    or later (a merged change carries only a ticket's newest version)."""
    delays = []
    for ticket_id, version, at, *_claimed in commits:
        for arrived_at, tickets in arrivals:
            if tickets.get(ticket_id, 0) >= version and arrived_at >= at - 0.05:
                delays.append(max(0.0, arrived_at - at) * 1000)
                break
    return delays


def run(backend: str, url: str, writers: int, changes: int, interval: float) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from desk.services import live
    from desk.services.database import open_database
    from desk.ui.common.change_hub import ChangeHub

    agents, tickets = _seed(url, writers)
    # A QApplication (not a bare core one): the window measurement that follows needs it.
    app = QApplication.instance() or QApplication([])
    db = open_database(url)
    hub = ChangeHub()
    heard: list[tuple[float, dict[int, int]]] = []
    shown: list[tuple[float, dict[int, int]]] = []

    def on_listener(c: Any) -> None:
        heard.append((time.time(), dict(c.tickets)))
        hub.post(c)

    hub.changed.connect(lambda c: shown.append((time.time(), dict(c.tickets))))
    listener = live.other_clients_changes(db, on_listener)
    listener.start()

    spawn = multiprocessing.get_context("spawn")
    barrier, out = spawn.Barrier(writers + 1), spawn.Queue()
    processes = [
        spawn.Process(target=_writer, args=(url, a, t, changes, interval, barrier, out))
        for a, t in zip(agents, tickets, strict=True)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=300)
    before_cpu = resource.getrusage(resource.RUSAGE_SELF)
    listener_queries_before = _listener_statements(listener)
    results = []
    deadline = time.monotonic() + changes * interval * 2 + 120
    while len(results) < writers and time.monotonic() < deadline:
        app.processEvents()
        try:
            results.append(out.get(timeout=0.01))
        except Exception:
            continue
    settle = time.monotonic() + 2
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.005)
    for process in processes:
        process.join(timeout=30)
    errors = [r for r in results if r[0] != "ok"]
    if errors:
        raise SystemExit(f"writers failed: {errors[:3]}")
    commits = [c for r in results for c in r[1]]
    statements = sum(r[2]["statements"] for r in results)
    log_statements = sum(r[2]["log"] for r in results)
    listener_statements = _listener_statements(listener) - listener_queries_before
    busy_cpu = resource.getrusage(resource.RUSAGE_SELF)

    # Idle: nobody writes for a while.
    idle_before = _listener_statements(listener), resource.getrusage(resource.RUSAGE_SELF)
    time.sleep(IDLE_S)  # the listener's thread alone; a window's event loop sleeps too
    idle_after = _listener_statements(listener), resource.getrusage(resource.RUSAGE_SELF)
    listener.stop()
    db.close()

    listener_ms = _first_arrivals(commits, heard)
    hub_ms = _first_arrivals(commits, shown)
    per_minute = 60 / IDLE_S
    cpu = (idle_after[1].ru_utime + idle_after[1].ru_stime) - (
        idle_before[1].ru_utime + idle_before[1].ru_stime
    )
    n = len(commits)
    result = {
        "backend": backend,
        "writers": writers,
        "changes": n,
        "changes_per_s": round(n / max(1e-9, commits[-1][2] - min(c[2] for c in commits)), 1)
        if n > 1
        else None,
        "delivered": len(listener_ms),
        "listener_p50_ms": round(statistics.median(listener_ms), 1),
        "listener_p95_ms": round(_percentile(listener_ms, 95), 1),
        "hub_p50_ms": round(statistics.median(hub_ms), 1),
        "hub_p95_ms": round(_percentile(hub_ms, 95), 1),
        "hub_signals": len(shown),
        "writer_statements_per_change": round(statements / n, 2),
        "change_log_statements_per_change": round(log_statements / n, 2),
        "listener_statements_per_change": round(listener_statements / n, 3),
        "listener_busy_cpu_s": round(
            (busy_cpu.ru_utime + busy_cpu.ru_stime) - (before_cpu.ru_utime + before_cpu.ru_stime),
            2,
        ),
        "idle_listener_statements_per_minute": round(
            (idle_after[0] - idle_before[0]) * per_minute, 1
        ),
        "idle_cpu_ms_per_minute": round(cpu * 1000 * per_minute, 1),
    }
    return result


def run_window(
    backend: str, url: str, writers: int, changes: int, interval: float
) -> dict[str, Any]:
    """A real window on the desk while the writers work: commit -> paint."""
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import event

    from desk.domain.queues import SortKey
    from desk.services import queries
    from desk.services.database import open_database
    from desk.ui.common.drafts import DraftStore
    from desk.ui.common.session import DeskSession
    from desk.ui.queues.queue_model import COLUMN
    from desk.ui.shell.main_window import MainWindow

    agents, tickets = _seed(url, writers)
    app = QApplication.instance() or QApplication([])
    db = open_database(url)
    statements = [0]

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(*_args: Any) -> None:
        statements[0] += 1

    directory = queries.directory(db)
    admin = next(a for a in directory.agents if a.login == "admin")
    session = DeskSession(db, admin, directory, db.description, db.backend)
    folder = tempfile.mkdtemp()
    settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, DraftStore(Path(folder) / "drafts"))
    window.resize(1500, 900)
    window.show()
    window.queues.choose("all_open")
    model = window.queue_model
    watched = tickets[0]

    def wait_for(test: Any, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not test() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)

    wait_for(lambda: all(model.row_of(t) is not None for t in tickets))
    window.load_ticket(watched)
    wait_for(lambda: window.editor.ticket_id == watched and window.runner.pending == 0)
    first_entries = len(window.thread.entries)
    assignee = COLUMN[SortKey.ASSIGNEE]
    table_paints: list[tuple[float, dict[int, str]]] = []
    thread_paints: list[tuple[float, int]] = []

    class Painted(QObject):
        def eventFilter(self, watched_object: QObject, e: QEvent) -> bool:
            if e.type() == QEvent.Type.Paint:
                now = time.time()
                if watched_object is window.table.viewport():
                    shown = {}
                    for t in tickets:
                        row = model.row_of(t)
                        if row is not None:
                            shown[t] = model.index(row, assignee).data() or ""
                    table_paints.append((now, shown))
                else:
                    thread_paints.append((now, len(window.thread.entries)))
            return False

    painted = Painted()
    window.table.viewport().installEventFilter(painted)
    window.thread.viewport().installEventFilter(painted)

    spawn = multiprocessing.get_context("spawn")
    barrier, out = spawn.Barrier(writers + 1), spawn.Queue()
    processes = [
        spawn.Process(target=_writer, args=(url, a, t, changes, interval, barrier, out))
        for a, t in zip(agents, tickets, strict=True)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=300)
    results = []
    deadline = time.monotonic() + changes * interval * 2 + 120
    while len(results) < writers and time.monotonic() < deadline:
        app.processEvents()
        try:
            results.append(out.get_nowait())
        except Exception:
            time.sleep(0.002)
    settle = time.monotonic() + 3
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.005)
    for process in processes:
        process.join(timeout=30)
    errors = [r for r in results if r[0] != "ok"]
    if errors:
        raise SystemExit(f"writers failed: {errors[:3]}")
    commits = [c for r in results for c in r[1]]
    names = {a.id: a.name for a in queries.directory(db).agents}
    by_ticket = dict(zip(tickets, agents, strict=True))

    table_ms = []
    for ticket_id, _version, at, claimed in commits:
        want = names[by_ticket[ticket_id]] if claimed else ""
        for painted_at, shown in table_paints:
            if painted_at >= at and shown.get(ticket_id) == want:
                table_ms.append((painted_at - at) * 1000)
                break
    thread_ms = []
    mine = sorted(c for c in commits if c[0] == watched)
    for k, (_t, _v, at, _c) in enumerate(sorted(mine, key=lambda c: c[2])):
        for painted_at, entries in thread_paints:
            if painted_at >= at and entries >= first_entries + k + 1:
                thread_ms.append((painted_at - at) * 1000)
                break

    # Idle: nobody writes; the window's event loop runs as it would on a desk.
    idle_s = IDLE_S * 3
    before = statements[0], resource.getrusage(resource.RUSAGE_SELF)
    end = time.monotonic() + idle_s
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    after = statements[0], resource.getrusage(resource.RUSAGE_SELF)
    listener = window.hub._listener
    window.close()
    db.close()
    per_minute = 60 / idle_s
    cpu = (after[1].ru_utime + after[1].ru_stime) - (before[1].ru_utime + before[1].ru_stime)
    return {
        "backend": backend,
        "writers": writers,
        "changes": len(commits),
        "table_painted": len(table_ms),
        "table_paint_p50_ms": round(statistics.median(table_ms), 1) if table_ms else None,
        "table_paint_p95_ms": round(_percentile(table_ms, 95), 1),
        "thread_changes": len(mine),
        "thread_painted": len(thread_ms),
        "thread_paint_p50_ms": round(statistics.median(thread_ms), 1) if thread_ms else None,
        "thread_paint_p95_ms": round(_percentile(thread_ms, 95), 1),
        "idle_window_statements_per_minute": round((after[0] - before[0]) * per_minute, 1),
        "idle_window_listener_statements": _listener_statements(listener) if listener else None,
        "idle_window_cpu_ms_per_minute": round(cpu * 1000 * per_minute, 1),
    }


def _listener_statements(listener: Any) -> int:
    return (
        getattr(listener, "queries", 0)
        + getattr(listener, "polls", 0)
        + getattr(listener, "reads", 0)
    )


def _postgres_database(admin_url: str) -> tuple[str, Any]:
    from sqlalchemy import create_engine, make_url, text

    admin = make_url(admin_url)
    name = f"desk_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return admin.set(database=name).render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--changes", type=int, default=15, help="per writer")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between changes")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--no-window", action="store_true", help="only the feed: no window, no paint times"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    measures = [run] if args.no_window else [run, run_window]
    for backend in backends:
        for measure in measures:
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as folder:
                    url = f"sqlite:///{Path(folder) / 'desk.sqlite3'}"
                    results.append(measure(backend, url, args.writers, args.changes, args.interval))
            else:
                url, drop = _postgres_database(args.postgres_url)
                try:
                    results.append(measure(backend, url, args.writers, args.changes, args.interval))
                finally:
                    drop()
            print(json.dumps(results[-1], indent=2), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

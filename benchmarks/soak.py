"""A soak: many agents working the same few tickets at once, some of them killed mid-run.

    python -m benchmarks.soak --db URL --processes N --ops N [--hot 20] [--kill 1]

Each process is one agent (a supervisor, so that every action is open to it) doing
claims, releases, replies, notes, customer messages and status changes on a hot set of
tickets, some of them with the ticket version it last saw (so that others' saves make
them conflict). Every write that carries text carries a unique token, and each process
logs, line by line and before it moves on, every write the database acknowledged and
every one Desk refused. `--kill` processes are sent SIGKILL partway through.

The checker then reads the database itself: each acknowledged token is there exactly
once, each refused one is absent (a write in flight when its process was killed may be
either), each agent's claims and releases are as many as acknowledged (plus at most the
one in flight), and no thread entry belongs to a ticket version that was never saved.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import sys
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SPAWN = multiprocessing.get_context("spawn")
#: Actions whose text lands in a thread entry's body, and those whose lands in an event.
BODY_ACTIONS = ("reply", "note", "message")
EVENT_ACTIONS = ("pending", "resolve", "reopen", "resume")
COUNTED_ACTIONS = ("claim", "release")


@dataclass
class Desk:
    """What the soak works on: its agents (one per process) and its hot tickets."""

    run: str
    agents: list[int]
    tickets: list[int]


@dataclass
class Report:
    ops: int = 0
    acknowledged: int = 0
    refused: int = 0
    conflicts: int = 0
    unknown: int = 0  # in flight when the process was killed, or the connection dropped
    killed: int = 0
    seconds: float = 0.0
    refusals: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def prepare(url: str, processes: int, hot: int) -> Desk:
    """A team, one supervisor per process and `hot` tickets, on any desk (empty or not)."""
    from desk.domain.model import Role
    from desk.services import directory, queries
    from desk.services.database import open_database
    from desk.services.intake import IntakeRequest, NewCaller, log_ticket

    run = uuid.uuid4().hex[:8]
    db = open_database(url)
    try:
        if not directory.has_agents(db):
            directory.create_first_admin(db, f"soak-admin-{run}", "Soak Admin")
        admin = next(a for a in queries.directory(db).agents if a.role == Role.ADMIN)
        assert admin.id is not None
        team = directory.create_team(db, admin.id, f"Soak {run}")
        agents = [
            directory.create_agent(
                db,
                admin.id,
                f"soak-{run}-{n}",
                f"Soak Agent {n}",
                role=Role.SUPERVISOR,
                team_ids=[team.id] if team.id else [],
            ).id
            for n in range(processes)
        ]
        caller = NewCaller(f"Soak Caller {run}", f"soak-{run}@example.com")
        first = log_ticket(
            db, admin.id, IntakeRequest(f"Soak {run} ticket 0", new_caller=caller, team_id=team.id)
        )
        tickets = [first.id] + [
            log_ticket(
                db,
                admin.id,
                IntakeRequest(
                    f"Soak {run} ticket {n}", customer_id=first.customer_id, team_id=team.id
                ),
            ).id
            for n in range(1, hot)
        ]
        return Desk(run, [a for a in agents if a is not None], [t for t in tickets if t])
    finally:
        db.close()


def work(url: str, run: str, agent_id: int, tickets: list[int], ops: int, log: str) -> None:
    """One agent's share of the soak; every outcome is written to `log` as it happens."""
    from desk.domain.errors import ConflictError, DatabaseError, DeskError
    from desk.services import queries
    from desk.services.database import open_database

    rng = random.Random(f"{run}-{agent_id}")
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def write(*parts: object) -> None:
        os.write(fd, (" ".join(str(p) for p in parts) + "\n").encode())  # one write a line

    db = open_database(url)
    try:
        for seq in range(ops):
            ticket_id = rng.choice(tickets)
            token = f"soak-{run}-{agent_id}-{seq}"
            action = rng.choice((*COUNTED_ACTIONS, *BODY_ACTIONS, *EVENT_ACTIONS))
            seen: int | None = None
            if rng.random() < 0.5:  # half of the changes say which version they saw
                seen = queries.get_ticket(db, ticket_id).ticket.version
                time.sleep(rng.random() * 0.01)  # the agent reads before acting
            write("try", action, ticket_id, token)
            try:
                _act(db, action, agent_id, ticket_id, token, seen)
            except ConflictError:
                write("ref", action, ticket_id, token, "ConflictError")
            except DatabaseError as exc:  # the commit may or may not have happened
                write("unk", action, ticket_id, token, type(exc).__name__)
            except DeskError as exc:
                write("ref", action, ticket_id, token, type(exc).__name__)
            else:
                write("ack", action, ticket_id, token)
    finally:
        db.close()
        os.close(fd)


def _act(db: Any, action: str, agent: int, ticket: int, token: str, seen: int | None) -> None:
    from desk.domain.model import TicketStatus
    from desk.services import tickets as t

    match action:
        case "claim":
            t.claim_ticket(db, agent, ticket)
        case "release":
            t.release_ticket(db, agent, ticket, seen)
        case "reply":
            t.reply_to_customer(db, agent, ticket, token)
        case "note":
            t.add_internal_note(db, agent, ticket, token)
        case "message":
            t.add_customer_message(db, agent, ticket, token)
        case "pending":
            t.set_pending(db, agent, ticket, token, seen)
        case "resolve":
            t.resolve_ticket(db, agent, ticket, token, seen)
        case "reopen":
            t.reopen_ticket(db, agent, ticket, token, seen)
        case "resume":
            t.change_status(db, agent, ticket, TicketStatus.OPEN, note=token, expected_version=seen)


def check(url: str, desk: Desk, logs: list[Path]) -> Report:
    """What the logs say against what the database holds."""
    from sqlalchemy import select

    from desk.domain.thread import EntryKind, EventType
    from desk.services.database import open_database
    from desk.store.schema import thread_entries, tickets

    report = Report()
    outcome: dict[str, tuple[str, str]] = {}  # token -> (state, action)
    acked_counts: Counter[tuple[int, str]] = Counter()
    inflight_counts: Counter[tuple[int, str]] = Counter()
    for path in logs:
        tried: dict[str, str] = {}
        for line in path.read_text().splitlines():
            state, action, _ticket, token, *why = line.split()
            agent = int(token.split("-")[2])
            if state == "try":
                tried[token] = action
                continue
            tried.pop(token, None)
            report.ops += 1
            outcome[token] = (state, action)
            if state == "ack":
                report.acknowledged += 1
                acked_counts[(agent, action)] += 1
            elif state == "ref":
                report.refused += 1
                report.refusals[why[0]] = report.refusals.get(why[0], 0) + 1
                report.conflicts += why[0] == "ConflictError"
            else:
                report.unknown += 1
                inflight_counts[(agent, action)] += 1
        for token, action in tried.items():  # killed before it could say
            report.ops += 1
            report.unknown += 1
            outcome[token] = ("unk", action)
            inflight_counts[(int(token.split("-")[2]), action)] += 1

    db = open_database(url)
    try:
        with db.read() as uow:
            conn = uow.tickets._conn
            entries = list(
                conn.execute(
                    select(thread_entries).where(thread_entries.c.ticket_id.in_(desk.tickets))
                )
            )
            versions = dict(
                conn.execute(
                    select(tickets.c.id, tickets.c.version).where(tickets.c.id.in_(desk.tickets))
                ).all()
            )
    finally:
        db.close()

    found: Counter[str] = Counter()
    events: Counter[tuple[int, str]] = Counter()
    prefix = f"soak-{desk.run}-"
    for entry in entries:
        if entry.ticket_version > versions[entry.ticket_id]:
            report.problems.append(
                f"entry {entry.id} is of version {entry.ticket_version} of ticket"
                f" {entry.ticket_id}, which is at {versions[entry.ticket_id]}"
            )
        texts = [entry.body or ""]
        if entry.kind == EntryKind.EVENT:
            data = entry.data or {}
            texts += [str(data.get("reason") or ""), str(data.get("note") or "")]
            if entry.event in (EventType.CLAIMED, EventType.RELEASED) and entry.agent_id:
                events[(entry.agent_id, str(entry.event))] += 1
        # An event keeps its text in its data and, for search, as its body: one entry.
        for text in {t for t in texts if t.startswith(prefix)}:
            found[text] += 1

    for token, (state, action) in outcome.items():
        if action in COUNTED_ACTIONS:
            continue
        n = found.get(token, 0)
        if state == "ack" and n != 1:
            report.problems.append(f"acknowledged {action} {token} is there {n} times")
        elif state == "ref" and n != 0:
            report.problems.append(f"refused {action} {token} is there {n} times")
        elif state == "unk" and n > 1:
            report.problems.append(f"{action} {token} in flight is there {n} times")
    for token in set(found) - set(outcome):
        report.problems.append(f"{token} is in the database but was never tried")
    for agent in desk.agents:
        for action, event in (("claim", EventType.CLAIMED), ("release", EventType.RELEASED)):
            n, acked = events[(agent, str(event))], acked_counts[(agent, action)]
            if not acked <= n <= acked + inflight_counts[(agent, action)]:
                report.problems.append(f"agent {agent}: {n} {action}s stored, {acked} acknowledged")
    return report


def soak(
    url: str, processes: int, ops: int, *, hot: int = 20, kill: int = 1, folder: Path
) -> Report:
    """Prepare, run `processes` agents of `ops` operations (killing `kill` of them once
    they are a third of the way through), and check."""
    desk = prepare(url, processes, hot)
    folder.mkdir(parents=True, exist_ok=True)
    logs = [folder / f"soak-{desk.run}-{n}.log" for n in range(processes)]
    started = time.monotonic()
    workers = [
        SPAWN.Process(target=work, args=(url, desk.run, agent, desk.tickets, ops, str(log)))
        for agent, log in zip(desk.agents, logs, strict=True)
    ]
    for process in workers:
        process.start()
    doomed = list(range(kill))
    killed = 0
    while any(p.is_alive() for p in workers):
        for n in list(doomed):
            done = _lines(logs[n]) // 2
            if done >= max(1, ops // 3) and workers[n].is_alive():
                os.kill(workers[n].pid or 0, signal.SIGKILL)
                doomed.remove(n)
                killed += 1
            elif not workers[n].is_alive():
                doomed.remove(n)
        time.sleep(0.02)
    for process in workers:
        process.join()
    seconds = time.monotonic() - started
    report = check(url, desk, logs)
    report.killed = killed
    report.seconds = round(seconds, 1)
    for n, process in enumerate(workers):
        if process.exitcode not in (0, -signal.SIGKILL):
            report.problems.append(f"process {n} ended with exit code {process.exitcode}")
    return report


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL (SQLite file or PostgreSQL)")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--ops", type=int, default=200, help="operations per process")
    parser.add_argument("--hot", type=int, default=20, help="tickets everyone works on")
    parser.add_argument("--kill", type=int, default=1, help="processes to SIGKILL mid-run")
    parser.add_argument("--logs", type=Path, default=Path("soak-logs"))
    args = parser.parse_args(argv)
    report = soak(args.db, args.processes, args.ops, hot=args.hot, kill=args.kill, folder=args.logs)
    print(json.dumps(asdict(report), indent=2))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fill a Desk database with N realistic tickets, fast, for the benchmark.

Three years of a service desk: tens of thousands of callers, tickets in every status
(most long closed, a working backlog), each with a few thread entries, and one ticket
with a thread of 200 entries. Rows go in with the driver's fastest path (executemany on
SQLite, COPY on PostgreSQL); indexes and full-text triggers are set aside during the load
and rebuilt after it, then the planner's statistics are refreshed.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import marshal
import multiprocessing
import operator
import pickle
import queue
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks.seed_search import SEARCH_TABLES, ScratchSearch
from desk.domain.model import ACTIVE_STATUSES, Channel, Level, TicketStatus
from desk.domain.priority import LEVELS_FOR_PRIORITY, priority_for
from desk.domain.search import words
from desk.domain.thread import EntryKind, EventType
from desk.domain.validation import clean_phone
from desk.services import demo_content as content
from desk.services.demo import DemoDesk, ensure_demo_desk
from desk.store.schema import customers, thread_entries, tickets
from desk.store.types import STATUS_CODES
from desk.store.unit_of_work import SqlDatabase

#: The interactions both sides of the benchmark time, as the JSON names them.
TIMED = ("first_page_ms", "sort_ms", "filter_ms", "jump_last_ms", "search_ms", "open_thread_ms")
YEARS = 3
LONG_THREAD = 200
CHUNK = 20_000
CHANNELS = (
    [Channel.PHONE] * 35
    + [Channel.EMAIL] * 30
    + [Channel.WEB] * 14
    + [Channel.WALK_IN] * 11
    + [Channel.CHAT] * 8
    + [Channel.SOCIAL] * 2
)

_Chunk = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
#: The SLA clocks' columns are left to their defaults: a recompute fills them in.
SLA_COLUMNS = frozenset(
    {
        "sla_plan_id",
        "sla_epoch",
        "first_response_due_at",
        "resolution_due_at",
        "at_risk_at",
        "first_response_breached_at",
        "resolution_breached_at",
    }
)
TICKET_COLUMNS = [c.name for c in tickets.columns if c.name not in SLA_COLUMNS]
ENTRY_COLUMNS = [c.name for c in thread_entries.columns]
CUSTOMER_COLUMNS = [c.name for c in customers.columns]


@dataclass
class SeedReport:
    tickets_before: int
    tickets_after: int
    entries: int
    customers: int
    seconds: float
    long_thread_ticket: int


def peak_rss_mb() -> float:
    """This process's peak memory. Linux's VmHWM starts afresh at exec; getrusage's
    maxrss would count the memory of the benchmark's parent, which seeded the database."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def ticket_count(db: SqlDatabase) -> int:
    with db.read() as uow:
        return uow.tickets.count()


def long_thread_ticket(db: SqlDatabase) -> int | None:
    """The ticket the benchmark opens: the one with the longest thread."""
    with db.read() as uow:
        conn = uow.tickets._conn
        return conn.execute(
            select(thread_entries.c.ticket_id)
            .group_by(thread_entries.c.ticket_id)
            .having(func.count() >= LONG_THREAD)
            .limit(1)
        ).scalar()


def seed(
    db: SqlDatabase,
    target: int,
    *,
    rng_seed: int = 7,
    say: Callable[[str], None] = print,
    now: datetime | None = None,
    elsewhere: bool = True,
) -> SeedReport:
    """Add tickets until the database holds `target`; a no-op when it already does.

    The tickets span the three years up to `now`. With `elsewhere` (where processes can
    fork) a second process makes the rows, and on SQLite the full-text indexes, while
    this one stores them; without, one process does it all, the same way the rows end up.
    """
    started = time.perf_counter()
    before = ticket_count(db)
    if before >= target:
        ensure_demo_desk(db)  # a desk seeded before it was marked as the demo (--as)
        return SeedReport(before, before, 0, 0, 0.0, long_thread_ticket(db) or 0)
    rng = random.Random(rng_seed + before)
    desk = ensure_demo_desk(db)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    with db.engine.begin() as conn:
        first_customer = (conn.execute(select(func.max(customers.c.id))).scalar() or 0) + 1
        first_ticket = (conn.execute(select(func.max(tickets.c.id))).scalar() or 0) + 1
        first_entry = (conn.execute(select(func.max(thread_entries.c.id))).scalar() or 0) + 1
    new_tickets = target - before
    n_customers = max(300, new_tickets // 20)
    loader = _Loader(db, say)
    stamp = _sqlite_time if loader.sqlite else _same
    if loader.sqlite:
        now = now.replace(tzinfo=None)  # naive UTC throughout: SQLite stores it so
    elsewhere = elsewhere and "fork" in multiprocessing.get_all_start_methods()
    with loader:
        people = _customers(rng, first_customer, n_customers, stamp, now)
        loader.write("customers", CUSTOMER_COLUMNS, (row for row, _terms in people))
        loader.write(
            "customer_terms", ["term", "customer_id"], (t for _row, terms in people for t in terms)
        )
        say(f"  customers: {n_customers:,} in {time.perf_counter() - started:.1f} s")
        callers = [(row[0], row[1]) for row, _terms in people]
        generator = _Tickets(rng, desk, callers, now, first_ticket, first_entry, new_tickets, stamp)
        # The full-text indexes are made beside the load only when they index nothing
        # but the new rows; else they are rebuilt over all of them, in place.
        fresh = first_ticket == 1 and first_entry == 1
        # (SQLite's FTS5 only: PostgreSQL's search columns fill as the rows go in.)
        search = loader.scratch_search() if elsewhere and fresh and loader.sqlite else None
        # Rows go between processes as marshal data, which holds SQLite's text times
        # but not PostgreSQL's datetimes: PostgreSQL's rows are made here.
        maker = _Maker(generator.chunks(), search) if elsewhere and loader.sqlite else None
        entry_count = 0
        for ticket_rows, entry_rows in maker or generator.chunks():
            loader.write("tickets", TICKET_COLUMNS, iter(ticket_rows))
            loader.write("thread_entries", ENTRY_COLUMNS, iter(entry_rows))
            entry_count += len(entry_rows)
        loader.search_made = maker.wait if maker else None
        say(
            f"  tickets: {new_tickets:,}, thread entries: {entry_count:,} in {time.perf_counter() - started:.1f} s"
        )
    seconds = time.perf_counter() - started
    say(f"  indexes and statistics rebuilt; seeding took {seconds:.1f} s")
    return SeedReport(before, target, entry_count, n_customers, seconds, generator.long_thread_id)


def _customers(
    rng: random.Random,
    first_id: int,
    count: int,
    stamp: Callable[[datetime], Any],
    now: datetime,
) -> list[tuple[tuple[Any, ...], list[tuple[str, int]]]]:
    made = []
    created = now.replace(tzinfo=None) - timedelta(days=365 * YEARS + 30)
    for n in range(count):
        customer_id = first_id + n
        first, last = rng.choice(content.FIRST_NAMES), rng.choice(content.LAST_NAMES)
        org, domain, pattern = rng.choice(content.ORGANISATIONS)
        local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii())
        email = f"{local}.{customer_id}@{domain}"
        phone = clean_phone("".join(str(rng.randrange(10)) if ch == "x" else ch for ch in pattern))
        name = f"{first} {last}"
        terms = {*words(f"{name} {org}"), email}
        if phone:
            terms.update(
                {phone.lstrip("+"), phone.lstrip("+").removeprefix("1").removeprefix("44")}
            )
        row = (customer_id, name, email, phone, org, stamp(created))
        made.append((row, [(t, customer_id) for t in sorted(terms)]))
    return made


class _Tickets:
    """Tickets over three years, and their threads, as rows in column order.

    Making rows is the seed's slowest part, so a ticket is made with as little Python as
    it takes: the help topics, teams, agents and channels are read into plain tuples
    once, each time is formatted once however many rows carry it, and rows are built as
    tuples, and `rng.choice` is `_chooser`'s copy of it. The random draws are the same
    calls in the same order as ever (a choice from a list of the same length picks the
    same place), so a seed makes the same desk."""

    def __init__(
        self,
        rng: random.Random,
        desk: DemoDesk,
        callers: Sequence[tuple[int, str]],
        now: datetime,
        first_id: int,
        first_entry: int,
        count: int,
        stamp: Callable[[datetime], Any],
    ) -> None:
        self.rng, self.desk, self.callers, self.now = rng, desk, callers, now
        self.choose = _chooser(rng)
        self.stamp = stamp
        self.first_id, self.next_entry, self.count = first_id, first_entry, count
        self.long_thread_id = first_id + count - 1  # the newest ticket gets the long thread
        teams = {team.id: team for team in desk.teams.values()}
        self.topics = []
        for category, stories, resolutions in desk.topics:
            team = teams.get(category.default_team_id)
            agents = desk.members.get(team.id if team else -1) or []
            impact, urgency = LEVELS_FOR_PRIORITY[category.default_priority]
            self.topics.append(
                (
                    category.id,
                    team.id if team else None,
                    team.name if team else None,
                    [(agent.id, agent.name) for agent in agents],
                    int(impact),
                    int(urgency),
                    int(priority_for(impact, urgency)),
                    stories,
                    resolutions,
                )
            )
        self.loggers = [
            (agent.id, agent.name) for agent in desk.members[desk.teams["Service Desk"].id or 0]
        ]
        self.levels = [int(level) for level in Level]
        self.priorities = {(int(i), int(u)): int(priority_for(i, u)) for i in Level for u in Level}
        self.channels = [(channel.value, channel == Channel.PHONE) for channel in CHANNELS]
        self.created_json = {value: json.dumps({"channel": value}) for value, _ in self.channels}
        self.resolved_json: dict[str, str] = {}
        # (status code, active, resolved, closed) for each status _status can roll.
        self.statuses = {
            status: (
                STATUS_CODES[status],
                status in ACTIVE_STATUSES,
                status in (TicketStatus.RESOLVED, TicketStatus.CLOSED),
                status == TicketStatus.CLOSED,
            )
            for status in TicketStatus
        }

    def chunks(self) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
        """(tickets, their thread entries) in chunks, oldest first."""
        span = timedelta(days=365 * YEARS).total_seconds()
        start = self.now - timedelta(days=365 * YEARS)
        uniform = self.rng.uniform
        for first in range(0, self.count, CHUNK):
            ticket_rows: list[tuple[Any, ...]] = []
            entry_rows: list[tuple[Any, ...]] = []
            add_ticket, add_entries = ticket_rows.append, entry_rows.extend
            for n in range(first, min(first + CHUNK, self.count)):
                created = start + timedelta(seconds=span * n / self.count + uniform(0, 60))
                row, thread = self._ticket(self.first_id + n, created)
                add_ticket(row)
                add_entries(thread)
            yield ticket_rows, entry_rows

    def _ticket(
        self, ticket_id: int, created: datetime
    ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        rng, stamp, now = self.rng, self.stamp, self.now
        choice, roll, uniform = self.choose, rng.random, rng.uniform
        (
            category_id,
            team_id,
            team_name,
            agents,
            impact,
            urgency,
            priority,
            stories,
            resolutions,
        ) = choice(self.topics)
        subject, description = choice(stories)
        customer_id, customer_name = choice(self.callers)
        status = self._status(now - created)
        code, active, resolved_, closed_ = self.statuses[status]
        if agents and status != TicketStatus.NEW and roll() < 0.92:
            assignee_id, assignee_name = choice(agents)
        else:
            assignee_id = assignee_name = None
        if roll() < 0.3:
            impact, urgency = choice(self.levels), choice(self.levels)
            priority = self.priorities[impact, urgency]
        worked = created + timedelta(minutes=uniform(3, 240))
        updated = min(now, worked + timedelta(hours=uniform(0.2, 96)))
        resolved = updated if resolved_ else None
        closed = min(now, updated + timedelta(days=uniform(1, 5))) if closed_ else None
        if closed:
            updated = closed
        note = choice(resolutions) if resolved else ""
        logger_id, logger_name = choice(self.loggers)
        channel, phone = choice(self.channels)
        csat = choice([5, 5, 5, 4, 4, 3, 2, 1]) if closed and roll() < 0.6 else None
        reopen_count = 1 if roll() < 0.03 else 0
        call_seconds = rng.randrange(60, 900) if phone else None
        created_at, updated_at = stamp(created), stamp(updated)
        resolved_at = (updated_at if resolved is updated else stamp(resolved)) if resolved else None
        entry = self.next_entry
        thread: list[tuple[Any, ...]] = [
            (entry, ticket_id, _CUSTOMER, None, customer_name, description, None, None,
             created_at, 1),
            (entry + 1, ticket_id, _EVENT, logger_id, logger_name, "", _CREATED,
             self.created_json[channel], created_at, 1),
        ]  # fmt: skip
        version = 1
        worked_at = None
        if assignee_id is not None:
            worked_at = stamp(worked)
            reply = choice(content.AGENT_REPLIES).format(first=customer_name.split()[0])
            thread.append(
                (entry + 2, ticket_id, _REPLY, assignee_id, assignee_name, reply, None, None,
                 worked_at, 1)
            )  # fmt: skip
            version = 2
            if resolved is not None:
                version = 3
                data = self.resolved_json.get(note)
                if data is None:
                    data = json.dumps({"from": "open", "to": "resolved", "note": note})
                    self.resolved_json[note] = data
                thread.append(
                    (entry + 3, ticket_id, _EVENT, assignee_id, assignee_name, "",
                     _STATUS_CHANGED, data, resolved_at, 3)
                )  # fmt: skip
        self.next_entry = entry + len(thread)
        if ticket_id == self.long_thread_id:
            agent = (
                (assignee_id, assignee_name)
                if assignee_id is not None
                else (logger_id, logger_name)
            )
            thread += self._long_thread(ticket_id, created, customer_name, agent, version)
        row = (
            ticket_id, subject, description, customer_id, customer_name, channel, category_id,
            team_id, team_name, assignee_id, assignee_name, code, active, impact, urgency,
            priority, False, "", created_at, logger_id, updated_at,
            logger_id if assignee_id is None else assignee_id, worked_at, resolved_at,
            (updated_at if closed else None), None, note, csat, reopen_count, call_seconds,
            version,
        )  # fmt: skip
        return row, thread

    def _long_thread(
        self,
        ticket_id: int,
        created: datetime,
        customer_name: str,
        agent: tuple[int, str],
        version: int,
    ) -> list[tuple[Any, ...]]:
        """The one thread of LONG_THREAD entries the benchmark opens."""
        choice = self.choose
        entries = []
        for k in range(LONG_THREAD):
            at = self.stamp(created + timedelta(minutes=10 * (k + 1)))
            if k % 3 == 0:
                kind, who, body = (
                    _CUSTOMER,
                    (None, customer_name),
                    choice(content.CUSTOMER_FOLLOWUPS),
                )
            elif k % 3 == 1:
                kind, who = _REPLY, agent
                body = choice(content.AGENT_REPLIES).format(first="there")
            else:
                kind, who, body = _NOTE, agent, choice(content.NOTES).format(n=k)
            entries.append(
                (self.next_entry, ticket_id, kind, who[0], who[1], body, None, None, at, version)
            )
            self.next_entry += 1
        return entries

    def _status(self, age: timedelta) -> TicketStatus:
        roll = self.rng.random()
        if age < _HOURS_4:
            return TicketStatus.NEW if roll < 0.5 else TicketStatus.OPEN
        if age < _DAYS_3:
            return _RECENT[int(roll * 4)]
        if age < _DAYS_14:
            return (
                TicketStatus.CLOSED
                if roll < 0.75
                else (TicketStatus.RESOLVED if roll < 0.9 else TicketStatus.OPEN)
            )
        # A long tail of forgotten tickets keeps a realistic backlog in the working queues.
        if roll < 0.985:
            return TicketStatus.CLOSED
        return _FORGOTTEN[int((roll - 0.985) / 0.005) % 3]


def _chooser(rng: random.Random) -> Callable[[Sequence[Any]], Any]:
    """`rng.choice`, the same draw (CPython's: getrandbits of the length's bit length until
    it is below the length) without its two Python frames, nine times a ticket.
    tests/integration/test_bulk_seed.py checks that the two still agree."""
    getrandbits = rng.getrandbits

    def choose(seq: Sequence[Any]) -> Any:
        n = len(seq)
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return seq[r]

    return choose


_HOURS_4, _DAYS_3, _DAYS_14 = timedelta(hours=4), timedelta(days=3), timedelta(days=14)
_RECENT = [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED]
_FORGOTTEN = [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED]
_CUSTOMER, _REPLY, _NOTE, _EVENT = (
    EntryKind.CUSTOMER.value,
    EntryKind.REPLY.value,
    EntryKind.NOTE.value,
    EntryKind.EVENT.value,
)
_CREATED, _STATUS_CHANGED = EventType.CREATED.value, EventType.STATUS_CHANGED.value


class _Loader:
    """Bulk writes with the database's fastest path; indexes and triggers rebuilt at the end."""

    def __init__(self, db: SqlDatabase, say: Callable[[str], None]) -> None:
        self.db, self.say = db, say
        self.sqlite = db.backend == "sqlite"
        self._saved: list[str] = []
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._search: ScratchSearch | None = None
        #: Waits until the full-text indexes of `scratch_search` are made (set by the seed).
        self.search_made: Callable[[], None] | None = None

    def __enter__(self) -> _Loader:
        self._raw = self.db.engine.raw_connection()
        self.conn = self._raw.driver_connection
        if not self.sqlite:
            # A COPY of a million rows and the index rebuilds take minutes, not the
            # seconds Desk's own statements get (engine.py); restored on the way out.
            self.conn.execute("SET statement_timeout = 0")
            self._answer_timeout = self.conn.answer_timeout
            self.conn.answer_timeout = None
        if self.sqlite:
            # This connection is thrown away at the end (__exit__), pragmas and all.
            self.conn.execute("PRAGMA cache_size=-400000")
            # No fsync: only a power cut could hurt, and a benchmark database is seeded again.
            self.conn.execute("PRAGMA synchronous=OFF")
            # The rows are the seed's own, made to fit (a test checks the keys afterwards).
            self.conn.execute("PRAGMA foreign_keys=OFF")
            # Out of WAL for the load: a transaction of gigabytes is otherwise written twice,
            # to the log and then to the file. The journal keeps the pages the seed changes
            # (not the new ones), so a failed seed still rolls back. WAL again at the end.
            self.conn.execute("PRAGMA journal_mode=MEMORY")
            self.conn.execute("BEGIN IMMEDIATE")
        self._set_aside()
        return self

    def scratch_search(self) -> ScratchSearch:
        """The desk's FTS5 tables, to be made elsewhere and copied in by `_restore`."""
        ddl = dict(
            self._execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                f" AND name IN ({', '.join(repr(name) for name in SEARCH_TABLES)})"
            )
        )
        self._scratch = tempfile.TemporaryDirectory(prefix="desk-seed-")
        self._search = ScratchSearch(Path(self._scratch.name) / "search.sqlite3", ddl)
        return self._search

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        try:
            if exc_type is None:
                self._restore()
                self.conn.commit()
                if self._search:
                    self._search.detach(self._execute)
                self._statistics()
                if self.sqlite:
                    self._execute("PRAGMA journal_mode=WAL")  # kept in the file: the desk's mode
            else:
                self.conn.rollback()
        finally:
            if not self.sqlite and not self.conn.closed:
                self.conn.execute("RESET statement_timeout")  # to the connection's own
                self.conn.commit()
                self.conn.answer_timeout = self._answer_timeout
            if self.sqlite:
                self._raw.invalidate()  # not back to the pool with the seed's pragmas
            else:
                self._raw.close()
            if self._scratch:
                self._scratch.cleanup()

    def _execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.conn.cursor()
        if parameters:
            cursor.execute(sql, parameters)
        else:  # psycopg reads a '%' in a statement with parameters as a placeholder
            cursor.execute(sql)
        rows = cursor.fetchall() if cursor.description else []
        cursor.close()
        return rows

    def _set_aside(self) -> None:
        """Drop secondary indexes and full-text triggers of the big tables; keep their DDL."""
        tables = "'tickets', 'thread_entries', 'customer_terms', 'customers'"
        if self.sqlite:
            found = self._execute(
                f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({tables})"
                " AND type IN ('index', 'trigger') AND sql IS NOT NULL"
            )
            for kind, name, sql in found:
                self._execute(f'DROP {kind.upper()} "{name}"')
                self._saved.append(sql)
        else:
            found = self._execute(
                f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ({tables})"
                " AND indexname NOT LIKE 'pk_%' AND indexdef NOT LIKE 'CREATE UNIQUE%'"
            )
            for name, sql in found:
                self._execute(f'DROP INDEX "{name}"')
                self._saved.append(sql)
            for table in ("tickets", "thread_entries"):  # the vocabulary is filled at the end
                self._execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")

    def _restore(self) -> None:
        started = time.perf_counter()
        for sql in self._saved:
            if sql.upper().startswith("CREATE TRIGGER"):
                continue
            self._execute(sql)
        if self.sqlite:
            if self._search and self.search_made:
                self.search_made()
                self._search.copy_into(self._execute)
            else:
                for name in SEARCH_TABLES:
                    self._execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
            for sql in self._saved:
                if sql.upper().startswith("CREATE TRIGGER"):
                    self._execute(sql)
        else:
            for table in ("tickets", "thread_entries", "customers"):
                self._execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            for table, vector in (("tickets", "subject_tsv"), ("thread_entries", "body_tsv")):
                self._execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                self._execute(
                    f"INSERT INTO search_words SELECT DISTINCT unnest(tsvector_to_array({vector}))"
                    f" FROM {table} ON CONFLICT DO NOTHING"
                )
        self.say(f"  indexes and full-text search rebuilt in {time.perf_counter() - started:.1f} s")

    def _statistics(self) -> None:
        if self.sqlite:
            self._execute(
                "PRAGMA analysis_limit=2000"
            )  # statistics from a sample: seconds, not tens
            self._execute("ANALYZE")
            self.conn.commit()
        else:
            self.conn.autocommit = True
            self._execute("VACUUM ANALYZE")
            self.conn.autocommit = False

    def write(self, table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> None:
        if self.sqlite:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            while batch := list(itertools.islice(rows, CHUNK)):
                self.conn.executemany(sql, batch)
            return
        with self.conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


class _Maker:
    """The chunks, made by a forked process while this one stores the last ones: making
    rows in Python takes as long as storing them, and the machine has more than one core.
    (Not a thread: one busy making rows would hold the GIL the driver keeps asking back
    for.) With a `search`, the maker then builds the full-text indexes of the rows while
    the writer builds the B-tree ones; `wait` returns when they are made.

    Chunks travel as marshal data, which is quicker than pickle for tuples of plain values.
    A thread of the writer's takes them off the pipe as they come, a few ahead of the one
    being stored: a pipe holds 64 KiB, and a maker blocked in the middle of sending a
    chunk until the writer had stored the last one kept both processes waiting in turn.
    """

    _ROWS, _DONE, _FAILED = b"r", b"d", b"x"
    _AHEAD = 3  # chunks received and not yet stored, about 20 MB each at CHUNK rows

    def __init__(self, chunks: Iterator[_Chunk], search: ScratchSearch | None) -> None:
        self._chunks, self._search = chunks, search
        context = multiprocessing.get_context("fork")
        self._receiving, sending = context.Pipe(duplex=False)
        self._process = context.Process(
            target=self._make, args=(sending,), name="seed rows", daemon=True
        )
        self._process.start()
        sending.close()
        self._received: queue.Queue[bytes | BaseException] = queue.Queue(self._AHEAD)
        self._reader = threading.Thread(target=self._read, name="seed rows in", daemon=True)
        self._reader.start()

    def _make(self, sending: Connection) -> None:
        try:
            for chunk in self._chunks:
                sending.send_bytes(self._ROWS + marshal.dumps(chunk))
                if self._search:
                    self._search.keep(*chunk)
            sending.send_bytes(self._DONE)
            if self._search:
                self._search.build()
                sending.send_bytes(self._DONE)
        except BaseException as exc:  # handed to the writer, which raises it
            sending.send_bytes(self._FAILED + pickle.dumps(exc))

    def _read(self) -> None:
        """Every message the maker sends, in order, up to its last (or its failure)."""
        last = 2 if self._search else 1
        try:
            while last:
                message = self._receiving.recv_bytes()
                self._received.put(message)
                if message[:1] == self._FAILED:
                    return
                if message == self._DONE:
                    last -= 1
        except BaseException as exc:  # a maker gone without a word: the writer raises it
            self._received.put(exc)

    def _receive(self) -> bytes:
        message = self._received.get()
        if isinstance(message, BaseException):
            self._end()
            raise message
        if message[:1] == self._FAILED:
            self._end()
            raise pickle.loads(message[1:])
        return message

    def __iter__(self) -> Iterator[_Chunk]:
        try:
            while (message := self._receive()) != self._DONE:
                yield marshal.loads(memoryview(message)[1:])
        except BaseException:
            self._end()
            raise
        if not self._search:
            self._end()

    def wait(self) -> None:
        if self._search:
            self._receive()
        self._end()

    def _end(self) -> None:
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
        while self._reader.is_alive():  # a reader stuck on a full queue after a failure
            with contextlib.suppress(queue.Empty):
                self._received.get(timeout=0.1)


#: SQLAlchemy's SQLite storage of a naive UTC time, always with microseconds. (A partial,
#: not a function: it is called four million times, and a Python frame each time shows.)
_sqlite_time: Callable[[datetime], str] = functools.partial(
    datetime.isoformat, sep=" ", timespec="microseconds"
)


def _same(value: datetime) -> datetime:
    """PostgreSQL takes aware times as they are."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_ticket_row = operator.itemgetter(*TICKET_COLUMNS)
_entry_row = operator.itemgetter(*ENTRY_COLUMNS)

"""Fill a Desk database with N realistic tickets, fast, for the benchmark.

Three years of a service desk: tens of thousands of callers, tickets in every status
(most long closed, a working backlog), each with a few thread entries, and one ticket
with a thread of 200 entries. Rows go in with the driver's fastest path (executemany on
SQLite, COPY on PostgreSQL); indexes and full-text triggers are set aside during the load
and rebuilt after it, then the planner's statistics are refreshed.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from benchmarks.seed_load import Loader, Maker
from benchmarks.seed_rows import (
    CUSTOMER_COLUMNS,
    ENTRY_COLUMNS,
    LONG_THREAD,
    TICKET_COLUMNS,
    Tickets,
    customer_rows,
    draw_customers,
    postgres_time,
    sqlite_time,
)
from desk.services.demo import ensure_demo_desk
from desk.store.schema import customers, thread_entries, tickets
from desk.store.unit_of_work import SqlDatabase

#: The interactions both sides of the benchmark time, as the JSON names them.
TIMED = ("first_page_ms", "sort_ms", "filter_ms", "jump_last_ms", "search_ms", "open_thread_ms")
#: The very long thread Desk's side opens (made in memory, not seeded): 2,000 entries,
#: every hundredth a message of 100,000 characters.
LONG_THREAD_ENTRIES = 2_000
LONG_MESSAGE_EVERY = 100
LONG_MESSAGE_CHARS = 100_000
#: Tickets made, sent between processes and written at a time.
CHUNK = 20_000


@dataclass
class SeedReport:
    tickets_before: int
    tickets_after: int
    entries: int
    customers: int
    seconds: float
    long_thread_ticket: int


def settle_view(ms: int = 30) -> None:
    """Run the event loop for `ms`: a view given a new model lays itself out and paints
    the empty table over a few turns of the loop (a timer, a layout request, the paints),
    and all of that is the benchmark setting up, not the queue being shown. Both sides
    settle so before each clock starts."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


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
    loader = Loader(db, say, CHUNK)
    stamp = sqlite_time if loader.sqlite else postgres_time
    if loader.sqlite:
        now = now.replace(tzinfo=None)  # naive UTC throughout: SQLite stores it so
    elsewhere = elsewhere and "fork" in multiprocessing.get_all_start_methods()
    with loader:
        drawn = draw_customers(rng, first_customer, n_customers)
        callers = [(customer[0], customer[1]) for customer in drawn]
        generator = Tickets(
            rng, desk, callers, now, first_ticket, first_entry, new_tickets, stamp, CHUNK
        )
        # The full-text indexes are made beside the load only when they index nothing
        # but the new rows; else they are rebuilt over all of them, in place.
        fresh = first_ticket == 1 and first_entry == 1
        # (SQLite's FTS5 only: PostgreSQL's search columns fill as the rows go in.)
        search = loader.scratch_search() if elsewhere and fresh and loader.sqlite else None
        # Rows go between processes as marshal data, which holds SQLite's text times
        # but not PostgreSQL's datetimes: PostgreSQL's rows are made here.
        maker = Maker(generator.chunks(), search) if elsewhere and loader.sqlite else None
        # The callers' rows after the fork: the maker needs only their names.
        people = customer_rows(drawn, stamp, now)
        loader.write("customers", CUSTOMER_COLUMNS, (row for row, _terms in people))
        loader.write(
            "customer_terms", ["term", "customer_id"], (t for _row, terms in people for t in terms)
        )
        say(f"  customers: {n_customers:,} in {time.perf_counter() - started:.1f} s")
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

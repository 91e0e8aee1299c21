"""The benchmark's SQLite seed makes the same desk whichever way it runs (no timings here).

The fast way makes rows and full-text indexes in a second process and copies the FTS5
tables in; the plain way does everything in one process and rebuilds the indexes in place.
Both must leave the same schema, rows, FTS5 blocks and statistics, and a desk that opens,
searches and shows the long thread as before.
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

import benchmarks.bulk_seed as bulk_seed
import benchmarks.seed_rows as seed_rows
from desk.domain.queues import QueueQuery
from desk.services import queries
from desk.services.database import open_database

from ..conftest import _TABLES

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
TICKETS = 2_500
#: What the seed writes; the demo desk's people around it carry the wall clock's times.
SEEDED = ("customers", "customer_terms", "tickets", "thread_entries", "sqlite_sequence")
SEARCH = [
    f"{name}_{shadow}"
    for name in ("ticket_subject_fts", "thread_fts")
    for shadow in ("data", "idx", "docsize", "config")
]


def _seeded(path: Path, monkeypatch: pytest.MonkeyPatch, *, elsewhere: bool) -> dict:
    monkeypatch.setattr(bulk_seed, "CHUNK", 700)  # several chunks through the pipe
    db = open_database(f"sqlite:///{path}")
    try:
        report = bulk_seed.seed(db, TICKETS, say=lambda _line: None, now=NOW, elsewhere=elsewhere)
        assert report.tickets_after == TICKETS
        assert bulk_seed.long_thread_ticket(db) == report.long_thread_ticket
        found = {
            "search": {w: queries.search_tickets(db, w) for w in ("printer", "vpn", "outlook")},
            "thread": [
                (e.kind, e.body) for e in queries.get_ticket(db, report.long_thread_ticket).thread
            ],
            "queue": [r.id for r in queries.queue_page(db, QueueQuery(), 0, 50)],
        }
    finally:
        db.close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        for name in ("ticket_subject_fts", "thread_fts"):  # the index matches its rows
            con.execute(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")
        found["schema"] = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
        for table in (*SEEDED, *SEARCH):
            found[table] = con.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        found["sqlite_stat1"] = con.execute("SELECT * FROM sqlite_stat1 ORDER BY 1, 2").fetchall()
    finally:
        con.close()
    return found


@pytest.mark.slow
@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the fast way forks"
)
def test_the_fast_seed_makes_the_same_desk_as_the_plain_one(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
):
    fast, plain = tmp_path / "fast.sqlite3", tmp_path / "plain.sqlite3"
    shutil.copy(sqlite_template, fast)
    shutil.copy(sqlite_template, plain)
    made_fast = _seeded(fast, monkeypatch, elsewhere=True)
    made_plain = _seeded(plain, monkeypatch, elsewhere=False)
    assert made_fast["tickets"] and made_fast["ticket_subject_fts_data"]
    assert made_fast["search"]["printer"], "the benchmark's words find tickets"
    assert len(made_fast["thread"]) > bulk_seed.LONG_THREAD
    for key in made_plain:
        assert made_fast[key] == made_plain[key], key


@pytest.mark.slow
def test_a_second_seed_adds_to_the_desk_and_its_search(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
):
    """A desk with tickets already rebuilds its full-text indexes in place, over all rows."""
    path = tmp_path / "desk.sqlite3"
    shutil.copy(sqlite_template, path)
    db = open_database(f"sqlite:///{path}")
    try:
        bulk_seed.seed(db, 300, say=lambda _line: None, now=NOW)
        bulk_seed.seed(db, 900, say=lambda _line: None, now=NOW)
        with db.read() as uow:
            assert uow.tickets.count() == 900
    finally:
        db.close()
    con = sqlite3.connect(path)
    try:
        for name in ("ticket_subject_fts", "thread_fts"):
            con.execute(f"INSERT INTO {name}({name}, rank) VALUES ('integrity-check', 1)")
        assert con.execute("SELECT count(*) FROM ticket_subject_fts_docsize").fetchone() == (900,)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        con.close()


@pytest.mark.slow
def test_the_seed_on_postgresql_leaves_room_for_hot_breach_stamps(postgres_url):
    """COPY fills the pages of `tickets` only to its fillfactor, and the index rebuild
    keeps the setting: a breach stamp (no indexed column) then stays on its page, one
    ticket of each page at once, without touching the two dozen indexes. On pages
    packed full every stamp would be a new row elsewhere and an entry in every index."""
    if postgres_url is None:
        pytest.skip("PostgreSQL is not running (set DESK_REQUIRE_POSTGRES=1 to fail instead)")
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {_TABLES}, search_words RESTART IDENTITY CASCADE"))
    db = open_database(postgres_url)
    try:
        bulk_seed.seed(db, TICKETS, say=lambda _line: None, now=NOW)
    finally:
        db.close()
    try:
        with engine.connect() as conn:
            options = conn.execute(
                text("SELECT reloptions FROM pg_class WHERE relname = 'tickets'")
            ).scalar_one()
            assert "fillfactor=90" in options
            one_a_page = (
                conn.execute(
                    text(
                        "SELECT DISTINCT ON ((ctid::text::point)[0]) id FROM tickets"
                        " ORDER BY (ctid::text::point)[0], id"
                    )
                )
                .scalars()
                .all()
            )
            assert len(one_a_page) > 50  # pages enough that a packed one would show
            stamped = conn.execute(
                text("UPDATE tickets SET resolution_breached_at = created_at WHERE id = ANY(:ids)"),
                {"ids": one_a_page},
            ).rowcount
            hot = conn.execute(
                text("SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'tickets'")
            ).scalar_one()
            assert (stamped, hot) == (len(one_a_page), len(one_a_page))
            conn.rollback()
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {_TABLES}, search_words RESTART IDENTITY CASCADE"))
        engine.dispose()


def test_the_seeds_quick_choice_draws_what_random_choice_draws():
    """The seed's copy of Random.choice must pick what the standard library's would, or a
    seed on another Python would make another desk than the one its figures came from."""
    ours, theirs = random.Random(11), random.Random(11)
    choose = seed_rows.chooser(ours)
    for n in (1, 2, 3, 7, 8, 9, 37, 50_000):
        seq = list(range(n))
        assert [choose(seq) for _ in range(500)] == [theirs.choice(seq) for _ in range(500)]
    assert ours.random() == theirs.random()  # and used up the same draws

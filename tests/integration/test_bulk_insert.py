"""SQLite's sweep writes its events and notices through the DB-API's executemany: the
rows stored are those SQLAlchemy's own insert stores, value for value."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from desk.domain.thread import EntryKind, EventType
from desk.store import schema
from desk.store.bulk_insert import insert_rows

NOW = datetime(2026, 6, 1, 9, 30, 15, 250_000, tzinfo=UTC)
DUE = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
ROWS = [  # ticket, kind, agent, author, body, event, data, version
    (1, EntryKind.EVENT, None, "Desk", "", EventType.SLA_BREACHED, {"clock": "resolution"}, 3),
    (1, EntryKind.NOTE, 2, 'Zoë "Z" O\\Brien', "a, {b}", None, None, 4),
]
COLUMNS = (
    "ticket_id",
    "kind",
    "agent_id",
    "author_name",
    "body",
    "event",
    "data",
    "ticket_version",
)


def _stored(path: Path, write) -> list[tuple]:
    engine = create_engine(f"sqlite:///{path}")  # no foreign keys: rows without parents
    with engine.begin() as conn:
        write(conn)
    engine.dispose()
    con = sqlite3.connect(path)
    try:
        return [
            con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("thread_entries", "notifications")
        ]
    finally:
        con.close()


def test_the_rows_are_those_sqlalchemys_insert_stores(tmp_path: Path, sqlite_template: Path):
    ours, theirs = tmp_path / "ours.sqlite3", tmp_path / "theirs.sqlite3"
    shutil.copy(sqlite_template, ours)
    shutil.copy(sqlite_template, theirs)
    notices = [(2, 1, "sla_breached", {"clock": "resolution", "due": DUE.isoformat()})]

    def with_insert_rows(conn):
        insert_rows(conn, schema.thread_entries, COLUMNS, ROWS, {"created_at": NOW})
        insert_rows(
            conn,
            schema.notifications,
            ("agent_id", "ticket_id", "kind", "data"),
            notices,
            {"created_at": NOW, "read_at": None},
        )

    def with_sqlalchemy(conn):
        conn.execute(
            insert(schema.thread_entries),
            [dict(zip(COLUMNS, row, strict=True)) | {"created_at": NOW} for row in ROWS],
        )
        conn.execute(
            insert(schema.notifications),
            [
                {"agent_id": a, "ticket_id": t, "kind": k, "data": d, "created_at": NOW}
                | {"read_at": None}
                for a, t, k, d in notices
            ],
        )

    stored = _stored(ours, with_insert_rows)
    assert stored == _stored(theirs, with_sqlalchemy)
    assert len(stored[0]) == 2 and len(stored[1]) == 1


def test_a_row_short_of_a_value_is_refused(tmp_path: Path, sqlite_template: Path):
    path = tmp_path / "desk.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn, pytest.raises(ValueError, match="a value for each"):
            insert_rows(conn, schema.thread_entries, COLUMNS, [ROWS[0][:-1]], {"created_at": NOW})
    finally:
        engine.dispose()

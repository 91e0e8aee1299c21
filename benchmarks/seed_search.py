"""SQLite's full-text indexes for the benchmark seed, made beside the load, not after it.

Rebuilding the two FTS5 indexes of a million tickets took a fifth of the seed, on one core,
after the rows were in. The process that makes the rows has nothing to do by then, so it
keeps each row's id and text and builds the indexes in a scratch database of its own, with
the same FTS5 statement the desk's own rebuild runs, while the writer builds the B-tree
indexes; the writer then copies the FTS5 tables' shadow tables in. FTS5 stores nothing but
those tables, so the desk ends up with the same index, block for block, as one rebuilt in
place (tests/integration/test_bulk_seed.py compares the two).
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: The FTS5 tables and where their text comes from: (content table, its id and text columns).
SEARCH_TABLES = {
    "ticket_subject_fts": ("tickets", "id", "subject"),
    "thread_fts": ("thread_entries", "id", "body"),
}
SHADOWS = ("data", "idx", "docsize", "config")
SCRATCH = "seed_search"

# A rebuild reads its content table with a bare SELECT, in whatever order the planner picks.
# In the desk that is ix_tickets_sort_subject (subject, id), the narrowest index holding
# both, so the subjects arrive in that order (and their order decides how the index is cut
# into segments); the thread's bodies, covered by no index, arrive in id order. The scratch
# tables are keyed so that a scan returns the same orders.
_CONTENT = {
    "tickets": "CREATE TABLE tickets (id INTEGER NOT NULL, subject TEXT NOT NULL,"
    " PRIMARY KEY (subject, id)) WITHOUT ROWID",
    "thread_entries": "CREATE TABLE thread_entries (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
}
_ID_SUBJECT = operator.itemgetter(0, 1)  # from a ticket row in TICKET_COLUMNS order
_ID_BODY = operator.itemgetter(0, 5)  # from an entry row in ENTRY_COLUMNS order
_SUBJECT_ID = operator.itemgetter(1, 0)


class ScratchSearch:
    """The FTS5 tables of `ddl` (name -> CREATE VIRTUAL TABLE), made in a file at `path`.

    `keep` and `build` run in the process that makes the rows, `copy_into` in the writer,
    after `build` has finished and closed the file.
    """

    def __init__(self, path: Path, ddl: dict[str, str]) -> None:
        self.path, self.ddl = path, ddl
        self._rows: dict[str, list[tuple[Any, ...]]] = {"tickets": [], "thread_entries": []}

    def keep(
        self, ticket_rows: Sequence[tuple[Any, ...]], entry_rows: Sequence[tuple[Any, ...]]
    ) -> None:
        self._rows["tickets"].extend(map(_ID_SUBJECT, ticket_rows))
        self._rows["thread_entries"].extend(map(_ID_BODY, entry_rows))

    def build(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            # A scratch file: nothing to keep safe, and it is deleted after the copy.
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-500000")
            conn.execute("BEGIN")
            for table, sql in _CONTENT.items():
                rows = self._rows.pop(table)
                if table == "tickets":
                    rows.sort(key=_SUBJECT_ID)  # appends to the keyed table, not inserts
                conn.execute(sql)
                conn.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
                del rows
            for name, sql in self.ddl.items():
                conn.execute(sql)
                conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
            conn.execute("COMMIT")
        finally:
            conn.close()

    def copy_into(self, execute: Callable[..., Any]) -> None:
        """Replace the desk's (empty) FTS5 shadow tables by the scratch ones, inside the
        writer's transaction. The writer's connection must not have read the FTS5 tables
        in this transaction (FTS5 keeps their structure in memory), and it detaches the
        scratch file after its commit (`detach`)."""
        execute(f"ATTACH DATABASE ? AS {SCRATCH}", (str(self.path),))
        for name in self.ddl:
            for shadow in SHADOWS:
                table = f"{name}_{shadow}"
                execute(f"DELETE FROM main.{table}")
                execute(f"INSERT INTO main.{table} SELECT * FROM {SCRATCH}.{table}")

    @staticmethod
    def detach(execute: Callable[..., Any]) -> None:
        execute(f"DETACH DATABASE {SCRATCH}")

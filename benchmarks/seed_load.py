"""How the seed's rows get into the database fast, and the second process that makes them.

`Loader` writes with the driver's fastest path (executemany on SQLite, COPY on PostgreSQL),
with the big tables' secondary indexes and full-text triggers set aside during the load and
rebuilt after it, then the planner's statistics refreshed. `Maker` makes the rows (and on
SQLite the full-text indexes, benchmarks/seed_search.py) in a forked process meanwhile.
"""

from __future__ import annotations

import contextlib
import itertools
import marshal
import multiprocessing
import pickle
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from benchmarks.seed_rows import Chunk
from benchmarks.seed_search import SEARCH_TABLES, ScratchSearch
from desk.store.unit_of_work import SqlDatabase


class Loader:
    """Bulk writes with the database's fastest path; indexes and triggers rebuilt at the end."""

    def __init__(self, db: SqlDatabase, say: Callable[[str], None], chunk: int) -> None:
        self.db, self.say, self.chunk = db, say, chunk
        self.sqlite = db.backend == "sqlite"
        self._saved: list[str] = []
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._search: ScratchSearch | None = None
        #: Waits until the full-text indexes of `scratch_search` are made (set by the seed).
        self.search_made: Callable[[], None] | None = None

    def __enter__(self) -> Loader:
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
            while batch := list(itertools.islice(rows, self.chunk)):
                self.conn.executemany(sql, batch)
            return
        with self.conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


class Maker:
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
    _AHEAD = 3  # chunks received and not yet stored, about 20 MB each at 20,000 tickets

    def __init__(self, chunks: Iterator[Chunk], search: ScratchSearch | None) -> None:
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

    def __iter__(self) -> Iterator[Chunk]:
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

"""PostgreSQL full-text search that finds the newest matches first, for rare words and
common ones alike, in a few milliseconds at millions of rows.

A GIN index answers "which rows hold these words" but not "which are the newest":
for a common word it hands back tens of thousands of rows to sort, and walking the
table backwards instead reads the whole table for a rare one. The planner cannot tell
the two apart for a prefix or for words that go together.

So each row's search document also carries the time slice it belongs to: its id divided
into slices of 32,768 rows, and groups of 8 and 64 slices, as three extra lexemes
(migration 0003 indexes the document). A search asks the index for the words *and* the
newest slice, which costs no more than the matches in that slice, and moves back
through older slices, as many at a time as the matches seen so far suggest, until it
has enough. Where the newest slices say little, it counts the matches in the whole
table from the index alone (without reading a row) and, when they are few, fetches
them all at once.

A word typed as a prefix is expanded into the words it begins, from a vocabulary kept
by triggers (`search_words`), because GIN's own prefix match gathers every row of every
such word on each probe.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from desk.domain.search import text_terms

SLICE_BITS = 15  # 32,768 rows a slice
SLICE = 1 << SLICE_BITS
#: Lexeme prefixes for groups of 64, 8 and 1 slices, widest first (as in migration 0003).
LEVELS = (("~c", 6), ("~b", 3), ("~a", 0))
FETCH_ALL = 2_000  # fewer matches than this left in the table: fetch them in one go
OVERSHOOT = 1.5  # ask for slices expected to hold this many times the matches needed
MAX_ALTERNATIVES = 64  # a prefix that begins more words than this is matched by GIN itself


def search_document(vector: str) -> str:
    """The indexed expression: a row's words and the lexemes of its time slices."""
    lexemes = ", ".join(f"'{name}' || (id >> {SLICE_BITS + shift})::text" for name, shift in LEVELS)
    return f"({vector} || array_to_tsvector(ARRAY[{lexemes}]))"


def slice_cover(lo: int, hi: int) -> list[str]:
    """The fewest slice lexemes that together name slices lo..hi (inclusive)."""
    lexemes = []
    while lo <= hi:
        for name, shift in LEVELS:
            width = 1 << shift
            if lo % width == 0 and lo + width - 1 <= hi:
                lexemes.append(f"{name}{lo >> shift}")
                lo += width
                break
    return lexemes


@dataclass(frozen=True)
class Slices:
    """How one table answers, for one query: the ways the search may ask it."""

    top_id: int  # the newest row's id
    probe: Callable[[int, int, int], list[int]]  # (lo, hi, n): newest n matches in slices lo..hi
    count: Callable[[], int]  # matches in the whole table (an estimate is enough)
    below: Callable[[int, int], list[int]]  # (hi, n): newest n matches in slices 0..hi


def newest_matches(table: Slices, limit: int, fetch_all: int = FETCH_ALL) -> list[int]:
    """The newest `limit` matches, newest first, asking for as few rows as it can.

    Each probe covers slices older than the last one, so the answer is exact whatever
    the estimates: a probe that returns fewer rows than asked has found all of its
    slices' matches. The estimates only decide how much each probe covers.
    """
    top = table.top_id >> SLICE_BITS
    # The newest slice alone when it is at least a quarter full, or with the one before.
    fill = (table.top_id % SLICE) / SLICE
    lo = top if fill >= 0.25 or top == 0 else top - 1
    found = table.probe(lo, top, limit)
    rest: int | None = None  # matches left below `lo`, once counted
    while len(found) < limit and lo > 0:
        need, hi = limit - len(found), lo - 1
        density = len(found) / ((table.top_id + 1 - lo * SLICE) / SLICE)  # per slice so far
        if rest is None and density * 4 < OVERSHOOT * need:
            rest = table.count() - len(found)
        if rest is not None:
            if rest <= fetch_all:
                return found + table.below(hi, need)
            density = rest / (hi + 1)
        lo = max(0, hi - math.ceil(OVERSHOOT * need / density) + 1)
        got = table.probe(lo, hi, need)
        found += got
        if rest is not None:
            rest -= len(got)
    return found


class PostgresTextSearch:
    """Newest tickets whose subject or thread holds every word, on PostgreSQL."""

    TABLES = (("tickets", "subject_tsv", "id"), ("thread_entries", "body_tsv", "ticket_id"))
    fetch_all = FETCH_ALL

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def search(self, words: Sequence[str], limit: int) -> set[int]:
        query = self._tsquery(words)
        if not query:
            return set()
        newest = ", ".join(f"(SELECT max(id) FROM {table})" for table, _v, _c in self.TABLES)
        tops = self._conn.execute(text(f"SELECT {newest}")).one()
        found: set[int] = set()
        # Bitmap scans of the search index only: the planner's guess at how common a
        # prefix or a pair of words is must not turn a probe into a walk of the table.
        with self._conn.begin_nested() as pinned:
            self._conn.execute(
                text(
                    "SELECT set_config('enable_seqscan', 'off', true),"
                    " set_config('enable_indexscan', 'off', true)"
                )
            )
            for (table, vector, column), top_id in zip(self.TABLES, tops, strict=True):
                if top_id is not None:
                    slices = self._slices(table, search_document(vector), column, query, top_id)
                    found.update(newest_matches(slices, limit, self.fetch_all))
            pinned.rollback()  # and the planner's settings with it
        return found

    def _slices(self, table: str, document: str, column: str, query: str, top_id: int) -> Slices:
        conn = self._conn
        select = f"SELECT {column} FROM {table} WHERE {document} @@ CAST(:q AS tsquery)"
        newest = " ORDER BY id DESC LIMIT :n"

        def probe(lo: int, hi: int, n: int) -> list[int]:
            slices = " | ".join(_quoted(lexeme) for lexeme in slice_cover(lo, hi))
            within = f"({query}) & ({slices})"
            return list(conn.scalars(text(select + newest), {"q": within, "n": n}))

        def below(hi: int, n: int) -> list[int]:
            params = {"q": query, "n": n, "end": (hi + 1) * SLICE}
            return list(conn.scalars(text(select + " AND id < :end" + newest), params))

        def count() -> int:
            # The index's own count, from the plan of a query that reads one row.
            plan = conn.execute(
                text(
                    "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, FORMAT JSON)"
                    f" SELECT 1 FROM {table} WHERE {document} @@ CAST(:q AS tsquery) LIMIT 1"
                ),
                {"q": query},
            ).scalar_one()
            return _index_rows(plan[0]["Plan"]) if isinstance(plan, list) else 0

        return Slices(top_id, probe, count, below)

    def _tsquery(self, words: Sequence[str]) -> str:
        """The words as a tsquery, with a prefix spelled out as the words it begins."""
        whole: list[str] = []
        parts: list[str] = []
        for word, prefix in text_terms(list(words)):
            alternatives = self._words_beginning(word) if prefix else None
            if alternatives:
                parts.append(" | ".join(_quoted(w) for w in alternatives))
            else:
                whole.append(f"{word}:*" if prefix else word)
        if whole:
            parsed = self._conn.execute(
                text("SELECT CAST(to_tsquery('simple', :q) AS text)"), {"q": " & ".join(whole)}
            ).scalar()
            if parsed:  # nothing when every word was punctuation to the parser ("_")
                parts.insert(0, parsed)
        return " & ".join(f"({part})" for part in parts)

    def _words_beginning(self, prefix: str) -> list[str] | None:
        """Indexed words that begin with `prefix`, or None when there are too many."""
        found = list(
            self._conn.scalars(
                text(
                    "SELECT word FROM search_words WHERE word >= :p AND word < :p || chr(1114111)"
                    " ORDER BY word LIMIT :n"
                ),
                {"p": prefix, "n": MAX_ALTERNATIVES + 1},
            )
        )
        return found if len(found) <= MAX_ALTERNATIVES else None


def _index_rows(node: dict[str, Any]) -> int:
    if node.get("Node Type") == "Bitmap Index Scan":
        return int(node.get("Actual Rows", 0))
    return sum(_index_rows(child) for child in node.get("Plans", []))


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"

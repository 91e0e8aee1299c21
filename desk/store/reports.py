"""The reports' rows (report_facts, report_spans) and the queries that count them.

Every query walks one table over a range of local days through an index that starts with
the day, with the filters as plain conditions, and groups in SQL: what comes back is a
row per day and key, never a row per ticket (except `ticket_rows`, streamed for CSV).
Percentiles are exact on both backends: each value's rank within its group by a window
function, and the row at the nearest rank kept (`desk.domain.report_facts.rank`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import (
    ARRAY,
    Column,
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    update,
)

from desk.domain.report_facts import TicketFacts
from desk.domain.reports import ReportFilters

from .engine import without_time_limits
from .schema import categories, customers, report_facts, report_spans, tickets

#: Rows written per statement.
CHUNK = 500
#: The percentiles' histogram buckets, in seconds: coarse enough that a histogram per
#: agent is a few thousand rows, fine enough that a bucket holds few values.
BUCKET = 900


_WRITE_FIRST_RESPONSES = (
    update(report_facts)
    .where(report_facts.c.ticket_id == bindparam("p_id"))
    .values(
        first_response_business=bindparam("p_business"),
        first_response_calendar=bindparam("p_calendar"),
        first_response_within=bindparam("p_within"),
    )
)

#: The same on PostgreSQL for a whole batch at once (its arrays, in order).
_FIRST_RESPONSE_ARRAYS = ("p_id", "p_business", "p_calendar", "p_within")
_WRITE_FIRST_RESPONSES_FROM_ARRAYS = text(
    "UPDATE report_facts SET first_response_business = f.business,"
    " first_response_calendar = f.calendar, first_response_within = f.within"
    " FROM unnest(CAST(:p_id AS integer[]), CAST(:p_business AS integer[]),"
    " CAST(:p_calendar AS integer[]), CAST(:p_within AS boolean[]))"
    " AS f(id, business, calendar, within)"
    " WHERE report_facts.ticket_id = f.id"
)


def among(conn: Connection, col: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids` with one parameter, not one per id (which SQLAlchemy makes and
    renders in Python, each time: a fifth of a recompute's reads of a batch of 500): on
    PostgreSQL `= ANY(array)`, on SQLite `IN` the values of a JSON array."""
    if conn.dialect.name == "postgresql":
        return col == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    listed = json.dumps([int(i) for i in ids])
    return col.in_(select(literal_column("value")).select_from(func.json_each(listed)))


def _filters(table: Table, filters: ReportFilters) -> list[ColumnElement[bool]]:
    c = table.c
    found: list[ColumnElement[bool]] = []
    if filters.team_id is not None:
        found.append(c.team_id == filters.team_id)
    if filters.agent_id is not None:
        found.append(c.assignee_id == filters.agent_id)
    if filters.topic_ids is not None:
        found.append(c.category_id.in_(sorted(filters.topic_ids)))
    if filters.channel is not None:
        found.append(c.channel == filters.channel)
    if filters.organisation is not None:
        found.append(c.organisation == filters.organisation)
    return found


def _in_days(column: Column[Any], first: int, last: int) -> ColumnElement[bool]:
    return and_(column >= first, column <= last)


#: What a report can break its figures down by or group them by: the column of both tables.
KEYS = {"channel": "channel", "topic": "category_id", "team": "team_id", "agent": "assignee_id"}


def _key(table: Table, key: str | None) -> ColumnElement[Any]:
    return table.c[KEYS[key]] if key else literal(None).label("key")


class ReportRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # --- writing -----------------------------------------------------------------------

    def write_facts(self, facts: Sequence[TicketFacts]) -> None:
        """Replace the rows of these tickets with `facts`."""
        ids = [f.ticket_id for f in facts]
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            self._conn.execute(delete(report_spans).where(report_spans.c.ticket_id.in_(part)))
            self._conn.execute(delete(report_facts).where(report_facts.c.ticket_id.in_(part)))
        rows = [_fact_row(f) for f in facts]
        spans = [
            {
                "ticket_id": f.ticket_id,
                "n": s.n,
                "opened_day": s.opened_day,
                "resolved_day": s.resolved_day,
                "team_id": f.team_id,
                "assignee_id": f.assignee_id,
                "category_id": f.category_id,
                "channel": f.channel,
                "organisation": f.organisation,
            }
            for f in facts
            for s in f.spans
        ]
        if rows:
            self._conn.execute(insert(report_facts), rows)
        if spans:
            self._conn.execute(insert(report_spans), spans)

    def write_first_responses(self, rows: Sequence[tuple[int, int, int, bool | None]]) -> None:
        """(ticket, business seconds, calendar seconds, within target) of tickets whose
        first-response figures changed (a plan or calendar edit's recompute)."""
        if not rows:
            return
        if self._conn.dialect.name == "postgresql":  # one statement, not one per ticket
            columns = zip(*rows, strict=True)
            self._conn.execute(
                _WRITE_FIRST_RESPONSES_FROM_ARRAYS,
                {k: list(v) for k, v in zip(_FIRST_RESPONSE_ARRAYS, columns, strict=True)},
            )
            return
        self._conn.execute(
            _WRITE_FIRST_RESPONSES,
            [{"p_id": i, "p_business": b, "p_calendar": c, "p_within": w} for i, b, c, w in rows],
        )

    # --- what the writers read ---------------------------------------------------------

    def first_responses(self, ticket_ids: Sequence[int]) -> dict[int, tuple[Any, Any, Any]]:
        """Ticket → its report row's first-response figures (business, calendar, within),
        for the tickets that have a row."""
        if not ticket_ids:
            return {}
        f = report_facts
        rows = self._conn.execute(
            select(
                f.c.ticket_id,
                f.c.first_response_business,
                f.c.first_response_calendar,
                f.c.first_response_within,
            ).where(among(self._conn, f.c.ticket_id, ticket_ids))
        )
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def organisations(self, customer_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(customer_ids))
        if not ids:
            return {}
        rows = self._conn.execute(
            select(customers.c.id, customers.c.organisation).where(customers.c.id.in_(ids))
        )
        return {row.id: row.organisation for row in rows}

    def missing(self, after_id: int, limit: int) -> list[int]:
        """Tickets after `after_id` that have no report row yet, in id order."""
        query = (
            select(tickets.c.id)
            .outerjoin(report_facts, report_facts.c.ticket_id == tickets.c.id)
            .where(tickets.c.id > after_id, report_facts.c.ticket_id.is_(None))
            .order_by(tickets.c.id)
            .limit(limit)
        )
        return list(self._conn.execute(query).scalars())

    def count_missing(self) -> int:
        facts = select(func.count()).select_from(report_facts)
        all_tickets = select(func.count()).select_from(tickets)
        return int(self._conn.execute(all_tickets).scalar_one()) - int(
            self._conn.execute(facts).scalar_one()
        )

    def unlimited(self) -> AbstractContextManager[None]:
        """No statement timeout inside this transaction: a long report is the user's to
        cancel."""
        return without_time_limits(self._conn)

    def interrupter(self) -> Callable[[], None]:
        """A function that stops the statement this connection runs, from another thread
        (SQLite's interrupt, PostgreSQL's cancel request)."""
        dbapi = self._conn.connection.dbapi_connection
        if self._conn.dialect.name == "sqlite":
            return dbapi.interrupt  # type: ignore[union-attr]
        return dbapi.cancel  # type: ignore[union-attr]

    # --- volume ------------------------------------------------------------------------

    def created(
        self, first: int, last: int, filters: ReportFilters, key: str | None
    ) -> list[tuple[int, Any, int]]:
        """(day, key, tickets created) for each day and key that has any."""
        t = report_facts
        return self._per_day(t, t.c.created_day, first, last, filters, key)

    def resolved(
        self, first: int, last: int, filters: ReportFilters, key: str | None
    ) -> list[tuple[int, Any, int]]:
        """(day, key, resolutions): a ticket resolved twice counts twice."""
        s = report_spans
        return self._per_day(s, s.c.resolved_day, first, last, filters, key)

    def reopened(
        self, first: int, last: int, filters: ReportFilters, key: str | None
    ) -> list[tuple[int, Any, int]]:
        s = report_spans
        return self._per_day(s, s.c.opened_day, first, last, filters, key, s.c.n > 0)

    def _per_day(
        self,
        table: Table,
        day: Column[Any],
        first: int,
        last: int,
        filters: ReportFilters,
        key: str | None,
        *more: ColumnElement[bool],
    ) -> list[tuple[int, Any, int]]:
        key_column = _key(table, key)
        query = (
            select(day, key_column, func.count())
            .where(_in_days(day, first, last), *_filters(table, filters), *more)
            .group_by(day, *((key_column,) if key else ()))
        )
        return [(row[0], row[1], row[2]) for row in self._conn.execute(query)]

    # --- backlog -----------------------------------------------------------------------

    def backlog(
        self, first: int, last: int, filters: ReportFilters, key: str
    ) -> tuple[dict[Any, int], list[tuple[int, Any, int, int]]]:
        """The spans open at the end of the day before `first`, per key, and (day, key,
        opened, resolved) for each day of the range: the backlog at the end of each day
        is the first plus the running sum of opened minus resolved."""
        s = report_spans
        where = _filters(s, filters)
        key_column = _key(s, key)
        # Open when the range starts: resolved since (an index walk from `first`), or
        # never; not the whole history before it.
        still_open = or_(s.c.resolved_day >= first, s.c.resolved_day.is_(None))
        opened = select(key_column, func.count()).where(s.c.opened_day < first, still_open, *where)
        before: dict[Any, int] = dict(self._conn.execute(opened.group_by(key_column)).all())
        days: dict[tuple[int, Any], list[int]] = {}
        for day, k, n in self._per_day(s, s.c.opened_day, first, last, filters, key):
            days.setdefault((day, k), [0, 0])[0] += n
        for day, k, n in self._per_day(s, s.c.resolved_day, first, last, filters, key):
            days.setdefault((day, k), [0, 0])[1] += n
        return before, [(day, k, o, r) for (day, k), (o, r) in sorted(days.items(), key=_order)]

    # --- durations ---------------------------------------------------------------------

    def percentiles(
        self,
        measure: str,
        first: int,
        last: int,
        filters: ReportFilters,
        key: str | None,
        ranks: Callable[[int], Sequence[int]],
    ) -> dict[Any, tuple[int, dict[int, int]]]:
        """For each key: how many tickets have `measure` ("first_response_business",
        "resolution_calendar" …) in the range, and the value at each rank `ranks(count)`
        asks for. First responses are counted on the day they were given, resolutions on
        the day of the last one.

        Exact without sorting every value: a histogram of quarter hours (one grouped scan,
        a few thousand rows back) finds the bucket each rank falls in, then the values of
        those buckets alone are read (one more scan) and the rank picked."""
        t = report_facts
        value = t.c[measure]
        day = t.c.first_response_day if measure.startswith("first_response") else t.c.resolved_day
        where = [_in_days(day, first, last), value.is_not(None), *_filters(t, filters)]
        key_column = _key(t, key)
        minute = (value // BUCKET).label("minute")  # integer division on both backends
        histogram: dict[Any, list[tuple[int, int]]] = {}
        query = select(key_column, minute, func.count()).where(*where)
        query = query.group_by(*((key_column,) if key else ()), minute)
        for k, m, n in self._conn.execute(query):
            histogram.setdefault(k, []).append((int(m), int(n)))
        # Which bucket each wanted rank falls in, per key; then one read of those
        # buckets' values alone.
        wanted: dict[Any, dict[int, tuple[int, int]]] = {}
        counts: dict[Any, int] = {}
        for k, buckets in histogram.items():
            buckets.sort()
            counts[k] = sum(n for _m, n in buckets)
            wanted[k] = {r: _bucket_of(buckets, r) for r in set(ranks(counts[k]))}
        ranges = {(k, m) for k, at in wanted.items() for m, _before in at.values()}
        found: dict[Any, tuple[int, dict[int, int]]] = {k: (n, {}) for k, n in counts.items()}
        if not ranges:
            return found
        key_of = t.c[KEYS[key]] if key else None

        def one(k: Any, m: int) -> ColumnElement[bool]:
            inside = and_(value >= m * BUCKET, value < (m + 1) * BUCKET)
            if key_of is None:
                return inside
            return and_(inside, key_of.is_(None) if k is None else key_of == k)

        # The database ranks the values of those buckets and hands back only the ones
        # wanted: a few rows, not the tens of thousands a bucket may hold at a million
        # tickets.
        bucket = (value // BUCKET).label("bucket")
        ranked = (
            select(
                key_column.label("key"),
                bucket,
                value.label("value"),
                func.row_number()
                .over(partition_by=[key_column, bucket] if key else [bucket], order_by=value)
                .label("n"),
            )
            .where(*where, or_(*(one(k, m) for k, m in ranges)))
            .subquery()
        )
        picks = {(k, m, r - before) for k, at in wanted.items() for r, (m, before) in at.items()}

        def pick(k: Any, m: int, n: int) -> ColumnElement[bool]:
            at = and_(ranked.c.bucket == m, ranked.c.n == n)
            if key_of is None:
                return at
            return and_(at, ranked.c.key.is_(None) if k is None else ranked.c.key == k)

        values: dict[tuple[Any, int, int], int] = {}
        query = select(ranked.c.key, ranked.c.bucket, ranked.c.n, ranked.c.value).where(
            or_(*(pick(*p) for p in picks))
        )
        for k, m, n, v in self._conn.execute(query):
            values[(k, int(m), int(n))] = v
        for k, at in wanted.items():
            for r, (m, before) in at.items():
                found[k][1][r] = values[(k, m, r - before)]
        return found

    # --- compliance, satisfaction, agents ----------------------------------------------

    def compliance(
        self, first: int, last: int, filters: ReportFilters, key: str | None
    ) -> dict[str, dict[Any, tuple[int, int]]]:
        """Per clock ("first_response", "resolution") and key: (within target, breached)
        of the clocks that finished in the range under a target."""
        t = report_facts
        found: dict[str, dict[Any, tuple[int, int]]] = {}
        for clock, day in (
            ("first_response", t.c.first_response_day),
            ("resolution", t.c.resolved_day),
        ):
            within = t.c[f"{clock}_within"]
            key_column = _key(t, key)
            query = (
                select(
                    key_column,
                    func.sum(case((within.is_(True), 1), else_=0)),
                    func.sum(case((within.is_(False), 1), else_=0)),
                )
                .where(_in_days(day, first, last), within.is_not(None), *_filters(t, filters))
                .group_by(key_column)
            )
            found[clock] = {k: (int(a or 0), int(b or 0)) for k, a, b in self._conn.execute(query)}
        return found

    def resolved_summary(
        self, first: int, last: int, filters: ReportFilters, key: str | None
    ) -> dict[Any, dict[str, int]]:
        """Per key, of the tickets last resolved in the range: how many, how many were
        ever reopened, how many were rated, the sum of the ratings and the count of each."""
        t = report_facts
        key_column = _key(t, key)
        columns = [
            func.count().label("resolved"),
            func.sum(case((t.c.reopen_count > 0, 1), else_=0)).label("reopened"),
            func.count(t.c.csat).label("rated"),
            func.coalesce(func.sum(t.c.csat), 0).label("csat_sum"),
            *(func.sum(case((t.c.csat == n, 1), else_=0)).label(f"csat_{n}") for n in range(1, 6)),
        ]
        query = (
            select(key_column.label("key"), *columns)
            .where(_in_days(t.c.resolved_day, first, last), *_filters(t, filters))
            .group_by(key_column)
        )
        found = {}
        for row in self._conn.execute(query).mappings():
            found[row["key"]] = {name: int(row[name] or 0) for name in row if name != "key"}
        return found

    # --- the tickets behind a figure ---------------------------------------------------

    def tickets_for(
        self,
        kind: str,
        first: int,
        last: int,
        filters: ReportFilters,
        key: str | None,
        value: Any,
        limit: int,
    ) -> list[dict[str, Any]]:
        """The tickets a bar counts (created, resolved, reopened, first_response,
        resolution, breached, rated or rated:N, resolved_reopened, backlog), newest first,
        at most `limit`."""
        f, s = report_facts, report_spans
        table: Table = s if kind in ("resolved", "reopened", "backlog") else f
        conditions = _filters(table, filters)
        if key is not None:
            conditions.append(table.c[KEYS[key]] == value)
        day_column = {
            "created": f.c.created_day,
            "resolved": s.c.resolved_day,
            "reopened": s.c.opened_day,
            "first_response": f.c.first_response_day,
            "first_response_breached": f.c.first_response_day,
            "resolution": f.c.resolved_day,
            "resolution_breached": f.c.resolved_day,
            "rated": f.c.resolved_day,
            "resolved_reopened": f.c.resolved_day,
        }.get(kind.split(":")[0])
        if kind == "backlog":  # open at the end of `last`
            conditions += [
                s.c.opened_day <= last,
                or_(s.c.resolved_day.is_(None), s.c.resolved_day > last),
            ]
        elif day_column is not None:
            conditions.append(_in_days(day_column, first, last))
        else:
            raise ValueError(f"no such figure: {kind}")
        if kind == "reopened":
            conditions.append(s.c.n > 0)
        elif kind.endswith("_breached"):
            conditions.append(f.c[kind.replace("_breached", "_within")].is_(False))
        elif kind == "rated":
            conditions.append(f.c.csat.is_not(None))
        elif kind.startswith("rated:"):  # "rated:4": the tickets rated 4
            conditions.append(f.c.csat == int(kind.split(":")[1]))
        elif kind == "resolved_reopened":
            conditions.append(f.c.reopen_count > 0)
        ids = select(table.c.ticket_id).where(*conditions).distinct().subquery()
        query = (
            select(
                tickets.c.id,
                tickets.c.subject,
                tickets.c.status,
                tickets.c.team_name,
                tickets.c.assignee_name,
                tickets.c.created_at,
            )
            .where(tickets.c.id.in_(select(ids.c.ticket_id)))
            .order_by(tickets.c.id.desc())
            .limit(limit)
        )
        return [dict(row) for row in self._conn.execute(query).mappings()]

    def ticket_rows(self, first: int, last: int, filters: ReportFilters) -> Iterator[Any]:
        """One row per ticket created in the range with its figures, streamed from the
        server in batches (never the whole result in memory)."""
        f = report_facts
        query: Select[Any] = (
            select(
                tickets.c.id,
                tickets.c.subject,
                f.c.channel,
                categories.c.name.label("topic"),
                tickets.c.team_name,
                tickets.c.assignee_name,
                f.c.organisation,
                tickets.c.status,
                tickets.c.priority,
                tickets.c.created_at,
                f.c.first_response_business,
                f.c.first_response_calendar,
                f.c.first_response_within,
                tickets.c.resolved_at,
                f.c.resolution_business,
                f.c.resolution_calendar,
                f.c.resolution_within,
                f.c.reopen_count,
                f.c.csat,
            )
            .select_from(
                f.join(tickets, tickets.c.id == f.c.ticket_id).outerjoin(
                    categories, categories.c.id == f.c.category_id
                )
            )
            .where(_in_days(f.c.created_day, first, last), *_filters(f, filters))
            .order_by(f.c.created_day, f.c.ticket_id)
        )
        result = self._conn.execution_options(stream_results=True, yield_per=2_000).execute(query)
        yield from result

    def count_rows(self, first: int, last: int, filters: ReportFilters) -> int:
        f = report_facts
        query = select(func.count()).where(
            _in_days(f.c.created_day, first, last), *_filters(f, filters)
        )
        return int(self._conn.execute(query).scalar_one())


def _bucket_of(buckets: list[tuple[int, int]], wanted: int) -> tuple[int, int]:
    """The minute the `wanted`-th value falls in, and how many values come before it."""
    before = 0
    for minute, n in buckets:
        if before + n >= wanted:
            return minute, before
        before += n
    raise ValueError("a rank past the last value")


def _order(item: tuple[tuple[int, Any], list[int]]) -> tuple[int, str]:
    (day, key), _counts = item
    return day, str(key)


def _fact_row(f: TicketFacts) -> dict[str, Any]:
    return {
        "ticket_id": f.ticket_id,
        "created_day": f.created_day,
        "team_id": f.team_id,
        "assignee_id": f.assignee_id,
        "category_id": f.category_id,
        "channel": f.channel,
        "organisation": f.organisation,
        "reopen_count": f.reopen_count,
        "csat": f.csat,
        "first_response_day": f.first_response_day,
        "first_response_business": f.first_response_business,
        "first_response_calendar": f.first_response_calendar,
        "first_response_within": f.first_response_within,
        "resolved_day": f.resolved_day,
        "resolution_business": f.resolution_business,
        "resolution_calendar": f.resolution_calendar,
        "resolution_within": f.resolution_within,
    }

"""Queue pages, counts and search, in SQL: the table never holds more than a window of rows.

Every sort is `ORDER BY <column>, id` in one direction, which an index of the form
(column, id) answers by walking it. A page deep in the second half of a queue is read
from the other end, reversed, so that no page costs more than half the queue's length.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Integer,
    any_,
    bindparam,
    column,
    false,
    func,
    select,
    text,
    true,
)

from desk.domain.model import ACTIVE_STATUSES, DONE_STATUSES
from desk.domain.queues import QueueFilter, QueueQuery, QueueRow, SortKey
from desk.domain.search import cased_words, customer_terms, looks_like_phone, text_terms, words
from desk.domain.ticket import parse_number

from .directory import CustomerRepository
from .schema import tickets
from .text_search import PostgresTextSearch

SORT_COLUMNS = {
    SortKey.NUMBER: tickets.c.id,
    SortKey.SUBJECT: tickets.c.subject,
    SortKey.CUSTOMER: tickets.c.customer_name,
    SortKey.PRIORITY: tickets.c.priority,
    SortKey.STATUS: tickets.c.status,
    SortKey.TEAM: tickets.c.team_name,
    SortKey.ASSIGNEE: tickets.c.assignee_name,
    SortKey.CHANNEL: tickets.c.channel,
    SortKey.CREATED: tickets.c.created_at,
    SortKey.UPDATED: tickets.c.updated_at,
    SortKey.DUE: tickets.c.due_at,
}

ROW_COLUMNS = (
    tickets.c.id,
    tickets.c.subject,
    tickets.c.customer_name,
    tickets.c.priority,
    tickets.c.status,
    tickets.c.team_name,
    tickets.c.assignee_name,
    tickets.c.channel,
    tickets.c.created_at,
    tickets.c.updated_at,
    tickets.c.due_at,
    tickets.c.version,
    tickets.c.at_risk_at,
    tickets.c.sla_plan_id,
)

DEFERRED_FROM = 500  # pages this deep pick their ids from the index first (a deferred join)


def filter_conditions(spec: QueueFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if spec.statuses is not None:
        if spec.statuses == ACTIVE_STATUSES:
            conditions.append(tickets.c.is_active == true())
        elif spec.statuses == DONE_STATUSES:
            conditions.append(tickets.c.is_active == false())
        elif len(spec.statuses) == 1:
            conditions.append(tickets.c.status == next(iter(spec.statuses)))
        else:
            conditions.append(tickets.c.status.in_(sorted(spec.statuses)))
    if spec.team_id is not None:
        conditions.append(tickets.c.team_id == spec.team_id)
    if spec.assignee_id is not None:
        conditions.append(tickets.c.assignee_id == spec.assignee_id)
    if spec.unassigned:
        conditions.append(tickets.c.assignee_id.is_(None))
    if spec.due_before is not None:
        conditions.append(tickets.c.due_at < spec.due_before)
    if spec.due_from is not None:
        conditions.append(tickets.c.due_at >= spec.due_from)
    if spec.at_risk_before is not None:
        conditions.append(tickets.c.at_risk_at < spec.at_risk_before)
    if spec.updated_since is not None:
        conditions.append(tickets.c.updated_at >= spec.updated_since)
    if spec.customer_id is not None:
        conditions.append(tickets.c.customer_id == spec.customer_id)
    return conditions


def row_from(record: Any) -> QueueRow:
    return QueueRow(*record)


class QueueReader:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._searched: dict[str, list[int]] = {}  # one search per text per transaction

    def _where(self, query: QueueQuery) -> list[ColumnElement[bool]]:
        conditions = filter_conditions(query.filter)
        needle = query.text.strip()
        if needle:
            if needle not in self._searched:
                self._searched[needle] = self.search(needle)
            conditions.append(self._one_of(self._searched[needle]))
        return conditions

    def _one_of(self, ids: list[int]) -> ColumnElement[bool]:
        """`id IN (...)` with the ids as one parameter: 500 parameters cost more to render
        and send than the query takes to run."""
        if self._conn.dialect.name == "postgresql":
            return tickets.c.id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
        return tickets.c.id.in_(
            select(column("value")).select_from(func.json_each(json.dumps(ids)))
        )

    def count(self, query: QueueQuery) -> int:
        stmt = select(func.count()).select_from(tickets).where(*self._where(query))
        return self._conn.execute(stmt).scalar_one()

    def page(
        self, query: QueueQuery, offset: int, limit: int, total: int | None = None
    ) -> list[QueueRow]:
        """Rows [offset, offset + limit) of the queue in its sort order."""
        if limit <= 0 or offset < 0:
            return []
        descending = query.descending
        reverse = total is not None and offset > total // 2
        if reverse:
            assert total is not None
            end = min(total, offset + limit)
            limit, offset = end - offset, total - end
            descending = not descending
            if limit <= 0:
                return []
        order = _order(query.sort, descending)
        where = self._where(query)
        if offset < DEFERRED_FROM:
            stmt = select(*ROW_COLUMNS).where(*where).order_by(*order).offset(offset).limit(limit)
        else:
            # Skip rows in the sort index alone, then read only the page's own rows.
            ids = select(tickets.c.id).where(*where).order_by(*order).offset(offset).limit(limit)
            stmt = (
                select(*ROW_COLUMNS).where(tickets.c.id.in_(ids.scalar_subquery())).order_by(*order)
            )
        rows = [row_from(r) for r in self._conn.execute(stmt)]
        return rows[::-1] if reverse else rows

    def window(self, query: QueueQuery, offset: int, limit: int) -> tuple[int, list[QueueRow]]:
        """The queue's length and rows [offset, offset + limit). A search's first page
        and its length come from one read, which touches each match once: counting
        them first read every match's row, and the page read them all again to sort."""
        if offset == 0 and limit > 0 and query.text.strip():
            stmt = (
                select(*ROW_COLUMNS, func.count().over())
                .where(*self._where(query))
                .order_by(*_order(query.sort, query.descending))
                .limit(limit)
            )
            records = self._conn.execute(stmt).all()
            total = records[0][-1] if records else 0
            return total, [row_from(record[:-1]) for record in records]
        total = self.count(query)
        return total, self.page(query, offset, limit, total)

    def rows_by_id(self, ids: list[int]) -> list[QueueRow]:
        if not ids:
            return []
        stmt = select(*ROW_COLUMNS).where(tickets.c.id.in_(ids))
        return [row_from(r) for r in self._conn.execute(stmt)]

    # --- search -------------------------------------------------------------------------

    def search(self, needle: str, limit: int = 500) -> list[int]:
        """Ids of the newest tickets matching `needle`: a ticket number, a customer's name,
        email or phone, or words of the subject or thread."""
        needle = needle.strip()
        found: set[int] = set()
        number = parse_number(needle)
        if number is not None:
            found.add(number)
        matches = CustomerRepository(self._conn).lookup(customer_terms(needle), limit=50)
        if matches:
            customer_ids = [c.id for c in matches]
            found.update(
                self._conn.scalars(
                    select(tickets.c.id)
                    .where(tickets.c.customer_id.in_(customer_ids))
                    .order_by(tickets.c.id.desc())
                    .limit(limit)
                )
            )
        # A number, an email or a phone number is looked up, not searched for in text.
        if number is None and "@" not in needle and not looks_like_phone(needle):
            # SQLite's index folds accents like `words`; PostgreSQL's 'simple' one keeps them.
            sqlite = self._conn.dialect.name == "sqlite"
            terms = words(needle) if sqlite else cased_words(needle)
            if terms:
                found.update(self._full_text(terms, limit))
        return sorted(found, reverse=True)[:limit]

    def _full_text(self, words: list[str], limit: int) -> set[int]:
        if self._conn.dialect.name == "sqlite":
            # FTS5 walks its doclists newest first: as quick for common words as for rare.
            match = " ".join(f'"{w}"' + ("*" if prefix else "") for w, prefix in text_terms(words))
            params = {"q": match, "n": limit}
            found = set(self._conn.scalars(text(_SQLITE_SUBJECTS), params))
            found.update(self._conn.scalars(text(_SQLITE_THREADS), params))
            return found
        return PostgresTextSearch(self._conn).search(words, limit)


def _order(sort: SortKey, descending: bool) -> tuple[ColumnElement[Any], ...]:
    column = SORT_COLUMNS[sort]
    if sort == SortKey.NUMBER:
        return (column.desc(),) if descending else (column.asc(),)
    if descending:
        return column.desc(), tickets.c.id.desc()
    return column.asc(), tickets.c.id.asc()


_SQLITE_SUBJECTS = (
    "SELECT rowid FROM ticket_subject_fts WHERE ticket_subject_fts MATCH :q"
    " ORDER BY rowid DESC LIMIT :n"
)
_SQLITE_THREADS = (
    "SELECT e.ticket_id FROM (SELECT rowid AS entry_id FROM thread_fts"
    " WHERE thread_fts MATCH :q ORDER BY rowid DESC LIMIT :n) AS hits"
    " JOIN thread_entries AS e ON e.id = hits.entry_id"
)

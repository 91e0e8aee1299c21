"""Many rows into one table through the DB-API's `executemany`, for SQLite's sweep.

SQLAlchemy's own executemany builds a parameter dict for every row and runs each
column's bind processor inside it: for a sweep's events and notices on SQLite that cost
more than the inserts themselves. Here each column's processor (the same one SQLAlchemy
would use on this dialect) runs once per value, and a column that has the same value in
every row is processed once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    same: Mapping[str, Any] | None = None,
) -> None:
    """Insert `rows` (values in `columns` order) and, in every row, the values `same`."""
    if not rows:
        return
    if any(len(row) != len(columns) for row in rows):
        raise ValueError(f"{table.name}: a row without a value for each of {columns}")
    same = dict(same or {})
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=[*columns, *same])
    order = list(compiled.positiontup or ())  # the statement's own order: the table's
    if sorted(order) != sorted([*columns, *same]):
        raise ValueError(f"{table.name}: the statement binds {order}")
    processors = {name: _processor(conn, table, name) for name in order}
    fixed = {
        name: value if processors[name] is None else processors[name](value)
        for name, value in same.items()
    }
    given = {name: i for i, name in enumerate(columns)}
    # Each parameter of the statement, in its order: a value of the row, or a fixed one.
    slots = [(given.get(name), processors[name], fixed.get(name)) for name in order]
    conn.exec_driver_sql(
        str(compiled),
        [
            tuple(
                value if i is None else (row[i] if p is None else p(row[i]))
                for i, p, value in slots
            )
            for row in rows
        ],
    )


def _processor(conn: Connection, table: Table, name: str) -> Callable[[Any], Any] | None:
    type_ = table.c[name].type
    return type_.dialect_impl(conn.dialect).bind_processor(conn.dialect)

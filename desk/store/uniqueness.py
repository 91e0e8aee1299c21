"""Uniqueness is the database's to decide: a broken unique constraint, in Desk's words.

Checking first and inserting after leaves a gap in which another client inserts the same
login, team name or email (on PostgreSQL, where writers do not queue up as on SQLite).
So the repositories insert and let the constraint refuse, inside a savepoint so that the
transaction stays usable, and translate the refusal here.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.exc import IntegrityError

from desk.domain.errors import ValidationError

#: Unique columns a person chooses, the field they typed it in, and what to tell them.
_UNIQUE: Mapping[tuple[str, str], tuple[str, str]] = {
    ("agents", "login"): ("login", "The login “{value}” is taken."),
    ("teams", "name"): ("name", "There is already a team named “{value}”."),
    ("customers", "email"): ("email", "{value} already belongs to another customer."),
}


def violated_column(exc: IntegrityError) -> tuple[str, str] | None:
    """(table, column) of the unique constraint `exc` broke, or None for another kind."""
    orig: Any = exc.orig
    diag = getattr(orig, "diag", None)
    if diag is not None:  # psycopg: the constraint's name, uq_<table>_<column>
        name = diag.constraint_name or ""
        for table, column in _UNIQUE:
            if name == f"uq_{table}_{column}":
                return table, column
        return None
    text = str(orig)  # sqlite3: "UNIQUE constraint failed: agents.login"
    if "UNIQUE constraint failed:" in text:
        failed = text.split(":", 1)[1].strip()
        table, _, column = failed.partition(".")
        if "," not in failed:
            return table, column
    return None


def as_validation_error(exc: IntegrityError, value: object = "") -> ValidationError | None:
    """The field's message for a broken unique constraint, or None if it is not one."""
    broken = violated_column(exc)
    if broken is None or broken not in _UNIQUE:
        return None
    field, message = _UNIQUE[broken]
    shown = value or "This value"
    return ValidationError.single(field, message.format(value=shown))


def insert_unique(conn: Connection, statement: Insert, value: object) -> Any:
    """Run `statement` (INSERT ... RETURNING id) in a savepoint and return the new id; a
    broken unique constraint is a ValidationError naming the field (with `value` in its
    message) and leaves the transaction usable."""
    try:
        with conn.begin_nested():
            # Read before the savepoint ends: SQLite cannot release it under an open cursor.
            return conn.execute(statement).scalar_one()
    except IntegrityError as exc:
        refusal = as_validation_error(exc, value)
        if refusal is None:
            raise
        raise refusal from exc


def insert_or_nothing(
    conn: Connection, table: Table, values: Mapping[str, Any], keys: list[str]
) -> Any:
    """INSERT ... ON CONFLICT (keys) DO NOTHING: the row is there afterwards, whoever
    inserted it. Returns the new row's id, or None when one was there already."""
    # The dialect's own insert, loaded on first use: a SQLite desk never loads
    # PostgreSQL's dialect and the asyncio that comes with it (~40 ms at start-up).
    dialect: Any = importlib.import_module(f"sqlalchemy.dialects.{conn.dialect.name}")
    statement = (
        dialect.insert(table).values(dict(values)).on_conflict_do_nothing(index_elements=keys)
    )
    if "id" in table.c:
        return conn.execute(statement.returning(table.c.id)).scalar_one_or_none()
    conn.execute(statement)
    return None

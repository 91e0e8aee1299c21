"""Desk-wide settings: one row a key in `desk_settings`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, insert, select, update

from .schema import desk_settings


class DeskSettingsRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> str | None:
        return self._conn.execute(
            select(desk_settings.c.value).where(desk_settings.c.key == key)
        ).scalar_one_or_none()

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """Several settings in one query: those that are set, by key."""
        rows = self._conn.execute(
            select(desk_settings.c.key, desk_settings.c.value).where(
                desk_settings.c.key.in_(sorted(set(keys)))
            )
        )
        return {row.key: row.value for row in rows}

    def set(self, key: str, value: str) -> None:
        # Inside a write transaction (SQLite's BEGIN IMMEDIATE, a row lock on PostgreSQL
        # once the row exists); a first insert that races another is decided by the key.
        # A key not stored yet is inserted without trying an UPDATE first: on a shared
        # server an agent's login may add the desk's first phone country but update no
        # setting (desk.domain.db_rights).
        if self.get(key) is None:
            self._conn.execute(insert(desk_settings).values(key=key, value=value))
        else:
            self._conn.execute(
                update(desk_settings).where(desk_settings.c.key == key).values(value=value)
            )

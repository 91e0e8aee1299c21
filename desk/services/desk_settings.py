"""Desk-wide settings: what every agent's copy of Desk shares, stored in the database."""

from __future__ import annotations

from .database import Database

DESK_ID = "desk_id"


def desk_id(db: Database) -> str:
    """The desk's own random id (stored at creation): what an agent's computer files its
    per-desk memory (drafts, layout) under, whatever URL reached the database."""
    with db.read() as uow:
        value = uow.settings.get(DESK_ID)
    assert value, "every migrated desk has an id (migration 0004)"
    return value

"""Desk-wide settings: what every agent's copy of Desk shares, stored in the database."""

from __future__ import annotations

from desk.domain import validation
from desk.domain.errors import ValidationError
from desk.domain.permissions import Permission
from desk.store.unit_of_work import SqlUnitOfWork

from .database import Database
from .tickets import acting_agent

DESK_ID = "desk_id"
#: The country whose phone numbers may be typed without a country code (ISO 3166, "GB").
PHONE_REGION = "phone_region"


def desk_id(db: Database) -> str:
    """The desk's own random id (stored at creation): what an agent's computer files its
    per-desk memory (drafts, layout) under, whatever URL reached the database."""
    with db.read() as uow:
        value = uow.settings.get(DESK_ID)
    assert value, "every migrated desk has an id (migration 0004)"
    return value


def phone_region(db: Database) -> str:
    """The desk's country for phone numbers typed without a country code: what intake,
    the caller lookup and validation read "020 7946 0958" as. A desk that never chose
    one reads them as Desk always did, as US numbers."""
    with db.read() as uow:
        return stored_phone_region(uow)


def stored_phone_region(uow: SqlUnitOfWork) -> str:
    """`phone_region` inside a transaction a service has open already."""
    value = uow.settings.get(PHONE_REGION)
    return value if value else validation.DEFAULT_PHONE_REGION


def set_phone_region(db: Database, actor_id: int, region: str) -> str:
    """Change the desk's country for phone numbers (admins). Numbers already stored keep
    their country: they are stored with it (E.164)."""
    code = validation.clean_phone_region(region)
    with db.write() as uow:
        acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        uow.settings.set(PHONE_REGION, code)
        uow.commit()
    return code


def settle_phone_region(db: Database, region: str) -> str:
    """A new desk's first run: take `region` (the computer's own country) as the desk's,
    unless the desk has one already; the desk's region either way. A region Desk cannot
    read numbers of falls back to the default."""
    try:
        code = validation.clean_phone_region(region)
    except ValidationError:
        code = validation.DEFAULT_PHONE_REGION
    with db.write() as uow:
        stored = uow.settings.get(PHONE_REGION)
        if stored:
            return stored
        uow.settings.set(PHONE_REGION, code)
        uow.commit()
    return code

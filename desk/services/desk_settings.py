"""Desk-wide settings: what every agent's copy of Desk shares, stored in the database."""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from desk.domain import validation
from desk.domain.errors import ValidationError
from desk.domain.permissions import Permission
from desk.domain.ticket import NUMBER_PREFIX, PREFIX_PATTERN, set_number_prefix
from desk.store.unit_of_work import SqlUnitOfWork

from . import audit
from .database import Database
from .tickets import acting_agent

DESK_ID = "desk_id"
#: The country whose phone numbers may be typed without a country code (ISO 3166, "GB").
PHONE_REGION = "phone_region"
#: What the desk calls itself (the window's title, the About box).
DESK_NAME = "desk_name"
#: What ticket numbers start with ("HD-" in HD-000123).
TICKET_PREFIX = "ticket_prefix"
DEFAULT_DESK_NAME = "Help desk"
DESK_NAME_MAX = 80


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """The settings every agent's Desk shares."""

    desk_name: str
    phone_region: str
    ticket_prefix: str


def read_settings(db: Database) -> DeskSettings:
    with db.read() as uow:
        return _stored(uow)


def _stored(uow: SqlUnitOfWork) -> DeskSettings:
    return DeskSettings(
        desk_name=uow.settings.get(DESK_NAME) or DEFAULT_DESK_NAME,
        phone_region=stored_phone_region(uow),
        ticket_prefix=uow.settings.get(TICKET_PREFIX) or NUMBER_PREFIX,
    )


def clean_prefix(prefix: object) -> str:
    typed = validation.storable("ticket_prefix", "The prefix", prefix).strip().upper()
    if not PREFIX_PATTERN.match(typed):
        raise ValidationError.single(
            "ticket_prefix",
            "A ticket number prefix is a letter, then up to 7 letters or digits, and an "
            "optional dash: HD-, IT-, SD.",
        )
    return typed


def save_settings(
    db: Database, actor_id: int, *, desk_name: str, phone_region: str, ticket_prefix: str
) -> DeskSettings:
    """Change the desk's name, phone country and ticket number prefix (admins), with one
    audit entry for what changed. A new prefix shows on every ticket at once (numbers
    are ids: `HD-000123` becomes `IT-000123`, and the old form is still found)."""
    name, code, prefix = validation.collect(
        lambda: validation.clean_text(
            "desk_name", "The desk's name", desk_name, limit=DESK_NAME_MAX, required=True
        ),
        lambda: validation.clean_phone_region(phone_region),
        lambda: clean_prefix(ticket_prefix),
    )
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        before = _stored(uow)
        after = DeskSettings(name, code, prefix)
        changed = {
            key: (getattr(before, key), getattr(after, key))
            for key in ("desk_name", "phone_region", "ticket_prefix")
            if getattr(before, key) != getattr(after, key)
        }
        keys = {
            "desk_name": DESK_NAME,
            "phone_region": PHONE_REGION,
            "ticket_prefix": TICKET_PREFIX,
        }
        for key, (_old, new) in changed.items():
            uow.settings.set(keys[key], new)
        if changed:
            audit.record(
                uow,
                actor,
                "settings.change",
                "Changed the desk settings: " + ", ".join(k.replace("_", " ") for k in changed),
                before={k: old for k, (old, _new) in changed.items()},
                after={k: new for k, (_old, new) in changed.items()},
            )
        uow.commit()
    set_number_prefix(prefix)
    return after


def apply_number_prefix(db: Database) -> str:
    """Make this program show the desk's ticket number prefix (on opening a desk, and
    when the change feed says it changed)."""
    with db.read() as uow:
        prefix = uow.settings.get(TICKET_PREFIX) or NUMBER_PREFIX
    set_number_prefix(prefix)
    return prefix


def desk_id(db: Database) -> str:
    """The desk's own random id (stored at creation): what an agent's computer files its
    per-desk memory (drafts, layout) under, whatever URL reached the database. Read once
    per opened database: it never changes, and the window asks for it four times while
    it opens (a round trip each, on the GUI thread, on a server)."""
    known = _DESK_IDS.get(db)
    if known is not None:
        return known
    with db.read() as uow:
        value = uow.settings.get(DESK_ID)
    assert value, "every migrated desk has an id (migration 0004)"
    _DESK_IDS[db] = value
    return value


_DESK_IDS: WeakKeyDictionary[Database, str] = WeakKeyDictionary()


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
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        before = stored_phone_region(uow)
        uow.settings.set(PHONE_REGION, code)
        if before != code:
            audit.record(
                uow,
                actor,
                "settings.change",
                "Changed the desk settings: phone region",
                before={"phone_region": before},
                after={"phone_region": code},
            )
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

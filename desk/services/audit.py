"""The audit log of admin changes: `record` for every service that changes the desk's
set-up (in that service's own unit of work, so the entry exists exactly when the change
does), and the filtered, paged reading of it for admins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from desk.domain import validation
from desk.domain.audit import AuditFilter, AuditPage, Entity, NewAuditEntry
from desk.domain.errors import RecordConflict, ValidationError
from desk.domain.model import Agent
from desk.domain.permissions import Permission
from desk.store.unit_of_work import SqlUnitOfWork

from .database import Database
from .tickets import acting_agent

PAGE_MAX = 500


def _plain(value: Any) -> Any:
    """JSON-ready: enums as their values, datetimes as ISO text, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str | int):  # an enum
        return value.value
    return value


def record(
    uow: SqlUnitOfWork,
    actor: Agent | None,
    kind: str,
    summary: str,
    *,
    entity_id: int | None = None,
    version: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Write one audit entry in the caller's unit of work (it commits with the change).

    `kind` is "<entity>.<verb>" ("team.rename"); the entity is its first part.
    `version` is the record's version after the change: a later conflict names it."""
    entity = Entity(kind.split(".", 1)[0])
    uow.audit.record(
        NewAuditEntry(
            created_at=uow.now(),
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "Desk",
            kind=kind,
            entity=entity,
            entity_id=entity_id,
            entity_version=version,
            summary=summary,
            before=_plain(before) if before is not None else None,
            after=_plain(after) if after is not None else None,
        )
    )


def conflict(
    uow: SqlUnitOfWork, entity: Entity, entity_id: int, seen: int, what: str
) -> RecordConflict:
    """The error for an admin who saved over `seen`: who changed it since, and what."""
    return RecordConflict(what, uow.audit.changes_since(entity, entity_id, seen))


def audit_page(db: Database, actor_id: int, wanted: AuditFilter, limit: int = 100) -> AuditPage:
    """Newest first, the entries matching `wanted` (admins only)."""
    if not isinstance(wanted, AuditFilter):
        raise ValidationError.single("filter", "The audit filter is not one Desk knows.")
    limit = validation.clean_count("limit", "The page size", limit, low=1, high=PAGE_MAX)
    text = validation.clean_text("text", "The text", wanted.text, limit=200)
    actor = validation.clean_id("who", "agent", wanted.actor_id, optional=True)
    before = validation.clean_id("page", "entry", wanted.before_id, optional=True)
    since = validation.clean_moment("since", "From", wanted.since)
    until = validation.clean_moment("until", "To", wanted.until)
    if since is not None and until is not None and until <= since:
        raise ValidationError.single("until", "The end of the period must come after its start.")
    if wanted.entity is not None:
        validation.clean_choice("what", "kind of change", Entity, wanted.entity)
    kind = validation.clean_text("kind", "The kind", wanted.kind or "", limit=40) or None
    cleaned = replace(
        wanted, text=text, actor_id=actor, before_id=before, since=since, until=until, kind=kind
    )
    with db.read() as uow:
        acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        return uow.audit.page(cleaned, limit)

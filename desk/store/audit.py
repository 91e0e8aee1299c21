"""The audit log: one row per admin change, written in the change's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, String, cast, func, insert, or_, select

from desk.domain.audit import AuditEntry, AuditFilter, AuditPage, Entity, NewAuditEntry
from desk.domain.errors import ChangeByOther

from .schema import audit_log


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        created_at=row.created_at,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        kind=row.kind,
        entity=Entity(row.entity),
        entity_id=row.entity_id,
        entity_version=row.entity_version,
        summary=row.summary,
        before=row.before,
        after=row.after,
    )


class AuditRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record(self, entry: NewAuditEntry) -> int:
        return self._conn.execute(
            insert(audit_log)
            .values(
                created_at=entry.created_at,
                actor_id=entry.actor_id,
                actor_name=entry.actor_name,
                kind=entry.kind,
                entity=entry.entity.value,
                entity_id=entry.entity_id,
                entity_version=entry.entity_version,
                summary=entry.summary[:400],
                before=dict(entry.before) if entry.before is not None else None,
                after=dict(entry.after) if entry.after is not None else None,
            )
            .returning(audit_log.c.id)
        ).scalar_one()

    def page(self, wanted: AuditFilter, limit: int) -> AuditPage:
        """Newest first: the entries matching `wanted`, `limit` at most. Paged by id
        (keyset), so the thousandth page costs what the first does."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit + 1)
        if wanted.before_id is not None:
            query = query.where(audit_log.c.id < wanted.before_id)
        if wanted.actor_id is not None:
            query = query.where(audit_log.c.actor_id == wanted.actor_id)
        if wanted.entity is not None:
            query = query.where(audit_log.c.entity == wanted.entity.value)
        if wanted.kind:
            query = query.where(audit_log.c.kind == wanted.kind)
        if wanted.since is not None:
            query = query.where(audit_log.c.created_at >= wanted.since)
        if wanted.until is not None:
            query = query.where(audit_log.c.created_at < wanted.until)
        if wanted.text:
            # Bound parameters, never formatting; LIKE's own wildcards are escaped.
            typed = wanted.text.strip().lower()
            escaped = typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            query = query.where(
                or_(
                    func.lower(audit_log.c.summary).like(pattern, escape="\\"),
                    func.lower(audit_log.c.actor_name).like(pattern, escape="\\"),
                    func.lower(cast(audit_log.c.after, String)).like(pattern, escape="\\"),
                    func.lower(cast(audit_log.c.before, String)).like(pattern, escape="\\"),
                )
            )
        rows = list(self._conn.execute(query))
        return AuditPage(tuple(_entry(r) for r in rows[:limit]), more=len(rows) > limit)

    def kinds(self) -> list[str]:
        return list(self._conn.scalars(select(audit_log.c.kind).distinct().order_by("kind")))

    def changes_since(self, entity: Entity, entity_id: int, version: int) -> list[ChangeByOther]:
        """Who changed the record after `version`, for the conflict message."""
        rows = self._conn.execute(
            select(audit_log)
            .where(
                audit_log.c.entity == entity.value,
                audit_log.c.entity_id == entity_id,
                audit_log.c.entity_version > version,
            )
            .order_by(audit_log.c.id)
        )
        return [ChangeByOther(r.actor_name, r.created_at, r.summary) for r in rows]

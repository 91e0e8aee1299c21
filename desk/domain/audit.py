"""The audit log's entries and how the admin filters them: plain values, no storage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Entity(StrEnum):
    """What an admin change is about."""

    AGENT = "agent"
    TEAM = "team"
    TOPIC = "topic"
    SETTINGS = "settings"
    SLA = "sla"  # business calendars, SLA plans, a help topic's plan
    ROUTING = "routing"  # routing rules and teams' ways of assigning


@dataclass(frozen=True, slots=True)
class NewAuditEntry:
    """An entry about to be written (the store adds its id)."""

    created_at: datetime
    actor_id: int | None
    actor_name: str
    kind: str
    entity: Entity
    entity_id: int | None
    entity_version: int | None
    summary: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    created_at: datetime
    actor_id: int | None
    actor_name: str
    kind: str  # "<entity>.<verb>": "agent.create", "team.rename", "settings.change"
    entity: Entity
    entity_id: int | None
    entity_version: int | None
    summary: str  # one line in plain words: "Renamed the team Network to Networks"
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None

    @property
    def changed_fields(self) -> tuple[str, ...]:
        """The keys whose value differs between before and after."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return tuple(k for k in keys if before.get(k) != after.get(k))


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries to show; every part is optional. `before_id` pages backwards."""

    actor_id: int | None = None
    entity: Entity | None = None
    kind: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    text: str = ""
    before_id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    #: Whether older entries match too (the next page starts before the last one here).
    more: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

"""A ticket's thread: customer messages, agent replies, internal notes and system events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EntryKind(StrEnum):
    CUSTOMER = "customer"  # a message from the customer (the description, calls, emails)
    REPLY = "reply"  # an agent's reply, seen by the customer
    NOTE = "note"  # an internal note, never shown to the customer
    EVENT = "event"  # something that happened to the ticket


class EventType(StrEnum):
    CREATED = "created"
    CLAIMED = "claimed"
    ASSIGNED = "assigned"
    RELEASED = "released"
    TRANSFERRED = "transferred"
    STATUS_CHANGED = "status_changed"
    REOPENED = "reopened"
    PRIORITY_CHANGED = "priority_changed"
    IMPACT_CHANGED = "impact_changed"
    URGENCY_CHANGED = "urgency_changed"
    CATEGORY_CHANGED = "category_changed"
    SUBJECT_CHANGED = "subject_changed"
    ASSET_CHANGED = "asset_changed"


@dataclass(frozen=True, slots=True)
class Event:
    """What a domain operation did, before it is stored in the thread."""

    type: EventType
    data: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return describe_event(self.type, self.data)


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One stored entry of a ticket's thread, as the thread view shows it."""

    id: int
    ticket_id: int
    kind: EntryKind
    author_name: str
    agent_id: int | None
    body: str
    event: EventType | None
    data: Mapping[str, Any]
    created_at: datetime
    ticket_version: int

    @property
    def is_internal(self) -> bool:
        return self.kind in (EntryKind.NOTE, EntryKind.EVENT)

    def describe(self) -> str:
        if self.event is None:
            return self.body
        return describe_event(self.event, self.data)


def _name(value: Any, nobody: str = "nobody") -> str:
    return str(value) if value else nobody


def describe_event(kind: EventType, data: Mapping[str, Any]) -> str:
    """One line in plain English; the UI renders its own translated text from the same data."""
    match kind:
        case EventType.CREATED:
            return f"created the ticket (via {data.get('channel', 'desk')})"
        case EventType.CLAIMED:
            return "claimed the ticket"
        case EventType.ASSIGNED:
            return f"assigned the ticket to {_name(data.get('to_name'))}"
        case EventType.RELEASED:
            return f"released the ticket (was {_name(data.get('from_name'))})"
        case EventType.TRANSFERRED:
            return (
                f"transferred the ticket from {_name(data.get('from_name'), 'no team')}"
                f" to {_name(data.get('to_name'), 'no team')}"
            )
        case EventType.STATUS_CHANGED:
            return f"changed the status from {data.get('from')} to {data.get('to')}"
        case EventType.REOPENED:
            return f"reopened the ticket (reopened {data.get('count')} times)"
        case EventType.PRIORITY_CHANGED:
            suffix = " (override)" if data.get("override") else ""
            return f"changed the priority from {data.get('from')} to {data.get('to')}{suffix}"
        case EventType.IMPACT_CHANGED:
            return f"changed the impact from {data.get('from')} to {data.get('to')}"
        case EventType.URGENCY_CHANGED:
            return f"changed the urgency from {data.get('from')} to {data.get('to')}"
        case EventType.CATEGORY_CHANGED:
            return (
                f"changed the category from {_name(data.get('from_name'), 'none')}"
                f" to {_name(data.get('to_name'), 'none')}"
            )
        case EventType.SUBJECT_CHANGED:
            return f"changed the subject to “{data.get('to')}”"
        case EventType.ASSET_CHANGED:
            return f"changed the asset to “{data.get('to') or 'none'}”"
    return str(kind)

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
    DUE_SET = "due_set"  # a due time set (or given back to the plan) by hand
    SLA_BREACHED = "sla_breached"  # recorded once per clock by the housekeeping sweep
    ROUTED = "routed"  # routing chose the team or agent; the data says which rule and why
    ROUTING_WAITING = "routing_waiting"  # routing found nobody to take it: it waits


@dataclass(frozen=True, slots=True)
class Event:
    """What a domain operation did, before it is stored in the thread."""

    type: EventType
    data: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        return describe_event(self.type, self.data)

    @property
    def searchable_text(self) -> str:
        """What an agent wrote with the event (a pending or transfer reason, a resolution
        note, why it was reopened): stored as the entry's body, which search indexes."""
        return written_text(self.data)


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


#: How each event reads: a template and the data it is filled from. The UI translates the
#: same templates; the domain formats them in English for messages such as conflicts.
EVENT_TEMPLATES: dict[EventType, str] = {
    EventType.CREATED: "created the ticket (via {channel})",
    EventType.CLAIMED: "claimed the ticket",
    EventType.ASSIGNED: "assigned the ticket to {to_name}",
    EventType.RELEASED: "released the ticket (was {from_name})",
    EventType.TRANSFERRED: "transferred the ticket from {from_name} to {to_name}",
    EventType.STATUS_CHANGED: "changed the status from {from} to {to}",
    EventType.REOPENED: "reopened the ticket (reopen #{count})",
    EventType.PRIORITY_CHANGED: "changed the priority from {from} to {to}",
    EventType.IMPACT_CHANGED: "changed the impact from {from} to {to}",
    EventType.URGENCY_CHANGED: "changed the urgency from {from} to {to}",
    EventType.CATEGORY_CHANGED: "changed the help topic from {from_name} to {to_name}",
    EventType.SUBJECT_CHANGED: "changed the subject to “{to}”",
    EventType.ASSET_CHANGED: "changed the asset to “{to}”",
    EventType.DUE_SET: "set the {clock} due time to {to}",
    EventType.SLA_BREACHED: "missed the {clock} target (due {due})",
    EventType.ROUTED: "routed the ticket: {explanation}",
    EventType.ROUTING_WAITING: "left the ticket waiting in {team_name} ({because})",
}
OVERRIDE_SUFFIX = " (override)"
#: Events whose "from" side may be missing read better without it than "from none".
FROM_NOWHERE_TEMPLATES: dict[EventType, str] = {
    EventType.TRANSFERRED: "transferred the ticket to {to_name}",
    EventType.CATEGORY_CHANGED: "set the help topic to {to_name}",
    EventType.DUE_SET: "gave the {clock} due time back to the SLA plan",
}
#: A reopen keeps the satisfaction score the customer gave before it.
CSAT_SUFFIX = "; the customer had rated it {csat} of 5"


def event_template(kind: EventType, data: Mapping[str, Any]) -> str:
    """The template an event reads by, for its data."""
    if kind == EventType.DUE_SET:
        return FROM_NOWHERE_TEMPLATES[kind] if not data.get("to") else EVENT_TEMPLATES[kind]
    if kind in FROM_NOWHERE_TEMPLATES and not data.get("from_name") and not data.get("from_id"):
        return FROM_NOWHERE_TEMPLATES[kind]
    return EVENT_TEMPLATES[kind]


def event_suffixes(kind: EventType, data: Mapping[str, Any]) -> list[str]:
    """What follows the template: an override, the score a reopened ticket had."""
    suffixes = []
    if kind == EventType.PRIORITY_CHANGED and data.get("override"):
        suffixes.append(OVERRIDE_SUFFIX)
    if kind == EventType.REOPENED and data.get("csat"):
        suffixes.append(CSAT_SUFFIX)
    return suffixes


def written_text(data: Mapping[str, Any]) -> str:
    """The free text an agent typed with an event, if any."""
    return str(data.get("note") or data.get("reason") or "")


def event_params(data: Mapping[str, Any]) -> dict[str, str]:
    """The event's data as strings for its template, with "none" for what is missing."""
    params = {key: "" if value is None else str(value) for key, value in data.items()}
    for key in ("from_name", "to_name", "from", "to", "channel", "count"):
        params[key] = params.get(key) or "none"
    return params


def describe_event(kind: EventType, data: Mapping[str, Any]) -> str:
    """One line in plain English."""
    params = event_params(data)
    text = event_template(kind, data).format_map(params)
    return text + "".join(suffix.format_map(params) for suffix in event_suffixes(kind, data))

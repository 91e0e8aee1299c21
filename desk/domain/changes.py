"""What a committed write changed, as data: the one fact every view decides from.

The unit of work records a `Changes` while its repositories write, stores it in the
change log with the commit and hands it to the views (its own window's at once, other
agents' through the change feed). A view reads only what the value says may be stale: a
queue table re-reads rows in place when only `tickets` moved on, and re-queries its
members (and its count) only when `moves.may_change(its filter)`; the open ticket
appends the thread when `entries` names it. That bounds the cost of a change: twenty
agents at work do not make every client re-count every queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from .model import TicketStatus
from .queues import QueueFilter
from .ticket import Ticket

E = TypeVar("E", bound=StrEnum)


class Directory(StrEnum):
    """Parts of the desk's directory a write may change."""

    AGENTS = "agents"  # an agent added, renamed, (de)activated, their availability
    TEAMS = "teams"  # a team, or who is in it
    TOPICS = "topics"  # help topics
    # A customer's details; the queue shows their name on every ticket of theirs, so a
    # table that shows a changed customer's tickets re-reads its rows.
    CUSTOMERS = "customers"
    ROUTING = "routing"  # routing rules, their order, whether each is on


def _frozen(mapping: Mapping[int, int] | None) -> Mapping[int, int]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class Moves:
    """Where tickets whose queue membership may have moved were, and went.

    Each set holds the values before and after (a new ticket: after only), so a queue
    whose filter matches none of them kept its members. `anywhere` is the safe answer
    for a move nobody could describe (a ticket saved without being read first).
    """

    tickets: frozenset[int] = frozenset()
    teams: frozenset[int | None] = frozenset()
    assignees: frozenset[int | None] = frozenset()
    statuses: frozenset[TicketStatus] = frozenset()
    customers: frozenset[int] = frozenset()
    due: bool = False  # a due time was set, moved or cleared
    anywhere: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.tickets and not self.anywhere

    def merge(self, other: Moves) -> Moves:
        if other.is_empty:
            return self
        if self.is_empty:
            return other
        return Moves(
            self.tickets | other.tickets,
            self.teams | other.teams,
            self.assignees | other.assignees,
            self.statuses | other.statuses,
            self.customers | other.customers,
            self.due or other.due,
            self.anywhere or other.anywhere,
        )

    def may_change(self, queue: QueueFilter) -> bool:
        """Whether a queue with this filter may have gained or lost tickets."""
        if self.is_empty:
            return False
        if self.anywhere:
            return True
        if self.due and _by_due(queue):
            return True  # a due time moved: whatever the ticket's team or status
        if queue.team_id is not None and queue.team_id not in self.teams:
            return False
        if queue.assignee_id is not None and queue.assignee_id not in self.assignees:
            return False
        if queue.unassigned and None not in self.assignees:
            return False
        if queue.statuses is not None and not (queue.statuses & self.statuses):
            return False
        # An overdue queue: membership follows the due time and the status (above);
        # the clock moving a ticket past its due time is not a write, views tick for it.
        return queue.customer_id is None or queue.customer_id in self.customers


@dataclass(frozen=True, slots=True)
class Changes:
    """What one or more committed writes changed. Empty (the default) means nothing."""

    #: Tickets whose row changed: id -> the version it has now (0 if not known; a note
    #: moves "last updated" but not the version).
    tickets: Mapping[int, int] = field(default_factory=dict)
    #: Tickets that may have entered or left queues (status, team, assignee, new, ...).
    moves: Moves = Moves()
    #: New thread entries: ticket id -> how many were added.
    entries: Mapping[int, int] = field(default_factory=dict)
    directory: frozenset[Directory] = frozenset()
    #: Keys of desk-wide settings that changed.
    settings: frozenset[str] = frozenset()
    #: Tickets whose "who is on it" changed (someone started or stopped viewing, replying).
    presence: frozenset[int] = frozenset()
    #: More changed than can be said (a client away for longer than the change log
    #: remembers): every view re-reads everything it shows.
    everything: bool = False

    def __post_init__(self) -> None:
        # Frozen for real: a mapping shared by every view must not be changed by one.
        object.__setattr__(self, "tickets", _frozen(self.tickets))
        object.__setattr__(self, "entries", _frozen(self.entries))

    __hash__ = None  # type: ignore[assignment]  # holds mappings

    @property
    def is_empty(self) -> bool:
        return not (
            self.tickets
            or not self.moves.is_empty
            or self.entries
            or self.directory
            or self.settings
            or self.presence
            or self.everything
        )

    @property
    def queues_moved(self) -> bool:
        return not self.moves.is_empty

    def merge(self, other: Changes) -> Changes:
        """Both changes as one: the newest version of each ticket, entries added up."""
        if other.is_empty:
            return self
        if self.is_empty:
            return other
        tickets = dict(self.tickets)
        for ticket_id, version in other.tickets.items():
            tickets[ticket_id] = max(version, tickets.get(ticket_id, 0))
        entries = dict(self.entries)
        for ticket_id, count in other.entries.items():
            entries[ticket_id] = entries.get(ticket_id, 0) + count
        return Changes(
            tickets,
            self.moves.merge(other.moves),
            entries,
            self.directory | other.directory,
            self.settings | other.settings,
            self.presence | other.presence,
            self.everything or other.everything,
        )

    @classmethod
    def merged(cls, changes: Iterable[Changes]) -> Changes:
        result = cls()
        for change in changes:
            result = result.merge(change)
        return result

    # --- the change log's compact form -----------------------------------------------

    def to_json(self) -> str:
        """A compact JSON text: only what is there, short keys (it travels in NOTIFY)."""
        out: dict[str, Any] = {}
        if self.tickets:
            out["t"] = sorted(self.tickets.items())
        if self.entries:
            out["e"] = sorted(self.entries.items())
        moves = self.moves
        if not moves.is_empty:
            m: dict[str, Any] = {"t": sorted(moves.tickets)}
            if moves.teams:
                m["tm"] = _sorted_ids(moves.teams)
            if moves.assignees:
                m["as"] = _sorted_ids(moves.assignees)
            if moves.statuses:
                m["st"] = sorted(s.value for s in moves.statuses)
            if moves.customers:
                m["cu"] = sorted(moves.customers)
            if moves.due:
                m["due"] = 1
            if moves.anywhere:
                m["any"] = 1
            out["m"] = m
        if self.directory:
            out["d"] = sorted(d.value for d in self.directory)
        if self.settings:
            out["s"] = sorted(self.settings)
        if self.presence:
            out["p"] = sorted(self.presence)
        if self.everything:
            out["all"] = 1
        return json.dumps(out, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Changes:
        """The value `to_json` wrote. Unknown keys (from a newer Desk) are ignored, and
        unknown directory parts or statuses count as "may have changed anything"."""
        data = json.loads(text)
        m = data.get("m")
        moves = Moves()
        if m is not None:
            statuses, unknown = _known(TicketStatus, m.get("st", ()))
            moves = Moves(
                frozenset(m.get("t", ())),
                frozenset(m.get("tm", ())),
                frozenset(m.get("as", ())),
                statuses,
                frozenset(m.get("cu", ())),
                bool(m.get("due")),
                bool(m.get("any")) or unknown,
            )
        directory, unknown_part = _known(Directory, data.get("d", ()))
        if unknown_part:
            directory = frozenset(Directory)
        return cls(
            {int(k): int(v) for k, v in data.get("t", ())},
            moves,
            {int(k): int(v) for k, v in data.get("e", ())},
            directory,
            frozenset(data.get("s", ())),
            frozenset(data.get("p", ())),
            bool(data.get("all")),
        )


def _sorted_ids(ids: frozenset[int | None]) -> list[int | None]:
    # None (unassigned, no team) first, then the ids.
    return sorted(ids, key=lambda i: -1 if i is None else i)


def _known(enum: type[E], values: Iterable[str]) -> tuple[frozenset[E], bool]:
    known: set[E] = set()
    unknown = False
    for value in values:
        try:
            known.add(enum(value))
        except ValueError:
            unknown = True
    return frozenset(known), unknown


def _by_due(queue: QueueFilter) -> bool:
    return (
        queue.due_before is not None
        or queue.due_from is not None
        or queue.at_risk_before is not None
    )


def moves_of(before: Ticket | None, after: Ticket) -> Moves:
    """How saving `after` over `before` (None: a new ticket) may move it between queues;
    empty when none of what queues filter by changed."""
    assert after.id is not None
    if before is not None and _membership(before) == _membership(after):
        return Moves()
    was = [before] if before is not None else []
    both = [*was, after]
    return Moves(
        frozenset({after.id}),
        frozenset(t.team_id for t in both),
        frozenset(t.assignee_id for t in both),
        frozenset(t.status for t in both),
        frozenset(t.customer_id for t in both),
        due=before is not None and before.due_at != after.due_at,
    )


def _membership(ticket: Ticket) -> tuple[object, ...]:
    return (ticket.status, ticket.team_id, ticket.assignee_id, ticket.customer_id, ticket.due_at)


class ChangeRecorder:
    """What the repositories of one unit of work have written so far (not thread-safe:
    a unit of work belongs to one thread)."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._tickets: dict[int, int] = {}
        self._entries: dict[int, int] = {}
        self._moves = Moves()
        self._directory: set[Directory] = set()
        self._settings: set[str] = set()
        self._presence: set[int] = set()

    def ticket(self, ticket_id: int, version: int = 0) -> None:
        self._tickets[ticket_id] = max(version, self._tickets.get(ticket_id, 0))

    def moved(self, moves: Moves) -> None:
        self._moves = self._moves.merge(moves)

    def entries(self, ticket_id: int, count: int) -> None:
        if count:
            self._entries[ticket_id] = self._entries.get(ticket_id, 0) + count

    def directory(self, part: Directory) -> None:
        self._directory.add(part)

    def setting(self, key: str) -> None:
        self._settings.add(key)

    def presence(self, ticket_id: int) -> None:
        self._presence.add(ticket_id)

    def take(self) -> Changes:
        """What was recorded, and start afresh (a unit of work may commit more than once)."""
        taken = self.changes()
        self._reset()
        return taken

    def changes(self) -> Changes:
        return Changes(
            self._tickets,
            self._moves,
            self._entries,
            frozenset(self._directory),
            frozenset(self._settings),
            frozenset(self._presence),
        )

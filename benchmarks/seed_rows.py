"""The rows of a seeded desk: its callers, and three years of tickets with their threads.

Rows are tuples in their table's column order (the `*_COLUMNS` lists), with times as the
backend stores them (`sqlite_time`, `postgres_time`); benchmarks/bulk_seed.py writes them.
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from desk.domain.db_rights import TICKET_CLOCKS
from desk.domain.model import ACTIVE_STATUSES, Channel, Level, TicketStatus
from desk.domain.priority import LEVELS_FOR_PRIORITY, priority_for
from desk.domain.search import words
from desk.domain.thread import EntryKind, EventType
from desk.domain.validation import clean_phone
from desk.services import demo_content as content
from desk.services.demo import DemoDesk
from desk.store.schema import customers, thread_entries, tickets
from desk.store.types import STATUS_CODES

YEARS = 3
LONG_THREAD = 200
CHANNELS = (
    [Channel.PHONE] * 35
    + [Channel.EMAIL] * 30
    + [Channel.WEB] * 14
    + [Channel.WALK_IN] * 11
    + [Channel.CHAT] * 8
    + [Channel.SOCIAL] * 2
)

#: (tickets, their thread entries), one chunk of each.
Chunk = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]
#: The SLA clocks' columns (due_at among them) are left to their defaults: a recompute
#: fills them in.
TICKET_COLUMNS = [c.name for c in tickets.columns if c.name not in TICKET_CLOCKS]
ENTRY_COLUMNS = [c.name for c in thread_entries.columns]
CUSTOMER_COLUMNS = [c.name for c in customers.columns]


def draw_customers(
    rng: random.Random, first_id: int, count: int
) -> list[tuple[int, str, str, str, str]]:
    """Callers as drawn: (id, name, email, organisation, phone number as dialled).

    Only the draws: a caller's row and lookup terms (`customer_rows`) take no random
    numbers, so the writer makes them while the second process makes the tickets."""
    drawn = []
    for n in range(count):
        customer_id = first_id + n
        first, last = rng.choice(content.FIRST_NAMES), rng.choice(content.LAST_NAMES)
        org, domain, pattern = rng.choice(content.ORGANISATIONS)
        local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii())
        email = f"{local}.{customer_id}@{domain}"
        dialled = "".join(str(rng.randrange(10)) if ch == "x" else ch for ch in pattern)
        drawn.append((customer_id, f"{first} {last}", email, org, dialled))
    return drawn


def customer_rows(
    drawn: Sequence[tuple[int, str, str, str, str]],
    stamp: Callable[[datetime], Any],
    now: datetime,
) -> list[tuple[tuple[Any, ...], list[tuple[str, int]]]]:
    """Each caller's row and its rows of lookup terms (customer_terms)."""
    made = []
    created = stamp(now.replace(tzinfo=None) - timedelta(days=365 * YEARS + 30))
    for customer_id, name, email, org, dialled in drawn:
        phone = clean_phone(dialled)  # most of a caller's making: phonenumbers' parsing
        terms = {*words(f"{name} {org}"), email}
        if phone:
            terms.update(
                {phone.lstrip("+"), phone.lstrip("+").removeprefix("1").removeprefix("44")}
            )
        row = (customer_id, name, email, phone, org, created)
        made.append((row, [(t, customer_id) for t in sorted(terms)]))
    return made


class Tickets:
    """Tickets over three years, and their threads, as rows in column order.

    Making rows is the seed's slowest part, so a ticket is made with as little Python as
    it takes: the help topics, teams, agents and channels are read into plain tuples
    once, each time is formatted once however many rows carry it, and rows are built as
    tuples; `choice` is `chooser`'s copy of `rng.choice`. The random draws are the same
    calls in the same order as ever (a choice from a list of the same length picks the
    same place), so a seed makes the same desk."""

    def __init__(
        self,
        rng: random.Random,
        desk: DemoDesk,
        callers: Sequence[tuple[int, str]],
        now: datetime,
        first_id: int,
        first_entry: int,
        count: int,
        stamp: Callable[[datetime], Any],
        chunk: int,
    ) -> None:
        self.chunk = chunk
        self.rng, self.desk, self.callers, self.now = rng, desk, callers, now
        self.choose = chooser(rng)
        self.stamp = stamp
        self.first_id, self.next_entry, self.count = first_id, first_entry, count
        self.long_thread_id = first_id + count - 1  # the newest ticket gets the long thread
        teams = {team.id: team for team in desk.teams.values()}
        self.topics = []
        for category, stories, resolutions in desk.topics:
            team = teams.get(category.default_team_id)
            agents = desk.members.get(team.id if team else -1) or []
            impact, urgency = LEVELS_FOR_PRIORITY[category.default_priority]
            self.topics.append(
                (
                    category.id,
                    team.id if team else None,
                    team.name if team else None,
                    [(agent.id, agent.name) for agent in agents],
                    int(impact),
                    int(urgency),
                    int(priority_for(impact, urgency)),
                    stories,
                    resolutions,
                )
            )
        self.loggers = [
            (agent.id, agent.name) for agent in desk.members[desk.teams["Service Desk"].id or 0]
        ]
        self.levels = [int(level) for level in Level]
        self.priorities = {(int(i), int(u)): int(priority_for(i, u)) for i in Level for u in Level}
        self.channels = [(channel.value, channel == Channel.PHONE) for channel in CHANNELS]
        self.created_json = {value: json.dumps({"channel": value}) for value, _ in self.channels}
        self.resolved_json: dict[str, str] = {}
        # (status code, active, resolved, closed) for each status _status can roll.
        self.statuses = {
            status: (
                STATUS_CODES[status],
                status in ACTIVE_STATUSES,
                status in (TicketStatus.RESOLVED, TicketStatus.CLOSED),
                status == TicketStatus.CLOSED,
            )
            for status in TicketStatus
        }

    def chunks(self) -> Iterator[Chunk]:
        """(tickets, their thread entries) in chunks, oldest first."""
        span = timedelta(days=365 * YEARS).total_seconds()
        start = self.now - timedelta(days=365 * YEARS)
        uniform = self.rng.uniform
        for first in range(0, self.count, self.chunk):
            ticket_rows: list[tuple[Any, ...]] = []
            entry_rows: list[tuple[Any, ...]] = []
            add_ticket, add_entries = ticket_rows.append, entry_rows.extend
            for n in range(first, min(first + self.chunk, self.count)):
                created = start + timedelta(seconds=span * n / self.count + uniform(0, 60))
                row, thread = self._ticket(self.first_id + n, created)
                add_ticket(row)
                add_entries(thread)
            yield ticket_rows, entry_rows

    def _ticket(
        self, ticket_id: int, created: datetime
    ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        rng, stamp, now = self.rng, self.stamp, self.now
        choice, roll, uniform = self.choose, rng.random, rng.uniform
        (
            category_id,
            team_id,
            team_name,
            agents,
            impact,
            urgency,
            priority,
            stories,
            resolutions,
        ) = choice(self.topics)
        subject, description = choice(stories)
        customer_id, customer_name = choice(self.callers)
        status = self._status(now - created)
        code, active, resolved_, closed_ = self.statuses[status]
        if agents and status != TicketStatus.NEW and roll() < 0.92:
            assignee_id, assignee_name = choice(agents)
        else:
            assignee_id = assignee_name = None
        if roll() < 0.3:
            impact, urgency = choice(self.levels), choice(self.levels)
            priority = self.priorities[impact, urgency]
        worked = created + timedelta(minutes=uniform(3, 240))
        updated = min(now, worked + timedelta(hours=uniform(0.2, 96)))
        resolved = updated if resolved_ else None
        closed = min(now, updated + timedelta(days=uniform(1, 5))) if closed_ else None
        if closed:
            updated = closed
        note = choice(resolutions) if resolved else ""
        logger_id, logger_name = choice(self.loggers)
        channel, phone = choice(self.channels)
        csat = choice([5, 5, 5, 4, 4, 3, 2, 1]) if closed and roll() < 0.6 else None
        reopen_count = 1 if roll() < 0.03 else 0
        call_seconds = rng.randrange(60, 900) if phone else None
        created_at, updated_at = stamp(created), stamp(updated)
        resolved_at = (updated_at if resolved is updated else stamp(resolved)) if resolved else None
        entry = self.next_entry
        thread: list[tuple[Any, ...]] = [
            (entry, ticket_id, _CUSTOMER, None, customer_name, description, None, None,
             created_at, 1),
            (entry + 1, ticket_id, _EVENT, logger_id, logger_name, "", _CREATED,
             self.created_json[channel], created_at, 1),
        ]  # fmt: skip
        version = 1
        worked_at = None
        if assignee_id is not None:
            worked_at = stamp(worked)
            reply = choice(content.AGENT_REPLIES).format(first=customer_name.split()[0])
            thread.append(
                (entry + 2, ticket_id, _REPLY, assignee_id, assignee_name, reply, None, None,
                 worked_at, 1)
            )  # fmt: skip
            version = 2
            if resolved is not None:
                version = 3
                data = self.resolved_json.get(note)
                if data is None:
                    data = json.dumps({"from": "open", "to": "resolved", "note": note})
                    self.resolved_json[note] = data
                thread.append(
                    (entry + 3, ticket_id, _EVENT, assignee_id, assignee_name, "",
                     _STATUS_CHANGED, data, resolved_at, 3)
                )  # fmt: skip
        self.next_entry = entry + len(thread)
        if ticket_id == self.long_thread_id:
            agent = (
                (assignee_id, assignee_name)
                if assignee_id is not None
                else (logger_id, logger_name)
            )
            thread += self._long_thread(ticket_id, created, customer_name, agent, version)
        row = (
            ticket_id, subject, description, customer_id, customer_name, channel, category_id,
            team_id, team_name, assignee_id, assignee_name, code, active, impact, urgency,
            priority, False, "", created_at, logger_id, updated_at,
            logger_id if assignee_id is None else assignee_id, worked_at, resolved_at,
            (updated_at if closed else None), note, csat, reopen_count, call_seconds,
            version,
        )  # fmt: skip
        return row, thread

    def _long_thread(
        self,
        ticket_id: int,
        created: datetime,
        customer_name: str,
        agent: tuple[int, str],
        version: int,
    ) -> list[tuple[Any, ...]]:
        """The one thread of LONG_THREAD entries the benchmark opens."""
        choice = self.choose
        entries = []
        for k in range(LONG_THREAD):
            at = self.stamp(created + timedelta(minutes=10 * (k + 1)))
            if k % 3 == 0:
                kind, who, body = (
                    _CUSTOMER,
                    (None, customer_name),
                    choice(content.CUSTOMER_FOLLOWUPS),
                )
            elif k % 3 == 1:
                kind, who = _REPLY, agent
                body = choice(content.AGENT_REPLIES).format(first="there")
            else:
                kind, who, body = _NOTE, agent, choice(content.NOTES).format(n=k)
            entries.append(
                (self.next_entry, ticket_id, kind, who[0], who[1], body, None, None, at, version)
            )
            self.next_entry += 1
        return entries

    def _status(self, age: timedelta) -> TicketStatus:
        roll = self.rng.random()
        if age < _HOURS_4:
            return TicketStatus.NEW if roll < 0.5 else TicketStatus.OPEN
        if age < _DAYS_3:
            return _RECENT[int(roll * 4)]
        if age < _DAYS_14:
            return (
                TicketStatus.CLOSED
                if roll < 0.75
                else (TicketStatus.RESOLVED if roll < 0.9 else TicketStatus.OPEN)
            )
        # A long tail of forgotten tickets keeps a realistic backlog in the working queues.
        if roll < 0.985:
            return TicketStatus.CLOSED
        return _FORGOTTEN[int((roll - 0.985) / 0.005) % 3]


def chooser(rng: random.Random) -> Callable[[Sequence[Any]], Any]:
    """`rng.choice`, the same draw (CPython's: getrandbits of the length's bit length until
    it is below the length) without its two Python frames, nine times a ticket.
    tests/integration/test_bulk_seed.py checks that the two still agree."""
    getrandbits = rng.getrandbits

    def choose(seq: Sequence[Any]) -> Any:
        n = len(seq)
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return seq[r]

    return choose


_HOURS_4, _DAYS_3, _DAYS_14 = timedelta(hours=4), timedelta(days=3), timedelta(days=14)
_RECENT = [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED]
_FORGOTTEN = [TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.RESOLVED]
_CUSTOMER, _REPLY, _NOTE, _EVENT = (
    EntryKind.CUSTOMER.value,
    EntryKind.REPLY.value,
    EntryKind.NOTE.value,
    EntryKind.EVENT.value,
)
_CREATED, _STATUS_CHANGED = EventType.CREATED.value, EventType.STATUS_CHANGED.value


#: SQLAlchemy's SQLite storage of a naive UTC time, always with microseconds. (A partial,
#: not a function: it is called four million times, and a Python frame each time shows.)
sqlite_time: Callable[[datetime], str] = functools.partial(
    datetime.isoformat, sep=" ", timespec="microseconds"
)


def postgres_time(value: datetime) -> datetime:
    """PostgreSQL takes aware times as they are."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)

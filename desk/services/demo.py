"""A demo desk that looks like a working service desk: teams, agents, callers, and tickets
in every status with believable threads, all made by the same domain operations as real
work, on a simulated clock."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from desk.domain import lifecycle, validation
from desk.domain.errors import ValidationError
from desk.domain.model import Agent, Category, Channel, Customer, Level, Team
from desk.domain.thread import EntryKind
from desk.domain.ticket import Ticket
from desk.domain.validation import clean_phone
from desk.store.tickets import NewEntry
from desk.store.unit_of_work import SqlDatabase, SqlUnitOfWork

from . import demo_content as content
from . import directory, report_facts
from .sign_in import DEMO_DESK
from .tickets import event_entries

DEMO_DAYS = 120
BATCH = 250
DEMO_MAX = 2_000_000  # tickets one demo may add
DEMO_LOGIN = "alex.morgan"  # whom `desk --demo` acts as: a Service Desk supervisor

CHANNEL_WEIGHTS = {
    Channel.PHONE: 35,
    Channel.EMAIL: 30,
    Channel.WEB: 14,
    Channel.WALK_IN: 11,
    Channel.CHAT: 8,
    Channel.SOCIAL: 2,
}


@dataclass
class DemoSummary:
    teams: int = 0
    agents: int = 0
    customers: int = 0
    tickets: int = 0
    entries: int = 0
    by_status: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        statuses = ", ".join(f"{n:,} {s}" for s, n in sorted(self.by_status.items()))
        return [
            f"teams: {self.teams}",
            f"agents: {self.agents} (sign in as '{DEMO_LOGIN}', or 'admin'; password 'demo-password')",
            f"customers: {self.customers:,}",
            f"tickets: {self.tickets:,} ({statuses})",
            f"thread entries: {self.entries:,}",
        ]


class _SimClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass
class DemoDesk:
    """The demo desk's people, teams and help topics (with their stories)."""

    agents: dict[str, Agent]
    teams: dict[str, Team]
    members: dict[int, list[Agent]]
    topics: list[tuple[Category, list[tuple[str, str]], list[str]]]

    def team(self, team_id: int | None) -> Team | None:
        return next((t for t in self.teams.values() if t.id == team_id), None)


def seed_demo(
    db: SqlDatabase,
    tickets: int = 3000,
    *,
    seed: int = 2026,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Add the demo desk's people (once) and `tickets` tickets spread over four months."""
    tickets = validation.clean_count("tickets", "The number of tickets", tickets, high=DEMO_MAX)
    seed = validation.clean_count("seed", "The seed", seed)
    now = validation.clean_moment("now", "The demo's present", now) or datetime.now(UTC)
    rng = random.Random(seed)
    clock = _SimClock(now - timedelta(days=DEMO_DAYS + 1))
    sim = SqlDatabase(db.engine, db.url, clock)
    summary = DemoSummary()
    desk = ensure_demo_desk(sim, summary)
    customers = _ensure_customers(sim, rng, max(300, min(tickets // 10, 20_000)), summary)
    created = sorted(_arrival(rng, now) for _ in range(tickets))
    for start in range(0, tickets, BATCH):
        with sim.write() as uow:
            for at in created[start : start + BATCH]:
                status = _simulate(uow, rng, desk, rng.choice(customers), at, now, summary)
                summary.by_status[status] += 1
            uow.commit()
        if progress:
            progress(min(start + BATCH, tickets), tickets)
    report_facts.backfill(db)  # the demo's tickets were written without their clocks
    summary.tickets = tickets
    return summary


def ensure_demo_desk(db: SqlDatabase, summary: DemoSummary | None = None) -> DemoDesk:
    """The demo's teams, agents and help topics, made once; also used by the benchmark."""
    summary = summary or DemoSummary()
    password = "demo-password"
    with db.read() as uow:
        known = {a.login: a for a in uow.agents.all()}
    if content.ADMIN[0] not in known:
        if known:
            raise ValidationError.single(
                "database",
                "This database already has agents; seed the demo into an empty database.",
            )
        admin = directory.create_first_admin(db, *content.ADMIN, password=password)
        shared_hash = directory.hash_password(password)  # Argon2 is slow on purpose: once will do
        assert admin.id is not None
        teams = {
            name: directory.create_team(db, admin.id, name, about) for name, about in content.TEAMS
        }
        for login, name, role, team_names in content.AGENTS:
            directory.create_agent(
                db,
                admin.id,
                login,
                name,
                email=f"{login}@northwind-bank.com",
                role=role,
                password_hash=shared_hash,
                team_ids=[teams[t].id for t in team_names if teams[t].id is not None],
            )
        parents: dict[str, Category] = {}
        for parent, child, team, priority, _, _ in content.TOPICS:
            if parent not in parents:
                parents[parent] = directory.create_category(db, admin.id, parent)
            directory.create_category(
                db,
                admin.id,
                child,
                parent_id=parents[parent].id,
                default_team_id=teams[team].id,
                default_priority=priority,
            )
    with db.write() as uow:  # `desk --demo` and --as may act without a password here
        if uow.settings.get(DEMO_DESK) != "yes":
            uow.settings.set(DEMO_DESK, "yes")
            uow.commit()
    with db.read() as uow:
        agents = {a.login: a for a in uow.agents.all()}
        teams = {t.name: t for t in uow.teams.all()}
        members: dict[int, list[Agent]] = {}
        by_id = {a.id: a for a in agents.values()}
        for team_id, agent_id in uow.teams.memberships():
            members.setdefault(team_id, []).append(by_id[agent_id])
        categories = {c.path: c for c in uow.categories.all()}
    topics = [
        (categories[f"{parent} › {child}"], stories, notes)
        for parent, child, _, _, stories, notes in content.TOPICS
    ]
    summary.teams, summary.agents = len(teams), len(agents)
    return DemoDesk(agents, teams, members, topics)


def _ensure_customers(
    db: SqlDatabase, rng: random.Random, count: int, summary: DemoSummary
) -> list[Customer]:
    made: list[Customer] = []
    seen: set[str] = set()
    with db.write() as uow:
        while len(made) < count:
            first, last = rng.choice(content.FIRST_NAMES), rng.choice(content.LAST_NAMES)
            org, domain, phone_pattern = rng.choice(content.ORGANISATIONS)
            local = f"{first}.{last}".lower().replace("í", "i").replace("ó", "o")
            local = "".join(ch for ch in local if ch.isascii())
            email = f"{local}@{domain}"
            if email in seen:
                email = f"{local}{len(made)}@{domain}"
            seen.add(email)
            phone = "".join(str(rng.randrange(10)) if ch == "x" else ch for ch in phone_pattern)
            known = uow.customers.by_email(email)
            made.append(
                known
                or uow.customers.add(
                    Customer(None, f"{first} {last}", email, _e164(phone), org), uow.now()
                )
            )
        uow.commit()
    summary.customers = len(made)
    return made


def _e164(phone: str) -> str | None:
    try:
        return clean_phone(phone)
    except ValidationError:
        return None


def _arrival(rng: random.Random, now: datetime) -> datetime:
    """A time in the last four months, mostly on weekday office hours."""
    while True:
        at = now - timedelta(seconds=rng.uniform(0, DEMO_DAYS * 86400))
        office = at.weekday() < 5 and 8 <= at.hour < 18
        if office or rng.random() < 0.08:
            return at


class _Life:
    """One ticket's life, replayed in memory with the domain's operations: the final
    ticket and every thread entry with the time and ticket version it belongs to."""

    def __init__(self, ticket: Ticket, at: datetime) -> None:
        self.ticket = ticket
        self.at = at
        self.history: list[tuple[NewEntry, datetime, int]] = []

    def apply(
        self, change: lifecycle.Change, actor: Agent | None, *extra: NewEntry, author: str = ""
    ) -> None:
        self.ticket = change.ticket
        if change.events:
            self.ticket = replace(self.ticket, version=self.ticket.version + 1)
        for entry in (*extra, *event_entries(change, actor, author)):
            self.history.append((entry, self.at, self.ticket.version))

    def note(self, entry: NewEntry) -> None:
        self.ticket = replace(self.ticket, updated_at=self.at, updated_by=entry.agent_id)
        self.history.append((entry, self.at, self.ticket.version))


def _simulate(
    uow: SqlUnitOfWork,
    rng: random.Random,
    desk: DemoDesk,
    customer: Customer,
    created: datetime,
    now: datetime,
    summary: DemoSummary,
) -> str:
    """One ticket from the call to wherever it has got to by `now`."""
    category, stories, resolutions = rng.choice(desk.topics)
    subject, description = rng.choice(stories)
    first = customer.name.split()[0]
    logger = rng.choice(desk.members[desk.teams["Service Desk"].id or 0])
    levels: dict[str, Level] = {}
    if rng.random() < 0.3:
        levels = {"impact": rng.choice(list(Level)), "urgency": rng.choice(list(Level))}
    change = lifecycle.new_ticket(
        subject=subject,
        description=description,
        customer_id=customer.id or 0,
        channel=rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0],
        now=created,
        actor_id=logger.id,
        category=category,
        asset=f"LT-{rng.randrange(10000, 99999)}" if "Laptop" in category.path else "",
        call_seconds=rng.randrange(60, 900) if rng.random() < 0.4 else None,
        **levels,
    )
    life = _Life(change.ticket, created)
    life.history.append(
        (NewEntry(EntryKind.CUSTOMER, customer.name, None, description), created, 1)
    )
    life.history.extend((e, created, 1) for e in event_entries(change, logger))
    _live(life, rng, desk, customer, first, resolutions, logger, now)
    ticket = uow.tickets.add(life.ticket)
    assert ticket.id is not None
    uow.tickets.append_history(ticket.id, life.history)
    summary.entries += len(life.history)
    return str(ticket.status)


def _live(
    life: _Life,
    rng: random.Random,
    desk: DemoDesk,
    customer: Customer,
    first: str,
    resolutions: list[str],
    logger: Agent,
    now: datetime,
) -> None:
    created = life.at
    stall = rng.random() < 0.04  # a few tickets sit untouched for a long time

    def step(minutes: float) -> bool:
        life.at += timedelta(minutes=minutes)
        return life.at < now and not (stall and life.at - created > timedelta(days=2))

    worker = _member(rng, desk, life.ticket.team_id) or logger
    if not step(rng.uniform(3, 90)):
        return
    life.apply(lifecycle.claim(life.ticket, worker, life.at), worker)
    if not step(rng.uniform(5, 120)):
        return
    reply = NewEntry(
        EntryKind.REPLY,
        worker.name,
        worker.id,
        rng.choice(content.AGENT_REPLIES).format(first=first),
    )
    life.apply(lifecycle.agent_reply(life.ticket, worker, life.at), worker, reply)
    if rng.random() < 0.4 and step(rng.uniform(5, 60)):
        note = rng.choice(content.NOTES).format(n=rng.randrange(10000, 99999))
        life.note(NewEntry(EntryKind.NOTE, worker.name, worker.id, note))
    if rng.random() < 0.15 and step(rng.uniform(10, 240)):
        to = rng.choice(
            [
                t
                for t in desk.teams.values()
                if t.id != life.ticket.team_id and t.name != "Service Desk"
            ]
        )
        life.apply(
            lifecycle.transfer(
                life.ticket, to, worker, life.at, desk.team(life.ticket.team_id), worker
            ),
            worker,
        )
        specialist = _member(rng, desk, to.id)
        if specialist is None or not step(rng.uniform(10, 180)):
            return
        worker = specialist
        life.apply(lifecycle.claim(life.ticket, worker, life.at), worker)
    if rng.random() < 0.3 and step(rng.uniform(30, 600)):
        life.apply(
            lifecycle.set_pending(
                life.ticket, worker, life.at, rng.choice(content.PENDING_REASONS)
            ),
            worker,
        )
        if not step(rng.uniform(60, 2880)):
            return
        message = NewEntry(
            EntryKind.CUSTOMER, customer.name, None, rng.choice(content.CUSTOMER_FOLLOWUPS)
        )
        life.apply(
            lifecycle.customer_message(life.ticket, life.at), None, message, author=customer.name
        )
    if not step(rng.uniform(30, 4320)):
        return
    life.apply(lifecycle.resolve(life.ticket, worker, life.at, rng.choice(resolutions)), worker)
    if rng.random() < 0.05 and step(rng.uniform(60, 2880)):
        life.apply(lifecycle.reopen(life.ticket, worker, life.at, "The problem came back."), worker)
        if not step(rng.uniform(60, 1440)):
            return
        life.apply(lifecycle.resolve(life.ticket, worker, life.at, rng.choice(resolutions)), worker)
    if not step(rng.uniform(1440, 7200)):
        return
    csat = (
        rng.choices([5, 4, 3, 2, 1], weights=[50, 30, 10, 6, 4])[0] if rng.random() < 0.6 else None
    )
    life.apply(lifecycle.close(life.ticket, worker, life.at, csat), worker)


def _member(rng: random.Random, desk: DemoDesk, team_id: int | None) -> Agent | None:
    members = desk.members.get(team_id or -1)
    return rng.choice(members) if members else None

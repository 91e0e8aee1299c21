"""Agents, teams, help topics and customers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Update,
    and_,
    delete,
    func,
    insert,
    intersect,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from desk.domain.errors import NotFound
from desk.domain.model import Agent, Category, Customer, Team
from desk.domain.search import fold, words
from desk.domain.validation import phone_search_keys

from .schema import agents, categories, customer_terms, customers, team_members, teams, tickets
from .uniqueness import as_validation_error, insert_or_nothing, insert_unique

#: pg_advisory_xact_lock key held while the first admin is created (one admin, ever).
FIRST_ADMIN_LOCK = 0x4445534B_0001


#: An agent's row as the program reads it: never its secrets (on a shared server the
#: workstation logins may not read *_hash columns, desk.domain.db_rights).
_AGENT_COLUMNS = [column for column in agents.c if not column.name.endswith("_hash")]


def _agent(row: Row[Any]) -> Agent:
    return Agent(
        id=row.id,
        login=row.login,
        name=row.name,
        email=row.email,
        role=row.role,
        availability=row.availability,
        active=row.active,
        capacity=row.capacity,
        away_until=row.away_until,
        version=row.version,
    )


def _team(row: Row[Any]) -> Team:
    return Team(row.id, row.name, row.description, row.active, row.version)


def _update_unique(conn: Connection, statement: Update, value: object) -> int:
    """Run an UPDATE in a savepoint; a broken unique constraint (a name another team
    has) is a ValidationError naming the field. Returns the rows changed."""
    try:
        with conn.begin_nested():
            return conn.execute(statement).rowcount
    except IntegrityError as exc:
        refusal = as_validation_error(exc, value)
        if refusal is None:
            raise
        raise refusal from exc


class AgentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, agent_id: int) -> Agent:
        row = self._conn.execute(select(*_AGENT_COLUMNS).where(agents.c.id == agent_id)).first()
        if row is None:
            raise NotFound(f"There is no agent with id {agent_id}.")
        return _agent(row)

    def maybe(self, agent_id: int | None) -> Agent | None:
        return None if agent_id is None else self.get(agent_id)

    def by_login(self, login: str) -> Agent | None:
        row = self._conn.execute(select(*_AGENT_COLUMNS).where(agents.c.login == login)).first()
        return _agent(row) if row else None

    def all(self, *, active_only: bool = False) -> list[Agent]:
        query = select(*_AGENT_COLUMNS).order_by(agents.c.name)
        if active_only:
            query = query.where(agents.c.active)
        return [_agent(row) for row in self._conn.execute(query)]

    def count(self) -> int:
        return self._conn.execute(select(func.count()).select_from(agents)).scalar_one()

    def lock_for_first_admin(self) -> None:
        """Make concurrent first-admin attempts queue up, so that each counts the agents
        after the one before it committed. (SQLite's writers already queue at BEGIN.)"""
        if self._conn.dialect.name == "postgresql":
            self._conn.execute(select(func.pg_advisory_xact_lock(FIRST_ADMIN_LOCK)))

    def add(self, agent: Agent, password_hash: str | None, now: datetime) -> Agent:
        """Insert the agent; a login someone else has (or just took) is a ValidationError."""
        new_id = insert_unique(
            self._conn,
            insert(agents)
            .values(
                login=agent.login,
                name=agent.name,
                email=agent.email,
                role=agent.role,
                availability=agent.availability,
                active=agent.active,
                password_hash=password_hash,
                created_at=now,
            )
            .returning(agents.c.id),
            agent.login,
        )
        return self.get(new_id)

    def password_hash(self, agent_id: int) -> str | None:
        return self._conn.execute(
            select(agents.c.password_hash).where(agents.c.id == agent_id)
        ).scalar_one_or_none()

    def set_availability(self, agent: Agent) -> None:
        """The agent's availability and, with it, until when they are away."""
        self._conn.execute(
            update(agents)
            .where(agents.c.id == agent.id)
            .values(availability=agent.availability, away_until=agent.away_until)
        )

    def set_capacity(self, agent_id: int, capacity: int | None) -> None:
        self._conn.execute(update(agents).where(agents.c.id == agent_id).values(capacity=capacity))

    def team_ids(self, agent_id: int) -> list[int]:
        return list(
            self._conn.scalars(
                select(team_members.c.team_id).where(team_members.c.agent_id == agent_id)
            )
        )

    def update(self, agent: Agent, expected_version: int) -> bool:
        """Write the agent's name, email, role and whether they are active, if nobody did
        since `expected_version` (False: someone did). Their name on tickets follows."""
        changed = self._conn.execute(
            update(agents)
            .where(agents.c.id == agent.id, agents.c.version == expected_version)
            .values(
                name=agent.name,
                email=agent.email,
                role=agent.role,
                active=agent.active,
                version=expected_version + 1,
            )
        ).rowcount
        return bool(changed)

    def rename_on_tickets(self, agent_id: int, after_id: int, upto_id: int) -> int:
        """Give the agent's tickets with ids in (after_id, upto_id] their current name
        (see `TeamRepository.rename_on_tickets`); how many changed."""
        return _spread_name(self._conn, agents, tickets.c.assignee_id, agent_id, after_id, upto_id)

    def stale_ticket_names(self, agent_id: int) -> int:
        return _count_stale(self._conn, agents, tickets.c.assignee_id, agent_id)

    def set_teams(self, agent_id: int, team_ids: Iterable[int]) -> None:
        """The agent is in exactly these teams afterwards."""
        wanted = set(team_ids)
        have = set(self.team_ids(agent_id))
        if have - wanted:
            self._conn.execute(
                delete(team_members).where(
                    team_members.c.agent_id == agent_id,
                    team_members.c.team_id.in_(sorted(have - wanted)),
                )
            )
        for team_id in sorted(wanted - have):
            insert_or_nothing(
                self._conn,
                team_members,
                {"team_id": team_id, "agent_id": agent_id},
                ["team_id", "agent_id"],
            )

    def open_ticket_ids(self, agent_id: int, limit: int = 10_000) -> list[int]:
        """The agent's tickets still being worked (new, open, pending), oldest first."""
        return list(
            self._conn.scalars(
                select(tickets.c.id)
                .where(tickets.c.assignee_id == agent_id, tickets.c.is_active)
                .order_by(tickets.c.id)
                .limit(limit)
            )
        )

    def open_ticket_counts(self) -> dict[int, int]:
        """Agent id -> how many tickets they have open."""
        rows = self._conn.execute(
            select(tickets.c.assignee_id, func.count())
            .where(tickets.c.is_active, tickets.c.assignee_id.is_not(None))
            .group_by(tickets.c.assignee_id)
        )
        return {row[0]: row[1] for row in rows}


class TeamRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, team_id: int) -> Team:
        row = self._conn.execute(select(teams).where(teams.c.id == team_id)).first()
        if row is None:
            raise NotFound(f"There is no team with id {team_id}.")
        return _team(row)

    def maybe(self, team_id: int | None) -> Team | None:
        return None if team_id is None else self.get(team_id)

    def all(self) -> list[Team]:
        rows = self._conn.execute(select(teams).order_by(teams.c.name))
        return [_team(row) for row in rows]

    def add(self, team: Team, now: datetime) -> Team:
        """Insert the team; a name another team has (or just took) is a ValidationError."""
        new_id = insert_unique(
            self._conn,
            insert(teams)
            .values(name=team.name, description=team.description, created_at=now)
            .returning(teams.c.id),
            team.name,
        )
        return self.get(new_id)

    def memberships(self) -> list[tuple[int, int]]:
        rows = self._conn.execute(select(team_members.c.team_id, team_members.c.agent_id))
        return [(row.team_id, row.agent_id) for row in rows]

    def add_member(self, team_id: int, agent_id: int) -> None:
        """The agent is in the team afterwards, whether or not they were (or someone else
        added them at the same moment)."""
        values = {"team_id": team_id, "agent_id": agent_id}
        insert_or_nothing(self._conn, team_members, values, ["team_id", "agent_id"])

    def remove_member(self, team_id: int, agent_id: int) -> None:
        self._conn.execute(
            delete(team_members).where(
                team_members.c.team_id == team_id, team_members.c.agent_id == agent_id
            )
        )

    def update(self, team: Team, expected_version: int) -> bool:
        """Write the team's name, description and whether it is active, if nobody did
        since `expected_version` (False: someone did). The name on its tickets is spread
        afterwards by `rename_on_tickets`, in short batches."""
        return bool(
            _update_unique(
                self._conn,
                update(teams)
                .where(teams.c.id == team.id, teams.c.version == expected_version)
                .values(
                    name=team.name,
                    description=team.description,
                    active=team.active,
                    version=expected_version + 1,
                ),
                team.name,
            )
        )

    def ticket_id_range(self) -> tuple[int, int]:
        """The lowest and highest ticket id (0, 0 on a desk without tickets)."""
        low, high = self._conn.execute(select(func.min(tickets.c.id), func.max(tickets.c.id))).one()
        return (low or 0, high or 0)

    def rename_on_tickets(self, team_id: int, after_id: int, upto_id: int) -> int:
        """Give the team's tickets with ids in (after_id, upto_id] its current name; how
        many changed. A range of ids is a primary-key range: each batch reads and locks
        only its own rows, however many tickets the desk has. On PostgreSQL rows another
        agent has locked are skipped (SKIP LOCKED) rather than waited for: the caller's
        last pass picks them up once they are free."""
        return _spread_name(self._conn, teams, tickets.c.team_id, team_id, after_id, upto_id)

    def stale_ticket_names(self, team_id: int) -> int:
        """How many of the team's tickets still show another name (0 once a rename is
        spread)."""
        return _count_stale(self._conn, teams, tickets.c.team_id, team_id)

    def open_ticket_counts(self) -> dict[int, int]:
        """Team id -> how many tickets are open in it."""
        rows = self._conn.execute(
            select(tickets.c.team_id, func.count())
            .where(tickets.c.is_active, tickets.c.team_id.is_not(None))
            .group_by(tickets.c.team_id)
        )
        return {row[0]: row[1] for row in rows}


class CategoryRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def all(self, *, include_inactive: bool = False) -> list[Category]:
        """Every active help topic (and the deactivated ones too if asked), with its path,
        parents before children."""
        query = select(categories)
        if not include_inactive:
            query = query.where(categories.c.active)
        rows = list(self._conn.execute(query))
        by_id = {row.id: row for row in rows}

        def path(row: Row[Any]) -> str:
            parts = [row.name]
            parent = by_id.get(row.parent_id)
            while parent is not None and len(parts) < 10:
                parts.append(parent.name)
                parent = by_id.get(parent.parent_id)
            return " › ".join(reversed(parts))

        found = [
            Category(
                r.id,
                r.name,
                r.parent_id,
                r.default_team_id,
                r.default_priority,
                path(r),
                r.active,
                r.position,
                r.version,
                r.description,
            )
            for r in rows
        ]
        return sorted(found, key=lambda c: c.path.casefold())

    def get(self, category_id: int, *, include_inactive: bool = False) -> Category:
        for category in self.all(include_inactive=include_inactive):
            if category.id == category_id:
                return category
        raise NotFound(f"There is no help topic with id {category_id}.")

    def maybe(self, category_id: int | None) -> Category | None:
        return None if category_id is None else self.get(category_id)

    def add(self, category: Category) -> Category:
        """Insert the topic, last among its siblings."""
        new_id = self._conn.execute(
            insert(categories)
            .values(
                name=category.name,
                parent_id=category.parent_id,
                default_team_id=category.default_team_id,
                default_priority=category.default_priority,
                description=category.description,
                position=self._next_position(category.parent_id),
            )
            .returning(categories.c.id)
        ).scalar_one()
        return self.get(new_id)

    def _next_position(self, parent_id: int | None) -> int:
        highest = self._conn.execute(
            select(func.max(categories.c.position)).where(
                categories.c.parent_id.is_(None)
                if parent_id is None
                else categories.c.parent_id == parent_id
            )
        ).scalar()
        return 0 if highest is None else highest + 1

    def update(self, category: Category, expected_version: int) -> bool:
        """Write the topic's name, parent, defaults, description and whether it is active,
        if nobody did since `expected_version` (False: someone did). A topic moved under
        another parent goes last among its new siblings."""
        assert category.id is not None
        now = self._conn.execute(
            select(categories.c.parent_id).where(categories.c.id == category.id)
        ).first()
        moved = now is not None and now.parent_id != category.parent_id
        values: dict[str, Any] = {
            "name": category.name,
            "parent_id": category.parent_id,
            "default_team_id": category.default_team_id,
            "default_priority": category.default_priority,
            "description": category.description,
            "active": category.active,
            "version": expected_version + 1,
        }
        if moved:
            values["position"] = self._next_position(category.parent_id)
        return bool(
            self._conn.execute(
                update(categories)
                .where(categories.c.id == category.id, categories.c.version == expected_version)
                .values(values)
            ).rowcount
        )

    def reorder(self, ordered_ids: Iterable[int]) -> None:
        """Siblings in this order (positions 0, 1, 2, ...). Versions stay: an order is
        not an edit of the topic, and must not refuse another admin's edit of it."""
        for position, category_id in enumerate(ordered_ids):
            self._conn.execute(
                update(categories).where(categories.c.id == category_id).values(position=position)
            )


def _name_column(source: Any) -> Any:
    return tickets.c.team_name if source is teams else tickets.c.assignee_name


def _spread_name(
    conn: Connection, source: Any, key: Any, source_id: int, after_id: int, upto_id: int
) -> int:
    name = conn.execute(select(source.c.name).where(source.c.id == source_id)).scalar_one()
    column = _name_column(source)
    params = {"name": name, "source_id": source_id, "after": after_id, "upto": upto_id}
    if conn.dialect.name == "sqlite":
        # NOT INDEXED: walk the id range on the table itself. Left to choose, SQLite takes
        # the team's index (team_id = ?, 40% of a million rows) for every batch, and a
        # batch of 2,000 ids then holds the write lock for seconds. The column names are
        # Desk's own (team/assignee), never typed by anyone.
        return conn.execute(
            text(
                f"UPDATE tickets NOT INDEXED SET {column.name} = :name "
                f"WHERE id > :after AND id <= :upto AND {key.name} = :source_id "
                f"AND {column.name} IS NOT :name"
            ),
            params,
        ).rowcount
    stale = (
        select(tickets.c.id)
        .where(
            tickets.c.id > after_id,
            tickets.c.id <= upto_id,
            key == source_id,
            column.is_distinct_from(name),
        )
        .with_for_update(skip_locked=True)
    )
    return conn.execute(
        update(tickets).where(tickets.c.id.in_(stale)).values({column.name: name})
    ).rowcount


def _count_stale(conn: Connection, source: Any, key: Any, source_id: int) -> int:
    name = select(source.c.name).where(source.c.id == source_id).scalar_subquery()
    return conn.execute(
        select(func.count())
        .select_from(tickets)
        .where(key == source_id, _name_column(source).is_distinct_from(name))
    ).scalar_one()


def _customer(row: Row[Any]) -> Customer:
    return Customer(row.id, row.name, row.email, row.phone, row.organisation, row.created_at)


def _customer_values(customer: Customer, now: datetime) -> dict[str, Any]:
    return {
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "organisation": customer.organisation,
        "created_at": now,
    }


def customer_terms_for(customer: Customer) -> set[str]:
    """The words a caller can be found by: name and organisation words, email, phone digits."""
    terms = set(words(f"{customer.name} {customer.organisation}"))
    if customer.email:
        terms.add(fold(customer.email))
    if customer.phone:
        terms.update(phone_search_keys(customer.phone))
    return {t[:120] for t in terms if t}


def prefix_range(column: Any, prefix: str) -> Any:
    """`column` starts with `prefix`, as a range an ordinary B-tree index can answer."""
    return and_(column >= prefix, column < prefix + "\U0010ffff")


class CustomerRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, customer_id: int) -> Customer:
        row = self._conn.execute(select(customers).where(customers.c.id == customer_id)).first()
        if row is None:
            raise NotFound(f"There is no customer with id {customer_id}.")
        return _customer(row)

    def by_email(self, email: str) -> Customer | None:
        row = self._conn.execute(select(customers).where(customers.c.email == email)).first()
        return _customer(row) if row else None

    def by_phone(self, phone: str) -> list[Customer]:
        rows = self._conn.execute(select(customers).where(customers.c.phone == phone))
        return [_customer(row) for row in rows]

    def add(self, customer: Customer, now: datetime) -> Customer:
        """Insert a new customer; an email another customer has is a ValidationError."""
        new_id = insert_unique(
            self._conn,
            insert(customers).values(_customer_values(customer, now)).returning(customers.c.id),
            customer.email,
        )
        self._write_terms(new_id, customer)
        return self.get(new_id)

    def add_or_get(self, customer: Customer, now: datetime) -> Customer:
        """The customer with this email, stored now unless someone has it already: the
        same address is the same person, even when two agents log them at one moment."""
        if not customer.email:
            return self.add(customer, now)
        new_id = insert_or_nothing(
            self._conn, customers, _customer_values(customer, now), ["email"]
        )
        if new_id is not None:
            self._write_terms(new_id, customer)
            return self.get(new_id)
        # Another client's row, committed by now: ON CONFLICT waited for its transaction,
        # and the next statement sees it (PostgreSQL writes run in READ COMMITTED).
        known = self.by_email(customer.email)
        if known is None:  # it rolled back after all: nobody else has the address now
            return self.add(customer, now)
        return known

    def update(self, customer: Customer) -> Customer:
        assert customer.id is not None
        statement = (
            update(customers)
            .where(customers.c.id == customer.id)
            .values(
                name=customer.name,
                email=customer.email,
                phone=customer.phone,
                organisation=customer.organisation,
            )
        )
        try:
            with self._conn.begin_nested():
                self._conn.execute(statement)
        except IntegrityError as exc:
            refusal = as_validation_error(exc, customer.email)
            if refusal is None:
                raise
            raise refusal from exc
        self._conn.execute(
            update(tickets)
            .where(tickets.c.customer_id == customer.id)
            .values(customer_name=customer.name)
        )
        self._conn.execute(
            delete(customer_terms).where(customer_terms.c.customer_id == customer.id)
        )
        self._write_terms(customer.id, customer)
        return self.get(customer.id)

    def _write_terms(self, customer_id: int, customer: Customer) -> None:
        rows = [{"term": t, "customer_id": customer_id} for t in customer_terms_for(customer)]
        if rows:
            self._conn.execute(insert(customer_terms), rows)

    def lookup(self, words: Iterable[str], limit: int) -> list[Customer]:
        """Customers with a term starting with each of `words`, by name."""
        selects = [
            select(customer_terms.c.customer_id).where(prefix_range(customer_terms.c.term, word))
            for word in words
        ]
        if not selects:
            return []
        matching = selects[0] if len(selects) == 1 else intersect(*selects)
        ids_subquery = matching.subquery()
        query = (
            select(customers)
            .where(customers.c.id.in_(select(ids_subquery.c.customer_id)))
            .order_by(customers.c.name, customers.c.id)
            .limit(limit)
        )
        return [_customer(row) for row in self._conn.execute(query)]

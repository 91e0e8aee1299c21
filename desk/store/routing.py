"""Routing rules, and the agents' state routing decides from, read under a team's lock."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Text,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)

from desk.domain.errors import ActionNotAllowed, NotFound
from desk.domain.routing import PRIORITY_WEIGHT, AgentState, TeamState
from desk.domain.routing_json import rule_from_json, rule_to_json
from desk.domain.routing_rules import Assign, Facts, Rule, Strategy, reads_clock

from .schema import (
    agents,
    categories,
    customers,
    routing_cursors,
    routing_rules,
    team_members,
    teams,
    tickets,
)
from .uniqueness import insert_or_nothing


@dataclass(frozen=True, slots=True)
class StoredRule:
    rule: Rule
    position: int
    version: int
    updated_at: datetime


# The body as the text it is stored as: parsed once per process for each distinct text,
# so that an intake reads 200 rules in well under a millisecond.
_RULE_COLUMNS = (
    routing_rules.c.id,
    routing_rules.c.position,
    routing_rules.c.enabled,
    routing_rules.c.version,
    routing_rules.c.updated_at,
    cast(routing_rules.c.body, Text).label("body_text"),
)


@lru_cache(maxsize=4096)
def _parsed(body_text: str, enabled: bool = True, rule_id: int | None = None) -> Rule:
    return rule_from_json(json.loads(body_text), enabled=enabled, rule_id=rule_id)


@dataclass(frozen=True, slots=True)
class EnabledRules:
    """The rules an intake walks, and what it must know of them before routing: whether
    any asks about the time (then the desk's calendar is read) and which agents they
    name (locked with the teams' members). Worked out once per rule body, not per intake."""

    rules: list[Rule]
    reads_clock: bool
    named_agents: frozenset[int]


@lru_cache(maxsize=4096)
def _traits(body_text: str) -> tuple[bool, frozenset[int]]:
    rule = _parsed(body_text)
    named = frozenset(a.agent_id for a in rule.then if isinstance(a, Assign) and a.agent_id)
    return reads_clock([rule]), named


_WEIGHT = case(*((tickets.c.priority == int(p), w) for p, w in PRIORITY_WEIGHT.items()), else_=1)


def _agent_states_query(only_wanted: bool) -> Select[Any]:
    """Agents and their load, built once: `:ids` names the agents when `only_wanted`."""
    ids = bindparam("ids", expanding=True)
    load = select(
        tickets.c.assignee_id,
        func.count().label("load"),
        func.sum(_WEIGHT).label("weighted"),
    ).where(tickets.c.is_active, tickets.c.assignee_id.is_not(None))
    if only_wanted:
        load = load.where(tickets.c.assignee_id.in_(ids))
    loads = load.group_by(tickets.c.assignee_id).subquery("loads")
    query = select(
        agents.c.id,
        agents.c.name,
        agents.c.availability,
        agents.c.away_until,
        agents.c.capacity,
        agents.c.active,
        loads.c.load,
        loads.c.weighted,
    ).outerjoin(loads, loads.c.assignee_id == agents.c.id)
    return query.where(agents.c.id.in_(ids)) if only_wanted else query


_AGENT_STATES = _agent_states_query(True)
_EVERY_AGENT_STATE = _agent_states_query(False)


class RoutingRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # --- rules --------------------------------------------------------------------------

    def rules(self, *, enabled_only: bool = False) -> list[StoredRule]:
        query = select(*_RULE_COLUMNS).order_by(routing_rules.c.position, routing_rules.c.id)
        if enabled_only:
            query = query.where(routing_rules.c.enabled)
        return [self._stored(row) for row in self._conn.execute(query)]

    def enabled_rules(self) -> list[Rule]:
        """The rules routing walks, in order: what an intake reads (ids and bodies only)."""
        query = (
            select(routing_rules.c.id, _RULE_COLUMNS[-1])
            .where(routing_rules.c.enabled)
            .order_by(routing_rules.c.position, routing_rules.c.id)
        )
        return [_parsed(row.body_text, True, row.id) for row in self._conn.execute(query)]

    def enabled_rule_set(self) -> EnabledRules:
        """`enabled_rules`, with what routing must know of them before it decides."""
        query = (
            select(routing_rules.c.id, _RULE_COLUMNS[-1])
            .where(routing_rules.c.enabled)
            .order_by(routing_rules.c.position, routing_rules.c.id)
        )
        rows = list(self._conn.execute(query))
        traits = [_traits(row.body_text) for row in rows]
        return EnabledRules(
            [_parsed(row.body_text, True, row.id) for row in rows],
            any(clock for clock, _named in traits),
            frozenset().union(*(named for _clock, named in traits)),
        )

    def rule(self, rule_id: int) -> StoredRule:
        row = self._conn.execute(
            select(*_RULE_COLUMNS).where(routing_rules.c.id == rule_id)
        ).first()
        if row is None:
            raise NotFound(f"There is no routing rule with id {rule_id}.")
        return self._stored(row)

    @staticmethod
    def _stored(row: Any) -> StoredRule:
        rule = _parsed(row.body_text, row.enabled, row.id)
        return StoredRule(rule, row.position, row.version, row.updated_at)

    def add_rule(self, rule: Rule, now: datetime, actor_id: int | None) -> StoredRule:
        """The rule, last in the order."""
        last = self._conn.execute(select(func.max(routing_rules.c.position))).scalar()
        new_id = self._conn.execute(
            insert(routing_rules)
            .values(
                position=(last or 0) + 1,
                name=rule.name,
                body=rule_to_json(rule),
                enabled=rule.enabled,
                version=1,
                updated_at=now,
                updated_by=actor_id,
            )
            .returning(routing_rules.c.id)
        ).scalar_one()
        return self.rule(new_id)

    def save_rule(
        self, rule: Rule, expected_version: int, now: datetime, actor_id: int | None
    ) -> StoredRule:
        """Write the rule back if nobody saved it since `expected_version`."""
        assert rule.id is not None
        done = self._conn.execute(
            update(routing_rules)
            .where(routing_rules.c.id == rule.id, routing_rules.c.version == expected_version)
            .values(
                name=rule.name,
                body=rule_to_json(rule),
                enabled=rule.enabled,
                version=expected_version + 1,
                updated_at=now,
                updated_by=actor_id,
            )
        ).rowcount
        if done != 1:
            current = self.rule(rule.id)  # NotFound when it was deleted
            raise ActionNotAllowed(
                f"Someone else changed the rule “{current.rule.name}” after you opened it."
                " Reload the rules; nothing of yours was saved."
            )
        return self.rule(rule.id)

    def delete_rule(self, rule_id: int) -> None:
        self.rule(rule_id)
        self._conn.execute(delete(routing_rules).where(routing_rules.c.id == rule_id))

    def reorder(self, rule_ids: Sequence[int]) -> None:
        """Positions 1, 2, … in the order given (which must name every rule once)."""
        for position, rule_id in enumerate(rule_ids, start=1):
            self._conn.execute(
                update(routing_rules).where(routing_rules.c.id == rule_id).values(position=position)
            )

    # --- teams --------------------------------------------------------------------------

    def set_team_assignment(self, team_id: int, strategy: Strategy | None) -> None:
        self._conn.execute(update(teams).where(teams.c.id == team_id).values(auto_assign=strategy))

    def lock_team(self, team_id: int) -> int | None:
        """Take the team's routing lock for this transaction (SELECT … FOR UPDATE of its
        cursor row, created if missing) and return the cursor. On SQLite the write
        transaction already holds the database's one write lock."""
        insert_or_nothing(
            self._conn, routing_cursors, {"team_id": team_id, "last_agent_id": None}, ["team_id"]
        )
        return self._conn.execute(
            select(routing_cursors.c.last_agent_id)
            .where(routing_cursors.c.team_id == team_id)
            .with_for_update()
        ).scalar()

    def advance_cursor(self, team_id: int, agent_id: int) -> None:
        self._conn.execute(
            update(routing_cursors)
            .where(routing_cursors.c.team_id == team_id)
            .values(last_agent_id=agent_id)
        )

    def lock_agents(self, agent_ids: Iterable[int]) -> None:
        """Hold the agents' rows (one statement, in id order), so that two teams routing
        to the same agent at once count their open tickets one after the other. FOR NO
        KEY UPDATE: a transaction that merely references an agent (a ticket saved with
        them as its updater) holds KEY SHARE, which this does not wait for, so it cannot
        close a circle with a team's lock. Nothing to do on SQLite, whose write
        transaction holds the database's one write lock already."""
        wanted = sorted(set(agent_ids))
        if not wanted or self._conn.dialect.name == "sqlite":
            return
        self._conn.execute(
            select(agents.c.id)
            .where(agents.c.id.in_(wanted))
            .order_by(agents.c.id)
            .with_for_update(key_share=True)
        )

    # --- the state routing decides from -------------------------------------------------

    def team_states(
        self, team_ids: Iterable[int] | None = None, cursors: dict[int, int | None] | None = None
    ) -> dict[int, TeamState]:
        """Teams with their members; the cursors as given (read under the lock) or stored."""
        query = select(teams.c.id, teams.c.name, teams.c.auto_assign)
        wanted = None if team_ids is None else set(team_ids)
        if wanted is not None:
            query = query.where(teams.c.id.in_(wanted))
        rows = list(self._conn.execute(query))
        members: dict[int, set[int]] = {row.id: set() for row in rows}
        member_query = select(team_members.c.team_id, team_members.c.agent_id)
        if wanted is not None:
            member_query = member_query.where(team_members.c.team_id.in_(wanted))
        for team_id, agent_id in self._conn.execute(member_query):
            members.setdefault(team_id, set()).add(agent_id)
        if cursors is None:
            rows_ = self._conn.execute(
                select(routing_cursors.c.team_id, routing_cursors.c.last_agent_id)
            )
            cursors = {row.team_id: row.last_agent_id for row in rows_}
        return {
            row.id: TeamState(
                row.id, row.name, frozenset(members[row.id]), cursors.get(row.id), row.auto_assign
            )
            for row in rows
        }

    def agent_states(self, agent_ids: Iterable[int] | None = None) -> dict[int, AgentState]:
        """Agents with their open tickets counted now (plain and weighted by priority),
        in one query (one round trip for the intake that routes)."""
        if agent_ids is None:
            rows = self._conn.execute(_EVERY_AGENT_STATE)
        else:
            wanted = sorted(set(agent_ids))
            if not wanted:
                return {}
            rows = self._conn.execute(_AGENT_STATES, {"ids": wanted})
        return {
            row.id: AgentState(
                row.id,
                row.name,
                row.availability,
                row.away_until,
                row.capacity,
                row.load or 0,
                int(row.weighted or 0),
                active=row.active,
            )
            for row in rows
        }

    def topics(self) -> tuple[dict[int, int | None], dict[int, str]]:
        """Every help topic's parent, and its name (paths are built by the caller)."""
        rows = list(
            self._conn.execute(select(categories.c.id, categories.c.parent_id, categories.c.name))
        )
        return {r.id: r.parent_id for r in rows}, {r.id: r.name for r in rows}

    def recent_facts(self, last: int) -> list[Facts]:
        """The last `last` tickets logged, oldest first, with their callers' organisation
        and email, in one query (the replay of 1,000 must take well under two seconds)."""
        return [facts for facts, _assignee, _team in self.recent_tickets(last)]

    def recent_tickets(
        self, last: int, since: datetime | None = None
    ) -> list[tuple[Facts, int | None, int | None]]:
        """The last `last` tickets logged (only those logged from `since` on, if given),
        oldest first: what routing reads of each as it was logged (the team its help
        topic gives, not one it was transferred to since), and its agent and team now."""
        query = (
            select(
                tickets.c.subject,
                tickets.c.description,
                tickets.c.channel,
                tickets.c.category_id,
                tickets.c.customer_id,
                customers.c.organisation,
                customers.c.email,
                tickets.c.priority,
                tickets.c.impact,
                func.coalesce(categories.c.default_team_id, tickets.c.team_id).label("logged_team"),
                tickets.c.created_at,
                tickets.c.assignee_id,
                tickets.c.team_id,
            )
            .join(customers, customers.c.id == tickets.c.customer_id)
            .outerjoin(categories, categories.c.id == tickets.c.category_id)
            .order_by(tickets.c.id.desc())
            .limit(last)
        )
        if since is not None:
            query = query.where(tickets.c.created_at >= since)
        found = [
            (
                Facts(
                    r.subject,
                    r.description,
                    r.channel,
                    r.category_id,
                    r.customer_id,
                    r.organisation,
                    r.email or "",
                    r.priority,
                    r.impact,
                    r.logged_team,
                    r.created_at,
                ),
                r.assignee_id,
                r.team_id,
            )
            for r in self._conn.execute(query)
        ]
        found.reverse()
        return found

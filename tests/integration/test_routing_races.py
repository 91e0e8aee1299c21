"""Routing under concurrency, in separate processes on both backends: the round-robin
cursor and the agents' loads are read and written under the team's lock, never raced."""

from __future__ import annotations

from collections import Counter

import pytest

from desk.domain.routing_rules import ALWAYS, Assign, Rule, SetTeam, Strategy
from desk.services import directory
from desk.services import routing_rules as rules

from ..conftest import World
from . import workers
from .test_concurrency import _run

pytestmark = pytest.mark.slow


def _team(db, w: World, size: int, capacity: int | None = None) -> list[int]:
    team = directory.create_team(db, w.admin, "Network")
    people = []
    for n in range(size):
        agent = directory.create_agent(db, w.admin, f"net{n}", f"Net Agent {n}", team_ids=[team.id])
        if capacity is not None:
            directory.set_capacity(db, w.admin, agent.id, capacity)
        people.append(agent.id)
    return [team.id, *people]


def test_twenty_intakes_at_once_spread_evenly_round_robin(db, db_url: str, world: World):
    team, *people = _team(db, world, 3)
    rules.add_rule(
        db, world.admin, Rule("All", ALWAYS, (SetTeam(team), Assign(Strategy.ROUND_ROBIN)))
    )
    outcomes = _run(workers.log_routed, [(db_url, world.agent, world.customer)] * 20)
    counts = Counter(assignee for _, assignee in outcomes)
    assert set(counts) == set(people), counts
    assert max(counts.values()) - min(counts.values()) <= 1, counts


def test_least_loaded_never_exceeds_a_capacity(db, db_url: str, world: World):
    team, *people = _team(db, world, 3, capacity=4)
    rules.add_rule(
        db, world.admin, Rule("All", ALWAYS, (SetTeam(team), Assign(Strategy.LEAST_LOADED)))
    )
    outcomes = _run(workers.log_routed, [(db_url, world.agent, world.customer)] * 16)
    counts = Counter(assignee for _, assignee in outcomes)
    assert counts[None] == 4, counts
    assert all(counts[p] == 4 for p in people), counts

"""The database decides every uniqueness; the loser of a race is told in Desk's words.

Each test starts several processes that make the same new thing at the same moment.
"""

from __future__ import annotations

import multiprocessing

import pytest

from desk.domain.model import Role
from desk.services import queries

from ..conftest import World
from . import workers

pytestmark = pytest.mark.slow
SPAWN = multiprocessing.get_context("spawn")
RACERS = 4


def _race(db_url: str, what: str, args_for: list[tuple]) -> list[tuple]:
    barrier = SPAWN.Barrier(len(args_for))
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(target=workers.race, args=(db_url, what, args, barrier, results))
        for args in args_for
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    return outcomes


def test_one_first_admin_however_many_try_at_once(db, db_url: str):
    outcomes = _race(
        db_url,
        "first_admin",
        [(f"admin{n}", f"Admin {n}", None, "admin-password") for n in range(RACERS)],
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok"] + ["refused"] * (RACERS - 1), outcomes
    for _kind, (message, _fields) in (o for o in outcomes if o[0] == "refused"):
        assert message == "This desk already has agents; ask an admin to add you."
    agents = queries.directory(db).agents
    assert [a.role for a in agents] == [Role.ADMIN]


def test_agents_taking_the_same_login_at_once_one_gets_it(db, db_url: str, world: World):
    outcomes = _race(
        db_url, "agent", [(world.admin, "newbie", f"New Person {n}") for n in range(RACERS)]
    )
    assert sorted(kind for kind, _ in outcomes) == ["ok"] + ["refused"] * (RACERS - 1), outcomes
    for _kind, (message, fields) in (o for o in outcomes if o[0] == "refused"):
        assert (message, fields) == ("The login “newbie” is taken.", ["login"])
    logins = [a.login for a in queries.directory(db).agents]
    assert logins.count("newbie") == 1


def test_teams_of_the_same_name_at_once_one_is_made(db, db_url: str, world: World):
    outcomes = _race(db_url, "team", [(world.admin, "Night Shift")] * RACERS)
    assert sorted(kind for kind, _ in outcomes) == ["ok"] + ["refused"] * (RACERS - 1), outcomes
    for _kind, (message, fields) in (o for o in outcomes if o[0] == "refused"):
        assert (message, fields) == ("There is already a team named “Night Shift”.", ["name"])
    names = [t.name for t in queries.directory(db).teams]
    assert names.count("Night Shift") == 1


def test_agents_logging_the_same_new_caller_at_once_get_the_same_customer(
    db, db_url: str, world: World
):
    rounds = 6
    callers = [
        (f"Raj Patel{n}", f"raj.patel{n}@fabrikam.com", "+1 312 555 0144", "Fabrikam")
        for n in range(rounds)
    ]
    outcomes = _race(
        db_url,
        "new_callers",
        [(world.agent, f"Call from agent {n}", callers) for n in range(RACERS)],
    )
    assert [kind for kind, _ in outcomes] == ["ok"] * RACERS, outcomes
    for n in range(rounds):
        customer_ids = {ids[n] for _, ids in outcomes}
        assert len(customer_ids) == 1, f"caller {n} was stored as {len(customer_ids)} customers"
        [match] = queries.lookup_callers(db, f"raj.patel{n}@fabrikam.com")
        assert match.customer.id in customer_ids
        assert len(match.recent) == RACERS
        assert [m.customer.id for m in queries.lookup_callers(db, f"Patel{n}")] == [
            match.customer.id
        ]

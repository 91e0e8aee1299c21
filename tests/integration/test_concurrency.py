"""Many processes at once, on both backends: unique numbers, no lost update."""

from __future__ import annotations

import multiprocessing

import pytest

from desk.domain.thread import EventType
from desk.services import queries

from ..conftest import World
from . import workers

pytestmark = pytest.mark.slow
SPAWN = multiprocessing.get_context("spawn")


def _run(target, args_for: list[tuple], timeout: float = 120) -> list[tuple]:
    barrier = SPAWN.Barrier(len(args_for))
    results = SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*args, barrier, results)) for args in args_for]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=timeout) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    errors = [o for o in outcomes if o[0] == "error"]
    assert not errors, errors
    return outcomes


def test_many_processes_creating_tickets_get_unique_numbers(db, db_url: str, world: World):
    processes, each = 6, 15
    outcomes = _run(
        workers.create_tickets, [(db_url, world.agent, world.customer, each)] * processes
    )
    numbers = [n for _, batch in outcomes for n in batch]
    assert len(numbers) == processes * each
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("HD-") for n in numbers)
    with db.read() as uow:
        assert uow.tickets.count() == processes * each + 1


def test_two_processes_saving_the_same_ticket_one_wins_one_is_told(db, db_url: str, world: World):
    ticket_id = queries.search_tickets(db, "printer")[0]
    seen = queries.get_ticket(db, ticket_id).ticket.version
    outcomes = _run(
        workers.save_subject,
        [
            (db_url, world.agent, ticket_id, seen, "Saved by Sam"),
            (db_url, world.supervisor, ticket_id, seen, "Saved by Sue"),
        ],
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict", "saved"]
    winner = next(subject for kind, subject in outcomes if kind == "saved")
    conflict_message = next(text for kind, text in outcomes if kind == "conflict")
    winner_name = "Sam Agent" if winner == "Saved by Sam" else "Sue Supervisor"
    assert winner_name in conflict_message
    detail = queries.get_ticket(db, ticket_id)
    assert detail.ticket.subject == winner
    assert detail.ticket.version == seen + 1
    assert [e.event for e in detail.thread].count(EventType.SUBJECT_CHANGED) == 1


def test_two_agents_claiming_at_once_one_gets_it(db, db_url: str, world: World):
    ticket_id = queries.search_tickets(db, "printer")[0]
    outcomes = _run(
        workers.claim, [(db_url, world.agent, ticket_id), (db_url, world.supervisor, ticket_id)]
    )
    assert sorted(kind for kind, _ in outcomes) == ["claimed", "refused"]
    winner = next(agent for kind, agent in outcomes if kind == "claimed")
    detail = queries.get_ticket(db, ticket_id)
    assert detail.ticket.assignee_id == winner
    assert [e.event for e in detail.thread].count(EventType.CLAIMED) == 1

"""Changes: merging, the change log's JSON, and which queues a move may change."""

from __future__ import annotations

from dataclasses import replace

import pytest

from desk.domain.changes import ChangeRecorder, Changes, Directory, Moves, moves_of
from desk.domain.model import ACTIVE_STATUSES, TicketStatus
from desk.domain.queues import QueueFilter, QueueKind, queue_filter

from .factories import T0, ticket


def test_an_empty_change_is_empty_and_merging_it_changes_nothing():
    some = Changes(tickets={1: 2})
    assert Changes().is_empty
    assert not some.is_empty
    assert some.merge(Changes()) is some
    assert Changes().merge(some) is some


def test_merge_keeps_the_newest_version_and_adds_up_entries():
    a = Changes(tickets={1: 3, 2: 1}, entries={1: 1}, directory=frozenset({Directory.TEAMS}))
    b = Changes(
        tickets={1: 2, 3: 7},
        entries={1: 2, 3: 1},
        settings=frozenset({"country"}),
        presence=frozenset({3}),
    )
    merged = a.merge(b)
    assert dict(merged.tickets) == {1: 3, 2: 1, 3: 7}
    assert dict(merged.entries) == {1: 3, 3: 1}
    assert merged.directory == {Directory.TEAMS}
    assert merged.settings == {"country"}
    assert merged.presence == {3}
    assert merged == b.merge(a)
    assert Changes.merged([a, b]) == merged


def test_a_change_cannot_be_altered_by_a_view_that_received_it():
    source = {1: 2}
    changes = Changes(tickets=source)
    source[1] = 99
    assert changes.tickets[1] == 2
    with pytest.raises(TypeError):
        changes.tickets[1] = 5  # type: ignore[index]


def test_the_json_form_round_trips_and_is_compact():
    changes = Changes(
        tickets={5: 3},
        moves=Moves(
            frozenset({5}),
            frozenset({None, 2}),
            frozenset({None, 7}),
            frozenset({TicketStatus.NEW, TicketStatus.OPEN}),
            frozenset({1}),
            due=True,
        ),
        entries={5: 2},
        directory=frozenset({Directory.AGENTS}),
        settings=frozenset({"country"}),
        presence=frozenset({5}),
    )
    text = changes.to_json()
    assert " " not in text
    assert Changes.from_json(text) == changes
    assert Changes().to_json() == "{}"
    assert Changes(tickets={5: 3}).to_json() == '{"t":[[5,3]]}'


def test_what_a_newer_desk_logged_is_read_safely():
    changes = Changes.from_json('{"t":[[1,2]],"m":{"t":[1],"st":["escalated"]},"d":["x"],"z":1}')
    assert dict(changes.tickets) == {1: 2}
    assert changes.moves.anywhere  # an unknown status could be in any queue
    assert changes.directory == set(Directory)


def test_only_a_change_of_what_queues_filter_by_is_a_move():
    before = ticket(TicketStatus.OPEN, id=5, team_id=1, assignee_id=None)
    assert moves_of(before, replace(before, subject="Other", version=2)).is_empty
    moved = moves_of(before, replace(before, assignee_id=7, version=2))
    assert moved.tickets == {5}
    assert moved.assignees == {None, 7}
    assert moved.teams == {1}
    assert moved.statuses == {TicketStatus.OPEN}
    assert not moved.due
    assert moves_of(before, replace(before, due_at=T0)).due
    new = moves_of(None, before)
    assert new.assignees == {None}
    assert new.statuses == {TicketStatus.OPEN}


def _queue(kind: QueueKind, **kw: int) -> QueueFilter:
    return queue_filter(kind, now=T0, **kw)


def test_a_claim_changes_the_queues_it_left_and_joined_and_no_others():
    before = ticket(TicketStatus.NEW, id=5, team_id=1, assignee_id=None)
    claimed = moves_of(before, replace(before, assignee_id=7, status=TicketStatus.OPEN))
    assert claimed.may_change(_queue(QueueKind.MINE, agent_id=7))
    assert not claimed.may_change(_queue(QueueKind.MINE, agent_id=8))
    assert claimed.may_change(_queue(QueueKind.UNASSIGNED))
    assert claimed.may_change(_queue(QueueKind.TEAM, team_id=1))
    assert not claimed.may_change(_queue(QueueKind.TEAM, team_id=2))
    assert not claimed.may_change(_queue(QueueKind.PENDING))
    assert not claimed.may_change(_queue(QueueKind.RECENTLY_DONE))
    assert claimed.may_change(_queue(QueueKind.ALL_OPEN))
    assert not claimed.may_change(QueueFilter(statuses=ACTIVE_STATUSES, customer_id=2))
    assert not Moves().may_change(QueueFilter())
    assert Moves(anywhere=True).may_change(_queue(QueueKind.TEAM, team_id=2))


def test_moves_merge_as_unions():
    a = Moves(frozenset({1}), frozenset({1}), frozenset({None}), frozenset({TicketStatus.NEW}))
    b = Moves(frozenset({2}), frozenset({2}), frozenset({7}), frozenset(), due=True)
    merged = a.merge(b)
    assert merged.tickets == {1, 2}
    assert merged.teams == {1, 2}
    assert merged.assignees == {None, 7}
    assert merged.due
    assert merged.may_change(_queue(QueueKind.TEAM, team_id=2))


def test_the_recorder_collects_one_change():
    recorder = ChangeRecorder()
    assert recorder.changes().is_empty
    recorder.ticket(1, 2)
    recorder.ticket(1, 1)  # an older version recorded later does not win
    recorder.entries(1, 2)
    recorder.entries(1, 1)
    recorder.entries(2, 0)
    recorder.directory(Directory.TOPICS)
    recorder.setting("country")
    recorder.presence(4)
    assert recorder.take() == Changes(
        tickets={1: 2},
        entries={1: 3},
        directory=frozenset({Directory.TOPICS}),
        settings=frozenset({"country"}),
        presence=frozenset({4}),
    )
    assert recorder.take().is_empty


def test_everything_is_a_change_that_merges_and_travels():
    everything = Changes(everything=True)
    assert not everything.is_empty
    assert Changes(tickets={1: 1}).merge(everything).everything
    assert Changes.from_json(everything.to_json()) == everything


def _changes_strategy():
    from hypothesis import strategies as st

    ids = st.integers(1, 20)
    moves = st.builds(
        Moves,
        st.frozensets(ids, min_size=1, max_size=3),
        st.frozensets(st.one_of(st.none(), ids), max_size=3),
        st.frozensets(st.one_of(st.none(), ids), max_size=3),
        st.frozensets(st.sampled_from(TicketStatus), max_size=2),
        st.frozensets(ids, max_size=2),
        st.booleans(),
        st.booleans(),
    )
    # A move names its tickets (or is `anywhere`), as moves_of makes them.
    moves = st.one_of(st.just(Moves()), moves)
    return st.builds(
        Changes,
        st.dictionaries(ids, st.integers(0, 9), max_size=4),
        moves,
        st.dictionaries(ids, st.integers(1, 3), max_size=3),
        st.frozensets(st.sampled_from(Directory), max_size=2),
        st.frozensets(st.sampled_from(["country", "sla"]), max_size=2),
        st.frozensets(ids, max_size=2),
        st.booleans(),
    )


def test_merging_is_associative_and_order_free_and_survives_the_log():
    from hypothesis import given, settings

    changes = _changes_strategy()

    @settings(max_examples=200, deadline=None)
    @given(changes, changes, changes)
    def check(a: Changes, b: Changes, c: Changes) -> None:
        assert a.merge(b).merge(c) == a.merge(b.merge(c))
        assert a.merge(b) == b.merge(a)
        assert Changes.from_json(a.to_json()) == a

    check()

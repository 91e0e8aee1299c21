"""Queues: filters, SQL sorting and paging (both ends), counts and search."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from desk.domain.model import TicketStatus
from desk.domain.queues import QueueFilter, QueueKind, QueueQuery, SortKey, queue_filter
from desk.services import queries
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, NewCaller, log_ticket

from ..conftest import World

SUBJECTS = [
    "printer jam",
    "Outlook password",
    "VPN drops",
    "ERP posting error",
    "Badge lost",
    "Wi-Fi 4B",
]


@pytest.fixture
def queue_world(db, world: World) -> dict[str, int]:
    """Tickets in several states: two mine, one the other agent's, one pending, one closed."""
    ids: dict[str, int] = {}
    for n, subject in enumerate(SUBJECTS):
        ticket = log_ticket(
            db,
            world.agent,
            IntakeRequest(
                subject=subject, customer_id=world.customer, category_id=world.email_topic
            ),
        )
        ids[subject] = ticket.id
        if n in (0, 1):
            work.claim_ticket(db, world.agent, ticket.id)
        if n == 2:
            work.claim_ticket(db, world.other_agent, ticket.id)
        if n == 3:
            work.set_pending(db, world.agent, ticket.id)
        if n == 4:
            work.resolve_ticket(db, world.agent, ticket.id, "Printed a new badge")
            work.close_ticket(db, world.agent, ticket.id)
    return ids


def _query(kind: QueueKind, world: World, **sort) -> QueueQuery:
    now = datetime.now(UTC)
    return QueueQuery(
        queue_filter(kind, now=now, agent_id=world.agent, team_id=world.service_desk), **sort
    )


def _subjects(db, query: QueueQuery) -> list[str]:
    return [row.subject for row in queries.queue_page(db, query, 0, 100)]


def test_standard_queues_hold_the_right_tickets(db, world: World, queue_world):
    assert set(_subjects(db, _query(QueueKind.MINE, world))) == {"printer jam", "Outlook password"}
    assert set(_subjects(db, _query(QueueKind.UNASSIGNED, world))) == {
        "Printer on 3rd floor keeps jamming",
        "ERP posting error",
        "Wi-Fi 4B",
    }
    assert _subjects(db, _query(QueueKind.PENDING, world)) == ["ERP posting error"]
    assert _subjects(db, _query(QueueKind.RECENTLY_DONE, world)) == ["Badge lost"]
    assert "Badge lost" not in _subjects(db, _query(QueueKind.ALL_OPEN, world))
    assert queries.queue_count(db, _query(QueueKind.ALL, world)) == 7
    assert _subjects(db, _query(QueueKind.OVERDUE, world)) == []  # no SLAs yet


def test_counts_match_pages(db, world: World, queue_world):
    for kind in QueueKind:
        query = _query(kind, world)
        assert queries.queue_count(db, query) == len(queries.queue_page(db, query, 0, 1000)), kind


@pytest.mark.parametrize("descending", [False, True])
def test_sorting_by_subject_happens_in_the_database(
    db, world: World, queue_world, descending: bool
):
    query = _query(QueueKind.ALL, world, sort=SortKey.SUBJECT, descending=descending)
    got = _subjects(db, query)
    assert got == sorted(got, reverse=descending)
    assert len(got) == 7


def test_sorting_by_priority_and_status_follows_their_rank(db, world: World, queue_world):
    rows = queries.queue_page(
        db, _query(QueueKind.ALL, world, sort=SortKey.STATUS, descending=False), 0, 100
    )
    order = list(TicketStatus)
    assert [order.index(r.status) for r in rows] == sorted(order.index(r.status) for r in rows)


def test_every_sort_key_pages_consistently_from_both_ends(db, world: World, queue_world):
    """A page read from the far end (reversed in SQL) equals the same rows read forward."""
    for key in SortKey:
        for descending in (False, True):
            query = _query(QueueKind.ALL, world, sort=key, descending=descending)
            total = queries.queue_count(db, query)
            forward = queries.queue_page(db, query, 0, total)
            for offset in range(total):
                for limit in (1, 3):
                    page = queries.queue_page(db, query, offset, limit, total)
                    assert page == forward[offset : offset + limit], (
                        key,
                        descending,
                        offset,
                        limit,
                    )


def test_window_gives_total_and_first_page(db, world: World, queue_world):
    total, rows = queries.queue_window(db, _query(QueueKind.ALL, world), 0, 3)
    assert total == 7 and len(rows) == 3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("vpn", {"VPN drops"}),
        ("VPN DROP", {"VPN drops"}),
        ("posting", {"ERP posting error"}),
        ("jammin", {"Printer on 3rd floor keeps jamming"}),
    ],
)
def test_search_finds_subject_words_as_prefixes(
    db, world: World, queue_world, typed: str, expected: set[str]
):
    query = QueueQuery(QueueFilter(), text=typed)
    assert set(_subjects(db, query)) == expected


def test_a_short_last_word_matches_whole_words_only(db, world: World, queue_world):
    """ "out" is a word, not every word starting with out (outlook, outage ...)."""
    assert _subjects(db, QueueQuery(QueueFilter(), text="out")) == []
    assert set(_subjects(db, QueueQuery(QueueFilter(), text="outl"))) == {"Outlook password"}


def test_search_by_number_customer_email_and_phone(db, world: World, queue_world):
    vpn = queue_world["VPN drops"]
    assert queries.search_tickets(db, f"HD-{vpn:06d}")[0] == vpn
    everything = set(queries.search_tickets(db, "jane doe"))
    assert vpn in everything and len(everything) == 7
    assert set(queries.search_tickets(db, "jane.doe@contoso")) == everything
    assert set(queries.search_tickets(db, "(415) 555-0132")) == everything
    assert queries.search_tickets(db, "zebra") == []


def test_search_finds_thread_text_newest_first(db, world: World, queue_world):
    older, newer = queue_world["printer jam"], queue_world["Wi-Fi 4B"]
    work.add_internal_note(db, world.agent, older, "Fuser unit replaced by the vendor")
    work.reply_to_customer(db, world.agent, newer, "The fuser needs a part")
    assert queries.search_tickets(db, "fuser") == [newer, older]


def test_search_results_sort_in_sql_too(db, world: World, queue_world):
    query = QueueQuery(QueueFilter(), sort=SortKey.SUBJECT, descending=False, text="jane")
    got = _subjects(db, query)
    assert got == sorted(got) and len(got) == 7


@pytest.mark.parametrize("sort", [SortKey.UPDATED, SortKey.SUBJECT, SortKey.NUMBER])
def test_a_searched_queue_shows_as_many_matches_as_it_counts(
    db, world: World, queue_world, sort: SortKey
):
    """A search's first page comes with its length in one read: the same tickets, in
    the same order, as counting them and paging them, in a queue narrowed further."""
    for kind in (QueueKind.ALL, QueueKind.ALL_OPEN, QueueKind.PENDING):
        for typed in ("jane", "printer", "zebra"):
            query = replace(_query(kind, world, sort=sort, descending=True), text=typed)
            total, rows = queries.queue_window(db, query, 0, 3)
            assert total == queries.queue_count(db, query)
            paged = queries.queue_page(db, query, 0, 3, total)
            assert [r.id for r in rows] == [r.id for r in paged]
    total, rows = queries.queue_window(db, QueueQuery(QueueFilter(), text="jane"), 0, 100)
    assert total == 7 and len(rows) == 7


def test_a_renamed_customer_shows_in_their_tickets(db, world: World, queue_world):
    from dataclasses import replace

    with db.write() as uow:
        customer = uow.customers.get(world.customer)
        uow.customers.update(replace(customer, name="Jane Doe-Smith"))
        uow.commit()
    rows = queries.queue_page(db, _query(QueueKind.ALL, world), 0, 100)
    assert {r.customer_name for r in rows} == {"Jane Doe-Smith"}
    assert [m.customer.name for m in queries.lookup_callers(db, "smith")] == ["Jane Doe-Smith"]


def test_new_callers_are_found_by_every_way_of_typing(db, world: World):
    log_ticket(
        db,
        world.agent,
        IntakeRequest(
            subject="Hi",
            new_caller=NewCaller("Émile Zola", "", "020 7946 0958", "Northwind Bank"),
            channel="walk_in",
        ),
        phone_region="GB",
    )
    for typed in [
        "emile",
        "Émile",
        "zola",
        "northwind",
        "020 7946",
        "+44 20 7946 0958",
        "0044 2079",
    ]:
        assert [m.customer.name for m in queries.lookup_callers(db, typed)] == ["Émile Zola"], typed


def test_a_word_first_written_in_a_reply_is_found_by_its_beginning(db, world: World, queue_world):
    ticket = queue_world["VPN drops"]
    work.reply_to_customer(db, world.agent, ticket, "The defragmentation has finished.")
    assert queries.search_tickets(db, "defragm") == [ticket]
    assert queries.search_tickets(db, "has defrag") == [ticket]


def test_a_changed_subject_is_found_by_its_new_words(db, world: World, queue_world):
    ticket = queries.get_ticket(db, queue_world["Badge lost"]).ticket
    work.update_ticket(
        db, world.agent, ticket.id, work.TicketEdit(subject="Lanyard missing"), ticket.version
    )
    assert queries.search_tickets(db, "lanyar") == [ticket.id]
    # The old subject's words are gone ("badge" is still in its resolution note).
    assert queries.search_tickets(db, "lost") == []


def test_what_was_typed_with_a_status_change_or_transfer_is_found(db, world: World, queue_world):
    pending, vpn = queue_world["printer jam"], queue_world["VPN drops"]
    work.set_pending(db, world.agent, pending, "Waiting for the toner courier")
    # A colleague's ticket: a supervisor's transfer (an agent's own may be theirs).
    work.transfer_ticket(
        db, world.supervisor, vpn, world.sysadmins, "Concentrator firmware suspected"
    )
    work.reopen_ticket(db, world.agent, queue_world["Badge lost"], "Turnstile rejects it again")
    assert queries.search_tickets(db, "courier") == [pending]
    assert queries.search_tickets(db, "concentrator firmware") == [vpn]
    assert queries.search_tickets(db, "printed new badge") == [queue_world["Badge lost"]]
    assert queries.search_tickets(db, "turnstile") == [queue_world["Badge lost"]]


def _spread_tickets(db, template: int, ids: list[int], subject: str) -> None:
    """Copies of a ticket under chosen ids, to put matches in many time slices at once."""
    from sqlalchemy import insert, select

    from desk.store.schema import tickets

    with db.write() as uow:
        conn = uow.tickets._conn
        row = dict(conn.execute(select(tickets).where(tickets.c.id == template)).mappings().one())
        conn.execute(insert(tickets), [row | {"id": i, "subject": subject} for i in ids])
        uow.commit()


@pytest.mark.parametrize("fetch_all", [0, 2000])
def test_postgres_search_walks_back_through_time_slices_newest_first(
    db, world: World, queue_world, monkeypatch, fetch_all: int
):
    """Matches bunched in an old slice, scattered through others, and one in the newest:
    the newest `limit` come back, in order, whether the search counts or probes."""
    if db.backend != "postgresql":
        pytest.skip("time slices are PostgreSQL's; SQLite's FTS5 walks newest first itself")
    from desk.store.text_search import SLICE, PostgresTextSearch

    monkeypatch.setattr(PostgresTextSearch, "fetch_all", fetch_all)
    bunched = list(range(3 * SLICE, 3 * SLICE + 40))
    scattered = [k * 5 * SLICE + 11 for k in range(1, 9)]
    newest = [41 * SLICE + 5]
    _spread_tickets(db, queue_world["VPN drops"], bunched + scattered + newest, "Flux capacitor")
    _spread_tickets(db, queue_world["VPN drops"], [42 * SLICE], "Unrelated")
    expected = sorted(bunched + scattered + newest, reverse=True)
    for limit in (1, 5, 20, 100):
        assert queries.search_tickets(db, "flux capacitor", limit) == expected[:limit]
        assert queries.search_tickets(db, "capac", limit) == expected[:limit]


def test_postgres_search_uses_the_time_slice_index(db, world: World):
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    from sqlalchemy import text

    from desk.store.text_search import search_document

    with db.read() as uow:
        conn = uow.tickets._conn
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        for table, vector, index in [
            ("tickets", "subject_tsv", "ix_tickets_search"),
            ("thread_entries", "body_tsv", "ix_thread_entries_search"),
        ]:
            plan = conn.execute(
                text(
                    f"EXPLAIN SELECT id FROM {table}"
                    f" WHERE {search_document(vector)} @@ CAST('printer' AS tsquery)"
                )
            ).scalars()
            assert index in "\n".join(plan), table


def test_postgres_search_leaves_the_planner_as_it_found_it(db, world: World, queue_world):
    """Pages read after a search, in the same transaction, may use every kind of scan."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    from sqlalchemy import text

    with db.read() as uow:
        assert queue_world["printer jam"] in uow.queues.search("printer")
        conn = uow.tickets._conn
        assert conn.execute(text("SHOW enable_indexscan")).scalar() == "on"
        assert conn.execute(text("SHOW enable_seqscan")).scalar() == "on"

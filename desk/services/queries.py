"""Reads: queue pages and counts, a ticket with its thread, caller lookup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from desk.domain import validation as v
from desk.domain.errors import ValidationError
from desk.domain.lifecycle import allowed_targets
from desk.domain.model import ID_MAX
from desk.domain.queues import QueueFilter, QueueQuery, QueueRow, SortKey
from desk.domain.search import customer_terms

from .clocks import with_time_left
from .database import Database
from .desk_settings import stored_phone_region
from .views import CallerMatch, DeskDirectory, TicketDetail

K = TypeVar("K")


def get_ticket(db: Database, ticket_id: int) -> TicketDetail:
    """A ticket with its customer, people and whole thread, in one read transaction."""
    ticket_id = v.clean_id("ticket", "ticket", ticket_id)
    with db.read() as uow:
        ticket = uow.tickets.get(ticket_id)
        return TicketDetail(
            ticket=ticket,
            customer=uow.customers.get(ticket.customer_id),
            team=uow.teams.maybe(ticket.team_id),
            assignee=uow.agents.maybe(ticket.assignee_id),
            category=uow.categories.maybe(ticket.category_id),
            thread=tuple(uow.tickets.thread(ticket_id)),
            allowed_statuses=allowed_targets(ticket.status),
        )


def queue_count(db: Database, query: QueueQuery) -> int:
    query = v.clean_query(query)
    with db.read() as uow:
        return uow.queues.count(query)


def queue_counts(db: Database, queries: Mapping[K, QueueQuery]) -> dict[K, int]:
    """Counts for the queue list, all from one snapshot."""
    if not isinstance(queries, Mapping):
        raise ValidationError.single("queue", "The queues to count are not a mapping.")
    queries = {key: v.clean_query(query) for key, query in queries.items()}
    with db.read() as uow:
        return {key: uow.queues.count(query) for key, query in queries.items()}


def queue_page(
    db: Database, query: QueueQuery, offset: int, limit: int, total: int | None = None
) -> list[QueueRow]:
    """Rows [offset, offset + limit) of a queue, sorted and filtered in SQL. Pass the
    queue's `total` (from `queue_count`) to make pages near the end as cheap as the first."""
    query, offset, limit = _window(query, offset, limit)
    if total is not None:
        total = v.clean_count("total", "The queue's length", total)
    with db.read() as uow:
        return with_time_left(db, uow, uow.queues.page(query, offset, limit, total), uow.now())


def queue_window(
    db: Database, query: QueueQuery, offset: int, limit: int
) -> tuple[int, list[QueueRow]]:
    """The queue's length and one page of it, from the same snapshot."""
    query, offset, limit = _window(query, offset, limit)
    with db.read() as uow:
        total, rows = uow.queues.window(query, offset, limit)
        return total, with_time_left(db, uow, rows, uow.now())


def queue_pages(
    db: Database, query: QueueQuery, page_numbers: Sequence[int], limit: int
) -> tuple[int, dict[int, list[QueueRow]]]:
    """The queue's length and several pages of it, from one snapshot (a refresh)."""
    query, _offset, limit = _window(query, 0, limit)
    if isinstance(page_numbers, (str, bytes)) or not isinstance(page_numbers, Sequence):
        raise ValidationError.single("page", "The pages to read are not a list.")
    high = ID_MAX // max(limit, 1)
    page_numbers = [v.clean_count("page", "A page number", n, high=high) for n in page_numbers]
    with db.read() as uow:
        total = uow.queues.count(query)
        now = uow.now()
        pages = {
            n: with_time_left(db, uow, uow.queues.page(query, n * limit, limit, total), now)
            for n in page_numbers
        }
        return total, pages


def rows_by_id(db: Database, ticket_ids: list[int]) -> list[QueueRow]:
    """Fresh rows for tickets that changed, for the table to update in place."""
    ticket_ids = v.clean_ids("ticket", "ticket", ticket_ids)
    with db.read() as uow:
        return with_time_left(db, uow, uow.queues.rows_by_id(ticket_ids), uow.now())


def search_tickets(db: Database, text: str, limit: int = 500) -> list[int]:
    """Newest tickets first whose number, customer or text matches."""
    text = v.clean_search(text)
    limit = v.clean_count("limit", "The number of results", limit, low=1, high=v.PAGE_MAX)
    with db.read() as uow:
        return uow.queues.search(text, limit)


def customer_tickets(db: Database, customer_id: int, limit: int = 10) -> list[QueueRow]:
    """A customer's latest tickets, newest first."""
    customer_id = v.clean_id("customer", "customer", customer_id)
    limit = v.clean_count("limit", "The number of tickets", limit, high=v.PAGE_MAX)
    with db.read() as uow:
        return uow.queues.page(_customer_queue(customer_id), 0, limit)


def lookup_callers(db: Database, text: str, limit: int = 8, recent: int = 5) -> list[CallerMatch]:
    """Customers whose name, organisation, email or phone starts with what was typed,
    each with their latest tickets, so a repeat caller is not logged twice. A national
    phone number is read as the desk's country dials it."""
    text = v.clean_search(text, field="lookup")
    limit = v.clean_count("limit", "The number of callers", limit, high=v.PAGE_MAX)
    recent = v.clean_count("recent", "The number of tickets", recent, high=v.PAGE_MAX)
    if not text.strip():
        return []
    with db.read() as uow:
        terms = customer_terms(text, stored_phone_region(uow))
        if not terms:
            return []
        found = uow.customers.lookup(terms, limit)
        return [
            CallerMatch(
                customer,
                tuple(uow.queues.page(_customer_queue(customer.id), 0, recent)),
            )
            for customer in found
        ]


def caller_by_email(db: Database, email: str, recent: int = 5) -> CallerMatch | None:
    """The customer an address belongs to (as `log_ticket` would find them), with their
    latest tickets; None for an address nobody has, or one that is not an address."""
    recent = v.clean_count("recent", "The number of tickets", recent, high=v.PAGE_MAX)
    typed = v.clean_text("email", "The email address", email, limit=v.EMAIL_MAX)
    try:
        address = v.clean_email(typed)
    except ValidationError:  # not an address (yet): nobody's
        return None
    if address is None:
        return None
    with db.read() as uow:
        customer = uow.customers.by_email(address)
        if customer is None:
            return None
        return CallerMatch(
            customer, tuple(uow.queues.page(_customer_queue(customer.id), 0, recent))
        )


def _window(query: object, offset: object, limit: object) -> tuple[QueueQuery, int, int]:
    return (
        v.clean_query(query),
        v.clean_count("offset", "The first row", offset),
        v.clean_count("limit", "The number of rows", limit, high=v.PAGE_MAX),
    )


def _customer_queue(customer_id: int | None) -> QueueQuery:
    """A customer's tickets, newest first."""
    return QueueQuery(QueueFilter(customer_id=customer_id), SortKey.NUMBER, descending=True)


def directory(db: Database) -> DeskDirectory:
    with db.read() as uow:
        return DeskDirectory(
            agents=tuple(uow.agents.all()),
            teams=tuple(uow.teams.all()),
            categories=tuple(uow.categories.all()),
            memberships=tuple(uow.teams.memberships()),
        )

"""Logging a new ticket while the caller is still on the line (or at the counter)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from desk.domain import lifecycle, validation
from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import FieldProblem, ValidationError
from desk.domain.model import Channel, Customer, Level, Priority
from desk.domain.permissions import Permission
from desk.domain.search import fold
from desk.domain.thread import EntryKind
from desk.domain.ticket import Ticket
from desk.store.tickets import NewEntry
from desk.store.unit_of_work import SqlUnitOfWork

from . import clocks, desk_settings, routing
from .database import Database
from .tickets import acting_agent, event_entries, record


@dataclass(frozen=True, slots=True)
class NewCaller:
    """A caller Desk does not know yet, typed in by the agent."""

    name: str
    email: str = ""
    phone: str = ""
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class IntakeRequest:
    subject: str
    description: str = ""
    channel: Channel = Channel.PHONE
    customer_id: int | None = None  # a caller found by lookup ...
    new_caller: NewCaller | None = None  # ... or one typed in
    category_id: int | None = None
    team_id: int | None = None  # None: the help topic's team
    impact: Level | None = None  # None: from the help topic's priority
    urgency: Level | None = None
    priority: Priority | None = None  # an override of impact × urgency
    asset: str = ""
    assign_to_me: bool = False
    call_seconds: int | None = None


def log_ticket(
    db: Database,
    actor_id: int,
    request: IntakeRequest,
    *,
    phone_region: str | None = None,
    calendar: BusinessCalendar | None = None,
) -> Ticket:
    """Create the ticket (and the caller, if new) in one transaction; on any bad field,
    report every problem at once and write nothing. A new caller's phone number without a
    country code is read as a number of `phone_region`, by default the desk's country.

    The routing rules, in the same transaction, set its team, topic or priority and give
    it to an agent (unless the agent takes it); `calendar` is the desk's business hours
    for rules that ask about them."""
    request = _checked(request)
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        raise ValidationError.single("calendar", "The business hours are not a calendar.")
    if (request.customer_id is None) == (request.new_caller is None):
        raise ValidationError.single("customer", "Choose a known caller or type in a new one.")
    problems: list[FieldProblem] = []
    caller: Customer | None = None
    if request.new_caller is not None:
        given = request.new_caller
        try:
            caller = validation.clean_customer(
                given.name,
                given.email,
                given.phone,
                given.organisation,
                # Read apart from the write: parsing must not hold the desk's write lock.
                region=desk_settings.phone_region(db)
                if phone_region is None
                else validation.clean_phone_region(phone_region),
            )
        except ValidationError as exc:
            problems.extend(exc.problems)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.WORK_TICKETS)
        category = uow.categories.maybe(request.category_id)
        if request.team_id is not None:
            uow.teams.get(request.team_id)
        now = uow.now()
        try:
            change = lifecycle.new_ticket(
                subject=request.subject,
                description=request.description,
                customer_id=request.customer_id or 0,  # the caller is stored below
                channel=request.channel,
                now=now,
                actor_id=actor.id,
                category=category,
                team_id=request.team_id,
                impact=request.impact,
                urgency=request.urgency,
                priority=request.priority,
                asset=request.asset,
                call_seconds=request.call_seconds,
            )
        except ValidationError as exc:
            problems.extend(exc.problems)
        if problems:
            raise ValidationError(problems)
        customer = _customer(uow, request, caller)
        assert customer.id is not None
        draft, plan = replace(change.ticket, customer_id=customer.id), None
        if not request.assign_to_me:
            draft, plan = routing.route_new_ticket(uow, draft, customer, calendar)
        ticket = uow.tickets.add(draft)
        assert ticket.id is not None
        entries = event_entries(change, actor)
        if ticket.description:
            entries.insert(
                0, NewEntry(EntryKind.CUSTOMER, customer.name, actor.id, ticket.description)
            )
        uow.tickets.append(ticket.id, entries, version=ticket.version, now=now)
        if request.assign_to_me:
            ticket = record(uow, ticket, lifecycle.claim(ticket, actor, now), actor)
        ticket = routing.after_intake(uow, ticket, plan, actor)
        clocks.refresh_one(uow, ticket)  # after routing, which may set the priority
        uow.commit()
    return ticket


def _checked(request: object) -> IntakeRequest:
    """Every part of the request of the right kind, each bad one reported at its field."""
    if not isinstance(request, IntakeRequest):
        raise ValidationError.single("ticket", "There is no ticket to log.")
    r = request
    v = validation

    def optional_choice(field: str, label: str, choices: type, value: object) -> object:
        return None if value is None else v.clean_choice(field, label, choices, value)

    def new_caller() -> NewCaller | None:
        if r.new_caller is None or isinstance(r.new_caller, NewCaller):
            return r.new_caller
        raise ValidationError.single("customer", "The new caller's details are missing.")

    def call_seconds() -> int | None:
        if r.call_seconds is None:
            return None
        seconds = r.call_seconds
        if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds < 0:
            return seconds  # the lifecycle says why
        return v.clean_count("call_seconds", "The call duration", r.call_seconds)

    values = v.collect(
        lambda: v.storable("subject", "Subject", r.subject),
        lambda: v.storable("description", "Description", r.description),
        lambda: v.clean_choice("channel", "channel", Channel, r.channel),
        lambda: v.clean_id("customer", "customer", r.customer_id, optional=True),
        new_caller,
        lambda: v.clean_id("category", "help topic", r.category_id, optional=True),
        lambda: v.clean_id("team", "team", r.team_id, optional=True),
        lambda: optional_choice("impact", "level of impact", Level, r.impact),
        lambda: optional_choice("urgency", "level of urgency", Level, r.urgency),
        lambda: optional_choice("priority", "priority", Priority, r.priority),
        lambda: v.storable("asset", "Asset", r.asset),
        lambda: v.clean_flag("assign_to_me", "Assign to me", r.assign_to_me),
        call_seconds,
    )
    return IntakeRequest(*values)


def _customer(uow: SqlUnitOfWork, request: IntakeRequest, caller: Customer | None) -> Customer:
    if request.customer_id is not None:
        return uow.customers.get(request.customer_id)
    assert caller is not None
    if caller.email:
        # The same address is the same person, even when two agents log them at once ...
        known = uow.customers.add_or_get(caller, uow.now())
        if fold(known.name) != fold(caller.name):
            # ... but under another name it is someone else's address: logging against
            # them would misfile the call. The agent decides; nothing is written.
            raise ValidationError.single(
                "email",
                f"{caller.email} belongs to {known.name} already."
                f" Use {known.name} as the caller, or type another address.",
            )
        return known
    return uow.customers.add(caller, uow.now())

"""Working a ticket: claim, assign, transfer, reply, note, status changes, triage edits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from desk.domain import lifecycle, validation
from desk.domain.errors import DatabaseError, DeskError, FieldProblem, ValidationError
from desk.domain.lifecycle import Change
from desk.domain.model import Agent, Level, Priority, TicketStatus
from desk.domain.permissions import Permission, require
from desk.domain.thread import EntryKind
from desk.domain.ticket import Ticket, format_number
from desk.store.tickets import NewEntry
from desk.store.unit_of_work import SqlUnitOfWork

from . import clocks
from .database import Database

Operation = Callable[[SqlUnitOfWork, Ticket, Agent, datetime], Change]


def acting_agent(uow: SqlUnitOfWork, actor_id: int, permission: Permission) -> Agent:
    actor = uow.agents.get(validation.clean_id("agent", "agent", actor_id))
    require(actor, permission)
    return actor


def event_entries(change: Change, actor: Agent | None, author_name: str = "") -> list[NewEntry]:
    """Thread entries for the change's events, by the agent (or customer) who caused them."""
    return [
        NewEntry(
            kind=EntryKind.EVENT,
            author_name=actor.name if actor else (author_name or "Customer"),
            agent_id=actor.id if actor else None,
            event=event.type,
            data=event.data,
            # A reason or note typed with the event is the entry's body, so that search,
            # which indexes thread bodies, finds it.
            body=event.searchable_text,
        )
        for event in change.events
    ]


def record(
    uow: SqlUnitOfWork,
    before: Ticket,
    change: Change,
    actor: Agent | None,
    entries: Sequence[NewEntry] = (),
    *,
    author_name: str = "",
) -> Ticket:
    """Save the changed ticket and append `entries` and the change's events to its thread."""
    assert before.id is not None
    saved = before
    if change.ticket != before:
        saved = uow.tickets.save(change.ticket, bump=bool(change.events))
    uow.tickets.append(
        before.id,
        [*entries, *event_entries(change, actor, author_name)],
        version=saved.version,
        now=uow.now(),
    )
    return saved


def _work(
    db: Database,
    actor_id: int,
    ticket_id: int,
    operation: Operation,
    *,
    expected_version: int | None = None,
    permission: Permission = Permission.WORK_TICKETS,
    entries: Callable[[SqlUnitOfWork, Ticket, Agent], Sequence[NewEntry]] = lambda *_: (),
    after: Callable[[SqlUnitOfWork, Ticket, Agent], Ticket] | None = None,
) -> Ticket:
    """The one path every ticket change takes: one transaction, role, version, events."""
    ticket_id = validation.clean_id("ticket", "ticket", ticket_id)
    expected_version = _version(expected_version, optional=True)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, permission)
        ticket = uow.tickets.get(ticket_id, for_update=True)
        if expected_version is not None and ticket.version != expected_version:
            raise uow.tickets.conflict(ticket_id, expected_version)
        change = operation(uow, ticket, actor, uow.now())
        saved = record(uow, ticket, change, actor, entries(uow, ticket, actor))
        if after is not None:  # more in the same transaction (routing after a transfer)
            saved = after(uow, saved, actor)
        clocks.refresh_one(uow, saved)  # due times follow the history, in this transaction
        uow.commit()
    return saved


# --- assignment -------------------------------------------------------------------------


def claim_ticket(db: Database, actor_id: int, ticket_id: int) -> Ticket:
    """The acting agent takes an unassigned ticket."""
    return _work(
        db,
        actor_id,
        ticket_id,
        lambda uow, t, actor, now: lifecycle.claim(t, actor, now, uow.agents.maybe(t.assignee_id)),
    )


def assign_ticket(
    db: Database,
    actor_id: int,
    ticket_id: int,
    assignee_id: int,
    expected_version: int | None = None,
) -> Ticket:
    """Give a ticket to an agent. Agents may take tickets for themselves; giving one to
    somebody else, or taking one from somebody else, is a supervisor's call."""

    assignee_id = validation.clean_id("assignee", "agent", assignee_id)

    def assign(uow: SqlUnitOfWork, t: Ticket, actor: Agent, now: datetime) -> Change:
        if assignee_id != actor.id or t.assignee_id not in (None, actor.id):
            require(actor, Permission.ASSIGN_OTHERS)
        current = uow.agents.maybe(t.assignee_id)
        return lifecycle.assign(t, uow.agents.get(assignee_id), actor, now, current)

    return _work(db, actor_id, ticket_id, assign, expected_version=expected_version)


def release_ticket(
    db: Database, actor_id: int, ticket_id: int, expected_version: int | None = None
) -> Ticket:
    """Give the ticket back to its team's queue; others' tickets need a supervisor."""

    def release(uow: SqlUnitOfWork, t: Ticket, actor: Agent, now: datetime) -> Change:
        if t.assignee_id not in (None, actor.id):
            require(actor, Permission.ASSIGN_OTHERS)
        return lifecycle.release(t, actor, now, uow.agents.maybe(t.assignee_id))

    return _work(db, actor_id, ticket_id, release, expected_version=expected_version)


def transfer_ticket(
    db: Database,
    actor_id: int,
    ticket_id: int,
    team_id: int,
    reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Escalate or hand over to another team's queue, with an optional internal note; a
    team that assigns by itself gives the ticket to one of its agents at once. A ticket
    assigned to somebody else only a supervisor may transfer."""
    reason = validation.clean_body("reason", "The reason", reason, required=False)
    team_id = validation.clean_id("team", "team", team_id)

    def transfer(uow: SqlUnitOfWork, t: Ticket, actor: Agent, now: datetime) -> Change:
        # A transfer lets go of the assignee: from somebody else, a supervisor's call (or
        # an agent could take a colleague's ticket by transferring it away and back, then
        # claiming it). The database refuses it too (desk.store.server_roles).
        if t.assignee_id not in (None, actor.id):
            require(actor, Permission.ASSIGN_OTHERS)
        return lifecycle.transfer(
            t,
            uow.teams.get(team_id),
            actor,
            now,
            from_team=uow.teams.maybe(t.team_id),
            current=uow.agents.maybe(t.assignee_id),
            reason=reason,
        )

    def note(_uow: SqlUnitOfWork, _t: Ticket, actor: Agent) -> list[NewEntry]:
        return [NewEntry(EntryKind.NOTE, actor.name, actor.id, reason)] if reason else []

    from .routing import after_transfer  # routing records through this module

    return _work(
        db,
        actor_id,
        ticket_id,
        transfer,
        expected_version=expected_version,
        entries=note,
        after=after_transfer,
    )


# --- conversation -----------------------------------------------------------------------


def reply_to_customer(db: Database, actor_id: int, ticket_id: int, body: str) -> Ticket:
    """An agent's reply, which the customer sees. The first one is the first response."""
    body = validation.clean_body("body", "The reply", body)
    return _work(
        db,
        actor_id,
        ticket_id,
        lambda _uow, t, actor, now: lifecycle.agent_reply(t, actor, now),
        entries=lambda _uow, _t, actor: [NewEntry(EntryKind.REPLY, actor.name, actor.id, body)],
    )


def add_internal_note(db: Database, actor_id: int, ticket_id: int, body: str) -> Ticket:
    """A note for agents only; it never reaches the customer and changes nothing else."""
    body = validation.clean_body("body", "The note", body)
    ticket_id = validation.clean_id("ticket", "ticket", ticket_id)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.WORK_TICKETS)
        ticket = uow.tickets.get(ticket_id, for_update=True)
        now = uow.now()
        uow.tickets.append(
            ticket_id,
            [NewEntry(EntryKind.NOTE, actor.name, actor.id, body)],
            version=ticket.version,
            now=now,
        )
        uow.tickets.touch(ticket_id, now, actor.id)
        uow.commit()
    return ticket


def add_customer_message(db: Database, actor_id: int, ticket_id: int, body: str) -> Ticket:
    """What the customer said (on the phone, at the counter), logged by the agent on an
    existing ticket instead of a duplicate. A pending ticket goes back to open; a solved
    one is reopened."""
    body = validation.clean_body("body", "The message", body)

    def message(uow: SqlUnitOfWork, t: Ticket, actor: Agent, now: datetime) -> Change:
        return lifecycle.customer_message(t, now, actor.id)

    def entries(uow: SqlUnitOfWork, t: Ticket, actor: Agent) -> list[NewEntry]:
        customer = uow.customers.get(t.customer_id)
        return [NewEntry(EntryKind.CUSTOMER, customer.name, actor.id, body)]

    return _work(db, actor_id, ticket_id, message, entries=entries)


# --- status -----------------------------------------------------------------------------


def change_status(
    db: Database,
    actor_id: int,
    ticket_id: int,
    target: TicketStatus,
    *,
    note: str = "",
    csat: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Move a ticket to `target` if the transition table allows it (a resolution note to
    resolve, an optional 1–5 satisfaction score to close, an optional reason otherwise)."""
    target = validation.clean_choice("status", "status", TicketStatus, target)
    note = validation.storable("note", "The note", note)
    if csat is not None:
        csat = validation.clean_count("csat", "Customer satisfaction", csat, low=1, high=5)
    return _work(
        db,
        actor_id,
        ticket_id,
        lambda _uow, t, actor, now: lifecycle.change_status(
            t, target, actor, now, note=note, csat=csat
        ),
        expected_version=expected_version,
    )


def set_pending(
    db: Database,
    actor_id: int,
    ticket_id: int,
    reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    return change_status(
        db,
        actor_id,
        ticket_id,
        TicketStatus.PENDING,
        note=reason,
        expected_version=expected_version,
    )


def resolve_ticket(
    db: Database, actor_id: int, ticket_id: int, note: str, expected_version: int | None = None
) -> Ticket:
    return change_status(
        db, actor_id, ticket_id, TicketStatus.RESOLVED, note=note, expected_version=expected_version
    )


def close_ticket(
    db: Database,
    actor_id: int,
    ticket_id: int,
    csat: int | None = None,
    expected_version: int | None = None,
) -> Ticket:
    return change_status(
        db, actor_id, ticket_id, TicketStatus.CLOSED, csat=csat, expected_version=expected_version
    )


def reopen_ticket(
    db: Database,
    actor_id: int,
    ticket_id: int,
    reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    return change_status(
        db, actor_id, ticket_id, TicketStatus.OPEN, note=reason, expected_version=expected_version
    )


# --- triage and details -----------------------------------------------------------------


class Keep(Enum):
    """Leave a field as it is (where None would mean "none")."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True, slots=True)
class TicketEdit:
    """Field changes from the editor. None (or KEEP) leaves a field as it is; a category
    of None removes it; a priority of None, or the matrix's own, drops the override."""

    subject: str | None = None
    asset: str | None = None
    category_id: int | Keep | None = KEEP
    impact: Level | None = None
    urgency: Level | None = None
    priority: Priority | Keep | None = KEEP


def update_ticket(
    db: Database, actor_id: int, ticket_id: int, edit: TicketEdit, expected_version: int
) -> Ticket:
    """Save the editor's changes in one go, one event per changed field, or nothing at all
    if any field is invalid or someone else saved the ticket since `expected_version`."""
    edit = _checked_edit(edit)
    expected_version = _version(expected_version)

    def apply(uow: SqlUnitOfWork, t: Ticket, actor: Agent, now: datetime) -> Change:
        change = Change(t)
        problems: list[FieldProblem] = []
        steps: list[Callable[[Ticket], Change]] = []
        if edit.subject is not None:
            steps.append(lambda x: lifecycle.change_subject(x, edit.subject or "", actor, now))
        if edit.asset is not None:
            steps.append(lambda x: lifecycle.change_asset(x, edit.asset or "", actor, now))
        if not isinstance(edit.category_id, Keep):
            category = uow.categories.maybe(edit.category_id)
            previous = uow.categories.maybe(t.category_id)
            steps.append(lambda x: lifecycle.change_category(x, category, actor, now, previous))
        if edit.impact is not None or edit.urgency is not None:
            steps.append(
                lambda x: lifecycle.set_levels(
                    x, edit.impact or x.impact, edit.urgency or x.urgency, actor, now
                )
            )
        if not isinstance(edit.priority, Keep):
            priority = edit.priority
            steps.append(lambda x: lifecycle.override_priority(x, priority, actor, now))
        for step in steps:
            try:
                change = change.then(step(change.ticket))
            except ValidationError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ValidationError(problems)
        return change

    return _work(db, actor_id, ticket_id, apply, expected_version=expected_version)


def _version(value: object, *, optional: bool = False) -> int | None:
    """The version of a ticket the agent saw (from 1; None when not checked)."""
    if value is None and optional:
        return None
    return validation.clean_count("version", "The ticket's version", value, low=1)


def _checked_edit(edit: object) -> TicketEdit:
    if not isinstance(edit, TicketEdit):
        raise ValidationError.single("edit", "The changes to save are not a ticket edit.")

    def optional_text(field: str, label: str, value: object) -> str | None:
        return None if value is None else validation.storable(field, label, value)

    def optional_choice(field: str, label: str, choices: type, value: object) -> object:
        if value is None or isinstance(value, Keep):
            return value
        return validation.clean_choice(field, label, choices, value)

    category = edit.category_id
    subject, asset, category, impact, urgency, priority = validation.collect(
        lambda: optional_text("subject", "Subject", edit.subject),
        lambda: optional_text("asset", "Asset", edit.asset),
        lambda: (
            category
            if isinstance(category, Keep)
            else validation.clean_id("category", "help topic", category, optional=True)
        ),
        lambda: optional_choice("impact", "level of impact", Level, edit.impact),
        lambda: optional_choice("urgency", "level of urgency", Level, edit.urgency),
        lambda: optional_choice("priority", "priority", Priority, edit.priority),
    )
    return TicketEdit(subject, asset, category, impact, urgency, priority)


# --- bulk -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What a bulk action did: the tickets changed, and why the others were not."""

    done: tuple[int, ...]
    failed: tuple[tuple[int, str], ...]

    @property
    def summary(self) -> str:
        text = f"{len(self.done)} ticket(s) changed."
        if self.failed:
            reasons = "; ".join(f"{format_number(i)}: {why}" for i, why in self.failed[:5])
            more = f" (and {len(self.failed) - 5} more)" if len(self.failed) > 5 else ""
            text += f" {len(self.failed)} not changed: {reasons}{more}"
        return text


def bulk(ticket_ids: Iterable[int], action: Callable[[int], object]) -> BulkResult:
    """Apply `action` to each ticket in its own transaction; one refusal stops no other.

    The database itself refusing (gone, read-only, unreachable) is no ticket's problem: it
    is raised when nothing was done yet, and ends the run (the rest not changed) otherwise.
    """
    ticket_ids = validation.clean_ids("ticket", "ticket", ticket_ids)
    if not callable(action):
        raise ValidationError.single("action", "There is no action to apply.")
    done: list[int] = []
    failed: list[tuple[int, str]] = []
    ids = list(ticket_ids)
    for n, ticket_id in enumerate(ids):
        try:
            action(ticket_id)
        except DatabaseError as exc:
            if not done:
                raise
            failed.extend((i, exc.message) for i in ids[n:])
            break
        except DeskError as exc:
            failed.append((ticket_id, exc.message))
        else:
            done.append(ticket_id)
    return BulkResult(tuple(done), tuple(failed))

"""The ticket lifecycle: the transition table and every operation on a ticket.

Operations are pure: each takes a ticket and returns a `Change`, the new ticket and the
events to record in its thread. They raise a `DeskError` when the ticket's state does
not allow the operation, and leave storing, roles and transactions to the services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from . import validation
from .errors import ActionNotAllowed, TransitionError, ValidationError
from .model import Agent, Category, Channel, Level, Priority, Team, TicketStatus
from .priority import LEVELS_FOR_PRIORITY, priority_for
from .thread import Event, EventType
from .ticket import Ticket

NEW, OPEN, PENDING, RESOLVED, CLOSED = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING,
    TicketStatus.RESOLVED,
    TicketStatus.CLOSED,
)


@dataclass(frozen=True, slots=True)
class Transition:
    action: str  # what the user does: "open", "set pending", "resolve", "close", "reopen"
    reopens: bool = False  # counted in reopen_count


#: Every allowed status change. Anything not listed is refused with `explain_forbidden`.
TRANSITIONS: Mapping[tuple[TicketStatus, TicketStatus], Transition] = {
    (NEW, OPEN): Transition("open"),
    (NEW, PENDING): Transition("set pending"),
    (NEW, RESOLVED): Transition("resolve"),
    (OPEN, PENDING): Transition("set pending"),
    (OPEN, RESOLVED): Transition("resolve"),
    (PENDING, OPEN): Transition("resume"),
    (PENDING, RESOLVED): Transition("resolve"),
    (RESOLVED, CLOSED): Transition("close"),
    (RESOLVED, OPEN): Transition("reopen", reopens=True),
    (CLOSED, OPEN): Transition("reopen", reopens=True),
}


def allowed_targets(status: TicketStatus) -> tuple[TicketStatus, ...]:
    """The statuses a ticket in `status` may move to, in lifecycle order."""
    return tuple(to for to in TicketStatus if (status, to) in TRANSITIONS)


def explain_forbidden(number: str, current: TicketStatus, target: TicketStatus) -> str:
    head = f"Cannot move {number} from {current} to {target}"
    if current == target:
        return f"{number} is already {current}."
    if target == NEW:
        why = "a ticket never goes back to new once it has been worked"
    elif target == CLOSED:
        why = "resolve it first; a ticket is closed only after it has been resolved"
    elif current in (RESOLVED, CLOSED):
        why = "reopen it first"
    else:
        why = "the lifecycle does not allow that change"
    return f"{head}: {why}."


def check_transition(ticket: Ticket, target: TicketStatus) -> Transition:
    rule = TRANSITIONS.get((ticket.status, target))
    if rule is None:
        raise TransitionError(explain_forbidden(ticket.number, ticket.status, target))
    return rule


@dataclass(frozen=True, slots=True)
class Change:
    """A ticket after an operation, and the events that record what changed."""

    ticket: Ticket
    events: tuple[Event, ...] = ()

    def then(self, change: Change) -> Change:
        return Change(change.ticket, self.events + change.events)


def _ev(kind: EventType, **data: Any) -> Event:
    return Event(kind, data)


def _touch(ticket: Ticket, actor_id: int | None, now: datetime, **fields: Any) -> Ticket:
    return replace(ticket, updated_at=now, updated_by=actor_id, **fields)


def _move(
    ticket: Ticket, target: TicketStatus, actor_id: int | None, now: datetime, **data: Any
) -> Change:
    rule = check_transition(ticket, target)
    fields: dict[str, Any] = {"status": target}
    events: list[Event] = []
    if rule.reopens:
        fields.update(
            reopen_count=ticket.reopen_count + 1,
            resolved_at=None,
            closed_at=None,
            resolution_note="",
            csat=None,
        )
        # The ticket starts afresh, but what the customer said and how it was resolved
        # stay in the thread: the reopen event keeps them.
        kept: dict[str, Any] = {}
        if ticket.csat is not None:
            kept["csat"] = ticket.csat
        if ticket.resolution_note:
            kept["resolution_note"] = ticket.resolution_note
        events.append(
            _ev(
                EventType.REOPENED,
                count=ticket.reopen_count + 1,
                reason=data.pop("reason", ""),
                **kept,
            )
        )
    if target == RESOLVED:
        fields.update(resolved_at=now, resolution_note=data["note"])
    if target == CLOSED:
        fields.update(closed_at=now, csat=data.get("csat"))
    events.append(
        _ev(EventType.STATUS_CHANGED, **{"from": str(ticket.status), "to": str(target)}, **data)
    )
    return Change(_touch(ticket, actor_id, now, **fields), tuple(events))


def _refuse_when_done(ticket: Ticket, doing: str) -> None:
    if ticket.status in (RESOLVED, CLOSED):
        raise ActionNotAllowed(
            f"{ticket.number} is {ticket.status}; reopen it before you {doing} it."
        )


def _start_work(change: Change, actor_id: int | None, now: datetime) -> Change:
    """Claiming, assigning or replying to a new ticket opens it."""
    if change.ticket.status == NEW:
        return change.then(_move(change.ticket, OPEN, actor_id, now))
    return change


# --- creation ---------------------------------------------------------------------------


def new_ticket(
    *,
    subject: str,
    description: str,
    customer_id: int,
    channel: Channel,
    now: datetime,
    actor_id: int | None,
    category: Category | None = None,
    team_id: int | None = None,
    impact: Level | None = None,
    urgency: Level | None = None,
    priority: Priority | None = None,
    asset: str = "",
    call_seconds: int | None = None,
) -> Change:
    """A new ticket, with the help topic's team and priority where none is given.

    `priority`, when given and different from the matrix's, is recorded as an override.
    """
    subject, description, asset = validation.collect(
        lambda: validation.clean_subject(subject),
        lambda: validation.clean_body("description", "Description", description, required=False),
        lambda: validation.clean_text("asset", "Asset", asset, limit=validation.ASSET_MAX),
    )
    if call_seconds is not None and call_seconds < 0:
        raise ValidationError.single("call_seconds", "The call duration cannot be negative.")
    default_levels = LEVELS_FOR_PRIORITY[category.default_priority if category else Priority.NORMAL]
    impact = Level(impact) if impact is not None else default_levels[0]
    urgency = Level(urgency) if urgency is not None else default_levels[1]
    matrix = priority_for(impact, urgency)
    chosen = Priority(priority) if priority is not None else matrix
    if team_id is None and category is not None:
        team_id = category.default_team_id
    ticket = Ticket(
        id=None,
        subject=subject,
        description=description,
        customer_id=customer_id,
        channel=Channel(channel),
        category_id=category.id if category else None,
        team_id=team_id,
        assignee_id=None,
        status=NEW,
        impact=impact,
        urgency=urgency,
        priority=chosen,
        priority_overridden=chosen != matrix,
        asset=asset,
        created_at=now,
        created_by=actor_id,
        updated_at=now,
        updated_by=actor_id,
        call_seconds=call_seconds,
    )
    created = _ev(
        EventType.CREATED,
        channel=str(ticket.channel),
        priority=ticket.priority.name.lower(),
        override=ticket.priority_overridden,
    )
    return Change(ticket, (created,))


# --- assignment -------------------------------------------------------------------------


def claim(ticket: Ticket, agent: Agent, now: datetime, current: Agent | None = None) -> Change:
    """The agent takes an unassigned ticket for themself."""
    _refuse_when_done(ticket, "claim")
    if ticket.assignee_id == agent.id:
        raise ActionNotAllowed(f"{ticket.number} is already assigned to you.")
    if ticket.assignee_id is not None:
        who = current.name if current else "another agent"
        raise ActionNotAllowed(
            f"{ticket.number} is assigned to {who}; a supervisor can reassign it to you."
        )
    change = Change(
        _touch(ticket, agent.id, now, assignee_id=agent.id),
        (_ev(EventType.CLAIMED, agent_id=agent.id, agent_name=agent.name),),
    )
    return _start_work(change, agent.id, now)


def assign(
    ticket: Ticket, to: Agent, actor: Agent, now: datetime, current: Agent | None = None
) -> Change:
    """A supervisor (or the agent themself) gives the ticket to `to`."""
    _refuse_when_done(ticket, "assign")
    if not to.active:
        raise ValidationError.single(
            "assignee", f"{to.name}'s account is deactivated; choose another agent."
        )
    if ticket.assignee_id == to.id:
        raise ActionNotAllowed(f"{ticket.number} is already assigned to {to.name}.")
    event = _ev(
        EventType.ASSIGNED,
        from_id=ticket.assignee_id,
        from_name=current.name if current else None,
        to_id=to.id,
        to_name=to.name,
    )
    change = Change(_touch(ticket, actor.id, now, assignee_id=to.id), (event,))
    return _start_work(change, actor.id, now)


def release(ticket: Ticket, actor: Agent, now: datetime, current: Agent | None = None) -> Change:
    """Give the ticket back to its team's queue."""
    if ticket.assignee_id is None:
        raise ActionNotAllowed(f"{ticket.number} is not assigned to anyone.")
    event = _ev(
        EventType.RELEASED,
        from_id=ticket.assignee_id,
        from_name=current.name if current else None,
    )
    return Change(_touch(ticket, actor.id, now, assignee_id=None), (event,))


def transfer(
    ticket: Ticket,
    team: Team,
    actor: Agent,
    now: datetime,
    from_team: Team | None = None,
    current: Agent | None = None,
    reason: str = "",
) -> Change:
    """Hand the ticket to another team's queue (escalation); the assignee lets go of it."""
    _refuse_when_done(ticket, "transfer")
    if not team.active:
        raise ValidationError.single(
            "team", f"The team {team.name} is deactivated and takes no tickets; choose another."
        )
    if ticket.team_id == team.id:
        raise ActionNotAllowed(f"{ticket.number} is already with {team.name}.")
    event = _ev(
        EventType.TRANSFERRED,
        from_id=ticket.team_id,
        from_name=from_team.name if from_team else None,
        to_id=team.id,
        to_name=team.name,
        released_name=current.name if current else None,
        reason=reason,
    )
    return Change(_touch(ticket, actor.id, now, team_id=team.id, assignee_id=None), (event,))


# --- conversation -----------------------------------------------------------------------


def agent_reply(ticket: Ticket, actor: Agent, now: datetime) -> Change:
    """An agent answered the customer: the first answer starts the ticket's clock of record."""
    if ticket.status == CLOSED:
        raise ActionNotAllowed(f"{ticket.number} is closed; reopen it before you reply.")
    fields: dict[str, Any] = {}
    if ticket.first_responded_at is None:
        fields["first_responded_at"] = now
    return _start_work(Change(_touch(ticket, actor.id, now, **fields)), actor.id, now)


def customer_message(ticket: Ticket, now: datetime, actor_id: int | None = None) -> Change:
    """The customer wrote or called again: waiting on them is over, a solved problem is back."""
    if ticket.status == PENDING:
        return _move(ticket, OPEN, actor_id, now)
    if ticket.status in (RESOLVED, CLOSED):
        return _move(ticket, OPEN, actor_id, now, reason="The customer got in touch again.")
    return Change(_touch(ticket, actor_id, now))


# --- status -----------------------------------------------------------------------------


def set_pending(ticket: Ticket, actor: Agent, now: datetime, reason: str = "") -> Change:
    """Waiting on the customer or a third party."""
    reason = validation.clean_body("reason", "The reason", reason, required=False)
    return _move(ticket, PENDING, actor.id, now, reason=reason)


def resolve(ticket: Ticket, actor: Agent, now: datetime, note: str) -> Change:
    check_transition(ticket, RESOLVED)
    note = validation.clean_body("resolution_note", "The resolution note", note, required=True)
    return _move(ticket, RESOLVED, actor.id, now, note=note)


def close(
    ticket: Ticket, actor: Agent, now: datetime, csat: int | None = None, reason: str = ""
) -> Change:
    check_transition(ticket, CLOSED)
    if csat is not None and (isinstance(csat, bool) or csat not in range(1, 6)):
        raise ValidationError.single("csat", "Customer satisfaction is a score from 1 to 5.")
    reason = validation.clean_body("reason", "The reason", reason, required=False)
    extra = {"reason": reason} if reason else {}
    return _move(ticket, CLOSED, actor.id, now, csat=csat, **extra)


def reopen(ticket: Ticket, actor: Agent, now: datetime, reason: str = "") -> Change:
    reason = validation.clean_body("reason", "The reason", reason, required=False)
    if ticket.status not in (RESOLVED, CLOSED):
        raise TransitionError(explain_forbidden(ticket.number, ticket.status, OPEN))
    return _move(ticket, OPEN, actor.id, now, reason=reason)


def change_status(
    ticket: Ticket,
    target: TicketStatus,
    actor: Agent,
    now: datetime,
    *,
    note: str = "",
    csat: int | None = None,
) -> Change:
    """Move to `target` by the one operation the transition table names for it.

    Whatever the move, the agent's `note` is kept: the resolution note of a resolve, the
    reason of any other change (reopening a pending or new ticket, closing ...).
    """
    rule = check_transition(ticket, target)
    match rule.action:
        case "resolve":
            return resolve(ticket, actor, now, note)
        case "close":
            return close(ticket, actor, now, csat, reason=note)
        case "reopen":
            return reopen(ticket, actor, now, note)
        case "set pending":
            return set_pending(ticket, actor, now, note)
        case _:
            reason = validation.clean_body("reason", "The reason", note, required=False)
            extra = {"reason": reason} if reason else {}
            return _move(ticket, target, actor.id, now, **extra)


# --- triage and details -----------------------------------------------------------------


def change_subject(ticket: Ticket, subject: str, actor: Agent, now: datetime) -> Change:
    subject = validation.clean_subject(subject)
    if subject == ticket.subject:
        return Change(ticket)
    event = _ev(EventType.SUBJECT_CHANGED, **{"from": ticket.subject, "to": subject})
    return Change(_touch(ticket, actor.id, now, subject=subject), (event,))


def change_asset(ticket: Ticket, asset: str, actor: Agent, now: datetime) -> Change:
    asset = validation.clean_text("asset", "Asset", asset, limit=validation.ASSET_MAX)
    if asset == ticket.asset:
        return Change(ticket)
    event = _ev(EventType.ASSET_CHANGED, **{"from": ticket.asset, "to": asset})
    return Change(_touch(ticket, actor.id, now, asset=asset), (event,))


def change_category(
    ticket: Ticket,
    category: Category | None,
    actor: Agent,
    now: datetime,
    previous: Category | None = None,
) -> Change:
    new_id = category.id if category else None
    if new_id == ticket.category_id:
        return Change(ticket)
    event = _ev(
        EventType.CATEGORY_CHANGED,
        from_id=ticket.category_id,
        from_name=previous.display_name if previous else None,
        to_id=new_id,
        to_name=category.display_name if category else None,
    )
    return Change(_touch(ticket, actor.id, now, category_id=new_id), (event,))


def _priority_event(old: Priority, new: Priority, override: bool) -> Event:
    return _ev(
        EventType.PRIORITY_CHANGED,
        **{"from": old.name.lower(), "to": new.name.lower()},
        override=override,
    )


def set_levels(
    ticket: Ticket, impact: Level, urgency: Level, actor: Agent, now: datetime
) -> Change:
    """New impact and urgency; the priority follows the matrix unless an agent overrode it."""
    impact, urgency = Level(impact), Level(urgency)
    events: list[Event] = []
    if impact != ticket.impact:
        events.append(
            _ev(
                EventType.IMPACT_CHANGED,
                **{"from": ticket.impact.name.lower(), "to": impact.name.lower()},
            )
        )
    if urgency != ticket.urgency:
        events.append(
            _ev(
                EventType.URGENCY_CHANGED,
                **{"from": ticket.urgency.name.lower(), "to": urgency.name.lower()},
            )
        )
    if not events:
        return Change(ticket)
    priority = ticket.priority if ticket.priority_overridden else priority_for(impact, urgency)
    if priority != ticket.priority:
        events.append(_priority_event(ticket.priority, priority, override=False))
    updated = _touch(ticket, actor.id, now, impact=impact, urgency=urgency, priority=priority)
    return Change(updated, tuple(events))


def override_priority(
    ticket: Ticket, priority: Priority | None, actor: Agent, now: datetime
) -> Change:
    """Set the priority by hand; None (or the matrix's own value) goes back to the matrix."""
    matrix = priority_for(ticket.impact, ticket.urgency)
    target = Priority(priority) if priority is not None else matrix
    overridden = target != matrix
    if target == ticket.priority and overridden == ticket.priority_overridden:
        return Change(ticket)
    event = _priority_event(ticket.priority, target, override=overridden)
    updated = _touch(ticket, actor.id, now, priority=target, priority_overridden=overridden)
    return Change(updated, (event,))

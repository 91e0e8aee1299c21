"""SLA plans and business calendars: the admin's edits, a plan's live preview, a ticket's
due times explained or set by hand, and the recompute of open tickets after an edit."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from desk.domain import validation
from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import ValidationError
from desk.domain.model import Priority, TicketStatus
from desk.domain.opening_hours import Holiday
from desk.domain.permissions import Permission
from desk.domain.sla import DEFAULT_PAUSE, Clock, Escalation, EscalationKind, SlaPlan, Targets
from desk.domain.sla_clock import ClockReading, ClockState, preview, read_clocks
from desk.domain.sla_history import ManualDue
from desk.domain.sla_wording import explanation
from desk.domain.thread import EntryKind, EventType
from desk.store.recording import NOTIFICATIONS, SLA_SETTINGS
from desk.store.sla_codec import (
    escalations_json,
    holidays_json,
    pause_json,
    targets_json,
    week_json,
)
from desk.store.tickets import NewEntry
from desk.store.unit_of_work import SqlUnitOfWork

from . import audit, clocks
from .database import Database
from .tickets import acting_agent

#: Open tickets recomputed per transaction after a plan or calendar edit: short enough
#: that an agent's save waits a moment at most for the write lock.
RECOMPUTE_BATCH = 500
AUTO_CLOSE_DAYS = "auto_close_days"
#: Keys in `Changes.settings`: a plan, calendar or topic's plan changed (views showing
#: them re-read); an agent's notifications changed (the unread count re-reads).
SLA_CHANGED = SLA_SETTINGS
NOTIFICATIONS_CHANGED = NOTIFICATIONS
AUTO_CLOSE_BUSINESS = "auto_close_business_days"


# --- calendars --------------------------------------------------------------------------


def _calendar(name: object, zone: object, hours: object, holidays: object) -> BusinessCalendar:
    def checked_hours() -> list[str]:
        if isinstance(hours, str | bytes) or not isinstance(hours, Sequence) or len(hours) != 7:
            raise ValidationError.single("hours", "Opening hours are given for 7 weekdays.")
        return [validation.storable("hours", "Opening hours", day) for day in hours]

    def checked_holidays() -> tuple[Holiday, ...]:
        if isinstance(holidays, str | bytes) or not isinstance(holidays, Sequence):
            raise ValidationError.single("holidays", "The holidays are not a list of holidays.")
        if not all(isinstance(h, Holiday) for h in holidays):
            raise ValidationError.single("holidays", "The holidays are not a list of holidays.")
        if len(holidays) > 1_000:
            raise ValidationError.single("holidays", "A calendar holds 1,000 holidays at most.")
        return tuple(holidays)

    name, zone, week, days = validation.collect(
        lambda: validation.clean_text(
            "name", "The calendar's name", name, limit=validation.CALENDAR_NAME_MAX, required=True
        ),
        lambda: validation.clean_text("zone", "The time zone", zone, limit=64, required=True),
        checked_hours,
        checked_holidays,
    )
    return BusinessCalendar.weekly(zone, week, days, name=name)


def _calendar_snapshot(calendar: BusinessCalendar) -> dict[str, object]:
    return {
        "name": calendar.name,
        "zone": calendar.zone,
        "week": week_json(calendar),
        "holidays": holidays_json(calendar),
    }


def _plan_snapshot(plan: SlaPlan) -> dict[str, object]:
    return {
        "name": plan.name,
        "calendar_id": plan.calendar_id,
        "targets": targets_json(plan),
        "at_risk_percent": plan.at_risk_percent,
        "pause": pause_json(plan),
        "escalations": escalations_json(plan),
    }


def create_calendar(
    db: Database,
    actor_id: int,
    name: str,
    zone: str,
    hours: Sequence[str],
    holidays: Sequence[Holiday] = (),
) -> BusinessCalendar:
    """A new business calendar (admins): `hours` Monday first, "09:00-17:00" or ""."""
    calendar = _calendar(name, zone, hours, holidays)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        added = uow.sla.add_calendar(calendar, actor.id, uow.now())
        audit.record(
            uow,
            actor,
            "sla.calendar_create",
            f"Added the business calendar {added.name}",
            after=_calendar_snapshot(added),
        )
        uow.commit()
    return added


def update_calendar(
    db: Database,
    actor_id: int,
    calendar_id: int,
    expected_version: int,
    name: str,
    zone: str,
    hours: Sequence[str],
    holidays: Sequence[Holiday] = (),
) -> BusinessCalendar:
    """Change a calendar (admins), over the version the admin saw. Open tickets keep their
    due times until `recompute_open_tickets` reaches them (it runs in the background)."""
    calendar_id = validation.clean_id("calendar", "calendar", calendar_id)
    expected_version = validation.clean_count("version", "The version", expected_version, low=1)
    calendar = _calendar(name, zone, hours, holidays)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        before = uow.sla.calendar(calendar_id)
        saved = uow.sla.save_calendar(
            replace(calendar, id=calendar_id, version=expected_version), actor.id, uow.now()
        )
        _next_epoch(uow)
        audit.record(
            uow,
            actor,
            "sla.calendar_edit",
            f"Changed the business calendar {saved.name}",
            entity_id=calendar_id,
            before=_calendar_snapshot(before),
            after=_calendar_snapshot(saved),
        )
        uow.commit()
    return saved


def list_calendars(db: Database) -> list[BusinessCalendar]:
    with db.read() as uow:
        return uow.sla.calendars()


# --- plans ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanFields:
    """What the plan editor saves."""

    name: str
    targets: Mapping[Priority, Targets]
    calendar_id: int | None = None
    at_risk_percent: int | None = 75
    pause: frozenset[TicketStatus] = DEFAULT_PAUSE
    escalations: tuple[Escalation, ...] = ()


def _plan(fields: object, plan_id: int | None = None, version: int = 1) -> SlaPlan:
    if not isinstance(fields, PlanFields):
        raise ValidationError.single("plan", "There is no plan to save.")
    f = fields

    def targets() -> dict[Priority, Targets]:
        if not isinstance(f.targets, Mapping):
            raise ValidationError.single("targets", "The targets are not per priority.")
        found = {}
        for priority, target in f.targets.items():
            p = validation.clean_choice("targets", "priority", Priority, priority)
            if not isinstance(target, Targets):
                raise ValidationError.single("targets", "A target is a time per promise.")
            found[p] = target
        return found

    def percent() -> int | None:
        if f.at_risk_percent is None:
            return None
        return validation.clean_count(
            "at_risk_percent", "“At risk”", f.at_risk_percent, low=1, high=99
        )

    def pause() -> frozenset[TicketStatus]:
        if isinstance(f.pause, str | bytes) or not isinstance(f.pause, frozenset | set | tuple):
            raise ValidationError.single("pause", "The pause statuses are not a set.")
        return frozenset(
            validation.clean_choice("pause", "status", TicketStatus, s) for s in f.pause
        )

    def escalations() -> tuple[Escalation, ...]:
        if isinstance(f.escalations, str | bytes) or not isinstance(f.escalations, Sequence):
            raise ValidationError.single("escalations", "The escalations are not a list.")
        for e in f.escalations:
            if not isinstance(e, Escalation) or not isinstance(e.kind, EscalationKind):
                raise ValidationError.single("escalations", "An escalation is not one.")
            if e.team_id is not None:
                validation.clean_id("escalations", "team", e.team_id)
        return tuple(f.escalations)

    name, targets_, calendar_id, at_risk, pause_, escalations_ = validation.collect(
        lambda: validation.clean_text(
            "name", "The plan's name", f.name, limit=validation.CALENDAR_NAME_MAX, required=True
        ),
        targets,
        lambda: validation.clean_id("calendar", "calendar", f.calendar_id, optional=True),
        percent,
        pause,
        escalations,
    )
    return SlaPlan(
        plan_id,
        name,
        targets_,
        calendar_id=calendar_id,
        at_risk_percent=at_risk,
        pause=pause_,
        escalations=escalations_,
        version=version,
    )


def _check_references(uow: SqlUnitOfWork, plan: SlaPlan) -> None:
    if plan.calendar_id is not None:
        uow.sla.calendar(plan.calendar_id)
    for escalation in plan.escalations:
        if escalation.team_id is not None:
            uow.teams.get(escalation.team_id)


def create_plan(db: Database, actor_id: int, fields: PlanFields) -> SlaPlan:
    """A new SLA plan (admins)."""
    plan = _plan(fields)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        _check_references(uow, plan)
        added = uow.sla.add_plan(plan, actor.id, uow.now())
        audit.record(
            uow,
            actor,
            "sla.plan_create",
            f"Added the SLA plan {added.name}",
            entity_id=added.id,
            after=_plan_snapshot(added),
        )
        uow.commit()
    return added


def update_plan(
    db: Database, actor_id: int, plan_id: int, expected_version: int, fields: PlanFields
) -> SlaPlan:
    """Change a plan (admins), over the version the admin saw; then recompute in the
    background (`recompute_open_tickets`)."""
    plan_id = validation.clean_id("plan", "SLA plan", plan_id)
    expected_version = validation.clean_count("version", "The version", expected_version, low=1)
    plan = _plan(fields, plan_id, expected_version)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        before = uow.sla.plan(plan_id)
        _check_references(uow, plan)
        saved = uow.sla.save_plan(plan, actor.id, uow.now())
        _next_epoch(uow)
        audit.record(
            uow,
            actor,
            "sla.plan_edit",
            f"Changed the SLA plan {saved.name}",
            entity_id=plan_id,
            before=_plan_snapshot(before),
            after=_plan_snapshot(saved),
        )
        uow.commit()
    return saved


def list_plans(db: Database) -> list[SlaPlan]:
    with db.read() as uow:
        return uow.sla.plans()


def set_topic_plan(db: Database, actor_id: int, category_id: int, plan_id: int | None) -> None:
    """The plan of a help topic and its sub-topics (None: the parent's, or the default)."""
    category_id = validation.clean_id("category", "help topic", category_id)
    plan_id = validation.clean_id("plan", "SLA plan", plan_id, optional=True)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        topic = uow.categories.get(category_id)
        plan = uow.sla.plan(plan_id) if plan_id is not None else None
        before = uow.sla.topic_plans().get(category_id)
        uow.sla.set_topic_plan(category_id, plan_id)
        _next_epoch(uow)
        audit.record(
            uow,
            actor,
            "sla.topic_plan",
            f"Set the SLA plan of {topic.display_name} to {plan.name if plan else 'none of its own'}",
            entity_id=category_id,
            before={"plan_id": before},
            after={"plan_id": plan_id},
        )
        uow.commit()


def set_default_plan(db: Database, actor_id: int, plan_id: int | None) -> None:
    """The desk's plan for tickets whose help topic has none (None: no promise)."""
    plan_id = validation.clean_id("plan", "SLA plan", plan_id, optional=True)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        plan = uow.sla.plan(plan_id) if plan_id is not None else None
        before = uow.settings.get(clocks.DEFAULT_PLAN) or None
        uow.settings.set(clocks.DEFAULT_PLAN, "" if plan_id is None else str(plan_id))
        _next_epoch(uow)
        audit.record(
            uow,
            actor,
            "sla.default_plan",
            f"Set the desk's default SLA plan to {plan.name if plan else 'none'}",
            before={"plan_id": int(before) if before else None},
            after={"plan_id": plan_id},
        )
        uow.commit()


def set_auto_close(db: Database, actor_id: int, days: int, business_days: bool = False) -> None:
    """Resolved tickets close after `days` (0: never), counted in business days of the
    default plan's calendar or in calendar days."""
    days = validation.clean_count("days", "Days before closing", days, high=365)
    business_days = validation.clean_flag("business_days", "Business days", business_days)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        before = {
            "days": uow.settings.get(AUTO_CLOSE_DAYS),
            "business_days": uow.settings.get(AUTO_CLOSE_BUSINESS),
        }
        uow.settings.set(AUTO_CLOSE_DAYS, str(days))
        uow.settings.set(AUTO_CLOSE_BUSINESS, "1" if business_days else "0")
        audit.record(
            uow,
            actor,
            "sla.auto_close",
            f"Resolved tickets now close after {days} {'business ' if business_days else ''}day(s)"
            if days
            else "Resolved tickets are no longer closed automatically",
            before=before,
            after={"days": str(days), "business_days": "1" if business_days else "0"},
        )
        uow.commit()


def _next_epoch(uow: SqlUnitOfWork) -> None:
    uow.settings.set(clocks.EPOCH, str((clocks.stored_int(uow, clocks.EPOCH) or 0) + 1))


# --- preview and explanation ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClockView:
    """One clock of a ticket as the ticket view shows it."""

    clock: Clock
    state: ClockState
    due: datetime | None
    at_risk: datetime | None
    breached_at: datetime | None
    remaining: timedelta | None  # business time left (negative: overdue by)
    manual: bool
    explanation: str  # "created Fri 16:40; 20 min on Fri; closed Sat–Sun; due Mon 09:40"


@dataclass(frozen=True, slots=True)
class TicketClocks:
    plan_name: str | None
    first_response: ClockView | None
    resolution: ClockView | None
    calendar_name: str | None = None  # the plan's business hours ("24/7": every hour)


def _view(reading: ClockReading) -> ClockView:
    return ClockView(
        reading.clock,
        reading.state,
        reading.due,
        reading.at_risk,
        reading.breached_at,
        reading.remaining,
        reading.manual,
        explanation(reading.steps),
    )


def preview_plan(
    plan: SlaPlan, calendar: BusinessCalendar, priority: Priority, now: datetime
) -> TicketClocks:
    """What a ticket of `priority` created `now` would be promised (the admin screen's
    live preview: "a High ticket created now is due Tue 10:15")."""
    if not isinstance(plan, SlaPlan):
        raise ValidationError.single("plan", "There is no plan to preview.")
    if not isinstance(calendar, BusinessCalendar):
        raise ValidationError.single("calendar", "There is no calendar to preview.")
    priority = validation.clean_choice("priority", "priority", Priority, priority)
    moment = validation.clean_moment("now", "The time", now)
    if moment is None:
        raise ValidationError.single("now", "The time is missing.")
    reading = preview(plan, calendar, priority, moment)
    return TicketClocks(
        plan.name, _view(reading.first_response), _view(reading.resolution), calendar.name
    )


def explain_due_times(db: Database, ticket_id: int) -> TicketClocks:
    """The ticket's clocks now, each with how its due time was reached."""
    ticket_id = validation.clean_id("ticket", "ticket", ticket_id)
    with db.read() as uow:
        ticket = uow.tickets.get(ticket_id)
        context = clocks.load_context(uow)
        plan, history = clocks.history_of(uow, context, [ticket])[ticket_id]
        now = uow.now()
    if history is None:
        return TicketClocks(None, None, None)
    reading = read_clocks(history, now)
    calendar = history.calendars[-1].calendar
    return TicketClocks(
        plan.name if plan else None,
        _view(reading.first_response),
        _view(reading.resolution),
        calendar.name or calendar.zone,
    )


# --- due times set by hand --------------------------------------------------------------


def set_due_time(
    db: Database, actor_id: int, ticket_id: int, clock: Clock, due: datetime | None
) -> None:
    """Set a clock's due time by hand (supervisors and admins); no recompute moves it.
    `due` None gives the clock back to the plan."""
    ticket_id = validation.clean_id("ticket", "ticket", ticket_id)
    clock = validation.clean_choice("clock", "clock", Clock, clock)
    due = validation.clean_moment("due", "The due time", due)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.ASSIGN_OTHERS)
        ticket = uow.tickets.get(ticket_id, for_update=True)
        now = uow.now()
        uow.sla.add_manual_due(ticket_id, ManualDue(clock, now, due), actor.id)
        data = {"clock": str(clock), "to": due.isoformat() if due else None}
        uow.tickets.append(
            ticket_id,
            [NewEntry(EntryKind.EVENT, actor.name, actor.id, event=EventType.DUE_SET, data=data)],
            version=ticket.version,
            now=now,
        )
        uow.tickets.touch(ticket_id, now, actor.id)
        clocks.refresh_one(uow, ticket)
        uow.commit()


# --- recompute after an edit ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecomputeProgress:
    done: int
    total: int


def recompute_open_tickets(
    db: Database,
    *,
    batch: int = RECOMPUTE_BATCH,
    progress: Callable[[RecomputeProgress], object] | None = None,
) -> RecomputeProgress:
    """Bring every open ticket's due times up to the plans and calendars as they are now,
    `batch` tickets per transaction; safe to run anywhere, any number of times at once
    (each batch recomputes from the history: the last writer writes the same values)."""
    batch = validation.clean_count("batch", "The batch size", batch, low=1, high=10_000)
    if progress is not None and not callable(progress):
        raise ValidationError.single("progress", "The progress report is not a function.")
    with db.read() as uow:
        epoch = clocks.stored_int(uow, clocks.EPOCH) or 0
        total = uow.sla.count_behind(epoch)
        overlap = uow.sla.writes_only_unchanged
    if total == 0:  # the sweep asks each minute: the walk by id would read every ticket
        return RecomputeProgress(0, 0)
    batches = _overlapped_batches(db, batch) if overlap else _batches_in_turn(db, batch)
    done = 0
    for count in batches:
        done += count
        if progress is not None:
            progress(RecomputeProgress(done, max(total, done)))
    return RecomputeProgress(done, max(total, done))


def _batches_in_turn(db: Database, batch: int) -> Iterator[int]:
    """Each batch read, worked out and written in one transaction; its size each."""
    after = 0
    context: clocks.SlaContext | None = None
    while True:
        with db.write() as uow:
            context = clocks.load_context(uow, context)
            ids = uow.sla.behind(context.epoch, after, batch)
            if not ids:
                return
            read = clocks.read_batch(uow, context, ids)
            clocks.write_batch(uow, clocks.compute_batch(read, uow.now()))
            uow.commit()
        after = ids[-1]
        yield len(ids)


def _overlapped_batches(db: Database, batch: int) -> Iterator[int]:
    """Each transaction reads the next batch, then writes the one before on another
    thread while this one works the new batch out: the server stores one batch while
    Python computes the next, on a machine's two cores. The write leaves the tickets
    changed since they were read (`write_recomputed`): their own change stored newer
    clocks, and the next recompute finds any still behind. The size of each written."""
    behind: list[int] | None = None
    start = 0
    context: clocks.SlaContext | None = None
    pending: clocks.RecomputedBatch | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="recompute") as writer:
        while True:
            with db.write() as uow:
                context = clocks.load_context(uow, context)
                if behind is None:
                    # The tickets behind, read once: a walk of the epoch index for each
                    # batch sorted all those still behind each time (0.7 s of a recompute
                    # of 50,000 at a million tickets). One that falls behind meanwhile (a
                    # plan edited again) waits for the next recompute, as it did.
                    behind = uow.sla.behind(context.epoch, 0, None)
                ids, start = behind[start : start + batch], start + batch
                read = clocks.read_batch(uow, context, ids) if ids else None
                if pending is None and read is None:
                    return
                writing = writer.submit(_write_and_commit, uow, pending) if pending else None
                try:
                    computed = clocks.compute_batch(read, uow.now()) if read else None
                finally:  # the connection is the writer's until it is done
                    if writing is not None:
                        wait([writing])
                if writing is not None:
                    writing.result()  # the writer's error, if any
            if pending is not None:
                yield len(pending.clocks)
            if read is None:
                return
            pending = computed


def _write_and_commit(uow: SqlUnitOfWork, batch: clocks.RecomputedBatch) -> None:
    clocks.write_batch(uow, batch)
    uow.commit()


# --- notifications ----------------------------------------------------------------------


def list_notifications(db: Database, actor_id: int, *, unread_only: bool = False, limit: int = 50):
    """The agent's newest notifications (a breach of a ticket they work or supervise)."""
    limit = validation.clean_count("limit", "How many", limit, low=1, high=validation.PAGE_MAX)
    unread_only = validation.clean_flag("unread_only", "Unread only", unread_only)
    with db.read() as uow:
        actor = acting_agent(uow, actor_id, Permission.WORK_TICKETS)
        assert actor.id is not None
        return uow.notifications.for_agent(actor.id, limit, unread_only=unread_only)


def unread_notifications(db: Database, actor_id: int) -> int:
    """How many of the agent's notifications are unread (the badge)."""
    with db.read() as uow:
        actor = acting_agent(uow, actor_id, Permission.WORK_TICKETS)
        assert actor.id is not None
        return uow.notifications.unread_count(actor.id)


def mark_notifications_read(db: Database, actor_id: int, ids: Sequence[int] | None = None) -> int:
    """Mark the agent's notifications `ids` (None: all) read; how many were unread."""
    chosen = None if ids is None else validation.clean_ids("ids", "notification", ids)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.WORK_TICKETS)
        assert actor.id is not None
        marked = uow.notifications.mark_read(actor.id, chosen, uow.now())
        uow.commit()
    return marked


# --- what the service-level screens read ---------------------------------------------


@dataclass(frozen=True, slots=True)
class SavedVersionInfo:
    """One saved version of a calendar or plan: when, by whom. Due times count each one
    from the moment it was saved (business time before stays in the version of then)."""

    version: int
    saved_at: datetime
    saved_by: str  # the agent's name ("" if unknown)


@dataclass(frozen=True, slots=True)
class ServiceLevels:
    """Everything the admin's service-level screens show, from one snapshot."""

    calendars: tuple[BusinessCalendar, ...]
    plans: tuple[SlaPlan, ...]
    topic_plans: Mapping[int, int]  # help topic id -> its own plan's id
    default_plan_id: int | None
    auto_close_days: int
    auto_close_business_days: bool
    #: Calendar id / plan id -> its versions, newest first.
    calendar_versions: Mapping[int, tuple[SavedVersionInfo, ...]] = field(default_factory=dict)
    plan_versions: Mapping[int, tuple[SavedVersionInfo, ...]] = field(default_factory=dict)


def service_levels(db: Database, actor_id: int) -> ServiceLevels:
    """Calendars, plans, which topics use which plan, the default and auto-close (admins)."""
    with db.read() as uow:
        acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        plans = tuple(uow.sla.plans())
        known = {p.id for p in plans}
        default = clocks.stored_int(uow, clocks.DEFAULT_PLAN)
        names = {a.id: a.name for a in uow.agents.all()}

        def infos(history) -> dict[int, tuple[SavedVersionInfo, ...]]:
            return {
                key: tuple(
                    SavedVersionInfo(v.version, v.saved_at, names.get(v.saved_by, ""))
                    for v in reversed(saved)
                )
                for key, saved in history.items()
            }

        return ServiceLevels(
            tuple(uow.sla.calendars()),
            plans,
            dict(uow.sla.topic_plans()),
            default if default in known else None,
            clocks.stored_int(uow, AUTO_CLOSE_DAYS) or 0,
            uow.settings.get(AUTO_CLOSE_BUSINESS) == "1",
            infos(uow.sla.calendar_versions()),
            infos(uow.sla.plan_versions()),
        )


def public_holidays_for(
    country: str, region: str | None, years: Sequence[int]
) -> tuple[Holiday, ...]:
    """A country's (and region's) public holidays in those years, from the `holidays`
    library, for the calendar editor to add (it saves them with the calendar)."""
    from desk.domain.public_holidays import public_holidays

    country, region = validation.collect(
        lambda: validation.clean_text("country", "The country", country, limit=3, required=True),
        lambda: validation.clean_text(
            "subdivision", "The region", "" if region is None else region, limit=10
        ),
    )
    if isinstance(years, str | bytes) or not isinstance(years, Sequence) or not years:
        raise ValidationError.single("years", "Choose the years to pre-fill.")
    years = [validation.clean_count("years", "A year", y, low=1900, high=2200) for y in years]
    if len(years) > 10:
        raise ValidationError.single("years", "Pre-fill ten years at most at once.")
    return public_holidays(country, region or None, years=years)

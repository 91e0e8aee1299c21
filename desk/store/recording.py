"""Repositories that note what they write into the unit of work's `ChangeRecorder`.

Each write method of a repository is overridden here to record its `Changes` after the
write succeeded; the read methods are left alone. tests/unit/test_recording.py lists every
public method of each repository as a read or a recorded write, so a new write method
that nobody taught to record fails a test instead of leaving views stale.

Kept apart from the repositories themselves so that what they write and what the views
hear about can each be read on one page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from desk.domain.audit import NewAuditEntry
from desk.domain.calendars import BusinessCalendar
from desk.domain.changes import ChangeRecorder, Directory, Moves, moves_of
from desk.domain.model import Agent, Category, Customer, Team
from desk.domain.report_facts import TicketFacts
from desk.domain.sign_in import Failures
from desk.domain.sla import Clock, SlaPlan
from desk.domain.sla_history import ManualDue
from desk.domain.ticket import Ticket

from .audit import AuditRepository
from .credentials import CredentialRepository
from .directory import AgentRepository, CategoryRepository, CustomerRepository, TeamRepository
from .housekeeping import NotificationRepository
from .reports import ReportRepository
from .settings import DeskSettingsRepository
from .sla import BreachTarget, ClockTicket, SlaRepository, StoredClocks
from .tickets import NewEntry, TicketRepository


class RecordingTicketRepository(TicketRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes
        # Tickets as this unit of work read them: what a save moves them away from.
        self._seen: dict[int, Ticket] = {}

    def get(self, ticket_id: int, *, for_update: bool = False) -> Ticket:
        ticket = super().get(ticket_id, for_update=for_update)
        self._seen[ticket_id] = ticket
        return ticket

    def add(self, ticket: Ticket) -> Ticket:
        added = super().add(ticket)
        assert added.id is not None
        self._changes.ticket(added.id, added.version)
        self._changes.moved(moves_of(None, added))
        self._seen[added.id] = added
        return added

    def save(self, ticket: Ticket, *, bump: bool = True, escalating: Clock | None = None) -> Ticket:
        saved = super().save(ticket, bump=bump, escalating=escalating)
        assert saved.id is not None
        before = self._seen.get(saved.id)
        self._changes.ticket(saved.id, saved.version)
        if before is None:  # saved without being read here: where it was is not known
            self._changes.moved(Moves(tickets=frozenset({saved.id}), anywhere=True))
        else:
            self._changes.moved(moves_of(before, saved))
        self._seen[saved.id] = saved
        return saved

    def touch(self, ticket_id: int, now: datetime, actor_id: int | None) -> None:
        super().touch(ticket_id, now, actor_id)
        seen = self._seen.get(ticket_id)
        self._changes.ticket(ticket_id, seen.version if seen else 0)

    # `append` goes through `append_history`.
    def append_history(
        self, ticket_id: int, history: Sequence[tuple[NewEntry, datetime, int]]
    ) -> None:
        super().append_history(ticket_id, history)
        if history:
            self._changes.entries(ticket_id, len(history))
            self._changes.ticket(ticket_id, max(version for _entry, _at, version in history))


class RecordingAgentRepository(AgentRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def add(self, agent: Agent, password_hash: str | None, now: datetime) -> Agent:
        added = super().add(agent, password_hash, now)
        self._changes.directory(Directory.AGENTS)
        return added

    def set_availability(self, agent: Agent) -> None:
        super().set_availability(agent)
        self._changes.directory(Directory.AGENTS)

    def set_capacity(self, agent_id: int, capacity: int | None) -> None:
        super().set_capacity(agent_id, capacity)
        self._changes.directory(Directory.AGENTS)

    def update(self, agent: Agent, expected_version: int) -> bool:
        updated = super().update(agent, expected_version)
        if updated:
            self._changes.directory(Directory.AGENTS)
        return updated

    def set_teams(self, agent_id: int, team_ids: Iterable[int]) -> None:
        super().set_teams(agent_id, team_ids)
        self._changes.directory(Directory.TEAMS)

    def rename_on_tickets(self, agent_id: int, after_id: int, upto_id: int) -> int:
        # Queue tables re-read their rows on an agents change: the names on them with it.
        # Ticket versions stay: a name spread is no edit of the ticket, and bumping them
        # would refuse every agent saving one of these tickets meanwhile.
        changed = super().rename_on_tickets(agent_id, after_id, upto_id)
        if changed:
            self._changes.directory(Directory.AGENTS)
        return changed


class RecordingCredentialRepository(CredentialRepository):
    """A lock, a forced change and the kept sign-ins are the admin's to see on the agent
    (directory: agents). A wrong password that locks nothing, and a kept sign-in being
    used, are bookkeeping no view shows: recorded, they would make every client re-read
    its directory at each mistyped password."""

    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def set_failures(self, agent_id: int, failures: Failures) -> None:
        before = self.for_agent(agent_id)
        super().set_failures(agent_id, failures)
        was_locked = before is not None and before.failures.locked_until is not None
        if was_locked or failures.locked_until is not None:
            self._changes.directory(Directory.AGENTS)

    def set_password(
        self, agent_id: int, password_hash: str | None, *, must_change: bool, now: datetime
    ) -> None:
        super().set_password(agent_id, password_hash, must_change=must_change, now=now)
        self._changes.directory(Directory.AGENTS)

    def add_token(self, agent_id: int, token_hash: str, workstation: str, now: datetime) -> None:
        super().add_token(agent_id, token_hash, workstation, now)
        self._changes.directory(Directory.AGENTS)

    def delete_token(self, token_hash: str) -> int:
        deleted = super().delete_token(token_hash)
        if deleted:
            self._changes.directory(Directory.AGENTS)
        return deleted

    def delete_tokens(self, agent_id: int) -> int:
        deleted = super().delete_tokens(agent_id)
        if deleted:
            self._changes.directory(Directory.AGENTS)
        return deleted


class RecordingTeamRepository(TeamRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def add(self, team: Team, now: datetime) -> Team:
        added = super().add(team, now)
        self._changes.directory(Directory.TEAMS)
        return added

    def add_member(self, team_id: int, agent_id: int) -> None:
        super().add_member(team_id, agent_id)
        self._changes.directory(Directory.TEAMS)

    def remove_member(self, team_id: int, agent_id: int) -> None:
        super().remove_member(team_id, agent_id)
        self._changes.directory(Directory.TEAMS)

    def update(self, team: Team, expected_version: int) -> bool:
        updated = super().update(team, expected_version)
        if updated:
            self._changes.directory(Directory.TEAMS)
        return updated

    def rename_on_tickets(self, team_id: int, after_id: int, upto_id: int) -> int:
        # As for agents: a teams change makes queue tables re-read their rows.
        changed = super().rename_on_tickets(team_id, after_id, upto_id)
        if changed:
            self._changes.directory(Directory.TEAMS)
        return changed


class RecordingCategoryRepository(CategoryRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def add(self, category: Category) -> Category:
        added = super().add(category)
        self._changes.directory(Directory.TOPICS)
        return added

    def update(self, category: Category, expected_version: int) -> bool:
        updated = super().update(category, expected_version)
        if updated:
            self._changes.directory(Directory.TOPICS)
        return updated

    def reorder(self, ordered_ids: Iterable[int]) -> None:
        super().reorder(ordered_ids)
        self._changes.directory(Directory.TOPICS)


class RecordingCustomerRepository(CustomerRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def add(self, customer: Customer, now: datetime) -> Customer:
        added = super().add(customer, now)
        self._changes.directory(Directory.CUSTOMERS)
        return added

    def add_or_get(self, customer: Customer, now: datetime) -> Customer:
        # Recorded whether it stored the caller or found them: a caller found is no
        # change, but telling views to re-read one customer costs less than a missed one.
        found = super().add_or_get(customer, now)
        self._changes.directory(Directory.CUSTOMERS)
        return found

    def update(self, customer: Customer) -> Customer:
        updated = super().update(customer)
        self._changes.directory(Directory.CUSTOMERS)
        return updated


class RecordingSettingsRepository(DeskSettingsRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def set(self, key: str, value: str) -> None:
        super().set(key, value)
        self._changes.setting(key)


#: Not desk settings, but keys in `Changes.settings` all the same: a view that shows SLA
#: plans and calendars, the notification list or the audit log re-reads on these.
SLA_SETTINGS = "sla"
NOTIFICATIONS = "notifications"
AUDIT_LOG = "audit_log"


class RecordingAuditRepository(AuditRepository):
    """An entry written is an admin change every audit page shows: recorded for them."""

    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def record(self, entry: NewAuditEntry) -> int:
        new_id = super().record(entry)
        self._changes.setting(AUDIT_LOG)
        return new_id


class RecordingSlaRepository(SlaRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def add_calendar(
        self, calendar: BusinessCalendar, actor_id: int | None, now: datetime
    ) -> BusinessCalendar:
        added = super().add_calendar(calendar, actor_id, now)
        self._changes.setting(SLA_SETTINGS)
        return added

    def save_calendar(
        self, calendar: BusinessCalendar, actor_id: int | None, now: datetime
    ) -> BusinessCalendar:
        saved = super().save_calendar(calendar, actor_id, now)
        self._changes.setting(SLA_SETTINGS)
        return saved

    def add_plan(self, plan: SlaPlan, actor_id: int | None, now: datetime) -> SlaPlan:
        added = super().add_plan(plan, actor_id, now)
        self._changes.setting(SLA_SETTINGS)
        return added

    def save_plan(self, plan: SlaPlan, actor_id: int | None, now: datetime) -> SlaPlan:
        saved = super().save_plan(plan, actor_id, now)
        self._changes.setting(SLA_SETTINGS)
        return saved

    def set_topic_plan(self, category_id: int, plan_id: int | None) -> None:
        super().set_topic_plan(category_id, plan_id)
        self._changes.setting(SLA_SETTINGS)

    def add_manual_due(self, ticket_id: int, due: ManualDue, actor_id: int | None) -> None:
        super().add_manual_due(ticket_id, due, actor_id)
        self._changes.ticket(ticket_id)

    def write_clocks(self, clocks: Iterable[StoredClocks]) -> None:
        clocks = list(clocks)
        # Every ticket change recomputes its clocks, and most (a subject, a note) move no
        # due time: only those that did are announced, or each edit would re-count the
        # due-time queues of every client.
        before = self.dues([c.ticket_id for c in clocks])
        moved = frozenset(
            c.ticket_id for c in clocks if before.get(c.ticket_id) != (c.due_at, c.at_risk_at)
        )
        super().write_clocks(clocks)
        self._announce(moved)

    def _announce(self, moved: frozenset[int]) -> None:
        for ticket_id in moved:
            self._changes.ticket(ticket_id)
        if moved:
            # Due times move tickets into and out of Overdue, At risk and Due today.
            self._changes.moved(Moves(tickets=moved, due=True))

    def write_recomputed(
        self, clocks: Sequence[StoredClocks], read: Mapping[int, ClockTicket]
    ) -> set[int]:
        written = super().write_recomputed(clocks, read)
        # The due times as read beside the versions (no second read of them).
        self._announce(
            frozenset(
                c.ticket_id
                for c in clocks
                if c.ticket_id in written
                and (read[c.ticket_id].due_at, read[c.ticket_id].at_risk_at)
                != (c.due_at, c.at_risk_at)
            )
        )
        return written

    def stamp_breaches(
        self, ticket_ids: Sequence[int], clock: Clock, now: datetime
    ) -> list[BreachTarget]:
        stamped = super().stamp_breaches(ticket_ids, clock, now)
        for ticket in stamped:
            self._changes.ticket(ticket.id)
        return stamped

    def append_events(self, rows: Sequence[tuple[int, int, NewEntry]], now: datetime) -> None:
        super().append_events(rows, now)
        for ticket_id, version, _entry in rows:
            self._changes.entries(ticket_id, 1)
            self._changes.ticket(ticket_id, version)


class RecordingNotificationRepository(NotificationRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def add(self, rows: Sequence[tuple[int, int, str, Mapping[str, Any]]], now: datetime) -> None:
        super().add(rows, now)
        if rows:
            self._changes.setting(NOTIFICATIONS)

    def mark_read(self, agent_id: int, ids: Sequence[int] | None, now: datetime) -> int:
        marked = super().mark_read(agent_id, ids, now)
        if marked:
            self._changes.setting(NOTIFICATIONS)
        return marked


class RecordingReportRepository(ReportRepository):
    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def write_facts(self, facts: Sequence[TicketFacts]) -> None:
        # Written beside the ticket change that caused them (already announced), or by
        # the backfill: a report open elsewhere hears its tickets changed either way.
        super().write_facts(facts)
        for f in facts:
            self._changes.ticket(f.ticket_id)

    def write_first_responses(self, rows: Sequence[tuple[int, int, int, bool | None]]) -> None:
        super().write_first_responses(rows)
        for ticket_id, *_figures in rows:
            self._changes.ticket(ticket_id)

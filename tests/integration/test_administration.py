"""The admin's services on both backends: roles, versions and conflicts, deactivation and
what it does to assignment, the topic tree, the audit log, and the batched rename."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desk.domain.audit import AuditFilter, Entity
from desk.domain.errors import (
    PermissionDenied,
    RecordConflict,
    ValidationError,
)
from desk.domain.model import Priority, Role
from desk.domain.ticket import format_number, parse_number, set_number_prefix
from desk.services import administration as admin
from desk.services import audit, desk_settings, directory, help_topics, queries
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, log_ticket

from ..conftest import World


def _agent(db, login: str):
    return next(a for a in queries.directory(db).agents if a.login == login)


def _team(db, team_id: int):
    return next(t for t in queries.directory(db).teams if t.id == team_id)


def _entries(db, world: World, **wanted):
    return audit.audit_page(db, world.admin, AuditFilter(**wanted)).entries


def _ticket(db, world: World, subject: str = "Printer jams") -> int:
    ticket = log_ticket(
        db,
        world.agent,
        IntakeRequest(subject=subject, customer_id=world.customer, category_id=world.email_topic),
    )
    assert ticket.id is not None
    return ticket.id


def test_an_admin_edits_an_agent_and_the_audit_log_says_who_what_before_after(db, world):
    sam = _agent(db, "sam")
    saved = admin.update_agent(
        db,
        world.admin,
        world.agent,
        sam.version,
        name="Samuel Agent",
        email="samuel@example.com",
        role=Role.SUPERVISOR,
        team_ids=[world.sysadmins],
    )
    assert saved.name == "Samuel Agent" and saved.role == Role.SUPERVISOR
    assert saved.version == sam.version + 1
    people = queries.directory(db)
    assert [t.name for t in people.teams_of(world.agent)] == ["System Administrators"]
    entry = _entries(db, world, entity=Entity.AGENT)[0]
    assert entry.kind == "agent.edit" and entry.actor_name == "Ada Admin"
    assert entry.before["name"] == "Sam Agent" and entry.after["name"] == "Samuel Agent"
    assert entry.before["teams"] == ["Service Desk"]
    assert entry.after["teams"] == ["System Administrators"]
    assert set(entry.changed_fields) == {"name", "email", "role", "teams"}


def test_two_admins_editing_one_agent_the_second_is_told_who_changed_it(db, world):
    second = directory.create_agent(db, world.admin, "ben", "Ben Admin", role=Role.ADMIN)
    sam = _agent(db, "sam")
    fields = {"email": None, "role": Role.AGENT, "team_ids": [world.service_desk]}
    admin.update_agent(db, world.admin, world.agent, sam.version, name="Sam A.", **fields)
    with pytest.raises(RecordConflict) as refused:
        admin.update_agent(db, second.id, world.agent, sam.version, name="Sam B.", **fields)
    assert refused.value.changes[0].who == "Ada Admin"
    assert "Ada Admin" in refused.value.message
    assert _agent(db, "sam").name == "Sam A."  # nothing of the loser's was saved


def test_only_admins_manage_agents_and_supervisors_manage_members(db, world):
    sam = _agent(db, "sam")
    with pytest.raises(PermissionDenied):
        admin.update_agent(
            db,
            world.supervisor,
            world.agent,
            sam.version,
            name="x",
            email=None,
            role=Role.ADMIN,
            team_ids=[],
        )
    with pytest.raises(PermissionDenied):
        admin.set_agent_active(db, world.supervisor, world.agent, sam.version, False)
    with pytest.raises(PermissionDenied):
        directory.create_team(db, world.supervisor, "Night shift")
    with pytest.raises(PermissionDenied):
        audit.audit_page(db, world.supervisor, AuditFilter())
    with pytest.raises(PermissionDenied):
        admin.admin_directory(db, world.agent)  # plain agents have no admin window
    # A supervisor runs who is in the teams.
    admin.set_team_members(db, world.supervisor, world.sysadmins, [world.other_agent, world.agent])
    people = queries.directory(db)
    assert {a.login for a in people.members_of(world.sysadmins)} == {"olga", "sam"}
    with pytest.raises(PermissionDenied):
        admin.set_team_members(db, world.agent, world.sysadmins, [])
    seen = admin.admin_directory(db, world.supervisor)
    assert seen.may_manage_members and not seen.may_manage


def test_a_deactivated_agent_is_offered_for_nothing_and_their_open_work_is_released(db, world):
    first, second = _ticket(db, world), _ticket(db, world, "Mouse broken")
    third = _ticket(db, world, "Third")
    for ticket_id in (first, second):
        work.assign_ticket(db, world.supervisor, ticket_id, world.agent)
    sam = _agent(db, "sam")
    admin.set_agent_active(db, world.admin, world.agent, sam.version, False)
    view = admin.admin_directory(db, world.admin)
    assert view.open_by_agent[world.agent] == 2
    assert not _agent(db, "sam").active
    with pytest.raises(ValidationError):
        work.assign_ticket(db, world.supervisor, third, world.agent)
    with pytest.raises(PermissionDenied):  # nor can they work: signing in is signin's
        _ticket(db, world, "Fourth")
    assert admin.release_open_tickets(db, world.supervisor, world.agent) == 2
    assert queries.get_ticket(db, first).ticket.assignee_id is None
    assert admin.admin_directory(db, world.admin).open_by_agent.get(world.agent, 0) == 0
    # History stays: the agent is there, named on the tickets' threads; and can come back.
    assert any(e.author_name == "Sam Agent" for e in queries.get_ticket(db, first).thread)
    back = admin.set_agent_active(db, world.admin, world.agent, _agent(db, "sam").version, True)
    assert back.active
    kinds = [e.kind for e in _entries(db, world, entity=Entity.AGENT)][:2]
    assert kinds == ["agent.reactivate", "agent.deactivate"]


def test_the_last_admin_cannot_be_demoted_or_deactivated_nor_deactivate_themself(db, world):
    me = _agent(db, "admin")
    with pytest.raises(ValidationError) as refused:
        admin.set_agent_active(db, world.admin, world.admin, me.version, False)
    assert refused.value.for_field("active")
    with pytest.raises(ValidationError):
        admin.update_agent(
            db,
            world.admin,
            world.admin,
            me.version,
            name=me.name,
            email=None,
            role=Role.AGENT,
            team_ids=[],
        )


def test_a_deactivated_team_takes_no_transfers(db, world):
    ticket_id = _ticket(db, world)
    team = _team(db, world.sysadmins)
    admin.set_team_active(db, world.admin, world.sysadmins, team.version, False)
    with pytest.raises(ValidationError) as refused:
        work.transfer_ticket(db, world.agent, ticket_id, world.sysadmins)
    assert "deactivated" in refused.value.message


def test_a_team_rename_reaches_every_ticket_in_batches_without_bumping_versions(db, world):
    ids = [_ticket(db, world, f"Ticket {n}") for n in range(12)]
    versions = {i: queries.get_ticket(db, i).ticket.version for i in ids}
    team = _team(db, world.service_desk)
    renamed = admin.update_team(
        db, world.admin, world.service_desk, team.version, name="Front Desk", description="Calls"
    )
    assert renamed.name == "Front Desk" and renamed.version == team.version + 1
    progress: list[tuple[int, int]] = []
    report = admin.spread_team_name(
        db,
        world.service_desk,
        batch=5,
        adaptive=False,
        on_batch=lambda done, total: progress.append((done, total)),
    )
    assert report.tickets == 12
    assert report.batches == 6  # 13 ids in batches of 5: a pass that wrote, one that checked
    with db.read() as uow:
        assert uow.teams.stale_ticket_names(world.service_desk) == 0
    rows = queries.queue_page(db, _all(), 0, 50)
    assert {r.team_name for r in rows if r.id in ids} == {"Front Desk"}
    assert {i: queries.get_ticket(db, i).ticket.version for i in ids} == versions
    assert progress[-1][0] == progress[-1][1]
    entry = _entries(db, world, kind="team.rename")[0]
    assert entry.before["name"] == "Service Desk" and entry.after["name"] == "Front Desk"
    # A name another team has is refused at the field.
    with pytest.raises(ValidationError) as taken:
        admin.update_team(
            db,
            world.admin,
            world.service_desk,
            renamed.version,
            name="System Administrators",
            description="",
        )
    assert taken.value.for_field("name")


def _all():
    from desk.domain.queues import QueueQuery, SortKey

    return QueueQuery(sort=SortKey.NUMBER)


def test_an_agent_rename_reaches_the_tickets_assigned_to_them(db, world):
    ticket_id = _ticket(db, world)
    work.assign_ticket(db, world.supervisor, ticket_id, world.agent)
    sam = _agent(db, "sam")
    admin.update_agent(
        db,
        world.admin,
        world.agent,
        sam.version,
        name="Samantha Agent",
        email=None,
        role=Role.AGENT,
        team_ids=[world.service_desk],
    )
    admin.spread_agent_name(db, world.agent)
    row = next(r for r in queries.queue_page(db, _all(), 0, 50) if r.id == ticket_id)
    assert row.assignee_name == "Samantha Agent"


def test_topics_nest_move_reorder_and_refuse_loops(db, world):
    hardware = directory.create_category(db, world.admin, "Hardware")
    printer = directory.create_category(
        db, world.admin, "Printer", parent_id=hardware.id, default_team_id=world.sysadmins
    )
    jams = directory.create_category(db, world.admin, "Jams", parent_id=printer.id)
    assert jams.display_name == "Hardware › Printer › Jams"
    with pytest.raises(ValidationError) as loop:
        help_topics.update_topic(
            db,
            world.admin,
            hardware.id,
            hardware.version,
            name="Hardware",
            parent_id=jams.id,
            default_team_id=None,
            default_priority=Priority.NORMAL,
        )
    message = loop.value.for_field("parent")
    assert message and "Hardware" in message and "loop" in message
    moved = help_topics.update_topic(
        db,
        world.admin,
        jams.id,
        jams.version,
        name="Paper jams",
        parent_id=hardware.id,
        default_team_id=world.sysadmins,
        default_priority=Priority.HIGH,
    )
    assert moved.display_name == "Hardware › Paper jams" and moved.default_priority == Priority.HIGH
    # Under Hardware: Printer, then Paper jams (moved in last); up puts it first.
    help_topics.move_topic_among_siblings(db, world.admin, jams.id, -1)
    with db.read() as uow:
        from desk.domain.topics import children_of

        order = [t.name for t in children_of(uow.categories.all(), hardware.id)]
    assert order == ["Paper jams", "Printer"]
    # Deactivating a topic with live sub-topics is refused; after them it works.
    with pytest.raises(ValidationError):
        help_topics.set_topic_active(db, world.admin, hardware.id, hardware.version, False)
    for topic_id in (jams.id, printer.id):
        current = next(t for t in admin.admin_directory(db, world.admin).topics if t.id == topic_id)
        help_topics.set_topic_active(db, world.admin, topic_id, current.version, False)
    names = {c.name for c in queries.directory(db).categories}
    assert "Printer" not in names and "Hardware" in names  # intake no longer offers it
    kinds = {e.kind for e in _entries(db, world, entity=Entity.TOPIC)}
    assert {"topic.create", "topic.move", "topic.reorder", "topic.deactivate"} <= kinds
    with pytest.raises(RecordConflict):  # its version moved on with the move
        help_topics.update_topic(
            db,
            world.admin,
            jams.id,
            jams.version,
            name="Jams",
            parent_id=None,
            default_team_id=None,
            default_priority=Priority.NORMAL,
        )


def test_desk_settings_name_country_and_ticket_prefix(db, world):
    try:
        saved = desk_settings.save_settings(
            db, world.admin, desk_name="Contoso IT", phone_region="GB", ticket_prefix="it-"
        )
        assert saved.ticket_prefix == "IT-"
        assert format_number(42) == "IT-000042"
        assert parse_number("IT-000042") == 42 and parse_number("HD-000042") == 42
        assert desk_settings.read_settings(db) == saved
        entry = _entries(db, world, entity=Entity.SETTINGS)[0]
        assert entry.after == {
            "desk_name": "Contoso IT",
            "phone_region": "GB",
            "ticket_prefix": "IT-",
        }
        with pytest.raises(ValidationError) as bad:
            desk_settings.save_settings(
                db, world.admin, desk_name="", phone_region="GB", ticket_prefix="1X"
            )
        assert bad.value.for_field("desk_name") and bad.value.for_field("ticket_prefix")
        with pytest.raises(PermissionDenied):
            desk_settings.save_settings(
                db, world.supervisor, desk_name="X", phone_region="GB", ticket_prefix="HD-"
            )
    finally:
        set_number_prefix("HD-")


def test_the_audit_log_filters_by_who_kind_time_and_text_and_pages(db, world):
    for n in range(7):
        directory.create_team(db, world.admin, f"Team {n}")
    everything = _entries(db, world)
    assert everything[0].summary == "Added the team Team 6"  # newest first
    page = audit.audit_page(db, world.admin, AuditFilter(entity=Entity.TEAM), limit=3)
    assert len(page.entries) == 3 and page.more
    following = audit.audit_page(
        db, world.admin, AuditFilter(entity=Entity.TEAM, before_id=page.entries[-1].id), limit=3
    )
    assert following.entries[0].id < page.entries[-1].id
    assert [e.summary for e in _entries(db, world, text="team 3")] == ["Added the team Team 3"]
    assert _entries(db, world, text="100%") == ()  # LIKE's wildcards are the text typed
    assert all(e.actor_id == world.admin for e in _entries(db, world, actor_id=world.admin))
    latest = everything[0].created_at
    assert _entries(db, world, since=latest + timedelta(seconds=1)) == ()
    assert _entries(db, world, until=latest + timedelta(seconds=1))
    with pytest.raises(ValidationError):
        audit.audit_page(db, world.admin, AuditFilter(since=latest, until=latest))


def test_sla_and_routing_admin_changes_are_audited(db, world):
    from desk.services import routing_rules, sla

    sla.create_calendar(db, world.admin, "Office", "Europe/London", ["09:00-17:00"] * 5 + [""] * 2)
    sla.set_auto_close(db, world.admin, 5)
    routing_rules.set_team_assignment(db, world.admin, world.sysadmins, None)
    kinds = [e.kind for e in _entries(db, world)][:3]
    assert kinds == ["routing.team_assignment", "sla.auto_close", "sla.calendar_create"]


def test_admin_changes_reach_the_change_feed_with_the_audit_log(db, world):
    heard = []
    stop = db.subscribe(heard.append)
    try:
        team = _team(db, world.sysadmins)
        admin.update_team(
            db, world.admin, world.sysadmins, team.version, name="Sysadmins", description=""
        )
    finally:
        stop()
    from desk.domain.changes import Directory

    assert heard and Directory.TEAMS in heard[0].directory and "audit_log" in heard[0].settings

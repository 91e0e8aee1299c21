"""A desk on a shared server guards itself: `desk server-setup`, each agent's own login
(scram-sha-256, checked by PostgreSQL), and a plain psycopg session with an agent's,
supervisor's or admin's login refused what their role may not do, while Desk's services
as the same logins still work.

All in a throwaway cluster whose pg_hba.conf asks every login but the superuser for its
password (tests/pg_cluster.py); the machine's shared server trusts everyone and proves
nothing about passwords.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import pytest
from psycopg import errors as pg_errors
from sqlalchemy import create_engine, text

from desk.domain import db_rights
from desk.domain.errors import PermissionDenied
from desk.domain.model import Availability, Priority, Role, TicketStatus
from desk.domain.presence import Activity
from desk.domain.sla import Clock, Escalation, EscalationKind, Targets
from desk.services import directory, housekeeping, live, queries, sign_in
from desk.services import sla as sla_service
from desk.services import tickets as work
from desk.services.intake import IntakeRequest, NewCaller, log_ticket
from desk.services.server_setup import (
    change_own_login_password,
    create_agent_login,
    server_setup,
    set_agent_login_password,
    uses_server_logins,
)
from desk.services.sla import PlanFields
from desk.store.unit_of_work import SqlDatabase

from ..pg_cluster import Cluster, throwaway_cluster
from .test_sla import WEEKDAYS_9_TO_5, FixedClock, H, at

PASSWORDS = {
    "boss": "boss-password-1",
    "sue": "sue-password-22",
    "sam": "sam-password-333",
    "olga.other": "olga-password-4444",
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from throwaway_cluster(passwords=True)


@dataclass(frozen=True)
class Desk:
    cluster: Cluster
    admin: int
    supervisor: int
    agent: int
    other: int
    service_desk: int
    sysadmins: int
    ticket: int  # the other agent's ticket
    mine: int  # the agent's own ticket

    def url(self, login: str) -> str:
        return self.cluster.url_as(login, PASSWORDS[login])

    def psql(self, login: str) -> psycopg.Connection:
        """A plain session with the login, as psql would have: no Desk in between."""
        return psycopg.connect(self.url(login))


def _open(url: str) -> SqlDatabase:
    return SqlDatabase.open(url)


@pytest.fixture(scope="module")
def desk(cluster: Cluster) -> Desk:
    result = server_setup(cluster.url, admin_login="boss", admin_password=PASSWORDS["boss"])
    assert result.roles.prefix == "desk"
    db = _open(cluster.url_as("boss", PASSWORDS["boss"]))
    try:
        assert uses_server_logins(db)
        boss = _agent_id(db, "boss")
        service_desk = directory.create_team(db, boss, "Service Desk")
        sysadmins = directory.create_team(db, boss, "System Administrators")
        ids = {}
        for login, name, role, team in (
            ("sue", "Sue Supervisor", Role.SUPERVISOR, service_desk.id),
            ("sam", "Sam Agent", Role.AGENT, service_desk.id),
            ("olga.other", "Olga Other", Role.AGENT, service_desk.id),
        ):
            agent = directory.create_agent(db, boss, login, name, role=role, team_ids=[team])
            assert agent.id is not None
            create_agent_login(db, boss, agent.id, PASSWORDS[login])
            ids[login] = agent.id
    finally:
        db.close()
    olga = _open(cluster.url_as("olga.other", PASSWORDS["olga.other"]))
    sam = _open(cluster.url_as("sam", PASSWORDS["sam"]))
    try:
        ticket = log_ticket(
            olga,
            ids["olga.other"],
            IntakeRequest(
                subject="Printer on 3rd floor keeps jamming",
                description="Every job jams.",
                new_caller=NewCaller("Jane Doe", "jane.doe@contoso.com", "", "Contoso"),
                assign_to_me=True,
            ),
        )
        mine = log_ticket(
            sam,
            ids["sam"],
            IntakeRequest(
                subject="VPN drops every hour",
                customer_id=ticket.customer_id,
                assign_to_me=True,
            ),
        )
        work.reply_to_customer(olga, ids["olga.other"], ticket.id, "Please try tray 2.")
    finally:
        olga.close()
        sam.close()
    assert ticket.id is not None and mine.id is not None
    assert service_desk.id is not None and sysadmins.id is not None
    return Desk(
        cluster,
        boss,
        ids["sue"],
        ids["sam"],
        ids["olga.other"],
        service_desk.id,
        sysadmins.id,
        ticket.id,
        mine.id,
    )


def _agent_id(db: SqlDatabase, login: str) -> int:
    with db.read() as uow:
        agent = uow.agents.by_login(login)
    assert agent is not None and agent.id is not None
    return agent.id


def _refused(conn: psycopg.Connection, statement: str, *params: object) -> str:
    """The database refuses `statement` (at once or at commit); nothing of it stays."""
    try:
        with conn.transaction():
            conn.execute(statement, params or None)
    except psycopg.Error as exc:
        # A statement that is itself wrong proves nothing about the rights.
        assert not isinstance(exc, _MISTAKES), f"{statement}: {exc}"
        return str(exc)
    raise AssertionError(f"the database allowed: {statement}")


_MISTAKES = (
    pg_errors.SyntaxError,
    pg_errors.UndefinedColumn,
    pg_errors.UndefinedTable,
    pg_errors.UndefinedFunction,
    pg_errors.InvalidTextRepresentation,
    pg_errors.NotNullViolation,
    pg_errors.DatatypeMismatch,
)


# --- set-up -------------------------------------------------------------------------------


def test_setup_again_is_idempotent_and_keeps_every_login(desk: Desk):
    again = server_setup(desk.cluster.url)
    assert not again.upgraded
    with desk.psql("sam") as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("sam",)
    owner = create_engine(desk.cluster.url)
    with owner.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'")
        ).all()
        login = conn.execute(
            text("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'desk_owner'")
        ).scalar()
    owner.dispose()
    assert {owner for _, owner in tables} == {"desk_owner"}
    assert login is False  # nobody signs in as the owner


def test_the_command_sets_up_and_says_what_it_did(desk: Desk, capsys, monkeypatch):
    from desk.__main__ import main

    assert main(["server-setup", "--db", desk.cluster.url]) == 0
    out = capsys.readouterr().out
    assert "Owner role desk_owner" in out and "Schema was already current." in out
    assert main(["server-setup", "--db", "sqlite:///desk.sqlite3"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
    assert main(["server-setup", "--db", desk.cluster.url, "--prefix", "Bad Prefix"]) == 2
    monkeypatch.setenv("DESK_ADMIN_PASSWORD", PASSWORDS["sam"])
    assert main(["server-setup", "--db", desk.cluster.url, "--admin", "sam"]) == 1
    assert "sam is not an admin" in capsys.readouterr().err


def test_a_wrong_password_is_refused_by_the_server(desk: Desk):
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(desk.cluster.url_as("sam", "not-sams-password"))


def test_every_table_has_its_rights_named_in_the_domain(desk: Desk):
    """A table a later migration adds must be named in desk.domain.db_rights (and so gets
    its grants from server-setup); until then this fails."""
    owner = create_engine(desk.cluster.url)
    with owner.connect() as conn:
        tables = set(
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
        granted = set(
            conn.execute(
                text(
                    "SELECT DISTINCT table_name FROM information_schema.role_table_grants"
                    " WHERE grantee = 'desk_agent' AND privilege_type = 'SELECT'"
                    " UNION SELECT DISTINCT table_name FROM information_schema.column_privileges"
                    " WHERE grantee = 'desk_agent' AND privilege_type = 'SELECT'"
                )
            ).scalars()
        )
    owner.dispose()
    assert tables - set(db_rights.TABLES) == set(), "name the new table in desk/domain/db_rights.py"
    assert tables <= granted


# --- an agent's own login -------------------------------------------------------------------


def test_an_agents_login_is_refused_what_the_role_may_not_do(desk: Desk):
    with desk.psql("sam") as conn:
        # Promote themself, or anyone.
        _refused(conn, "UPDATE agents SET role = 'admin' WHERE login = 'sam'")
        _refused(conn, "INSERT INTO agents (login, name, role, availability, created_at)"
                 " VALUES ('mallory', 'M', 'admin', 'available', now())")  # fmt: skip
        # Rewrite a reply, delete history.
        _refused(conn, "UPDATE thread_entries SET body = 'I never said that'")
        _refused(conn, "DELETE FROM thread_entries WHERE kind = 'event'")
        # Close a ticket without an event, with or without a new version.
        _refused(conn, "UPDATE tickets SET status = 5 WHERE id = %s", desk.mine)
        assert "recorded in the ticket's thread" in _refused(
            conn,
            "UPDATE tickets SET status = 5, is_active = false, closed_at = now(),"
            " version = version + 1 WHERE id = %s",
            desk.mine,
        )
        # Read password hashes.
        _refused(conn, "SELECT password_hash FROM agents")
        _refused(conn, "SELECT * FROM agents")
        # Write an entry in a colleague's name.
        assert "in your own name" in _refused(
            conn,
            "INSERT INTO thread_entries (ticket_id, kind, agent_id, author_name, body,"
            " created_at, ticket_version) VALUES (%s, 'reply', %s, 'Olga Other', 'x', now(), 1)",
            desk.ticket,
            desk.other,
        )
        for agent_id, kind, author in (
            (desk.agent, "reply", "Olga Other"),  # their id, a colleague's name
            (None, "reply", "Desk"),  # nobody's reply
            (None, "event", "Olga Other"),  # the desk's event, a colleague's name
        ):
            assert "in your own name" in _refused(
                conn,
                "INSERT INTO thread_entries (ticket_id, kind, agent_id, author_name, body,"
                " created_at, ticket_version) VALUES (%s, %s, %s, %s, 'x', now(), 1)",
                desk.ticket,
                kind,
                agent_id,
                author,
            )
        # Take a colleague's ticket: release, reassign, or transfer it away.
        assert "a supervisor can reassign it" in _refused(
            conn, "UPDATE tickets SET assignee_id = NULL WHERE id = %s", desk.ticket
        )
        _refused(conn, "UPDATE tickets SET assignee_id = %s WHERE id = %s", desk.agent, desk.ticket)
        _refused(
            conn,
            "UPDATE tickets SET team_id = %s, assignee_id = NULL WHERE id = %s",
            desk.sysadmins,
            desk.ticket,
        )
        # Plans, rules, teams, settings; the logins.
        _refused(conn, "UPDATE sla_plans SET name = 'x'")
        _refused(conn, "INSERT INTO routing_rules (position, name, body, enabled, version,"
                 " updated_at) VALUES (1, 'x', '{}', true, 1, now())")  # fmt: skip
        _refused(conn, "DELETE FROM team_members")
        _refused(conn, "UPDATE teams SET name = 'x'")
        _refused(conn, "UPDATE desk_settings SET value = 'x' WHERE key = 'desk_id'")
        assert "row-level security" in _refused(
            conn, "INSERT INTO desk_settings VALUES ('auto_close_days', '1')"
        )
        _refused(conn, "SELECT desk_create_login('mallory', 'SCRAM-SHA-256$x')")
        _refused(conn, "SELECT desk_sync_login('sam')")
        _refused(conn, "UPDATE agents SET availability = 'off_shift' WHERE login = 'olga.other'")
        _refused(conn, "CREATE TABLE mine (x int)")
        _refused(conn, "ALTER TABLE tickets DISABLE TRIGGER USER")
        _refused(conn, "SET ROLE desk_admin")


def test_an_agents_login_cannot_dress_a_move_up_as_an_escalation(desk: Desk):
    """The sweep may move a breached ticket (any workstation runs it), but only through
    the desk's function, which checks the breach and the plan: a plain UPDATE shaped
    like an escalation does not let an agent release a colleague's ticket."""
    superuser = create_engine(desk.cluster.url)
    with superuser.begin() as conn:  # the colleague's ticket, breached as if by a sweep
        conn.execute(
            text("UPDATE tickets SET resolution_breached_at = now() WHERE id = :t"),
            {"t": desk.ticket},
        )
    try:
        with desk.psql("sam") as conn:
            assert "a supervisor can reassign it" in _refused(
                conn,
                "UPDATE tickets SET team_id = %s, assignee_id = NULL, updated_by = NULL"
                " WHERE id = %s",
                desk.sysadmins,
                desk.ticket,
            )
            # The stamp itself is the desk's to write, and so is a ticket's plan.
            _refused(
                conn,
                "UPDATE tickets SET team_id = %s, assignee_id = NULL, updated_by = NULL,"
                " first_response_breached_at = now() WHERE id = %s",
                desk.sysadmins,
                desk.mine,
            )
            version, mine = (
                conn.execute("SELECT version FROM tickets WHERE id = %s", (t,)).fetchone()[0]
                for t in (desk.ticket, desk.mine)
            )
            escalate = "SELECT desk_escalate_ticket(%s, %s, %s, %s, NULL, 2, false, now())"
            # The function moves a ticket only as its plan escalates that clock ...
            assert "does not move it to that team" in _refused(
                conn, escalate, desk.ticket, version, "resolution", desk.sysadmins
            )
            # ... and only a breached clock's ticket.
            assert "clock is breached" in _refused(
                conn, escalate, desk.ticket, version, "first_response", desk.sysadmins
            )
            assert "clock is breached" in _refused(
                conn, escalate, desk.mine, mine, "resolution", desk.sysadmins
            )
    finally:
        with superuser.begin() as conn:
            conn.execute(
                text("UPDATE tickets SET resolution_breached_at = NULL WHERE id = :t"),
                {"t": desk.ticket},
            )
        superuser.dispose()
    with desk.psql("sam") as conn:  # still Olga's, where it was
        held = conn.execute(
            "SELECT team_id, assignee_id FROM tickets WHERE id = %s", (desk.ticket,)
        ).fetchone()
    assert held == (None, desk.other)


def test_an_agents_login_cannot_write_the_clocks_or_a_due_time(desk: Desk):
    """Due times and breach stamps are the program's: no agent's login writes them with
    a plain UPDATE, and a due time set by hand is a supervisor's."""
    with desk.psql("sam") as conn:
        for column, value in (
            ("due_at", "now() + interval '1 year'"),
            ("resolution_due_at", "NULL"),
            ("first_response_breached_at", "NULL"),
            ("at_risk_at", "NULL"),
            ("sla_plan_id", "NULL"),
            ("sla_epoch", "0"),
        ):
            assert "permission denied" in _refused(
                conn, f"UPDATE tickets SET {column} = {value} WHERE id = %s", desk.mine
            )
        # Nor take an open ticket out of the queues and the sweep's sight, or stamp a
        # resolution, closure or reopening without its status change.
        assert "follows its status" in _refused(
            conn, "UPDATE tickets SET is_active = false WHERE id = %s", desk.mine
        )
        for change in ("resolved_at = now()", "reopen_count = 7", "csat = 5"):
            assert "with its status change" in _refused(
                conn, f"UPDATE tickets SET {change} WHERE id = %s", desk.mine
            )
        # Nor stop the first-response clock without replying, or start it again.
        assert "first reply in its thread" in _refused(
            conn, "UPDATE tickets SET first_responded_at = now() WHERE id = %s", desk.mine
        )
        assert "first reply in its thread" in _refused(
            conn, "UPDATE tickets SET first_responded_at = NULL WHERE id = %s", desk.ticket
        )
        _refused(conn, "INSERT INTO manual_dues (ticket_id, clock, set_at, due, set_by)"
                 " VALUES (%s, 'resolution', now(), now() + interval '1 year', %s)",
                 desk.mine, desk.agent)  # fmt: skip

        # Through the function, a due time must be a plan's, its earliest clock's, and of
        # the desk's recompute; each wrong in one way only (the right one is taken).
        def write(plan: str = "NULL", due: str = "now()", epoch: str = "0") -> str:
            return (
                f"SELECT desk_write_clocks(ARRAY[%s], ARRAY[{plan}]::integer[], ARRAY[now()],"
                f" ARRAY[now() + interval '1 day'], ARRAY[{due}]::timestamptz[],"
                f" ARRAY[NULL::timestamptz], ARRAY[{epoch}])"
            )

        with conn.transaction(force_rollback=True):
            conn.execute(write(), (desk.mine,))
        for wrong in (
            write(due="'2099-01-01T00:00Z'"),
            write(plan="99999"),
            write(epoch="1000000"),
        ):
            assert "Due times must follow" in _refused(conn, wrong, desk.mine)
        # Breaches are stamped only when the stored clock has run out.
        stamped = conn.execute(
            "SELECT * FROM desk_stamp_breaches(ARRAY[%s], 'resolution', now())", (desk.mine,)
        ).fetchall()
        assert stamped == []
        conn.rollback()
    with desk.psql("sue") as conn:  # a supervisor's own "Set due time" is theirs
        conn.execute(
            "INSERT INTO manual_dues (ticket_id, clock, set_at, due, set_by)"
            " VALUES (%s, 'resolution', now(), NULL, %s)",
            (desk.mine, desk.supervisor),
        )
        conn.rollback()


def test_an_agents_login_cannot_delete_the_change_log_or_others_presence(desk: Desk):
    olga = _open(desk.url("olga.other"))
    sam = _open(desk.url("sam"))
    try:
        live.set_presence(olga, desk.other, desk.ticket, Activity.REPLYING)
        live.set_presence(sam, desk.agent, desk.ticket, Activity.VIEWING)
        with desk.psql("sam") as conn:
            _refused(conn, "DELETE FROM change_log")
            _refused(conn, "UPDATE change_log SET changes = '{}'")
            # Pruning keeps the last day's changes, whatever the client asks.
            pruned = conn.execute("SELECT desk_prune_change_log(now() + interval '1 year')")
            assert pruned.fetchone() == (0,)
            # Presence: one's own rows only; others' expire and are pruned.
            assert (
                conn.execute("DELETE FROM presence WHERE agent_id = %s", (desk.other,)).rowcount
                == 0
            )
            assert (
                conn.execute(
                    "UPDATE presence SET activity = 'viewing' WHERE agent_id = %s", (desk.other,)
                ).rowcount
                == 0
            )
            assert "row-level security" in _refused(
                conn,
                "INSERT INTO presence (client_id, ticket_id, agent_id, activity, heartbeat_at)"
                " VALUES ('forged', %s, %s, 'replying', now())",
                desk.ticket,
                desk.other,
            )
            pruned = conn.execute("SELECT desk_prune_presence(now() + interval '1 year')")
            assert pruned.fetchone() == (0,)
            conn.commit()
        # Olga is still seen replying; Sam's own presence and the prune still work.
        [entry] = live.who_is_on(sam, [desk.ticket])[desk.ticket]
        assert (entry.agent_id, entry.activity) == (desk.other, Activity.REPLYING)
        assert live.heartbeat(sam) == 1
        live.prune_change_log(sam)
        live.clear_presence(sam, desk.agent)
        assert [e.agent_id for e in live.who_is_on(olga, [desk.ticket]).get(desk.ticket, [])] == []
        assert live.last_change_id(sam) > 0
    finally:
        live.clear_presence(olga, desk.other)
        olga.close()
        sam.close()


def test_an_agents_desk_still_works_through_the_services(desk: Desk):
    db = _open(desk.url("sam"))
    try:
        created = log_ticket(
            db,
            desk.agent,
            IntakeRequest(subject="Monitor flickers", customer_id=_customer(db, desk)),
        )
        assert created.id is not None
        work.claim_ticket(db, desk.agent, created.id)
        work.reply_to_customer(db, desk.agent, created.id, "Try another cable.")
        work.add_internal_note(db, desk.agent, created.id, "Cable swapped.")
        resolved = work.resolve_ticket(db, desk.agent, created.id, "A new cable fixed it.")
        assert resolved.status == TicketStatus.RESOLVED
        directory.set_availability(db, desk.agent, Availability.AWAY)
        directory.set_availability(db, desk.agent, Availability.AVAILABLE)
        with pytest.raises(PermissionDenied):  # the program says so before the database
            work.transfer_ticket(db, desk.agent, desk.ticket, desk.sysadmins)
        thread = queries.get_ticket(db, created.id).thread
        assert {e.author_name for e in thread if e.kind.value != "customer"} == {"Sam Agent"}
    finally:
        db.close()


def _customer(db: SqlDatabase, desk: Desk) -> int:
    return queries.get_ticket(db, desk.ticket).ticket.customer_id


# --- supervisors and admins ------------------------------------------------------------------


def test_a_supervisor_reassigns_but_cannot_change_the_desk(desk: Desk):
    db = _open(desk.url("sue"))
    try:
        mine = log_ticket(
            db, desk.supervisor, IntakeRequest(subject="Badge", customer_id=_customer(db, desk))
        )
        assert mine.id is not None
        work.assign_ticket(db, desk.supervisor, mine.id, desk.other)
        work.assign_ticket(db, desk.supervisor, mine.id, desk.agent)
        directory.set_capacity(db, desk.supervisor, desk.agent, 8)
    finally:
        db.close()
    with desk.psql("sue") as conn:
        _refused(conn, "UPDATE agents SET role = 'admin' WHERE login = 'sue'")
        _refused(conn, "UPDATE sla_plans SET name = 'x'")
        _refused(conn, "UPDATE thread_entries SET body = 'x'")
        _refused(conn, "DELETE FROM thread_entries")
        _refused(conn, "SELECT password_hash FROM agents")
        _refused(conn, "SELECT desk_create_login('mallory', 'SCRAM-SHA-256$x')")


def test_an_admin_manages_logins_but_cannot_rewrite_history(desk: Desk):
    with desk.psql("boss") as conn:
        _refused(conn, "UPDATE thread_entries SET body = 'x'")
        _refused(conn, "DELETE FROM thread_entries")
        _refused(conn, "SELECT password_hash FROM agents")
        _refused(conn, "UPDATE tickets SET status = 5 WHERE id = %s", desk.mine)
        _refused(conn, "CREATE ROLE mallory LOGIN")  # only through the desk's functions
        # The login functions take a SCRAM verifier, never a password, and only for the
        # desk's own agents.
        _refused(conn, "SELECT desk_create_login('sam', 'plain text')")
        _refused(conn, "SELECT desk_create_login('postgres', 'SCRAM-SHA-256$x')")
        _refused(conn, "SELECT desk_set_login_password('postgres', 'SCRAM-SHA-256$x')")


def test_a_role_change_moves_the_login_to_its_group(desk: Desk):
    with desk.psql("boss") as conn:
        conn.execute("UPDATE agents SET role = 'supervisor' WHERE login = 'olga.other'")
        conn.commit()
        assert _groups(conn, "olga.other") == {"desk_supervisor"}
        conn.execute("UPDATE agents SET role = 'agent' WHERE login = 'olga.other'")
        conn.commit()
        assert _groups(conn, "olga.other") == {"desk_agent"}


def _groups(conn: psycopg.Connection, login: str) -> set[str]:
    rows = conn.execute(
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
        " JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s",
        (login,),
    )
    return {name for (name,) in rows}


def test_deactivation_stops_the_login_and_reactivation_brings_it_back(desk: Desk):
    open_session = desk.psql("olga.other")
    with desk.psql("boss") as conn:
        conn.execute("UPDATE agents SET active = false WHERE login = 'olga.other'")
        conn.commit()
    with pytest.raises(psycopg.OperationalError):  # the session open until now is ended
        open_session.execute("SELECT 1")
    open_session.close()
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        desk.psql("olga.other")
    with desk.psql("boss") as conn:
        conn.execute("UPDATE agents SET active = true WHERE login = 'olga.other'")
        conn.commit()
    with desk.psql("olga.other") as conn:
        assert conn.execute("SELECT desk_current_agent()").fetchone() == (desk.other,)


def test_password_reset_and_own_change(desk: Desk):
    db = _open(desk.url("boss"))
    try:
        set_agent_login_password(db, desk.admin, desk.agent, "a-new-password-1")
    finally:
        db.close()
    with pytest.raises(psycopg.OperationalError):
        desk.psql("sam")
    sam = _open(desk.cluster.url_as("sam", "a-new-password-1"))
    try:
        change_own_login_password(sam, PASSWORDS["sam"])
    finally:
        sam.close()
    with desk.psql("sam") as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_only_admins_create_logins_through_the_services(desk: Desk):
    db = _open(desk.url("sue"))
    try:
        with pytest.raises(PermissionDenied):
            create_agent_login(db, desk.supervisor, desk.agent, "whatever-password")
    finally:
        db.close()


# --- two desks on one server --------------------------------------------------------------


def test_two_desks_on_one_server_keep_their_rights_apart(desk: Desk):
    desk.cluster.create_database("other_desk")
    other_url = desk.cluster.url.rsplit("/", 1)[0] + "/other_desk"
    result = server_setup(other_url, admin_login="olive", admin_password="olive-password-1")
    assert result.roles.owner == "other_desk_owner"
    # This desk's agents cannot even connect to the other desk.
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(desk.cluster.url_as("sam", PASSWORDS["sam"], "other_desk"))
    other = _open(desk.cluster.url_as("olive", "olive-password-1", "other_desk"))
    try:
        olive = _agent_id(other, "olive")
        # Its admin cannot take over a login of this desk's by naming an agent after it.
        sam = directory.create_agent(other, olive, "sam", "Another Sam")
        assert sam.id is not None
        with pytest.raises(Exception, match="already used on this server"):
            create_agent_login(other, olive, sam.id, "takeover-password")
    finally:
        other.close()
    with desk.psql("sam") as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    with pytest.raises(PermissionDenied, match="prefixed"):
        server_setup(other_url, "desk")


# --- the housekeeping sweep runs on whichever workstation holds its lease ------------------


def test_an_agents_workstation_sweeps_breaches_escalations_and_auto_close(desk: Desk):
    clock = FixedClock(at(30, 9))
    boss = SqlDatabase.open(desk.url("boss"), clock)
    olga = SqlDatabase.open(desk.url("olga.other"), clock)
    sam = SqlDatabase.open(desk.url("sam"), clock)
    try:
        calendar = sla_service.create_calendar(
            boss, desk.admin, "London office", "Europe/London", WEEKDAYS_9_TO_5
        )
        escalate = (
            Escalation(Clock.FIRST_RESPONSE, EscalationKind.RAISE_PRIORITY),
            Escalation(Clock.FIRST_RESPONSE, EscalationKind.MOVE_TO_TEAM, team_id=desk.sysadmins),
        )
        plan = sla_service.create_plan(
            boss,
            desk.admin,
            PlanFields(
                "Standard",
                {p: Targets(1 * H, 8 * H) for p in Priority},
                calendar_id=calendar.id,
                escalations=escalate,
            ),
        )
        sla_service.set_default_plan(boss, desk.admin, plan.id)
        sla_service.set_auto_close(boss, desk.admin, 1)
        customer = _customer(olga, desk)
        late = log_ticket(
            olga, desk.other, IntakeRequest(subject="Late", customer_id=customer, assign_to_me=True)
        )
        done = log_ticket(
            sam, desk.agent, IntakeRequest(subject="Done", customer_id=customer, assign_to_me=True)
        )
        assert late.id is not None and done.id is not None
        work.resolve_ticket(sam, desk.agent, done.id, "Fixed.")
        clock.now = at(30, 10, 5)
        result = housekeeping.sweep(sam, "sams-pc", release=True)
        assert result.breaches == ((late.id, Clock.FIRST_RESPONSE),)
        # Sam's own login escalated Olga's ticket, through the desk's function.
        escalated = queries.get_ticket(sam, late.id).ticket
        assert (escalated.team_id, escalated.assignee_id) == (desk.sysadmins, None)
        assert escalated.priority == late.priority + 1
        # Olga hears of it and marks it read; Sam cannot mark Olga's notices.
        assert sla_service.mark_notifications_read(sam, desk.agent) == 0
        assert sla_service.unread_notifications(olga, desk.other) == 1
        assert sla_service.mark_notifications_read(olga, desk.other) == 1
        clock.now = at(30, 9) + timedelta(days=2, hours=2)
        assert housekeeping.sweep(sam, "sams-pc", release=True).closed == (done.id,)
        assert queries.get_ticket(sam, done.id).ticket.status == TicketStatus.CLOSED
    finally:
        for db in (boss, olga, sam):
            db.close()
    with desk.psql("sam") as conn:  # and a notice is marked read by its agent only
        assert (
            conn.execute(
                "UPDATE notifications SET read_at = NULL WHERE agent_id = %s", (desk.other,)
            ).rowcount
            == 0
        )


def test_setup_takes_over_a_desk_already_in_use(desk: Desk):
    """A desk that ran on a shared login until now: its tables become the owner's, its
    first admin gets a login, and the data is all there."""
    desk.cluster.create_database("old_desk")
    url = desk.cluster.url.rsplit("/", 1)[0] + "/old_desk"
    db = SqlDatabase.open(url)
    try:
        ada = directory.create_first_admin(db, "ada", "Ada Admin", password="ada-password-1")
        assert ada.id is not None
        directory.create_team(db, ada.id, "Service Desk")
    finally:
        db.close()
    server_setup(url, admin_login="ada", admin_password="ada-password-2")
    ada_db = _open(desk.cluster.url_as("ada", "ada-password-2", "old_desk"))
    try:
        assert [t.name for t in queries.directory(ada_db).teams] == ["Service Desk"]
        directory.create_team(ada_db, ada.id, "System Administrators")
    finally:
        ada_db.close()
    owner = create_engine(url)
    with owner.connect() as conn:
        owners = set(
            conn.execute(
                text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
    owner.dispose()
    assert owners == {"old_desk_owner"}


def test_a_workstation_is_told_who_upgrades_an_older_desk(desk: Desk):
    from alembic.script import ScriptDirectory

    from desk.domain.errors import DatabaseUnavailable
    from desk.store.migrate import HEAD, alembic_config

    # One step back: the next upgrade re-runs only the last migration (0016, the rights).
    before = ScriptDirectory.from_config(alembic_config()).get_revision(HEAD).down_revision
    superuser = create_engine(desk.cluster.url)
    with superuser.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": before})
    try:
        with pytest.raises(DatabaseUnavailable, match="desk server-setup"):
            _open(desk.url("sam"))
    finally:
        assert server_setup(desk.cluster.url).upgraded
        superuser.dispose()
    _open(desk.url("sam")).close()


def test_an_agent_added_with_a_password_signs_in_with_their_own_login(desk: Desk):
    # The admin's Add agent… on a set-up server: the login comes with the row.
    boss = _open(desk.url("boss"))
    try:
        directory.create_agent(
            boss, desk.admin, "lena", "Lena Park", role=Role.AGENT, password="lena-password-1"
        )
    finally:
        boss.close()
    lena = _open(desk.cluster.url_as("lena", "lena-password-1"))
    try:
        me = sign_in.connected_agent(lena)
        assert me is not None and me.agent.login == "lena"
    finally:
        lena.close()
    # Desk keeps no hash of it (the server has the password); only the superuser may look.
    with psycopg.connect(desk.cluster.url) as conn:
        row = conn.execute("SELECT password_hash FROM agents WHERE login = 'lena'").fetchone()
        assert row == (None,)

"""Fixtures for every test: databases on both backends, and a small desk to work in."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

if TYPE_CHECKING:
    from desk.store.unit_of_work import SqlDatabase

# Offscreen Qt with a 1920x1080 screen (its default is 800x600, too small for the window).
_SCREEN = Path(__file__).with_name("offscreen-screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"

# Programs the tests start (desk, the built Desk) must not reach a real credential store either.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

POSTGRES_ADMIN_URL = os.environ.get(
    "DESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("DESK_REQUIRE_POSTGRES", "") == "1"


def _postgres_test_database() -> str | None:
    """A fresh database for this test run, or None when no server answers."""
    from sqlalchemy import create_engine, make_url, text

    admin_url = make_url(POSTGRES_ADMIN_URL)
    name = f"desk_test_{uuid.uuid4().hex[:8]}"
    try:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (DESK_REQUIRE_POSTGRES=1) but failed: {exc}")
        return None
    return admin_url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    from sqlalchemy import create_engine, make_url, text

    name = make_url(url).database
    engine = create_engine(make_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


class MemoryKeyring(KeyringBackend):
    """Stand-in for the operating system's credential store: a dict, gone after the test."""

    priority = -1  # keyring's own discovery never picks it; only set_keyring does

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def credential_store() -> MemoryKeyring:
    """Every test gets an empty in-memory credential store; the real one is never touched."""
    store = MemoryKeyring()
    keyring.set_keyring(store)
    return store


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    from desk.store.unit_of_work import SqlDatabase

    url = _postgres_test_database()
    if url is None:
        yield None
        return
    SqlDatabase.open(url).close()  # migrate once for the whole run
    yield url
    _drop_postgres_database(url)


FUTURE_REVISION = "9999_from_a_newer_desk"


@pytest.fixture
def newer_desk_url() -> Iterator[str]:
    """A scratch PostgreSQL database that a newer Desk has upgraded (a revision this one
    has never heard of); dropped afterwards."""
    from sqlalchemy import create_engine, text

    from desk.store.unit_of_work import SqlDatabase

    url = _postgres_test_database()
    if url is None:
        pytest.skip("PostgreSQL is not running (set DESK_REQUIRE_POSTGRES=1 to fail instead)")
    try:
        SqlDatabase.open(url).close()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE_REVISION}
            )
        engine.dispose()
        yield url
    finally:
        _drop_postgres_database(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desk.store.unit_of_work import SqlDatabase

    path = tmp_path_factory.mktemp("template") / "desk.sqlite3"
    SqlDatabase.open(f"sqlite:///{path}").close()
    return path


_TABLES = (
    "routing_cursors, routing_rules, presence, change_log, notifications, manual_dues,"
    " housekeeping_leases, topic_plans, sla_plans, business_calendars, thread_entries,"
    " tickets, customer_terms, customers, categories, team_members, teams, sign_in_tokens,"
    " audit_log, agents"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "desk.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    if url is None:
        pytest.skip("PostgreSQL is not running (set DESK_REQUIRE_POSTGRES=1 to fail instead)")
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {_TABLES}, search_words RESTART IDENTITY CASCADE"))
        conn.execute(text("DELETE FROM desk_settings WHERE key <> 'desk_id'"))
    engine.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[SqlDatabase]:
    from desk.services.database import open_database

    database = open_database(db_url)
    yield database
    database.close()


@dataclass(frozen=True)
class World:
    """A small desk: an admin, a supervisor, two agents, two teams, a help topic, a caller."""

    admin: int
    supervisor: int
    agent: int
    other_agent: int
    service_desk: int
    sysadmins: int
    email_topic: int
    customer: int


@pytest.fixture
def world(db: SqlDatabase) -> World:
    from desk.domain.model import Priority, Role
    from desk.services import directory
    from desk.services.intake import IntakeRequest, NewCaller, log_ticket

    admin = directory.create_first_admin(db, "admin", "Ada Admin", password="admin-password")
    assert admin.id is not None
    service_desk = directory.create_team(db, admin.id, "Service Desk")
    sysadmins = directory.create_team(db, admin.id, "System Administrators")
    supervisor = directory.create_agent(
        db, admin.id, "sue", "Sue Supervisor", role=Role.SUPERVISOR, team_ids=[service_desk.id]
    )
    agent = directory.create_agent(db, admin.id, "sam", "Sam Agent", team_ids=[service_desk.id])
    other = directory.create_agent(db, admin.id, "olga", "Olga Other", team_ids=[sysadmins.id])
    topic = directory.create_category(
        db, admin.id, "Email", default_team_id=service_desk.id, default_priority=Priority.HIGH
    )
    first = log_ticket(  # creates the caller the other tests use
        db,
        agent.id,
        IntakeRequest(
            subject="Printer on 3rd floor keeps jamming",
            description="Every job jams.",
            new_caller=NewCaller("Jane Doe", "jane.doe@contoso.com", "+1 415 555 0132", "Contoso"),
        ),
    )
    return World(
        admin=admin.id,
        supervisor=_id(supervisor.id),
        agent=_id(agent.id),
        other_agent=_id(other.id),
        service_desk=_id(service_desk.id),
        sysadmins=_id(sysadmins.id),
        email_topic=_id(topic.id),
        customer=first.customer_id,
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value

"""Choosing a database: trying one without changing it, and where its password is kept."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from pathlib import Path

import pytest

from desk.domain.errors import (
    BadDatabaseURL,
    DatabaseUnavailable,
    SchemaTooNew,
    ValidationError,
)
from desk.services import connection
from desk.services.connection import KEYRING_SERVICE, ServerAddress
from desk.services.database import open_database, test_connection

from ..conftest import FUTURE_REVISION


def free_port() -> int:
    """A port on this machine where nothing listens (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_trying_a_desk_database_says_what_is_there_and_changes_nothing(db_url: str):
    said = test_connection(db_url)
    assert said.startswith(("SQLite 3.", "PostgreSQL "))
    assert said.endswith("a Desk database, ready to use.")


def test_a_new_local_file_is_not_created_by_trying_it(tmp_path: Path):
    path = tmp_path / "new.sqlite3"
    assert "no Desk database here yet" in test_connection(f"sqlite:///{path}")
    assert not path.exists()


def test_a_local_file_in_a_missing_folder_is_refused(tmp_path: Path):
    with pytest.raises(BadDatabaseURL, match="does not exist"):
        test_connection(f"sqlite:///{tmp_path / 'nope' / 'desk.sqlite3'}")


def test_nothing_listening_is_said_plainly_and_points_at_the_port():
    port = free_port()
    with pytest.raises(DatabaseUnavailable) as caught:
        test_connection(f"postgresql://postgres@127.0.0.1:{port}/desk")
    assert caught.value.message.startswith(f"Nothing answers at 127.0.0.1:{port}.")
    assert caught.value.field == "port"


def test_a_missing_database_and_a_missing_user_are_named(postgres_url: str | None):
    if postgres_url is None:
        pytest.skip("PostgreSQL is not running")
    server = postgres_url.rsplit("/", 1)[0]
    with pytest.raises(DatabaseUnavailable) as caught:
        test_connection(f"{server}/no_such_desk_db")
    assert "has no database named “no_such_desk_db”" in caught.value.message
    assert caught.value.field == "database"
    nobody = server.replace("postgres@", "nobody_here@")
    with pytest.raises(DatabaseUnavailable) as caught:
        test_connection(f"{nobody}/postgres")
    assert caught.value.field == "user"


def test_a_schema_newer_than_the_program_is_refused_without_writing(newer_desk_url: str):
    with pytest.raises(SchemaTooNew, match="upgraded by a newer version of Desk"):
        test_connection(newer_desk_url)
    with pytest.raises(SchemaTooNew):
        open_database(newer_desk_url)
    with open_database_unmigrated(newer_desk_url) as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").all() == [
            (FUTURE_REVISION,)
        ]


@contextmanager
def open_database_unmigrated(url: str):
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def test_a_server_address_is_checked_field_by_field():
    with pytest.raises(ValidationError) as caught:
        connection.shared_server(" ", "port", "", "")
    assert [p.field for p in caught.value.problems] == ["host", "port", "database", "user"]
    choice = connection.shared_server("db.example.org", "5433", "desk", "sam")
    assert choice.url() == "postgresql://sam@db.example.org:5433/desk"
    assert choice.url("p@ss/w:rd") == "postgresql://sam:p%40ss%2Fw%3Ard@db.example.org:5433/desk"


def test_a_remembered_url_never_carries_the_password():
    choice = connection.choice_from_url("postgresql+psycopg://sam:secret@db.example.org/desk")
    assert choice.server == ServerAddress("db.example.org", 5432, "desk", "sam")
    assert "secret" not in choice.url()
    local = connection.choice_from_url("sqlite:////srv/desk/desk.sqlite3")
    assert local.local_file == Path("/srv/desk/desk.sqlite3")
    assert local.url() == "sqlite:////srv/desk/desk.sqlite3"


def test_the_password_is_kept_in_the_credential_store(credential_store):
    server = ServerAddress("db.example.org", 5432, "desk", "sam")
    assert server.credential_key == "sam@db.example.org:5432/desk"
    connection.remember_password(server, "s3cret")
    assert credential_store.passwords == {
        (KEYRING_SERVICE, "sam@db.example.org:5432/desk"): "s3cret"
    }
    remembered = "postgresql://sam@db.example.org/desk"
    assert connection.with_saved_password(remembered) == (
        "postgresql://sam:s3cret@db.example.org:5432/desk"
    )
    assert connection.with_saved_password("postgresql://sam:other@db.example.org/desk").endswith(
        ":other@db.example.org/desk"
    )
    connection.forget_password(server)
    connection.forget_password(server)  # forgetting twice is no error
    assert connection.with_saved_password(remembered) == "postgresql://sam@db.example.org:5432/desk"


def test_connecting_remembers_or_forgets_the_password(postgres_url: str | None, credential_store):
    if postgres_url is None:
        pytest.skip("PostgreSQL is not running")
    choice = connection.choice_from_url(postgres_url)
    assert choice.server is not None
    opened = connection.connect(choice, "not-needed-with-trust", remember=True)
    opened.db.close()
    assert credential_store.passwords[(KEYRING_SERVICE, choice.server.credential_key)]
    opened = connection.connect(choice, "", remember=False)
    opened.db.close()
    assert credential_store.passwords == {}

"""A local database file that goes away, is replaced, or cannot be written: Desk refuses
to pretend anything was saved, in its own words."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from desk.domain.errors import DatabaseGone, DatabaseReadOnly
from desk.services import connection, health, queries
from desk.services import directory as people
from desk.services.database import open_database

from ..file_access import unwritable


@pytest.fixture
def desk_file(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(sqlite_template, path)
    return path


def _admin(db) -> int:
    admin = people.create_first_admin(db, "ada", "Ada Admin", password="long enough password")
    assert admin.id is not None
    return admin.id


def test_a_deleted_file_refuses_writes_and_reads_and_the_check_says_so(desk_file: Path):
    db = open_database(f"sqlite:///{desk_file}")
    try:
        admin = _admin(db)
        health.check_database(db)
        desk_file.unlink()
        with pytest.raises(DatabaseGone) as gone:
            people.create_team(db, admin, "Service Desk")
        assert str(desk_file) in gone.value.message and "deleted or moved" in gone.value.message
        with pytest.raises(DatabaseGone):
            queries.directory(db)
        with pytest.raises(DatabaseGone):
            health.check_database(db)
        assert not desk_file.exists()  # nothing recreated it either
    finally:
        db.close()


def test_a_replaced_file_is_told_apart_from_the_one_opened(desk_file: Path, sqlite_template):
    db = open_database(f"sqlite:///{desk_file}")
    try:
        admin = _admin(db)
        replacement = desk_file.with_name("other.sqlite3")
        shutil.copy(sqlite_template, replacement)
        os.replace(replacement, desk_file)
        with pytest.raises(DatabaseGone) as gone:
            people.create_team(db, admin, "Service Desk")
        assert gone.value.replaced and "replaced" in gone.value.message
        # The refused team went nowhere: not into the file now at the path either.
        other = open_database(f"sqlite:///{desk_file}")
        assert list(queries.directory(other).teams) == []
        other.close()
    finally:
        db.close()


def test_a_file_moved_away_and_back_is_the_same_file_again(desk_file: Path):
    db = open_database(f"sqlite:///{desk_file}")
    try:
        admin = _admin(db)
        moved = desk_file.with_name("moved.sqlite3")
        desk_file.rename(moved)
        with pytest.raises(DatabaseGone):
            health.check_database(db)
        moved.rename(desk_file)
        health.check_database(db)
        people.create_team(db, admin, "Service Desk")
        assert [t.name for t in queries.directory(db).teams] == ["Service Desk"]
    finally:
        db.close()


def test_reopening_a_file_that_is_gone_does_not_create_an_empty_desk(desk_file: Path):
    url = f"sqlite:///{desk_file}"
    desk_file.unlink()
    with pytest.raises(DatabaseGone):
        connection.reopen(url)
    assert not desk_file.exists()


def test_a_read_only_file_opens_read_only_and_refuses_writes_in_desks_words(desk_file: Path):
    db = open_database(f"sqlite:///{desk_file}")
    _admin(db)
    db.close()
    before = desk_file.read_bytes()
    with unwritable(desk_file):
        db = open_database(f"sqlite:///{desk_file}")
        try:
            assert health.is_read_only(db)
            assert [a.login for a in queries.directory(db).agents] == ["ada"]
            with pytest.raises(DatabaseReadOnly) as refused:
                people.create_first_admin(db, "bob", "Bob", password="long enough password")
            assert refused.value.message == (
                f"Read-only: {desk_file} cannot be changed, so changes cannot be saved."
            )
            health.check_database(db)
        finally:
            db.close()
    assert desk_file.read_bytes() == before


def test_a_file_in_a_read_only_folder_opens_read_only(desk_file: Path):
    db = open_database(f"sqlite:///{desk_file}")
    _admin(db)
    db.close()
    assert not desk_file.with_name(desk_file.name + "-shm").exists()
    with unwritable(desk_file.parent):
        db = open_database(f"sqlite:///{desk_file}")
        try:
            assert health.is_read_only(db)
            assert [a.login for a in queries.directory(db).agents] == ["ada"]
            with pytest.raises(DatabaseReadOnly):
                people.create_first_admin(db, "bob", "Bob", password="long enough password")
        finally:
            db.close()


def test_a_writable_file_is_not_read_only(desk_file: Path):
    db = open_database(f"sqlite:///{desk_file}")
    try:
        assert not health.is_read_only(db)
    finally:
        db.close()


def test_a_server_in_read_only_mode_is_refused_in_desks_words(db_url: str):
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL setting")
    from sqlalchemy import create_engine, make_url, text

    db = open_database(db_url)
    try:
        admin = _admin(db)
        name = make_url(db_url).database
        engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        db.engine.dispose()  # new sessions take the setting
        try:
            with pytest.raises(DatabaseReadOnly) as refused:
                people.create_team(db, admin, "Service Desk")
            assert refused.value.message.startswith("Read-only: ")
        finally:
            with engine.connect() as conn:
                conn.execute(
                    text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
                )
            engine.dispose()
    finally:
        db.close()

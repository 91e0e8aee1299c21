"""The schema: migrations build exactly the tables Desk maps, and a newer schema is refused."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from desk.domain.errors import SchemaTooNew
from desk.services.database import open_database
from desk.store.migrate import HEAD, head_revision
from desk.store.schema import metadata

# Full-text objects live outside the mapped tables: FTS5 tables on SQLite, stored tsvector
# columns, their GIN indexes and the vocabulary on PostgreSQL.
FULL_TEXT = (
    "ticket_subject_fts",
    "thread_fts",
    "subject_tsv",
    "body_tsv",
    "ix_tickets_search",
    "ix_thread_entries_search",
    "search_words",
)


def _ours(name, type_, *_args) -> bool:
    return not (name or "").startswith(FULL_TEXT) and name != "alembic_version"


def test_migrations_match_the_mapped_tables(db_url: str):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_name": _ours, "compare_type": True},
        )
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_a_schema_newer_than_the_program_is_refused_without_writing(db_url: str):
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    try:
        with pytest.raises(SchemaTooNew, match="newer version of Desk"):
            open_database(db_url)
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        assert version == "9999_from_the_future"
    finally:  # the PostgreSQL test database is shared by the whole run
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
            )
        engine.dispose()


def test_opening_twice_migrates_once(db_url: str):
    open_database(db_url).close()
    open_database(db_url).close()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    engine.dispose()


def test_the_recorded_head_is_alembics_head():
    assert head_revision() == HEAD


def test_every_desk_has_its_own_id_that_stays(tmp_path):
    from desk.services.desk_settings import desk_id

    first = open_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    second = open_database(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    try:
        assert len(desk_id(first)) == 32
        assert desk_id(first) != desk_id(second)
    finally:
        first.close()
        second.close()
    again = open_database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    try:
        assert desk_id(again) == desk_id(first)
    finally:
        again.close()

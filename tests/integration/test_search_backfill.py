"""Migration 0005: events recorded before Desk wrote their text as the entry's body are
found by search once the desk is upgraded."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from desk.services import queries
from desk.services import tickets as work
from desk.services.database import open_database
from desk.services.intake import IntakeRequest, log_ticket
from desk.store.migrate import alembic_config

from ..conftest import World


def _migrate(url: str, revision: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        if revision == "0004":
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)
    engine.dispose()


def test_reasons_typed_before_the_upgrade_are_found_after_it(db, db_url: str, world: World):
    ticket = log_ticket(
        db, world.agent, IntakeRequest(subject="Laptop dock", customer_id=world.customer)
    ).id
    work.set_pending(db, world.agent, ticket, "Courier brings the kumquat adapter")
    work.resolve_ticket(db, world.agent, ticket, "Swapped the quokka cable")
    assert queries.search_tickets(db, "kumquat") == [ticket]
    db.close()

    _migrate(db_url, "0004")  # a desk as Desk 0004 left it: the text only in the event data
    engine = create_engine(db_url)
    with engine.connect() as conn:
        bodies = conn.execute(
            text("SELECT body FROM thread_entries WHERE kind = 'event' AND body <> ''")
        ).all()
    engine.dispose()
    assert bodies == []
    _migrate(db_url, "head")

    upgraded = open_database(db_url)
    try:
        assert queries.search_tickets(upgraded, "kumquat") == [ticket]
        assert queries.search_tickets(upgraded, "quokka cable") == [ticket]
        assert queries.search_tickets(upgraded, "claimed") == []  # events without text stay empty
    finally:
        upgraded.close()
    if db_url.startswith("sqlite"):  # the FTS5 index agrees with the rows it indexes
        engine = create_engine(db_url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO thread_fts(thread_fts) VALUES ('integrity-check')"))
        engine.dispose()

"""Data only: what was typed with an event becomes the entry's body, so search finds it.

Pending and transfer reasons, resolution notes and reopen reasons used to be kept only in
an event entry's JSON data, which neither full-text index covers. Desk now writes them as
the entry's body too (desk/services/tickets.py, `event_entries`); this copies them in for
the events recorded before. No table, column or index changes.

SQLite: the FTS5 table learns the rows here, since its trigger fires on insert only (and
skipped these rows while their body was empty). PostgreSQL: the stored tsvector column
follows the body by itself; the vocabulary of words for prefixes learns the new ones.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same choice as desk.domain.thread.written_text: the note, else the reason.
_SQLITE_TEXT = (
    "coalesce(nullif(json_extract(data, '$.note'), ''), json_extract(data, '$.reason'), '')"
)
_POSTGRES_TEXT = "coalesce(nullif(data->>'note', ''), data->>'reason', '')"
_WHERE = "kind = 'event' AND body = '' AND data IS NOT NULL AND {text} <> ''"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        where = _WHERE.format(text=_SQLITE_TEXT)
        op.execute(
            f"INSERT INTO thread_fts(rowid, body) SELECT id, {_SQLITE_TEXT}"
            f" FROM thread_entries WHERE {where}"
        )
        op.execute(f"UPDATE thread_entries SET body = {_SQLITE_TEXT} WHERE {where}")
        return
    where = _WHERE.format(text=_POSTGRES_TEXT)
    op.execute("CREATE TEMPORARY TABLE desk_0005 (id integer PRIMARY KEY) ON COMMIT DROP")
    op.execute(f"INSERT INTO desk_0005 SELECT id FROM thread_entries WHERE {where}")
    op.execute(
        f"UPDATE thread_entries SET body = {_POSTGRES_TEXT} WHERE id IN (SELECT id FROM desk_0005)"
    )
    op.execute(
        "INSERT INTO search_words (word) SELECT DISTINCT unnest(tsvector_to_array(body_tsv))"
        " FROM thread_entries WHERE id IN (SELECT id FROM desk_0005) ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "INSERT INTO thread_fts(thread_fts, rowid, body) SELECT 'delete', id, body"
            " FROM thread_entries WHERE kind = 'event' AND body <> ''"
        )
    op.execute("UPDATE thread_entries SET body = '' WHERE kind = 'event'")

"""PostgreSQL: stored tsvector columns for subjects and thread text.

Searching with the expression indexes of 0001 made PostgreSQL compute to_tsvector for
every row it walked; a stored column makes each check cheap and gives the planner
statistics on the words. SQLite's FTS5 tables need nothing.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_tickets_subject_fts")
    op.execute("DROP INDEX IF EXISTS ix_thread_entries_body_fts")
    op.execute(
        "ALTER TABLE tickets ADD COLUMN subject_tsv tsvector"
        " GENERATED ALWAYS AS (to_tsvector('simple', subject)) STORED"
    )
    op.execute(
        "ALTER TABLE thread_entries ADD COLUMN body_tsv tsvector"
        " GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED"
    )
    op.execute("CREATE INDEX ix_tickets_subject_tsv ON tickets USING gin (subject_tsv)")
    op.execute("CREATE INDEX ix_thread_entries_body_tsv ON thread_entries USING gin (body_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_tickets_subject_tsv")
    op.execute("DROP INDEX IF EXISTS ix_thread_entries_body_tsv")
    op.execute("ALTER TABLE tickets DROP COLUMN IF EXISTS subject_tsv")
    op.execute("ALTER TABLE thread_entries DROP COLUMN IF EXISTS body_tsv")
    op.execute(
        "CREATE INDEX ix_tickets_subject_fts ON tickets USING gin (to_tsvector('simple', subject))"
    )
    op.execute(
        "CREATE INDEX ix_thread_entries_body_fts ON thread_entries"
        " USING gin (to_tsvector('simple', body))"
    )

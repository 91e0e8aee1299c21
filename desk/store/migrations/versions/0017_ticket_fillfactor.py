"""Free space on the pages of `tickets` on PostgreSQL (fillfactor 90), so that the
sweep's breach stamps, which change no indexed column, are HOT updates: a new row
version on the same page and no new entry in any of the table's two dozen indexes.

Only the storage parameter is set: the table is not rewritten here (on a desk of a
million tickets that would lock it for minutes). Pages filled from now on keep the free
space, and existing pages gain it as they are rewritten (VACUUM FULL, CLUSTER, a dump and
restore). SQLite has no such setting: nothing changes there.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE tickets SET (fillfactor = 90)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE tickets RESET (fillfactor)")

"""Desk-wide settings, and the desk's own id.

A desk is known by a random id stored in it, not by the URL that reaches it: the same
server has many URLs, and two demo files at one path are different desks.

Revision ID: 0004
Revises: 0003
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "desk_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_desk_settings"),
    )
    op.bulk_insert(table, [{"key": "desk_id", "value": uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table("desk_settings")

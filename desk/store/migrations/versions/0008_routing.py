"""Routing: the rules, each team's round-robin cursor and way of assigning, agents'
capacity and "away until".

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("away_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("auto_assign", sa.String(length=24), nullable=True))
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["agents.id"], name=op.f("fk_routing_rules_updated_by_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
    )
    op.create_index(op.f("ix_routing_rules_position"), "routing_rules", ["position"], unique=False)
    op.create_table(
        "routing_cursors",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("last_agent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_routing_cursors_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_routing_cursors")),
    )


def downgrade() -> None:
    op.drop_table("routing_cursors")
    op.drop_index(op.f("ix_routing_rules_position"), table_name="routing_rules")
    op.drop_table("routing_rules")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("auto_assign")
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("away_until")
        batch.drop_column("capacity")

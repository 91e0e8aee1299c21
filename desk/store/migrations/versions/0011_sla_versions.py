"""SLA plan and calendar versions: each one as it was saved, and when (issue 13), so a
ticket's due times are a function of the versions in force over its life. The versions
the desk has now are filled in as their first.

Revision ID: 0011
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "business_calendar_versions",
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("week", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("saved_at", _MOMENT, nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["business_calendars.id"],
            name=op.f("fk_business_calendar_versions_calendar_id_business_calendars"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by"], ["agents.id"], name=op.f("fk_business_calendar_versions_saved_by_agents")
        ),
        sa.PrimaryKeyConstraint(
            "calendar_id", "version", name=op.f("pk_business_calendar_versions")
        ),
    )
    op.create_table(
        "sla_plan_versions",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("at_risk_percent", sa.SmallInteger(), nullable=True),
        sa.Column("pause", sa.JSON(), nullable=False),
        sa.Column("escalations", sa.JSON(), nullable=False),
        sa.Column("saved_at", _MOMENT, nullable=False),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["sla_plans.id"],
            name=op.f("fk_sla_plan_versions_plan_id_sla_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by"], ["agents.id"], name=op.f("fk_sla_plan_versions_saved_by_agents")
        ),
        sa.PrimaryKeyConstraint("plan_id", "version", name=op.f("pk_sla_plan_versions")),
    )
    op.execute(
        "INSERT INTO business_calendar_versions"
        " (calendar_id, version, name, zone, week, holidays, saved_at, saved_by)"
        " SELECT id, version, name, zone, week, holidays, updated_at, updated_by"
        " FROM business_calendars"
    )
    op.execute(
        "INSERT INTO sla_plan_versions (plan_id, version, name, calendar_id, targets,"
        " at_risk_percent, pause, escalations, saved_at, saved_by)"
        " SELECT id, version, name, calendar_id, targets, at_risk_percent, pause,"
        " escalations, updated_at, updated_by FROM sla_plans"
    )


def downgrade() -> None:
    op.drop_table("sla_plan_versions")
    op.drop_table("business_calendar_versions")

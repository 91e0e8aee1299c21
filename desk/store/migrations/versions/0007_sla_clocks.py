"""SLA clocks: business calendars, plans, a help topic's plan, due times on tickets, hand-set
due times, notifications and the housekeeping lease (issue 13).

The new ticket columns are added in place (no table rebuild on SQLite, which would copy a
million tickets): nullable, or with a default, and without a foreign key.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOMENT = sa.DateTime(timezone=True)
_TICKET_INDEXES = {
    "ix_tickets_active_at_risk": ["is_active", "at_risk_at", "id"],
    "ix_tickets_active_first_response_due": ["is_active", "first_response_due_at", "id"],
    "ix_tickets_active_resolution_due": ["is_active", "resolution_due_at", "id"],
    "ix_tickets_active_sla_epoch": ["is_active", "sla_epoch", "id"],
    "ix_tickets_status_resolved": ["status", "resolved_at", "id"],
}


def upgrade() -> None:
    op.create_table(
        "business_calendars",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("week", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", _MOMENT, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["agents.id"], name=op.f("fk_business_calendars_updated_by_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_business_calendars_name")),
    )
    op.create_table(
        "sla_plans",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("at_risk_percent", sa.SmallInteger(), nullable=True),
        sa.Column("pause", sa.JSON(), nullable=False),
        sa.Column("escalations", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", _MOMENT, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["business_calendars.id"],
            name=op.f("fk_sla_plans_calendar_id_business_calendars"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["agents.id"], name=op.f("fk_sla_plans_updated_by_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_plans")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_plans_name")),
    )
    op.create_table(
        "topic_plans",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_topic_plans_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["sla_plans.id"],
            name=op.f("fk_topic_plans_plan_id_sla_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category_id", name=op.f("pk_topic_plans")),
    )
    op.add_column("tickets", sa.Column("sla_plan_id", sa.Integer(), nullable=True))
    op.add_column(
        "tickets", sa.Column("sla_epoch", sa.Integer(), nullable=False, server_default="0")
    )
    for name in (
        "first_response_due_at",
        "resolution_due_at",
        "at_risk_at",
        "first_response_breached_at",
        "resolution_breached_at",
    ):
        op.add_column("tickets", sa.Column(name, _MOMENT, nullable=True))
    for index, columns in _TICKET_INDEXES.items():
        op.create_index(index, "tickets", columns, unique=False)
    op.create_table(
        "manual_dues",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=16), nullable=False),
        sa.Column("set_at", _MOMENT, nullable=False),
        sa.Column("due", _MOMENT, nullable=True),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["set_by"], ["agents.id"], name=op.f("fk_manual_dues_set_by_agents")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_manual_dues_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_dues")),
    )
    op.create_index("ix_manual_dues_ticket", "manual_dues", ["ticket_id", "id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("created_at", _MOMENT, nullable=False),
        sa.Column("read_at", _MOMENT, nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_notifications_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_notifications_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(
        "ix_notifications_agent_read", "notifications", ["agent_id", "read_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_notifications_ticket_id"), "notifications", ["ticket_id"], unique=False
    )
    op.create_table(
        "housekeeping_leases",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=32), nullable=False),
        sa.Column("expires_at", _MOMENT, nullable=False),
        sa.Column("last_sweep_at", _MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_housekeeping_leases")),
    )


def downgrade() -> None:
    op.drop_table("housekeeping_leases")
    op.drop_table("notifications")
    op.drop_table("manual_dues")
    for index in _TICKET_INDEXES:
        op.drop_index(index, table_name="tickets")
    for name in (
        "resolution_breached_at",
        "first_response_breached_at",
        "at_risk_at",
        "resolution_due_at",
        "first_response_due_at",
        "sla_epoch",
        "sla_plan_id",
    ):
        op.drop_column("tickets", name)
    op.drop_table("topic_plans")
    op.drop_table("sla_plans")
    op.drop_table("business_calendars")

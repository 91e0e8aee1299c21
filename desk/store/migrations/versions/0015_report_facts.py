"""Reports: each ticket's facts (days, durations in business and calendar time, targets
met, satisfaction) and its open spans, kept with its SLA clocks.

The rows of tickets that exist already are written by `desk.services.report_facts.
backfill` (the reports window and `desk report` run it when tickets lack them): they
need the business calendars' arithmetic, which SQL cannot do.

Revision ID: 0015
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _filters() -> list[sa.Column]:
    return [
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=120), server_default="", nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "report_facts",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("created_day", sa.Integer(), nullable=False),
        *_filters(),
        sa.Column("reopen_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("csat", sa.SmallInteger(), nullable=True),
        sa.Column("first_response_day", sa.Integer(), nullable=True),
        sa.Column("first_response_business", sa.Integer(), nullable=True),
        sa.Column("first_response_calendar", sa.Integer(), nullable=True),
        sa.Column("first_response_within", sa.Boolean(), nullable=True),
        sa.Column("resolved_day", sa.Integer(), nullable=True),
        sa.Column("resolution_business", sa.Integer(), nullable=True),
        sa.Column("resolution_calendar", sa.Integer(), nullable=True),
        sa.Column("resolution_within", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_report_facts_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_report_facts")),
    )
    op.create_index(
        "ix_report_facts_created",
        "report_facts",
        ["created_day", "channel", "category_id", "team_id"],
    )
    op.create_index(
        "ix_report_facts_first_response",
        "report_facts",
        [
            "first_response_day",
            "assignee_id",
            "team_id",
            "first_response_business",
            "first_response_calendar",
            "first_response_within",
        ],
    )
    op.create_index(
        "ix_report_facts_resolved",
        "report_facts",
        [
            "resolved_day",
            "assignee_id",
            "team_id",
            "resolution_business",
            "resolution_calendar",
            "resolution_within",
            "csat",
            "reopen_count",
        ],
    )
    op.create_table(
        "report_spans",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("opened_day", sa.Integer(), nullable=False),
        sa.Column("resolved_day", sa.Integer(), nullable=True),
        *_filters(),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_report_spans_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "n", name=op.f("pk_report_spans")),
    )
    op.create_index(
        "ix_report_spans_opened", "report_spans", ["opened_day", "assignee_id", "team_id"]
    )
    op.create_index(
        "ix_report_spans_resolved",
        "report_spans",
        ["resolved_day", "opened_day", "assignee_id", "team_id"],
    )


def downgrade() -> None:
    op.drop_table("report_spans")
    op.drop_table("report_facts")

"""The dashboard's indexes: its counts are answered from an index alone, without
visiting the tickets (desk/store/dashboard.py), and an agent's last activity is one
probe of the thread.

Revision ID: 0014
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    (
        "ix_tickets_dashboard_open",
        "tickets",
        ["is_active", "team_id", "assignee_id", "status", "created_at"],
    ),
    ("ix_tickets_dashboard_due", "tickets", ["is_active", "due_at", "team_id", "assignee_id"]),
    (
        "ix_tickets_dashboard_risk",
        "tickets",
        ["is_active", "at_risk_at", "due_at", "team_id", "assignee_id"],
    ),
    ("ix_thread_entries_agent", "thread_entries", ["agent_id", "created_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)

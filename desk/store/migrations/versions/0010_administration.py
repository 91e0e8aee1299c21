"""Administration: the audit log of admin changes, versions on agents, teams and help
topics (two admins editing one are told, not overwritten), teams that can be
deactivated, and help topics kept in an order under their parent.

The desk's name and its ticket number prefix are rows of `desk_settings` (no column).

Revision ID: 0010
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("categories") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("description", sa.String(length=400), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    # Topics keep the order they had (alphabetical within each parent).
    op.execute(
        "UPDATE categories SET position = (SELECT count(*) FROM categories AS c "
        "WHERE c.parent_id IS NOT DISTINCT FROM categories.parent_id AND c.name < categories.name)"
        if op.get_bind().dialect.name == "postgresql"
        else "UPDATE categories SET position = (SELECT count(*) FROM categories AS c "
        "WHERE c.parent_id IS categories.parent_id AND c.name < categories.name)"
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=24), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("entity_version", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=400), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["agents.id"], name=op.f("fk_audit_log_actor_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_log_actor", "audit_log", ["actor_id", "id"])
    op.create_index("ix_audit_log_kind", "audit_log", ["kind", "id"])
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id", "id"])
    op.create_index("ix_audit_log_created", "audit_log", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_created", table_name="audit_log")
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_index("ix_audit_log_kind", table_name="audit_log")
    op.drop_index("ix_audit_log_actor", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("version")
        batch.drop_column("description")
        batch.drop_column("position")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("version")
        batch.drop_column("active")
    with op.batch_alter_table("agents") as batch:
        batch.drop_column("version")

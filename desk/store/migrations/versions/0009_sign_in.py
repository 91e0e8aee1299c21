"""Sign-in: a forced password change, recent wrong passwords and the lock they lead to,
and the tokens of "Keep me signed in on this computer" (their hashes).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password",
                sa.Boolean(),
                server_default=sa.text("false"),
                nullable=False,
            )
        )
        batch.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("last_failed_sign_in_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "sign_in_tokens",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workstation", sa.String(length=200), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_sign_in_tokens_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_sign_in_tokens_agent_id"), "sign_in_tokens", ["agent_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_tokens_agent_id"), table_name="sign_in_tokens")
    op.drop_table("sign_in_tokens")
    with op.batch_alter_table("agents") as batch:
        for column in (
            "locked_until",
            "last_failed_sign_in_at",
            "failed_sign_ins",
            "password_changed_at",
            "must_change_password",
        ):
            batch.drop_column(column)

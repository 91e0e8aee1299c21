"""Grants, row rules and login functions of a desk that `desk server-setup` prepared.

Nothing changes in the schema. On a server desk with per-agent logins, run as its owner
(server-setup migrates as the owner, then installs again for every table there is by
then, so a later migration's new table gets its rights too); elsewhere nothing.

Revision ID: 0013
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from desk.store.server_rights import install
from desk.store.server_roles import stored_roles

revision: str = "0013"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    roles = stored_roles(bind)
    # Only as the owner: functions a superuser made would run with a superuser's rights.
    if roles is not None and bind.execute(text("SELECT current_user")).scalar() == roles.owner:
        install(bind, roles)


def downgrade() -> None:
    """The rights stay: they describe the tables, not a schema version."""

"""The program's own writes on a guarded desk: the functions that store the SLA clocks,
stamp breaches, escalate and prune, the column grants that leave the clocks out, the
change log made insert-only and presence each agent's own (desk.store.server_rights).

Nothing changes in the schema. Like 0013, it installs the rights again on a server desk
with per-agent logins, run as its owner; elsewhere nothing. A workstation that finds a
set-up desk at 0013 is told to run `desk server-setup` (its clocks would go through
functions the desk does not have yet).

Revision ID: 0016
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from desk.store.server_rights import install
from desk.store.server_roles import stored_roles

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    roles = stored_roles(bind)
    if roles is not None and bind.execute(text("SELECT current_user")).scalar() == roles.owner:
        install(bind, roles)


def downgrade() -> None:
    """The rights stay: they describe the tables, not a schema version."""

"""Each agent's own PostgreSQL login, through the functions desk.store.server_rights
installs (owned by the desk's owner; an admin's login may call them)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from .server_roles import stored_roles


class ServerLoginRepository:
    """The login functions, called inside a service's transaction (role changes commit
    or roll back with the agent's row)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @property
    def enabled(self) -> bool:
        """Whether this desk gives each agent their own PostgreSQL login."""
        return stored_roles(self._conn) is not None

    def _verifier(self, login: str, password: str) -> str:
        # libpq computes the SCRAM verifier here: the password never reaches the server,
        # its statement log or pg_stat_activity.
        pgconn = self._conn.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
        return pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()

    def create(self, login: str, password: str) -> None:
        """The login of the agent whose row has `login`, in their role's group."""
        self._conn.execute(
            text("SELECT public.desk_create_login(:l, :v)"),
            {"l": login, "v": self._verifier(login, password)},
        )

    def sync(self, login: str) -> None:
        """Put the login in its agent's role's group, enabled while the agent is active."""
        self._conn.execute(text("SELECT public.desk_sync_login(:l)"), {"l": login})

    def set_password(self, login: str, password: str) -> None:
        self._conn.execute(
            text("SELECT public.desk_set_login_password(:l, :v)"),
            {"l": login, "v": self._verifier(login, password)},
        )

    def change_own_password(self, password: str) -> None:
        """Any login may set its own password (PostgreSQL allows that without a function)."""
        login = self._conn.execute(text("SELECT current_user")).scalar_one()
        self._conn.execute(
            text("SELECT public.desk_set_own_password(:v)"), {"v": self._verifier(login, password)}
        )

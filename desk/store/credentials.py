"""What signing in keeps: password hashes, recent wrong passwords and locks, forced
changes, and the hashes of kept sign-in tokens. The Agent rows themselves are the
directory's (desk.store.directory)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, text, update

from desk.domain.model import Agent
from desk.domain.sign_in import Failures

from .directory import _agent
from .schema import agents, sign_in_tokens


@dataclass(frozen=True, slots=True)
class StoredCredentials:
    agent: Agent
    password_hash: str | None
    must_change_password: bool
    failures: Failures


@dataclass(frozen=True, slots=True)
class StoredToken:
    id: int
    agent_id: int
    created_at: datetime
    last_used_at: datetime
    workstation: str


class CredentialRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _may_read_hashes(self) -> bool:
        """A set-up server's workstation logins may not read password hashes (PostgreSQL
        checks their passwords itself); a local file, or the desk's owner, may."""
        if self._conn.dialect.name != "postgresql":
            return True
        query = text("SELECT has_column_privilege('agents', 'password_hash', 'SELECT')")
        return bool(self._conn.execute(query).scalar())

    def _credentials(self, where: object, for_update: bool) -> StoredCredentials | None:
        hashes = self._may_read_hashes()
        columns = [c for c in agents.c if hashes or c.name != "password_hash"]
        query = select(*columns).where(where)  # type: ignore[arg-type]
        if for_update:
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        if row is None:
            return None
        return StoredCredentials(
            _agent(row),
            row.password_hash if hashes else None,
            row.must_change_password,
            Failures(row.failed_sign_ins, row.last_failed_sign_in_at, row.locked_until),
        )

    def by_login(self, login: str, *, for_update: bool = False) -> StoredCredentials | None:
        """The login's row, held (PostgreSQL: FOR UPDATE) when a failure may be written,
        so that two workstations' wrong passwords both count."""
        return self._credentials(agents.c.login == login, for_update)

    def for_agent(self, agent_id: int, *, for_update: bool = False) -> StoredCredentials | None:
        return self._credentials(agents.c.id == agent_id, for_update)

    def current_user(self) -> str | None:
        """The PostgreSQL role this connection signed in as (None on SQLite)."""
        if self._conn.dialect.name != "postgresql":
            return None
        return self._conn.execute(text("SELECT current_user")).scalar_one()

    def set_failures(self, agent_id: int, failures: Failures) -> None:
        self._conn.execute(
            update(agents)
            .where(agents.c.id == agent_id)
            .values(
                failed_sign_ins=failures.count,
                last_failed_sign_in_at=failures.last_at,
                locked_until=failures.locked_until,
            )
        )

    def set_password(
        self, agent_id: int, password_hash: str | None, *, must_change: bool, now: datetime
    ) -> None:
        """A new password (a reset or the agent's own change); unlocks the login, as
        Zammad does: whoever set it knows it."""
        self._conn.execute(
            update(agents)
            .where(agents.c.id == agent_id)
            .values(
                password_hash=password_hash,
                must_change_password=must_change,
                password_changed_at=now,
                failed_sign_ins=0,
                last_failed_sign_in_at=None,
                locked_until=None,
            )
        )

    def set_server_password(self, role: str, password: str) -> None:
        """PostgreSQL: the login role's new password. The scram-sha-256 verifier is made
        here (libpq's PQencryptPasswordConn), so the password itself never reaches the
        server, its logs or pg_stat_statements. A role may change its own; another's
        needs CREATEROLE or the desk owner's function (desk server-setup)."""
        raw = self._conn.connection.driver_connection
        verifier = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
            password.encode(), role.encode(), b"scram-sha-256"
        ).decode()
        name = self._conn.dialect.identifier_preparer.quote(role)
        literal = verifier.replace("'", "''")  # a verifier is base64 and "$:", never a quote
        self._conn.exec_driver_sql(f"ALTER ROLE {name} PASSWORD '{literal}'")

    def token(self, token_hash: str) -> StoredToken | None:
        row = self._conn.execute(
            select(sign_in_tokens).where(sign_in_tokens.c.token_hash == token_hash)
        ).first()
        return _token(row) if row else None

    def tokens(self, agent_id: int) -> list[StoredToken]:
        rows = self._conn.execute(
            select(sign_in_tokens)
            .where(sign_in_tokens.c.agent_id == agent_id)
            .order_by(sign_in_tokens.c.last_used_at.desc())
        )
        return [_token(row) for row in rows]

    def count_tokens(self, agent_id: int) -> int:
        return self._conn.execute(
            select(func.count())
            .select_from(sign_in_tokens)
            .where(sign_in_tokens.c.agent_id == agent_id)
        ).scalar_one()

    def add_token(self, agent_id: int, token_hash: str, workstation: str, now: datetime) -> None:
        self._conn.execute(
            insert(sign_in_tokens).values(
                agent_id=agent_id,
                token_hash=token_hash,
                created_at=now,
                last_used_at=now,
                workstation=workstation,
            )
        )

    def touch_token(self, token_hash: str, now: datetime) -> None:
        self._conn.execute(
            update(sign_in_tokens)
            .where(sign_in_tokens.c.token_hash == token_hash)
            .values(last_used_at=now)
        )

    def delete_token(self, token_hash: str) -> int:
        return self._conn.execute(
            delete(sign_in_tokens).where(sign_in_tokens.c.token_hash == token_hash)
        ).rowcount

    def delete_tokens(self, agent_id: int) -> int:
        return self._conn.execute(
            delete(sign_in_tokens).where(sign_in_tokens.c.agent_id == agent_id)
        ).rowcount


def _token(row: object) -> StoredToken:
    return StoredToken(
        row.id,  # type: ignore[attr-defined]
        row.agent_id,  # type: ignore[attr-defined]
        row.created_at,  # type: ignore[attr-defined]
        row.last_used_at,  # type: ignore[attr-defined]
        row.workstation,  # type: ignore[attr-defined]
    )

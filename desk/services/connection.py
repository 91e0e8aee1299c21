"""Which database Desk opens: a local file or a shared server.

A server's password never goes into a settings file or a remembered URL: it is kept in
the operating system's credential store (Windows Credential Manager, macOS Keychain,
Secret Service) through `keyring`, under the service "Desk" and the key
"user@host:port/database".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from desk.domain.errors import (
    BadDatabaseURL,
    CredentialStoreUnavailable,
    DatabaseGone,
    FieldProblem,
    ValidationError,
)
from desk.domain.validation import storable
from desk.store.engine import file_url, parse_url, server_url
from desk.store.unit_of_work import SqlDatabase

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Desk"
DEFAULT_PORT = 5432


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """Where a shared PostgreSQL database is, and who connects to it."""

    host: str
    port: int
    database: str
    user: str

    @property
    def credential_key(self) -> str:
        """The name its password is kept under in the credential store."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def as_user(self, user: str) -> ServerAddress:
        """The same server, signed in to as `user` (an agent's own login)."""
        return ServerAddress(self.host, self.port, self.database, user)


@dataclass(frozen=True, slots=True)
class DatabaseChoice:
    """A local database file or a shared server; never holds a password."""

    local_file: Path | None = None
    server: ServerAddress | None = None

    @property
    def is_local(self) -> bool:
        return self.server is None

    def url(self, password: str | None = None) -> str:
        """The URL to open; without a password it is the one to remember in settings."""
        if self.server is None:
            assert self.local_file is not None
            return file_url(self.local_file)
        s = self.server
        return server_url(s.host, s.port, s.database, s.user, password or None)


def local_database(path: str | Path) -> DatabaseChoice:
    """The local file at `path`; raises ValidationError (field "file") when none is given."""
    if not isinstance(path, (str, PathLike)):
        raise ValidationError.single("file", "Choose where the local database file is.")
    text = storable("file", "The file's name", str(path)).strip()
    if not text:
        raise ValidationError.single("file", "Choose where the local database file is.")
    return DatabaseChoice(local_file=Path(text).expanduser())


def shared_server(host: str, port: str | int, database: str, user: str) -> DatabaseChoice:
    """A server address typed by a person; raises ValidationError naming each bad field."""
    problems = []
    host, database, user = (
        storable(field, label, value).strip()
        for field, label, value in (
            ("host", "The server's name", host),
            ("database", "The database's name", database),
            ("user", "The user name", user),
        )
    )
    if not host:
        problems.append(FieldProblem("host", "Type the server's name or address."))
    for field, value, limit in (
        ("host", host, 255),
        ("database", database, 63),
        ("user", user, 63),
    ):
        if len(value) > limit:
            problems.append(FieldProblem(field, f"This is too long: at most {limit} characters."))
    try:
        number = int(str(port).strip() or DEFAULT_PORT)
        if not 0 < number < 65536:
            raise ValueError(number)
    except ValueError:
        number = 0
        problems.append(
            FieldProblem("port", "The port is a number from 1 to 65535 (PostgreSQL uses 5432).")
        )
    if not database:
        problems.append(FieldProblem("database", "Type the name of the database on the server."))
    if not user:
        problems.append(FieldProblem("user", "Type your user name on the server."))
    if problems:
        raise ValidationError(problems)
    return DatabaseChoice(server=ServerAddress(host, number, database, user))


def choice_from_url(url: str) -> DatabaseChoice:
    """What a remembered or given URL points at (any password in it is left out).

    Raises BadDatabaseURL for something that is not a SQLite or PostgreSQL URL.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise BadDatabaseURL("Desk keeps its local database in a file, not in memory.")
        return DatabaseChoice(local_file=Path(parsed.database))
    return DatabaseChoice(
        server=ServerAddress(
            parsed.host or "localhost",
            parsed.port or DEFAULT_PORT,
            parsed.database or "",
            parsed.username or "",
        )
    )


def password_in(url: str) -> str | None:
    """The password written into a URL, if any (a URL given with --db may carry one)."""
    return parse_url(url).password or None


def _check_server(server: object) -> None:
    if not isinstance(server, ServerAddress):
        raise ValidationError.single("host", "Choose a server first.")


def saved_password(server: ServerAddress) -> str | None:
    """The remembered password, or None when there is none or the store cannot be read."""
    _check_server(server)
    import keyring  # here, not at start-up: a local database never needs it

    try:
        return keyring.get_password(KEYRING_SERVICE, server.credential_key)
    except Exception as exc:  # a locked or missing store must not stop Desk: it asks instead
        log.warning("cannot read the credential store: %s", exc)
        return None


def remember_password(server: ServerAddress, password: str) -> None:
    """Keep the password in the credential store; raises CredentialStoreUnavailable."""
    _check_server(server)
    password = storable("password", "The password", password)
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, server.credential_key, password)
    except KeyringError as exc:
        log.warning("cannot write to the credential store", exc_info=True)
        raise CredentialStoreUnavailable(
            "This computer has no credential store Desk can use, so the password was not "
            "remembered; Desk will ask for it next time."
        ) from exc


def forget_password(server: ServerAddress) -> None:
    """Remove a remembered password (nothing happens when there is none)."""
    _check_server(server)
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, server.credential_key)
    except PasswordDeleteError:
        pass
    except KeyringError:
        log.warning("cannot remove a password from the credential store", exc_info=True)


def with_saved_password(url: str) -> str:
    """The URL to open for a remembered choice: a server's password from the store added."""
    choice = choice_from_url(url)
    if choice.server is None or password_in(url):
        return url
    return choice.url(saved_password(choice.server))


@dataclass(frozen=True)
class Connected:
    """A database opened from the connection dialog."""

    db: SqlDatabase
    choice: DatabaseChoice
    #: Why the password could not be remembered, when it was meant to be.
    warning: str | None = None


def connect(choice: DatabaseChoice, password: str = "", *, remember: bool = False) -> Connected:
    """Open (creating or upgrading) the chosen database; on success remember or forget the
    server's password as asked. Raises what `open_database` raises."""
    if not isinstance(choice, DatabaseChoice):
        raise ValidationError.single("file", "Choose a local file or a server.")
    password = storable("password", "The password", password)
    remember = bool(remember)
    db = SqlDatabase.open(choice.url(password))
    warning = None
    if choice.server is not None:
        if remember and password and _is_agents_own_login(db):
            # An agent's own login is their sign-in: kept nowhere, asked at each start.
            forget_password(choice.server)
            warning = (
                f"“{choice.server.user}” is an agent's own login, whose password Desk never "
                "keeps: you will sign in with it at each start."
            )
        elif remember and password:
            try:
                remember_password(choice.server, password)
            except CredentialStoreUnavailable as exc:
                warning = exc.message
        else:
            forget_password(choice.server)
    return Connected(db, choice, warning)


def _is_agents_own_login(db: SqlDatabase) -> bool:
    with db.read() as uow:
        role = uow.credentials.current_user()
        return role is not None and uow.credentials.by_login(role) is not None


def reopen(url: str) -> Connected:
    """Open again the database at `url` (a remembered URL, no password in it), after its
    file went away or was replaced. A local file that is no longer there is not created
    afresh, which would start an empty desk: raises DatabaseGone instead."""
    choice = choice_from_url(url)
    if choice.local_file is not None and not choice.local_file.expanduser().is_file():
        raise DatabaseGone(str(choice.local_file))
    return Connected(SqlDatabase.open(with_saved_password(url)), choice)

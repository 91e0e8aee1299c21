"""Signing in to a desk, changing one's password, and an admin's unlock, reset and revoke.

Two ways a password is checked, one per backend:

- **A local file (SQLite).** Desk checks the password against its Argon2 hash. Wrong
  passwords are counted on the agent's row (desk.domain.sign_in): after three, each try
  waits twice as long as the one before; the tenth locks the login for 15 minutes, in
  the database, so another workstation on the same file is locked too. An admin can
  unlock at once. Whoever can write the file can of course bypass all of it: the file is
  the boundary on SQLite (keep it on the agent's own profile or a share only the desk's
  agents can write).
- **A shared server (PostgreSQL).** Each agent signs in with their *own* PostgreSQL
  login: the dialog's login and password are the connection's user and password, and
  PostgreSQL checks them (scram-sha-256 in pg_hba.conf). The agent is the row whose login
  is `current_user`; a failed authentication is "Wrong login or password". Desk keeps no
  lockout of its own there, on purpose: a wrong password leaves Desk without any
  connection to write a failure with, and a count written through somebody else's
  connection (or by the client at all) is a count any agent with psql can reset. The
  real check is the server's, and so is the throttle: `auth_delay` (shared_preload_
  libraries = 'auth_delay', auth_delay.milliseconds = 500) slows every failed
  authentication down, and the server's log (log_connections) records them for
  fail2ban-like tools. `unlock` is then a no-op, said so.

A deactivated agent gets the same "wrong login or password" as anyone while the password
is wrong, and a plain "this account is deactivated" only after the right one: that tells
a guesser nothing they did not already have, and saves the real person a call to find
out why their password stopped working.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from desk.domain import validation
from desk.domain.errors import DatabaseUnavailable, NotFound, ValidationError
from desk.domain.model import Agent
from desk.domain.permissions import Permission
from desk.domain.sign_in import (
    PASSWORD_MAX,
    Failures,
    SignInRefused,
    after_failure,
    check_new_password,
    deactivated,
    locked,
    retry_at,
    slowed_down,
    still_locked,
    wrong_login_or_password,
)

from . import audit, connection
from .database import Database
from .tickets import acting_agent

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from desk.store.unit_of_work import SqlDatabase, SqlUnitOfWork


@cache
def _hasher() -> PasswordHasher:
    """Argon2id with the library's current recommended parameters (imported on first use:
    nothing at start-up needs it)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _unknown_login_hash() -> str:
    # A login nobody has is checked against this, so that it takes as long to refuse as
    # a wrong password: the time taken does not say whether the login exists.
    return _hasher().hash("not anybody's password")


def hash_password(password: str | None) -> str | None:
    password = validation.storable("password", "The password", password)
    return _hasher().hash(password) if password else None


def _matches(stored: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored or _unknown_login_hash(), password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who signed in, and whether they must choose a new password before anything else."""

    agent: Agent
    must_change_password: bool = False


def _typed(login: object, password: object) -> tuple[str, str]:
    login = validation.storable("login", "The login", login).strip().lower()
    password = validation.storable("password", "The password", password)
    if not login:
        raise ValidationError.single("login", "Type your login.")
    if not password:
        raise ValidationError.single("password", "Type your password.")
    if len(login) > validation.LOGIN_MAX or len(password) > PASSWORD_MAX:
        raise wrong_login_or_password()  # nobody's: refused without an Argon2 hash's work
    return login, password


def sign_in(db: Database, login: str, password: str) -> SignedIn:
    """The agent whose login and password these are, on a desk that checks passwords
    itself (a local file). Raises SignInRefused: one vague message for a wrong login or
    password, a wait while the login is slowed down or locked."""
    login, password = _typed(login, password)
    with db.read() as uow:
        stored = uow.credentials.by_login(login)
        now = uow.now()
    if stored is None:
        _matches(None, password)  # as long as a wrong password takes
        raise wrong_login_or_password()
    failures = still_locked(stored.failures, now)
    wait = retry_at(failures)
    if wait is not None and wait > now:
        # Refused without looking at the password: a guess now costs nothing and
        # tells nothing, and is not counted (the real person retyping is not punished).
        raise locked(wait) if failures.locked_until else slowed_down(wait)
    if not _matches(stored.password_hash, password):
        _count_failure(db, login)
    if not stored.agent.active:
        raise deactivated()
    if stored.failures != Failures():
        with db.write() as uow:
            assert stored.agent.id is not None
            uow.credentials.set_failures(stored.agent.id, Failures())
            uow.commit()
    return SignedIn(stored.agent, stored.must_change_password)


def _count_failure(db: Database, login: str) -> None:
    """One more wrong password for `login`, counted under the row's lock; raises the
    refusal to give (with when the next try may come)."""
    with db.write() as uow:
        stored = uow.credentials.by_login(login, for_update=True)
        if stored is None or stored.agent.id is None:
            raise wrong_login_or_password()
        failures = after_failure(still_locked(stored.failures, uow.now()), uow.now())
        uow.credentials.set_failures(stored.agent.id, failures)
        uow.commit()
    if failures.locked_until is not None:
        raise locked(failures.locked_until)
    refused = wrong_login_or_password()
    refused.retry_at = retry_at(failures)
    raise refused


def is_server(db: Database) -> bool:
    """Whether `db` is a shared server, where PostgreSQL checks passwords."""
    with db.read() as uow:
        return uow.credentials.current_user() is not None


def connected_agent(db: Database) -> SignedIn | None:
    """On a server: the agent whose login this connection signed in as (PostgreSQL
    checked their password), None when the connection's role is no agent (the desk's
    owner, a superuser setting it up). Always None on a local file."""
    with db.read() as uow:
        role = uow.credentials.current_user()
        stored = uow.credentials.by_login(role) if role else None
    if stored is None:
        return None
    if not stored.agent.active:
        raise deactivated()
    return SignedIn(stored.agent, stored.must_change_password)


def sign_in_on_server(url: str, login: str, password: str) -> tuple[SqlDatabase, SignedIn]:
    """Connect to the server at `url` (any user in it replaced) as `login` with
    `password`, and the agent that login is. Raises SignInRefused for a login or password
    PostgreSQL refused, and what opening a database raises for anything else."""
    from desk.store.unit_of_work import SqlDatabase

    login, password = _typed(login, password)
    server = connection.choice_from_url(url).server
    if server is None:
        raise ValidationError.single("login", "Only a shared server takes its own logins.")
    choice = connection.DatabaseChoice(server=server.as_user(login))
    try:
        db = SqlDatabase.open(choice.url(password))
    except DatabaseUnavailable as exc:
        if exc.field in ("user", "password"):
            raise wrong_login_or_password() from None
        raise
    try:
        signed_in = connected_agent(db)
        if signed_in is None:
            raise SignInRefused(
                f"“{login}” may connect to this server but is not an agent of this desk. "
                "Ask an admin to add you."
            )
    except BaseException:
        db.close()
        raise
    return db, signed_in


#: The desk setting that marks a demo desk (set by desk.services.demo).
DEMO_DESK = "demo_desk"


def act_as(db: Database, login: str) -> SignedIn:
    """`desk --as LOGIN` and the demo's supervisor: an agent at work without typing a
    password. Refused (SignInRefused) for an agent who has a password, except on a demo
    desk; on a server, for anyone but the login this connection signed in as, unless the
    connection is the desk owner's on a demo desk."""
    login = validation.clean_text(
        "login", "The login", login, limit=validation.LOGIN_MAX, required=True
    ).lower()
    with db.read() as uow:
        stored = uow.credentials.by_login(login)
        role = uow.credentials.current_user()
        demo = uow.settings.get(DEMO_DESK) == "yes"
        connected = uow.credentials.by_login(role) if role else None
    if stored is None or not stored.agent.active:
        raise NotFound(f"There is no active agent with the login “{login}”.")
    if role is not None:
        if connected is not None and connected.agent.id == stored.agent.id:
            return SignedIn(stored.agent, stored.must_change_password)
        if connected is None and demo:
            return SignedIn(stored.agent, False)
        raise SignInRefused(
            "On a shared server you are the login you connect as: connect as "
            f"postgresql://{login}@… instead of using --as."
        )
    if stored.password_hash and not demo:
        raise SignInRefused(
            f"“{login}” has a password: sign in with it. (--as is only for the demo desk "
            "and for agents without a password.)"
        )
    return SignedIn(stored.agent, False)


def resume(db: Database, login: str, desk_id: str) -> SignedIn | None:
    """The agent signed in before, when the same desk (`desk_id`) was opened again (its
    file put back): still signed in if still an active agent without a forced change
    there; None when they must sign in."""
    login = validation.clean_text(
        "login", "The login", login, limit=validation.LOGIN_MAX, required=True
    ).lower()
    desk_id = validation.clean_text("desk", "The desk's id", desk_id, limit=64, required=True)
    with db.read() as uow:
        same_desk = uow.settings.get("desk_id") == desk_id
        stored = uow.credentials.by_login(login) if same_desk else None
    if stored is None or not stored.agent.active or stored.must_change_password:
        return None
    return SignedIn(stored.agent, False)


def change_password(
    db: Database, agent_id: int, current: str, new: str, repeat: str, *, url: str | None = None
) -> None:
    """The agent's own new password, after the current one. On a server (`url` given:
    the database's address) PostgreSQL checks the current one by signing in with it,
    and the new one becomes the login's password there."""
    agent_id = validation.clean_id("agent", "agent", agent_id)
    current = validation.storable("current", "The current password", current)
    new = validation.storable("new", "The new password", new)
    repeat = validation.storable("repeat", "The new password again", repeat)
    with db.read() as uow:
        stored = uow.credentials.for_agent(agent_id)
        on_server = uow.credentials.current_user() is not None
    if stored is None or stored.agent.id is None:
        raise NotFound(f"There is no agent with id {agent_id}.")
    login = stored.agent.login
    check_new_password(login, new, repeat)
    if on_server:
        if url is None or not _server_accepts(url, login, current):
            raise ValidationError.single("current", "This is not your current password.")
        with db.write() as uow:
            uow.credentials.set_server_password(login, new)
            uow.credentials.set_password(agent_id, None, must_change=False, now=uow.now())
            uow.commit()
        return
    if not _matches(stored.password_hash, current):
        raise ValidationError.single("current", "This is not your current password.")
    if new == current:
        raise ValidationError.single("new", "Choose a password other than the current one.")
    hashed = hash_password(new)
    with db.write() as uow:
        uow.credentials.set_password(agent_id, hashed, must_change=False, now=uow.now())
        uow.commit()


def _server_accepts(url: str, login: str, password: str) -> bool:
    from desk.store.unit_of_work import SqlDatabase

    server = connection.choice_from_url(url).server
    assert server is not None
    address = connection.DatabaseChoice(server=server.as_user(login))
    try:
        SqlDatabase.probe(address.url(password))
    except DatabaseUnavailable as exc:
        if exc.field in ("user", "password"):
            return False
        raise
    return True


def _target(uow: SqlUnitOfWork, actor_id: int, agent_id: object) -> Agent:
    return _admin_and_target(uow, actor_id, agent_id)[1]


def _admin_and_target(uow: SqlUnitOfWork, actor_id: int, agent_id: object) -> tuple[Agent, Agent]:
    admin = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
    stored = uow.credentials.for_agent(validation.clean_id("agent", "agent", agent_id))
    if stored is None:
        raise NotFound(f"There is no agent with id {agent_id}.")
    return admin, stored.agent


def reset_password(db: Database, actor_id: int, agent_id: int, new_password: str) -> None:
    """An admin gives the agent a temporary password: their next sign-in makes them
    choose their own before the window opens; their kept sign-ins are revoked (a reset
    is often because someone else may know the old one) and a lock is lifted."""
    new_password = validation.storable("password", "The password", new_password)
    with db.read() as uow:
        agent = _target(uow, actor_id, agent_id)
        on_server = uow.credentials.current_user() is not None
    check_new_password(agent.login, new_password, new_password, field="password")
    hashed = None if on_server else hash_password(new_password)
    with db.write() as uow:
        admin, agent = _admin_and_target(uow, actor_id, agent_id)
        assert agent.id is not None
        if on_server and uow.logins.enabled:  # the desk's own function: no CREATEROLE
            uow.logins.set_password(agent.login, new_password)
        elif on_server:
            uow.credentials.set_server_password(agent.login, new_password)
        uow.credentials.set_password(agent.id, hashed, must_change=True, now=uow.now())
        uow.credentials.delete_tokens(agent.id)
        audit.record(  # never the password itself
            uow,
            admin,
            "agent.reset_password",
            f"Reset the password of {agent.name}",
            entity_id=agent.id,
        )
        uow.commit()


def unlock(db: Database, actor_id: int, agent_id: int) -> bool:
    """An admin lifts the lock (and forgets the wrong passwords) of the agent's login;
    False when there was nothing to lift (always on a server: see the module's text)."""
    with db.write() as uow:
        admin, agent = _admin_and_target(uow, actor_id, agent_id)
        assert agent.id is not None
        stored = uow.credentials.for_agent(agent.id, for_update=True)
        if stored is None or stored.failures == Failures():
            return False
        uow.credentials.set_failures(agent.id, Failures())
        audit.record(uow, admin, "agent.unlock", f"Unlocked {agent.name}", entity_id=agent.id)
        uow.commit()
    return True


def revoke_tokens(db: Database, actor_id: int, agent_id: int) -> int:
    """An admin ends every kept sign-in of the agent, on every computer; how many."""
    with db.write() as uow:
        admin, agent = _admin_and_target(uow, actor_id, agent_id)
        assert agent.id is not None
        revoked = uow.credentials.delete_tokens(agent.id)
        if revoked:
            audit.record(
                uow,
                admin,
                "agent.end_kept_sign_ins",
                f"Ended {revoked} kept sign-in(s) of {agent.name}",
                entity_id=agent.id,
            )
        uow.commit()
    return revoked


@dataclass(frozen=True, slots=True)
class SignInState:
    """What an admin sees of an agent's sign-in."""

    has_password: bool
    must_change_password: bool
    failed_sign_ins: int
    locked_until: object  # datetime | None, as the database keeps it
    kept_sign_ins: int


def sign_in_state(db: Database, actor_id: int, agent_id: int) -> SignInState:
    """The agent's lock, forced change and kept sign-ins, for the admin's Agents page."""
    with db.read() as uow:
        agent = _target(uow, actor_id, agent_id)
        assert agent.id is not None
        stored = uow.credentials.for_agent(agent.id)
        assert stored is not None
        failures = still_locked(stored.failures, uow.now())
        return SignInState(
            bool(stored.password_hash),
            stored.must_change_password,
            failures.count,
            failures.locked_until,
            uow.credentials.count_tokens(agent.id),
        )

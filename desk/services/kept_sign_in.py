""" "Keep me signed in on this computer": a random token in this computer's credential
store, only its SHA-256 in the database.

One kept sign-in per desk and per person using this computer (the credential store is
the operating system user's), under the service "Desk" and the key "sign-in <desk id>".
The token is 256 random bits, so a plain SHA-256 of it is as good as a slow hash: there
is nothing to guess. A token unused for 30 days is refused; an admin's `revoke_tokens`
(desk.services.sign_in) ends every one of an agent's; signing out on this computer
forgets its own, in the store and in the database.

Only on a local file: on a shared server PostgreSQL checks the password of every
connection, and keeping a sign-in there would mean keeping the password itself, which
Desk does not do for an agent's login. Without a credential store (a Linux server with
no Secret Service, CI) the box is not offered, and the log says why once.
"""

from __future__ import annotations

import hashlib
import logging
import platform
import secrets
from functools import cache

from desk.domain.validation import clean_id, storable

from .connection import KEYRING_SERVICE
from .database import Database
from .desk_settings import desk_id
from .sign_in import SignedIn, is_server

log = logging.getLogger(__name__)

#: How much a token's words may hold; a token Desk wrote is 43 characters.
TOKEN_MAX = 200


def _key(db: Database) -> str:
    return f"sign-in {desk_id(db)}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _said_unavailable(why: str) -> None:
    log.warning("'Keep me signed in' is not offered: %s", why)


def can_keep_sign_in() -> bool:
    """Whether this computer has a credential store to keep a sign-in in."""
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        _said_unavailable(f"this computer has no credential store keyring can use ({backend!r})")
        return False
    return True


def workstation_name() -> str:
    return (platform.node() or "")[:200]


def keep_sign_in(db: Database, agent_id: int, workstation: str | None = None) -> bool:
    """Keep the agent signed in on this computer; False (and a log line) when the
    credential store would not take the token (nothing is kept then)."""
    import keyring
    from keyring.errors import KeyringError

    agent_id = clean_id("agent", "agent", agent_id)
    workstation = storable(
        "workstation", "The computer's name", "" if workstation is None else workstation
    )[:200]
    if is_server(db):
        log.info("a sign-in on a shared server is not kept: PostgreSQL checks each password")
        return False
    token = secrets.token_urlsafe(32)
    key = _key(db)
    forget_sign_in(db)  # one per desk on this computer: the one before is ended
    try:
        keyring.set_password(KEYRING_SERVICE, key, token)
    except KeyringError as exc:
        log.warning("could not keep the sign-in in the credential store: %s", exc)
        return False
    try:
        with db.write() as uow:
            uow.agents.get(agent_id)
            uow.credentials.add_token(
                agent_id, _hash(token), workstation or workstation_name(), uow.now()
            )
            uow.commit()
    except BaseException:
        _delete_from_store(key)
        raise
    return True


def kept_sign_in(db: Database) -> SignedIn | None:
    """The agent kept signed in on this computer, if a kept token is valid; a token the
    database no longer knows (revoked, expired, agent deactivated) is forgotten here."""
    from desk.domain.sign_in import TOKEN_IDLE

    if not can_keep_sign_in() or is_server(db):
        return None
    key = _key(db)
    token = _read_store(key)
    if not token or len(token) > TOKEN_MAX:
        return None
    hashed = _hash(token)
    with db.write() as uow:
        stored = uow.credentials.token(hashed)
        credentials = uow.credentials.for_agent(stored.agent_id) if stored else None
        now = uow.now()
        if (
            stored is None
            or credentials is None
            or not credentials.agent.active
            or credentials.must_change_password
            or now - stored.last_used_at > TOKEN_IDLE
        ):
            uow.credentials.delete_token(hashed)
            uow.commit()
            _delete_from_store(key)
            return None
        uow.credentials.touch_token(hashed, now)
        uow.commit()
    return SignedIn(credentials.agent, False)


def forget_sign_in(db: Database) -> None:
    """Sign-out on this computer: its kept token is ended, here and in the database."""
    key = _key(db)
    token = _read_store(key)
    if not token:
        return
    if len(token) <= TOKEN_MAX:
        with db.write() as uow:
            uow.credentials.delete_token(_hash(token))
            uow.commit()
    _delete_from_store(key)


def _read_store(key: str) -> str | None:
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, key)
    except Exception as exc:  # a locked or missing store: the dialog asks instead
        log.warning("cannot read the credential store: %s", exc)
        return None


def _delete_from_store(key: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, key)
    except PasswordDeleteError:
        pass
    except KeyringError:
        log.warning("cannot remove a kept sign-in from the credential store", exc_info=True)

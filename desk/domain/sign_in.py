"""Signing in: how repeated wrong passwords slow down and then lock a login, what a
password must be, and the refusals a sign-in can meet. Plain Python; the clock is given.

The lockout follows what help desks do (Zammad locks a login after 10 failures until an
admin unlocks it; osTicket locks staff for a few minutes after a handful): the first
`FREE_TRIES` wrong passwords cost nothing, each one after that makes the next try wait
twice as long as the one before (2 s, 4 s, 8 s, ... at most `MAX_DELAY`), and the
`LOCK_AFTER`th locks the login for `LOCK_FOR` (an admin may unlock it sooner). A failure
more than `FORGET_AFTER` after the last one starts counting again from one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import DeskError, FieldProblem, ValidationError

FREE_TRIES = 3
LOCK_AFTER = 10
MAX_DELAY = timedelta(seconds=60)
LOCK_FOR = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=15)

PASSWORD_MIN = 8
PASSWORD_MAX = 1_000

#: A kept sign-in ("Keep me signed in on this computer") unused for this long is refused.
TOKEN_IDLE = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Failures:
    """A login's recent wrong passwords, as the database keeps them."""

    count: int = 0
    last_at: datetime | None = None
    locked_until: datetime | None = None


def retry_at(failures: Failures) -> datetime | None:
    """The moment before which another try is refused without looking at the password:
    the lock's end, or the growing delay after the last failure; None: try now."""
    if failures.locked_until is not None:
        return failures.locked_until
    if failures.last_at is None or failures.count <= FREE_TRIES:
        return None
    delay = timedelta(seconds=2 ** (failures.count - FREE_TRIES))
    return failures.last_at + min(delay, MAX_DELAY)


def after_failure(failures: Failures, now: datetime) -> Failures:
    """What is kept after one more wrong password at `now`."""
    recent = failures.last_at is not None and now - failures.last_at < FORGET_AFTER
    count = failures.count + 1 if recent else 1
    if count >= LOCK_AFTER:
        return Failures(count, now, now + LOCK_FOR)
    return Failures(count, now, None)


def still_locked(failures: Failures, now: datetime) -> Failures:
    """The failures with a lock that has run out taken off (the count starts afresh)."""
    if failures.locked_until is not None and failures.locked_until <= now:
        return Failures()
    return failures


class SignInRefused(DeskError):
    """A sign-in that did not succeed; the message never says whether the login exists.

    `retry_at` is set when the login is slowed down or locked: until then tries are
    refused without the password being looked at. `locked` says it is a lock (an admin
    can lift it), not the short growing delay.
    """

    def __init__(
        self, message: str, *, retry_at: datetime | None = None, locked: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_at = retry_at
        self.locked = locked


WRONG = "Wrong login or password."


def wrong_login_or_password() -> SignInRefused:
    return SignInRefused(WRONG)


def slowed_down(until: datetime) -> SignInRefused:
    return SignInRefused(
        "Too many wrong passwords: wait a moment before trying again.", retry_at=until
    )


def locked(until: datetime) -> SignInRefused:
    return SignInRefused(
        f"Too many wrong passwords: this login is locked until {until:%H:%M} UTC. "
        "An admin can unlock it sooner.",
        retry_at=until,
        locked=True,
    )


def deactivated() -> SignInRefused:
    # Said only after the right password: it tells a guesser nothing they did not have.
    return SignInRefused("This account is deactivated. Ask an admin if you need it again.")


def _contains_login(password: str, login: str) -> bool:
    """The login itself, or (a login of four letters or more) a password built on it."""
    word, name = password.strip().casefold(), login.strip().casefold()
    return bool(name) and (word == name or (len(name) >= 4 and name in word))


def check_new_password(login: str, new: str, repeat: str, *, field: str = "new") -> str:
    """A new password, or ValidationError at `field` (or "repeat" when they differ)."""
    problems = []
    if len(new) < PASSWORD_MIN:
        problems.append(
            FieldProblem(field, f"The password needs at least {PASSWORD_MIN} characters.")
        )
    elif len(new) > PASSWORD_MAX:
        problems.append(
            FieldProblem(field, f"The password can have at most {PASSWORD_MAX:,} characters.")
        )
    elif _contains_login(new, login):
        problems.append(FieldProblem(field, "The password must not contain the login."))
    if new != repeat:
        problems.append(FieldProblem("repeat", "The two new passwords are not the same."))
    if problems:
        raise ValidationError(problems)
    return new

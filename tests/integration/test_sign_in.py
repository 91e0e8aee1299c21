"""Signing in on a desk that checks passwords itself, on both backends: the lockout on a
clock the test moves, kept sign-ins and their revocation, a forced change, deactivation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from desk.domain.errors import PermissionDenied, ValidationError
from desk.domain.sign_in import LOCK_FOR, SignInRefused
from desk.services import directory, kept_sign_in, sign_in
from desk.store import schema
from desk.store.unit_of_work import SqlDatabase

from ..conftest import World


class MovingClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def timed(db: SqlDatabase, clock: MovingClock) -> SqlDatabase:
    """The same database on the test's clock (a second workstation on the same desk)."""
    return SqlDatabase(db.engine, db.url, clock)


@pytest.fixture
def local(db: SqlDatabase) -> SqlDatabase:
    """A desk that checks passwords itself. On a server PostgreSQL checks them, and the
    same steps are tested with real logins in test_server_sign_in.py."""
    if db.backend != "sqlite":
        pytest.skip("a server's passwords are PostgreSQL's: see test_server_sign_in.py")
    return db


def _wrong(db: SqlDatabase, login: str = "admin") -> SignInRefused:
    with pytest.raises(SignInRefused) as refused:
        sign_in.sign_in(db, login, "not-the-password")
    return refused.value


def test_right_password_signs_in_and_wrong_ones_say_the_same_whoever_is_typed(db, world: World):
    assert sign_in.sign_in(db, " Admin ", "admin-password").agent.id == world.admin
    wrong_password = _wrong(db, "admin")
    nobody = _wrong(db, "nobody-at-all")
    assert wrong_password.message == nobody.message == "Wrong login or password."
    assert wrong_password.retry_at is None  # the first tries cost nothing


def test_failures_slow_down_then_lock_and_another_workstation_sees_the_lock(
    db, world: World, timed: SqlDatabase, clock: MovingClock
):
    for _ in range(3):
        assert _wrong(timed).retry_at is None
    slowed = _wrong(timed)  # the fourth: the next try must wait 2 s
    assert slowed.retry_at == clock.at + timedelta(seconds=2)
    # Within the wait, even the right password is refused without being looked at.
    with pytest.raises(SignInRefused, match="wait a moment") as waiting:
        sign_in.sign_in(timed, "admin", "admin-password")
    assert not waiting.value.locked
    clock.move(seconds=2)
    assert _wrong(timed).retry_at == clock.at + timedelta(seconds=4)  # twice as long
    for seconds in (4, 8, 16, 32, 60):
        clock.move(seconds=seconds)
        refused = _wrong(timed)
    assert refused.locked and refused.retry_at == clock.at + LOCK_FOR
    assert "locked until" in refused.message
    # Another workstation (another clock, same database) is locked as well.
    other = SqlDatabase(db.engine, db.url, lambda: clock.at + timedelta(minutes=5))
    with pytest.raises(SignInRefused, match="locked") as there:
        sign_in.sign_in(other, "admin", "admin-password")
    assert there.value.locked
    clock.move(minutes=15)
    assert sign_in.sign_in(timed, "admin", "admin-password").agent.id == world.admin
    assert sign_in.sign_in_state(timed, world.admin, world.admin).failed_sign_ins == 0


def test_failures_long_ago_are_forgotten(world: World, timed: SqlDatabase, clock: MovingClock):
    for _ in range(4):
        _wrong(timed)
    clock.move(minutes=16)
    assert _wrong(timed).retry_at is None
    assert sign_in.sign_in_state(timed, world.admin, world.admin).failed_sign_ins == 1


def test_an_admin_unlocks_and_only_an_admin(world: World, timed: SqlDatabase, clock: MovingClock):
    directory.create_agent(timed, world.admin, "nina", "Nina New", password="nina-password")
    for _ in range(12):
        clock.move(seconds=61)
        _wrong(timed, "nina")
    nina = sign_in.sign_in_state(timed, world.admin, _id(timed, "nina"))
    assert nina.locked_until is not None
    with pytest.raises(PermissionDenied):
        sign_in.unlock(timed, world.supervisor, _id(timed, "nina"))
    assert sign_in.unlock(timed, world.admin, _id(timed, "nina"))
    assert sign_in.sign_in(timed, "nina", "nina-password").agent.login == "nina"
    assert not sign_in.unlock(timed, world.admin, _id(timed, "nina"))  # nothing to lift


def test_a_deactivated_agent_is_told_only_after_the_right_password(db, world: World):
    with db.write() as uow:
        uow.tickets._conn.execute(
            update(schema.agents).where(schema.agents.c.id == world.admin).values(active=False)
        )
        uow.commit()
    assert _wrong(db).message == "Wrong login or password."
    with pytest.raises(SignInRefused, match="deactivated"):
        sign_in.sign_in(db, "admin", "admin-password")


def test_a_reset_forces_a_change_revokes_kept_sign_ins_and_the_change_checks_its_rules(
    local, world: World
):
    db = local
    directory.create_agent(db, world.admin, "nina", "Nina New", password="nina-password")
    nina = _id(db, "nina")
    assert kept_sign_in.keep_sign_in(db, nina, "counter-1")
    with pytest.raises(PermissionDenied):
        sign_in.reset_password(db, world.supervisor, nina, "temporary-1")
    with pytest.raises(ValidationError) as short:
        sign_in.reset_password(db, world.admin, nina, "short")
    assert short.value.for_field("password")
    sign_in.reset_password(db, world.admin, nina, "temporary-1")
    assert kept_sign_in.kept_sign_in(db) is None  # the reset ended it
    signed = sign_in.sign_in(db, "nina", "temporary-1")
    assert signed.must_change_password
    with pytest.raises(ValidationError) as wrong:
        sign_in.change_password(db, nina, "not it", "a-new-password", "a-new-password")
    assert wrong.value.for_field("current")
    with pytest.raises(ValidationError) as problems:
        sign_in.change_password(db, nina, "temporary-1", "nina", "nina2")
    assert problems.value.for_field("new") and problems.value.for_field("repeat")
    with pytest.raises(ValidationError, match="contain the login"):
        sign_in.change_password(db, nina, "temporary-1", "nina-2027!", "nina-2027!")
    sign_in.change_password(db, nina, "temporary-1", "my own words", "my own words")
    again = sign_in.sign_in(db, "nina", "my own words")
    assert not again.must_change_password
    with pytest.raises(SignInRefused):
        sign_in.sign_in(db, "nina", "temporary-1")


def test_a_kept_sign_in_lives_in_the_store_and_only_its_hash_in_the_database(
    local, world: World, credential_store
):
    db = local
    assert kept_sign_in.can_keep_sign_in()
    assert kept_sign_in.keep_sign_in(db, world.agent, "counter-1")
    (token,) = credential_store.passwords.values()
    with db.read() as uow:
        (stored,) = uow.credentials.tokens(world.agent)
        rows = list(uow.tickets._conn.execute(schema.sign_in_tokens.select()))
    assert stored.workstation == "counter-1"
    assert token not in str([tuple(r) for r in rows])  # only the hash is there
    assert kept_sign_in.kept_sign_in(db).agent.id == world.agent
    # The agent signs out on this computer: gone from the store and the database.
    kept_sign_in.forget_sign_in(db)
    assert credential_store.passwords == {}
    assert kept_sign_in.kept_sign_in(db) is None
    with db.read() as uow:
        assert uow.credentials.tokens(world.agent) == []


def test_an_admin_revokes_every_kept_sign_in_of_an_agent(local, world: World, credential_store):
    db = local
    assert kept_sign_in.keep_sign_in(db, world.agent, "counter-1")
    kept_here = dict(credential_store.passwords)
    credential_store.passwords.clear()
    assert kept_sign_in.keep_sign_in(db, world.agent, "counter-2")  # another computer
    with pytest.raises(PermissionDenied):
        sign_in.revoke_tokens(db, world.supervisor, world.agent)
    assert sign_in.revoke_tokens(db, world.admin, world.agent) == 2
    credential_store.passwords.update(kept_here)
    assert kept_sign_in.kept_sign_in(db) is None
    assert credential_store.passwords == {}  # a refused token is forgotten on the way


def test_a_kept_sign_in_unused_for_a_month_is_refused(local, world: World, timed, clock):
    assert kept_sign_in.keep_sign_in(timed, world.agent)
    clock.move(days=29)
    assert kept_sign_in.kept_sign_in(timed).agent.id == world.agent  # and used again now
    clock.move(days=31)
    assert kept_sign_in.kept_sign_in(timed) is None


def test_without_a_credential_store_nothing_is_offered_or_kept(db, world: World, caplog):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    kept_sign_in._said_unavailable.cache_clear()
    assert not kept_sign_in.can_keep_sign_in()
    assert "not offered" in caplog.text
    assert kept_sign_in.kept_sign_in(db) is None
    assert not kept_sign_in.keep_sign_in(db, world.agent)


def _id(db: SqlDatabase, login: str) -> int:
    with db.read() as uow:
        agent = uow.agents.by_login(login)
    assert agent is not None and agent.id is not None
    return agent.id


def test_on_a_server_no_sign_in_is_kept(db, world: World, credential_store):
    if db.backend != "postgresql":
        pytest.skip("a local file keeps sign-ins")
    assert not kept_sign_in.keep_sign_in(db, world.agent, "counter-1")
    assert credential_store.passwords == {}
    assert kept_sign_in.kept_sign_in(db) is None

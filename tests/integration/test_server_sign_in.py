"""Signing in on a shared server with each agent's own PostgreSQL login, checked by
PostgreSQL itself: a throwaway cluster that authenticates with scram-sha-256 (the shared
test server trusts everyone and proves nothing about passwords). The test makes the
login roles itself with CREATE ROLE ... LOGIN PASSWORD, as `desk server-setup` will."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text, update

from desk.domain.errors import ValidationError
from desk.domain.sign_in import SignInRefused
from desk.services import directory, kept_sign_in, sign_in
from desk.store import schema
from desk.store.unit_of_work import SqlDatabase

from ..pg_cluster import Cluster, throwaway_cluster

PASSWORDS = {"ada": "ada-password", "sam": "sam-password", "olga": "olga-password"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from throwaway_cluster("scram-sha-256")


@pytest.fixture(scope="module")
def server(cluster: Cluster) -> Cluster:
    """A migrated desk with three agents, each with a login role of the same name (Ada
    may manage roles, as the desk's admin), and a role "reporter" that is no agent."""
    owner = SqlDatabase.open(cluster.url)
    admin = directory.create_first_admin(owner, "ada", "Ada Admin")
    assert admin.id is not None
    directory.create_agent(owner, admin.id, "sam", "Sam Agent")
    directory.create_agent(owner, admin.id, "olga", "Olga Other")
    owner.close()
    for login, password in PASSWORDS.items():
        cluster.sql(f"CREATE ROLE {login} LOGIN PASSWORD '{password}'")
    cluster.sql("CREATE ROLE reporter LOGIN PASSWORD 'reporter-password'")
    cluster.sql("ALTER ROLE ada CREATEROLE")
    for role in (*PASSWORDS, "reporter"):
        cluster.sql(
            f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role};"
            f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}"
        )
    return cluster


def test_the_right_password_connects_as_the_agents_own_login(server: Cluster):
    db, signed = sign_in.sign_in_on_server(server.url, "sam", "sam-password")
    try:
        assert signed.agent.login == "sam" and not signed.must_change_password
        with db.read() as uow:
            assert uow.tickets._conn.execute(text("SELECT current_user")).scalar_one() == "sam"
        assert sign_in.connected_agent(db).agent.login == "sam"
        assert "sam-password" not in db.safe_url
    finally:
        db.close()


@pytest.mark.parametrize(
    ("login", "password"),
    [("sam", "not-sams-password"), ("nobody", "sam-password"), ("sam", "ada-password")],
    ids=["wrong password", "wrong user", "another's password"],
)
def test_a_refused_login_or_password_is_one_vague_message(server: Cluster, login, password):
    with pytest.raises(SignInRefused) as refused:
        sign_in.sign_in_on_server(server.url, login, password)
    assert refused.value.message == "Wrong login or password."


def test_a_login_that_is_no_agent_is_told_so_after_its_password(server: Cluster):
    with pytest.raises(SignInRefused, match="not an agent of this desk"):
        sign_in.sign_in_on_server(server.url, "reporter", "reporter-password")


def test_on_a_server_the_password_is_the_servers_not_a_hash_in_desk(server: Cluster):
    db, _signed = sign_in.sign_in_on_server(server.url, "olga", "olga-password")
    try:
        assert sign_in.is_server(db)
        assert not kept_sign_in.keep_sign_in(db, _signed.agent.id)  # nothing kept
        # --as names only the login connected; the rest sign in with their own.
        assert sign_in.act_as(db, "olga").agent.login == "olga"
        with pytest.raises(SignInRefused, match="login you connect as"):
            sign_in.act_as(db, "ada")
    finally:
        db.close()


def test_changing_ones_password_changes_the_login_role(server: Cluster):
    db, signed = sign_in.sign_in_on_server(server.url, "olga", "olga-password")
    try:
        with pytest.raises(ValidationError) as wrong:
            sign_in.change_password(
                db, signed.agent.id, "not it", "new words here", "new words here", url=db.safe_url
            )
        assert wrong.value.for_field("current")
        sign_in.change_password(
            db,
            signed.agent.id,
            "olga-password",
            "harbour lights 7",
            "harbour lights 7",
            url=db.safe_url,
        )
    finally:
        db.close()
    with pytest.raises(SignInRefused):
        sign_in.sign_in_on_server(server.url, "olga", "olga-password")
    again, _ = sign_in.sign_in_on_server(server.url, "olga", "harbour lights 7")
    again.close()
    log = (server.log).read_text()
    assert "harbour lights 7" not in log  # the verifier went to the server, not the words


def test_an_admin_reset_sets_the_role_password_and_forces_a_change(server: Cluster):
    admin_db, admin = sign_in.sign_in_on_server(server.url, "ada", "ada-password")
    try:
        with admin_db.read() as uow:
            sam = uow.agents.by_login("sam")
        sign_in.reset_password(admin_db, admin.agent.id, sam.id, "temporary-42")
    finally:
        admin_db.close()
    with pytest.raises(SignInRefused):
        sign_in.sign_in_on_server(server.url, "sam", "sam-password")
    db, signed = sign_in.sign_in_on_server(server.url, "sam", "temporary-42")
    try:
        assert signed.must_change_password
        sign_in.change_password(
            db, signed.agent.id, "temporary-42", "sam-password", "sam-password", url=db.safe_url
        )
    finally:
        db.close()
    db, signed = sign_in.sign_in_on_server(server.url, "sam", "sam-password")
    db.close()
    assert not signed.must_change_password


def test_a_deactivated_agent_is_told_only_after_postgresql_took_the_password(server: Cluster):
    owner = SqlDatabase.open(server.url)
    try:
        with owner.write() as uow:
            uow.tickets._conn.execute(
                update(schema.agents).where(schema.agents.c.login == "olga").values(active=False)
            )
            uow.commit()
        with pytest.raises(SignInRefused, match="Wrong login or password"):
            sign_in.sign_in_on_server(server.url, "olga", "wrong")
        with pytest.raises(SignInRefused, match="deactivated"):
            sign_in.sign_in_on_server(server.url, "olga", "harbour lights 7")
    finally:
        with owner.write() as uow:
            uow.tickets._conn.execute(
                update(schema.agents).where(schema.agents.c.login == "olga").values(active=True)
            )
            uow.commit()
        owner.close()


def test_the_connection_dialog_never_keeps_an_agents_own_password(
    server: Cluster, credential_store
):
    from desk.services import connection

    choice = connection.shared_server("127.0.0.1", server.port, "desk", "sam")
    connected = connection.connect(choice, "sam-password", remember=True)
    connected.db.close()
    assert credential_store.passwords == {}
    assert "never keeps" in connected.warning

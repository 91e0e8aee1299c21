"""A desk's server reached over TLS only: an agent's own login connects with
sslmode=verify-full and the desk's CA file, and the server refuses a connection without
TLS or a client that trusts another CA (a server it cannot verify)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from desk.domain.errors import DatabaseUnavailable
from desk.services.server_setup import server_setup
from desk.store.unit_of_work import SqlDatabase

from ..pg_cluster import Cluster, throwaway_cluster

PASSWORD = "ada-password-1"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from throwaway_cluster(tls=True)


def _verified(cluster: Cluster, ca_file: Path, sslmode: str = "verify-full") -> str:
    return f"{cluster.url_as('ada', PASSWORD)}?sslmode={sslmode}&sslrootcert={ca_file}"


def test_an_agents_login_connects_over_verified_tls_only(cluster: Cluster, tmp_path: Path):
    server_setup(cluster.url, admin_login="ada", admin_password=PASSWORD)
    db = SqlDatabase.open(_verified(cluster, cluster.ca_file))
    try:
        with db.engine.connect() as conn:  # Desk's own engine, as the window uses it
            on_tls = conn.execute(
                text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).scalar()
        assert on_tls is True
    finally:
        db.close()
    with pytest.raises(psycopg.OperationalError, match="no encryption"):
        psycopg.connect(_verified(cluster, cluster.ca_file, "disable"))
    other_ca = tmp_path / "other-ca.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=Someone else", "-keyout", str(tmp_path / "k"), "-out", str(other_ca)],
        check=True, capture_output=True,
    )  # fmt: skip
    with pytest.raises(DatabaseUnavailable, match="certificate verify failed"):
        SqlDatabase.open(_verified(cluster, other_ca))

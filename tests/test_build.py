"""The packaged program: build.spec builds a one-folder Desk that starts and makes its database.

Slow (PyInstaller takes a minute or two), and part of every run all the same: a spec that
no longer builds, or a program that cannot find its migrations, stylesheet or PostgreSQL
driver once frozen, is found here rather than on a workstation.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from desk import __version__
from desk.store.migrate import head_revision

from .conftest import _drop_postgres_database, _postgres_test_database

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/Desk/ built from build.spec into a temporary folder; the program's path."""
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "build.spec"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    program = work / "dist" / "Desk" / ("Desk.exe" if sys.platform == "win32" else "Desk")
    assert program.is_file()
    return program


def isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DESK_"))}
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    return env


def run(program: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(program), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=isolated_env(home),
        cwd=home,
    )


def schema_of(url: str) -> tuple[set[str], list[tuple[str]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = conn.exec_driver_sql("select version_num from alembic_version").all()
    finally:
        engine.dispose()
    return tables, revision


def test_the_built_program_starts_and_creates_its_database(built: Path, tmp_path: Path):
    database = tmp_path / "fresh" / "desk.sqlite3"
    database.parent.mkdir()
    result = run(built, tmp_path, "--db", str(database), "--quit-after", "1500")
    assert result.returncode == 0, result.stderr
    tables, revision = schema_of(f"sqlite:///{database}")
    assert {"tickets", "thread_entries", "agents", "customers"} <= tables
    assert revision == [(head_revision(),)]
    log = tmp_path / "xdg_state_home" / "Desk" / "log" / "desk.log"
    assert f"Desk {__version__} starting" in log.read_text()


def test_the_built_program_knows_its_version(built: Path, tmp_path: Path):
    result = run(built, tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Desk {__version__}"


def test_portable_keeps_the_database_settings_and_logs_beside_the_program(
    built: Path, tmp_path: Path
):
    result = run(built, tmp_path, "--portable", "--quit-after", "1500")
    assert result.returncode == 0, result.stderr
    beside = built.parent / "DeskData"
    tables, _revision = schema_of(f"sqlite:///{beside / 'data' / 'desk.sqlite3'}")
    assert "tickets" in tables
    assert (beside / "logs" / "desk.log").is_file()
    assert not (tmp_path / "xdg_data_home" / "Desk").exists()


def test_the_built_program_reaches_postgresql(built: Path, tmp_path: Path):
    url = _postgres_test_database()
    if url is None:
        pytest.skip("PostgreSQL is not running")
    try:
        result = run(built, tmp_path, "--db", url, "--quit-after", "1500")
        assert result.returncode == 0, result.stderr
        tables, revision = schema_of(url)
        assert "tickets" in tables and revision == [(head_revision(),)]
    finally:
        _drop_postgres_database(url)


def test_the_folder_carries_resources_migrations_and_only_the_qt_it_uses(built: Path):
    internal = built.parent / "_internal"
    assert (internal / "desk" / "resources" / "style.qss").is_file()
    assert (internal / "desk" / "resources" / "desk.svg").is_file()
    assert (internal / "desk" / "store" / "migrations" / "env.py").is_file()
    assert list((internal / "desk" / "store" / "migrations" / "versions").glob("0001_*.py"))
    assert (internal / "psycopg_binary").is_dir()
    qt_modules = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.*")}
    assert {"QtCore", "QtGui", "QtWidgets"} <= qt_modules
    assert not qt_modules & {"QtQml", "QtQuick", "QtNetwork", "QtWebEngineCore", "QtPdf"}


def test_the_folder_carries_qts_signature_support_unpacked_with_its_bytecode(built: Path):
    # shiboken imports it from there instead of compiling the copy in its library each start
    unpacked = built.parent / "_internal" / "shiboken6" / "files.dir"
    assert (unpacked / "shibokensupport" / "signature" / "loader.py").is_file()
    assert list((unpacked / "shibokensupport" / "signature" / "__pycache__").glob("loader.*.pyc"))

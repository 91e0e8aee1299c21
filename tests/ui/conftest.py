"""A real window on a small demo desk, for flows driven through the widgets."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN, seed_demo
from desk.store.unit_of_work import SqlDatabase
from desk.ui.common.drafts import DraftStore
from desk.ui.common.style import apply_style
from desk.ui.shell.main_window import MainWindow

from .helpers import idle, session_for

UI_TICKETS = 80


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_database(f"sqlite:///{path}")
    # A fixed clock: the demo's random draws depend on the time of day, and tests should
    # see the same desk on every run.
    seed_demo(db, UI_TICKETS, now=datetime(2026, 11, 2, 15, 30, tzinfo=UTC))
    db.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[SqlDatabase]:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    db = open_database(f"sqlite:///{path}")
    yield db
    db.close()


@pytest.fixture
def make_window(qtbot, qapp, demo_db: SqlDatabase, tmp_path: Path) -> Callable[..., MainWindow]:
    apply_style(qapp)

    def make(login: str = DEMO_LOGIN, db: SqlDatabase | None = None) -> MainWindow:
        session = session_for(db or demo_db, login)
        settings = QSettings(str(tmp_path / f"{login}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(session, settings, DraftStore(tmp_path / "drafts"))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.queue_model.shown and idle(window), timeout=10_000)
        return window

    return make


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()

"""What Desk remembers between runs, where it keeps it, and the About box."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSettings, qVersion
from PySide6.QtGui import QPalette

from desk import __version__
from desk.app import PORTABLE_ENV, resolve_paths
from desk.ui.common.style import THEME_SETTING, Theme, ThemeChooser, apply_style
from desk.ui.ticket.thread_view import DARK_THREAD, LIGHT_THREAD

from .helpers import first_ticket, open_ticket


def test_window_splitters_and_columns_come_back_as_they_were_left(qtbot, make_window, tmp_path):
    window = make_window()
    window.resize(1300, 820)
    window.main_splitter.setSizes([260, 640, 400])
    window.table.setColumnWidth(1, 333)
    window.table.horizontalHeader().moveSection(2, 5)
    sizes = window.main_splitter.sizes()
    order = [window.table.horizontalHeader().logicalIndex(v) for v in range(6)]
    window.close()

    again = make_window()
    assert (again.width(), again.height()) == (1300, 820)
    assert again.main_splitter.sizes() == sizes
    assert again.table.columnWidth(1) == 333
    assert [again.table.horizontalHeader().logicalIndex(v) for v in range(6)] == order


def test_the_chosen_theme_is_applied_and_remembered(qtbot, qapp, window, demo_db, tmp_path):
    settings = QSettings(str(tmp_path / "theme.ini"), QSettings.Format.IniFormat)
    chooser = ThemeChooser(qapp, settings)
    again = chooser
    try:
        assert chooser.theme == Theme.SYSTEM  # nothing chosen yet: follow the system
        ticket_id = first_ticket(demo_db, active=True)
        open_ticket(qtbot, window, ticket_id)
        menu = chooser.menu(window)
        dark = next(a for a in menu.actions() if a.text() == "Dark")
        dark.trigger()
        assert chooser.dark
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 60
        assert "#1b1f24" in qapp.styleSheet() and "@" not in qapp.styleSheet()
        # The thread redraws itself in the dark colours.
        qtbot.waitUntil(
            lambda: DARK_THREAD.boxes[next(iter(DARK_THREAD.boxes))][0] in _html(window)
        )
        settings.sync()
        assert QSettings(settings.fileName(), QSettings.Format.IniFormat).value(THEME_SETTING) == (
            "dark"
        )
        again = ThemeChooser(qapp, QSettings(settings.fileName(), QSettings.Format.IniFormat))
        assert (again.theme, again.dark) == (Theme.DARK, True)
        next(a for a in chooser.menu(window).actions() if a.text() == "Light").trigger()
        assert not chooser.dark
        qtbot.waitUntil(
            lambda: LIGHT_THREAD.boxes[next(iter(LIGHT_THREAD.boxes))][0] in _html(window)
        )
    finally:
        apply_style(qapp, Theme.LIGHT)
        chooser.deleteLater()
        again.deleteLater()


def _html(window) -> str:
    return window.thread.toHtml()


def test_both_themes_fill_in_every_colour_the_stylesheet_names(qapp):
    from desk.ui.common.style import DARK, LIGHT, stylesheet

    assert set(DARK) == set(LIGHT)
    for colours in (LIGHT, DARK):
        assert "@" not in stylesheet(colours)


def test_the_about_box_names_desk_qt_and_the_database_server(qtbot, window):
    window.about_action.trigger()
    qtbot.waitUntil(lambda: window.about_box is not None and window.about_box.isVisible())
    text = window.about_box.text()
    assert f"Desk {__version__}" in text
    assert f"Qt {qVersion()} (PySide6 {pyside_version})" in text
    import sqlite3

    assert f"Database: SQLite {sqlite3.sqlite_version}" in text
    assert "Local file" in text
    window.about_box.accept()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_about_box_shows_the_postgresql_server_version(qtbot, make_window, db, world):
    from desk.services import directory

    directory.create_agent(db, world.admin, "alex.morgan", "Alex Morgan")  # the window's login
    window = make_window(db=db)
    window.about_action.trigger()
    qtbot.waitUntil(lambda: window.about_box is not None and window.about_box.isVisible())
    with db.engine.connect() as conn:
        version = conn.exec_driver_sql("show server_version").scalar_one()
    assert f"Database: PostgreSQL {version}" in window.about_box.text()
    window.about_box.accept()


# --- where things are kept -------------------------------------------------------------------


def test_data_settings_and_logs_go_to_the_users_folders(monkeypatch, tmp_path):
    monkeypatch.delenv(PORTABLE_ENV, raising=False)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    paths = resolve_paths()
    if sys.platform.startswith("linux"):
        assert paths.local_database == tmp_path / "xdg_data_home" / "Desk" / "desk.sqlite3"
        assert paths.config == tmp_path / "xdg_config_home" / "Desk"
        assert paths.logs == tmp_path / "xdg_state_home" / "Desk" / "log"
    assert len({paths.data, paths.config, paths.logs}) == 3


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_portable_keeps_everything_beside_the_program(monkeypatch, tmp_path, how):
    program = tmp_path / "Desk" / "Desk.exe"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program))
    monkeypatch.delenv(PORTABLE_ENV, raising=False)
    if how == "environment":
        monkeypatch.setenv(PORTABLE_ENV, "1")
    paths = resolve_paths(portable=how == "flag")
    beside = tmp_path / "Desk" / "DeskData"
    assert paths.local_database == beside / "data" / "desk.sqlite3"
    assert (paths.config, paths.logs) == (beside / "config", beside / "logs")


def test_portable_off_in_the_environment_means_off(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "Desk" / "Desk.exe"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv(PORTABLE_ENV, "0")
    assert not str(resolve_paths().data).startswith(str(tmp_path))


def test_logs_rotate_instead_of_growing(tmp_path: Path):
    import logging
    from logging.handlers import RotatingFileHandler

    from desk.app import Paths, setup_logging

    log_file = setup_logging(Paths(tmp_path, tmp_path, tmp_path / "logs"))
    handler = logging.getLogger().handlers[-1]
    try:
        assert isinstance(handler, RotatingFileHandler)
        assert log_file == tmp_path / "logs" / "desk.log"
        assert handler.maxBytes > 0 and handler.backupCount >= 1
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()

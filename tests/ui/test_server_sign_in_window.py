"""Desk on a server that checks passwords (scram-sha-256): the sign-in dialog's login and
password become the window's own connection, by keyboard; a wrong user is told what a
wrong password is; signing out and in as another agent moves to their connection."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from desk.app import Paths
from desk.gui import DeskApp
from desk.ui.common.error_report import ErrorReporter
from desk.ui.common.style import ThemeChooser

from ..integration.test_server_sign_in import server  # noqa: F401  (a fixture)
from ..pg_cluster import Cluster, throwaway_cluster
from .helpers import wait_idle
from .test_dialog_keys import CTRL, focused, press, type_text
from .test_welcome_keys import SIGN_IN, when_modal

SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from throwaway_cluster("scram-sha-256")


def _role(desk: DeskApp) -> str:
    with desk.db.read() as uow:
        return uow.credentials.current_user()


def test_each_agent_works_through_their_own_login(qtbot, qapp, server, tmp_path: Path):  # noqa: F811
    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    paths.create()
    settings = QSettings(str(paths.config / "desk.ini"), QSettings.Format.IniFormat)
    args = argparse.Namespace(db=server.url, demo=False, login=None, quit_after=None)
    desk = DeskApp(args, paths, settings, ThemeChooser(qapp, settings), ErrorReporter(None))
    said: list[str] = []

    def sam_after_a_wrong_user(dialog) -> None:
        assert not dialog.keep.isVisible()  # a server's password is never kept
        assert focused() is dialog.login
        type_text("samm")
        press(Qt.Key.Key_Tab)
        type_text("sam-password")
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.general_error.isHidden(), timeout=15_000)
        said.append(dialog.general_error.text())
        press(Qt.Key.Key_Tab, SHIFT)
        press(Qt.Key.Key_A, CTRL)
        type_text("sam")
        press(Qt.Key.Key_Tab)
        type_text("sam-password")
        press(Qt.Key.Key_Return)

    try:
        when_modal(qtbot, SIGN_IN, sam_after_a_wrong_user)
        assert desk.start()
        assert said == ["Wrong login or password."]
        assert desk.window.session.agent.login == "sam" and _role(desk) == "sam"
        settings.sync()
        assert "sam-password" not in Path(settings.fileName()).read_text()
        sam_window = desk.window
        wait_idle(qtbot, sam_window)

        def ada(dialog) -> None:
            assert dialog.login.text() == "sam"  # remembered for this desk
            press(Qt.Key.Key_Tab, SHIFT)
            press(Qt.Key.Key_A, CTRL)
            type_text("ada")
            press(Qt.Key.Key_Tab)
            type_text("ada-password")
            press(Qt.Key.Key_Return)

        sam_window.activateWindow()
        qtbot.waitUntil(sam_window.isActiveWindow)
        when_modal(qtbot, SIGN_IN, ada)
        press(Qt.Key.Key_L, CTRL | SHIFT)
        qtbot.waitUntil(lambda: desk.window is not sam_window, timeout=20_000)
        assert desk.window.session.agent.login == "ada" and _role(desk) == "ada"
        wait_idle(qtbot, desk.window)
    finally:
        if desk.window is not None:
            desk.window.close()
        desk.close()

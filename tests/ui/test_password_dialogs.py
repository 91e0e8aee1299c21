"""File › Change my password… and the admin's reset, unlock and revoke, by keyboard: what
the agent types reaches the database, and a problem stays at its field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desk.services import kept_sign_in, sign_in
from desk.store.unit_of_work import SqlDatabase
from desk.ui.admin import agent_credentials
from desk.ui.common.tasks import TaskRunner

from .helpers import session_for
from .test_dialog_keys import CTRL, focused, press, type_text


def _shown_error(dialog, key: str) -> str:
    label = dialog._fields[key][1]
    return "" if label.isHidden() else label.text()


def test_change_my_password_from_the_file_menu(qtbot, window, demo_db):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.change_password_action.trigger()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.windowTitle() == "Change my password"
    assert focused() is dialog.current
    type_text("not-the-password")
    press(Qt.Key.Key_Tab)
    type_text("seashell 1234")
    press(Qt.Key.Key_Tab)
    type_text("seashell 1234")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _shown_error(dialog, "current") != "", timeout=10_000)
    assert _shown_error(dialog, "current") == "This is not your current password."
    assert focused() is dialog.current
    press(Qt.Key.Key_A, CTRL)
    type_text("demo-password")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "Your password is changed.",
        timeout=10_000,
    )
    assert QApplication.activeModalWidget() is None  # the dialog is gone
    assert sign_in.sign_in(demo_db, "alex.morgan", "seashell 1234").agent.login == "alex.morgan"


def test_an_admin_resets_unlocks_and_ends_kept_sign_ins(qtbot, qapp, demo_db: SqlDatabase):
    admin = session_for(demo_db, "admin")
    dana = next(a for a in admin.directory.agents if a.login == "dana.wright")
    runner = TaskRunner()
    said: list[str] = []
    parent = None

    # Locked by another workstation's wrong passwords, and kept signed in somewhere.
    at = [datetime.now(UTC) - timedelta(minutes=11)]
    other = SqlDatabase(demo_db.engine, demo_db.url, lambda: at[0])
    for _ in range(10):
        at[0] += timedelta(seconds=61)
        with pytest.raises(sign_in.SignInRefused):
            sign_in.sign_in(other, "dana.wright", "guess")
    assert kept_sign_in.keep_sign_in(demo_db, dana.id, "counter-3")
    assert sign_in.sign_in_state(demo_db, admin.agent_id, dana.id).locked_until is not None

    agent_credentials.unlock(admin, runner, dana, said.append)
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said[-1] == "Dana Wright can sign in again."

    box = agent_credentials.revoke_kept_sign_ins(admin, runner, dana, parent, said.append)
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    press(Qt.Key.Key_Return)  # End them
    qtbot.waitUntil(lambda: "Ended 1 kept" in said[-1], timeout=10_000)

    dialog = agent_credentials.reset_password(admin, runner, dana, parent, said.append)
    qtbot.waitUntil(lambda: dialog.isVisible() and focused() is dialog.password)
    type_text("dana")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _shown_error(dialog, "password") != "", timeout=10_000)
    assert _shown_error(dialog, "password") == "The password needs at least 8 characters."
    press(Qt.Key.Key_A, CTRL)
    type_text("river stone 9")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "password is reset" in said[-1], timeout=10_000)
    assert sign_in.sign_in(demo_db, "dana.wright", "river stone 9").must_change_password
    runner.wait()

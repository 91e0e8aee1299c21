"""File › Change my password… and the admin's reset, unlock and revoke, by keyboard: what
the agent types reaches the database, and a problem stays at its field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from desk.domain.audit import AuditFilter
from desk.services import audit, kept_sign_in, sign_in
from desk.store.unit_of_work import SqlDatabase
from desk.ui.admin.admin_window import AdministrationWindow
from desk.ui.common.change_hub import ChangeHub
from desk.ui.common.ops import Ops
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
    # From Administration › Agents, with clicks and keys, as an admin does it.
    admin = session_for(demo_db, "admin")
    dana = next(a for a in admin.directory.agents if a.login == "dana.wright")
    runner = TaskRunner()
    hub = ChangeHub()
    hub.watch(demo_db)
    window = AdministrationWindow(admin, Ops(runner), hub)
    qtbot.addWidget(window)
    window.show()
    page = window.page("Agents")
    qtbot.waitUntil(lambda: page.directory is not None, timeout=10_000)
    page.select_id(dana.id)
    assert page.reset_button.isVisible() and page.unlock_button.isEnabled()

    def said() -> str:  # in the window's status bar: the page re-reads at once
        return window.statusBar().currentMessage()

    # Locked by another workstation's wrong passwords, and kept signed in somewhere.
    at = [datetime.now(UTC) - timedelta(minutes=11)]
    other = SqlDatabase(demo_db.engine, demo_db.url, lambda: at[0])
    for _ in range(10):
        at[0] += timedelta(seconds=61)
        with pytest.raises(sign_in.SignInRefused):
            sign_in.sign_in(other, "dana.wright", "guess")
    assert kept_sign_in.keep_sign_in(demo_db, dana.id, "counter-3")
    assert sign_in.sign_in_state(demo_db, admin.agent_id, dana.id).locked_until is not None

    QTest.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: said() == "Dana Wright can sign in again.", timeout=10_000)
    assert sign_in.sign_in_state(demo_db, admin.agent_id, dana.id).locked_until is None

    QTest.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), QMessageBox))
    press(Qt.Key.Key_Return)  # End them
    qtbot.waitUntil(lambda: "Ended 1 kept" in said(), timeout=10_000)

    QTest.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(focused(), QLineEdit))
    dialog = focused().window()
    type_text("dana")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _shown_error(dialog, "password") != "", timeout=10_000)
    assert _shown_error(dialog, "password") == "The password needs at least 8 characters."
    press(Qt.Key.Key_A, CTRL)
    type_text("river stone 9")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "password is reset" in said(), timeout=10_000)
    assert sign_in.sign_in(demo_db, "dana.wright", "river stone 9").must_change_password
    # Each of them is in the audit log, without the password.
    entries = audit.audit_page(demo_db, admin.agent_id, AuditFilter()).entries
    kinds = [e.kind for e in entries[:3]]
    assert kinds == ["agent.reset_password", "agent.end_kept_sign_ins", "agent.unlock"]
    assert all("river stone" not in repr(e) for e in entries)
    window.close()
    hub.stop()
    runner.wait()

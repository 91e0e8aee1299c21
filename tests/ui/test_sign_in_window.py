"""Signing in, by keyboard, as Desk starts on a desk with agents: a wrong password and
then the right one, the Caps Lock warning, Escape to quit, a locked login, a kept
sign-in, a forced change; and a shared counter PC, where one agent signs out and the
next signs in without seeing the first one's drafts or layout."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from desk.app import Paths
from desk.gui import DATABASE_SETTING, DeskApp
from desk.services import sign_in
from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN
from desk.store.unit_of_work import SqlDatabase
from desk.ui.common.error_report import ErrorReporter
from desk.ui.common.style import ThemeChooser

from .helpers import open_ticket, wait_idle
from .test_dialog_keys import CTRL, focused, press, type_text
from .test_welcome_keys import SIGN_IN, when_modal

PASSWORD = "demo-password"
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def desk_file(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def desk_app(qapp, tmp_path: Path, desk_file: Path) -> Iterator[Callable[[], DeskApp]]:
    made: list[DeskApp] = []
    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    paths.create()

    def make() -> DeskApp:
        settings = QSettings(str(paths.config / "desk.ini"), QSettings.Format.IniFormat)
        settings.setValue(DATABASE_SETTING, f"sqlite:///{desk_file}")
        args = argparse.Namespace(db=None, demo=False, login=None, quit_after=None)
        app = DeskApp(args, paths, settings, ThemeChooser(qapp, settings), ErrorReporter(None))
        made.append(app)
        return app

    yield make
    for app in made:
        if app.window is not None:
            app.window.close()
        app.close()


def error_shown(dialog) -> str:
    return "" if dialog.general_error.isHidden() else dialog.general_error.text()


def test_a_wrong_password_then_the_right_one_by_keyboard(qtbot, desk_app):
    def steps(dialog) -> None:
        assert focused() is dialog.login  # nothing remembered yet on this computer
        type_text(DEMO_LOGIN)
        press(Qt.Key.Key_Tab)
        assert focused() is dialog.password
        type_text("not-my-password")
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: error_shown(dialog) != "", timeout=10_000)
        assert error_shown(dialog) == "Wrong login or password."
        assert dialog.password.text() == "" and focused() is dialog.password
        assert dialog.login.text() == DEMO_LOGIN
        type_text(PASSWORD)
        press(Qt.Key.Key_Return)

    desk = desk_app()
    seen = when_modal(qtbot, SIGN_IN, steps)
    assert desk.start()
    assert seen and desk.window.session.agent.login == DEMO_LOGIN
    # The next start remembers the login for this desk: the password is all to type.
    desk.window.close()
    desk.close()

    def password_only(dialog) -> None:
        assert dialog.login.text() == DEMO_LOGIN and focused() is dialog.password
        type_text(PASSWORD)
        press(Qt.Key.Key_Return)

    again = desk_app()
    seen = when_modal(qtbot, SIGN_IN, password_only)
    assert again.start() and seen


def test_an_unknown_login_is_told_the_same_as_a_wrong_password(qtbot, desk_app):
    said: list[str] = []

    def steps(dialog) -> None:
        type_text("nobody.here")
        press(Qt.Key.Key_Tab)
        type_text(PASSWORD)
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: error_shown(dialog) != "", timeout=10_000)
        said.append(error_shown(dialog))
        press(Qt.Key.Key_Escape)

    desk = desk_app()
    when_modal(qtbot, SIGN_IN, steps)
    assert not desk.start()
    assert said == ["Wrong login or password."]


def test_caps_lock_is_warned_of_and_escape_quits(qtbot, desk_app):
    seen: list[bool] = []

    def steps(dialog) -> None:
        type_text(DEMO_LOGIN)
        press(Qt.Key.Key_Tab)
        assert dialog.caps_lock.isHidden()
        type_text("DEMO")  # capitals without Shift: Caps Lock is on
        seen.append(dialog.caps_lock.isVisible())
        type_text("x")  # a small letter without Shift: it is off again
        seen.append(dialog.caps_lock.isVisible())
        press(Qt.Key.Key_Escape)  # quits at once: nothing typed here is work to lose

    desk = desk_app()
    when_modal(qtbot, SIGN_IN, steps)
    assert not desk.start()
    assert desk.window is None
    assert seen == [True, False]


def test_a_locked_login_waits_and_says_until_when(qtbot, desk_app, desk_file: Path):
    db = open_database(f"sqlite:///{desk_file}")
    at = [datetime.now(UTC) - timedelta(minutes=11)]
    other = SqlDatabase(db.engine, db.url, lambda: at[0])  # another workstation, earlier
    for _ in range(10):
        at[0] += timedelta(seconds=61)  # past each growing wait
        with pytest.raises(sign_in.SignInRefused):
            sign_in.sign_in(other, DEMO_LOGIN, "guess")
    db.close()
    shown: list[tuple[str, bool]] = []

    def steps(dialog) -> None:
        type_text(DEMO_LOGIN)
        press(Qt.Key.Key_Tab)
        type_text(PASSWORD)  # the right one: refused all the same while locked
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "locked" in error_shown(dialog), timeout=10_000)
        shown.append((error_shown(dialog), dialog.submit_button.isEnabled()))
        press(Qt.Key.Key_Escape)

    desk = desk_app()
    when_modal(qtbot, SIGN_IN, steps)
    assert not desk.start()
    ((text, enabled),) = shown
    assert text.startswith("Too many wrong passwords: this login is locked until ")
    assert "An admin can unlock it sooner." in text
    assert not enabled


def test_keep_me_signed_in_opens_the_next_start_without_asking_until_sign_out(
    qtbot, desk_app, credential_store
):
    def steps(dialog) -> None:
        assert dialog.keep.isVisible() and not dialog.keep.isChecked()
        type_text(DEMO_LOGIN)
        press(Qt.Key.Key_Tab)
        type_text(PASSWORD)
        press(Qt.Key.Key_Tab)
        assert focused() is dialog.keep
        press(Qt.Key.Key_Space)
        press(Qt.Key.Key_Return)

    desk = desk_app()
    when_modal(qtbot, SIGN_IN, steps)
    assert desk.start()
    assert len(credential_store.passwords) == 1
    desk.window.close()
    desk.close()

    again = desk_app()
    assert again.start()  # no dialog: the kept sign-in
    assert again.window.session.agent.login == DEMO_LOGIN
    # Signing out on this computer forgets it; Escape in the sign-in then quits.
    when_modal(qtbot, SIGN_IN, lambda _dialog: press(Qt.Key.Key_Escape))
    again.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is again.window)
    press(Qt.Key.Key_L, CTRL | SHIFT)
    qtbot.waitUntil(lambda: again.quitting, timeout=10_000)
    assert credential_store.passwords == {}


def test_a_reset_password_is_changed_before_the_window_opens(qtbot, desk_app, desk_file: Path):
    db = open_database(f"sqlite:///{desk_file}")
    with db.read() as uow:
        admin = uow.agents.by_login("admin")
        dana = uow.agents.by_login("dana.wright")
    sign_in.reset_password(db, admin.id, dana.id, "temporary-123")
    db.close()

    def sign_in_with_the_temporary(dialog) -> None:
        type_text("dana.wright")
        press(Qt.Key.Key_Tab)
        type_text("temporary-123")
        press(Qt.Key.Key_Return)

    def choose_a_new_one(dialog) -> None:
        assert dialog.current.isHidden()  # just typed to sign in
        assert focused() is dialog.new
        type_text("dana.wright2")  # it contains the login: refused at the field
        press(Qt.Key.Key_Tab)
        type_text("dana.wright2")
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog._fields["new"][1].isHidden(), timeout=10_000)
        assert dialog._fields["new"][1].text() == "The password must not contain the login."
        press(Qt.Key.Key_A, CTRL)
        type_text("blue harbour 42")
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_A, CTRL)
        type_text("blue harbour 42")
        press(Qt.Key.Key_Return)

    desk = desk_app()
    when_modal(qtbot, SIGN_IN, sign_in_with_the_temporary)
    forced = when_modal(qtbot, "Choose a new password", choose_a_new_one)
    assert desk.start()
    assert forced and desk.window.session.agent.login == "dana.wright"
    assert not sign_in.sign_in(desk.db, "dana.wright", "blue harbour 42").must_change_password


def test_sign_out_and_the_next_agent_sees_nothing_of_the_first(qtbot, desk_app):
    desk = desk_app()
    when_modal(qtbot, SIGN_IN, _type_in(DEMO_LOGIN, PASSWORD))
    assert desk.start()
    alex = desk.window
    wait_idle(qtbot, alex)
    open_ticket(qtbot, alex, 1)
    alex.activateWindow()
    qtbot.waitUntil(alex.isActiveWindow)
    alex.composer.editor.setFocus()
    qtbot.keyClicks(alex.composer.editor, "Alex's half-written reply")
    alex.main_splitter.setSizes([400, 700, 700])  # Alex's own layout
    alex_sizes = alex.main_splitter.sizes()
    alex.help.show_shortcuts()  # a window Alex left open
    qtbot.waitUntil(lambda: alex.shortcuts_dialog is not None and alex.shortcuts_dialog.isVisible())
    shortcuts = alex.shortcuts_dialog

    alex.activateWindow()
    qtbot.waitUntil(alex.isActiveWindow)
    seen = when_modal(qtbot, SIGN_IN, _type_in("dana.wright", PASSWORD, remembered=DEMO_LOGIN))
    qtbot.mouseClick(alex.status.sign_out, Qt.MouseButton.LeftButton)  # the status bar's button
    qtbot.waitUntil(lambda: desk.window is not alex, timeout=15_000)
    dana = desk.window
    assert seen and dana.session.agent.login == "dana.wright"
    assert not alex.isVisible() and not shortcuts.isVisible()
    wait_idle(qtbot, dana)
    assert dana.main_splitter.sizes() != alex_sizes
    assert dana.ticket_pane.ticket_id is None  # Alex's open ticket is not open
    open_ticket(qtbot, dana, 1)
    assert dana.composer.editor.toPlainText() == ""  # nor Alex's draft

    # Alex back (File › Sign out / switch agent…, by its key): their draft and layout.
    dana.activateWindow()
    qtbot.waitUntil(dana.isActiveWindow)
    when_modal(qtbot, SIGN_IN, _type_in(DEMO_LOGIN, PASSWORD, remembered="dana.wright"))
    press(Qt.Key.Key_L, CTRL | SHIFT)
    qtbot.waitUntil(lambda: desk.window is not dana, timeout=15_000)
    back = desk.window
    wait_idle(qtbot, back)
    assert back.main_splitter.sizes() == alex_sizes
    open_ticket(qtbot, back, 1)
    assert back.composer.editor.toPlainText() == "Alex's half-written reply"


def _type_in(login: str, password: str, *, remembered: str | None = None):
    def steps(dialog) -> None:
        if remembered is not None:
            assert dialog.login.text() == remembered and focused() is dialog.password
            press(Qt.Key.Key_Tab, SHIFT)
        assert focused() is dialog.login
        press(Qt.Key.Key_A, CTRL)
        type_text(login)
        press(Qt.Key.Key_Tab)
        type_text(password)
        press(Qt.Key.Key_Return)

    return steps

"""The first-run welcome (first admin) and File › Connect, with only the keyboard: the
account exists, and the settings name the new desk, only when the move really happened."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desk.app import Paths
from desk.gui import DATABASE_SETTING, DeskApp, _acting_agent
from desk.services import directory as people
from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN
from desk.services.sign_in import sign_in
from desk.ui.admin.connection_dialog import ConnectionDialog
from desk.ui.common.desk_dialog import DeskDialog
from desk.ui.common.error_report import ErrorReporter
from desk.ui.common.style import ThemeChooser
from desk.ui.common.tasks import TaskRunner

from ..integration.test_connection import free_port
from .test_dialog_keys import CTRL, focused, press, type_text

WELCOME = "Welcome to Desk"
DEMO_PASSWORD = "demo-password"


def when_modal(qtbot, title: str, steps: Callable[[DeskDialog], None]) -> list[DeskDialog]:
    """Run `steps` on the modal dialog called `title` once it is up: it is shown with
    exec(), which returns only when it closes. A failed step closes it, so nothing hangs."""
    seen: list[DeskDialog] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not (isinstance(dialog, DeskDialog) and dialog.windowTitle() == title):
            QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        try:
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
            steps(dialog)
        except BaseException:
            dialog.reject()
            raise

    QTimer.singleShot(0, look)
    return seen


SIGN_IN = "Sign in to Desk"


def sign_in_when_asked(qtbot, login: str, password: str) -> list[DeskDialog]:
    """Answer the sign-in dialog once it is up, by keyboard: the login (unless it is
    remembered), Tab, the password, Enter."""

    def steps(dialog) -> None:
        if dialog.field("login").text() != login:
            assert focused() is dialog.field("login")
            press(Qt.Key.Key_A, CTRL)
            type_text(login)
            press(Qt.Key.Key_Tab)
        assert focused() is dialog.field("password")
        type_text(password)
        press(Qt.Key.Key_Return)

    return when_modal(qtbot, SIGN_IN, steps)


def field_error(dialog, key: str) -> str:
    _widget, label = dialog._fields[key]
    return "" if label.isHidden() else label.text()


def fill_in_welcome(qtbot, dialog) -> None:
    """Name, login, (no email), a short password and Enter; then a long one and Enter."""
    assert focused() is dialog.field("name")
    type_text("Pat Admin")
    press(Qt.Key.Key_Tab)
    type_text("pat")
    press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Tab)  # no email
    assert focused() is dialog.field("password")
    type_text("short")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: field_error(dialog, "password") != "", timeout=10_000)
    assert field_error(dialog, "password") == "The password needs at least 8 characters."
    assert dialog.isVisible() and focused() is dialog.field("password")
    type_text(" but longer")
    assert field_error(dialog, "password") == ""  # cleared as it is corrected
    press(Qt.Key.Key_Return)


def test_enter_after_the_password_makes_the_first_admin(qtbot, qapp, tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        seen = when_modal(qtbot, WELCOME, lambda dialog: fill_in_welcome(qtbot, dialog))
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        agent = _acting_agent(
            db, argparse.Namespace(login=None, demo=False), settings, TaskRunner()
        )
        assert seen, "the welcome dialog was not shown"
        assert agent is not None and (agent.login, agent.name, agent.role) == (
            "pat",
            "Pat Admin",
            "admin",
        )
        assert sign_in(db, "pat", "short but longer").agent.id == agent.id
    finally:
        db.close()


def test_escape_in_the_welcome_asks_before_losing_what_was_typed(qtbot, qapp, tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")

    def leave(dialog) -> None:
        type_text("Pat Admin")
        press(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: dialog.discard_question is not None)
        question = dialog.discard_question
        qtbot.waitUntil(lambda: QApplication.activeWindow() is question)
        press(Qt.Key.Key_Return)  # Discard

    try:
        seen = when_modal(qtbot, WELCOME, leave)
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        agent = _acting_agent(
            db, argparse.Namespace(login=None, demo=False), settings, TaskRunner()
        )
        assert seen and agent is None
        assert not people.has_agents(db)
    finally:
        db.close()


# --- File › Connect onto an empty desk --------------------------------------------------------


@pytest.fixture
def desk_app(qapp, tmp_path: Path) -> Iterator[Callable[[], DeskApp]]:
    made: list[DeskApp] = []
    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    paths.create()

    def make() -> DeskApp:
        settings = QSettings(str(paths.config / "desk.ini"), QSettings.Format.IniFormat)
        args = argparse.Namespace(db=None, demo=False, login=None, quit_after=None)
        app = DeskApp(args, paths, settings, ThemeChooser(qapp, settings), ErrorReporter(None))
        made.append(app)
        return app

    yield make
    for app in made:
        if app.window is not None:
            app.window.close()
        app.close()


def connect_to_new_file(qtbot, desk: DeskApp, path: Path) -> ConnectionDialog:
    """File › Connect to a database…, the file's name typed over the one shown, Enter."""
    desk.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.window)
    desk.window.connect_action.trigger()  # the menu item
    dialog = desk.connection_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.activeWindow() is dialog)
    assert focused() is dialog.file
    press(Qt.Key.Key_A, CTRL)
    type_text(str(path))
    press(Qt.Key.Key_Return)
    return dialog


@pytest.fixture
def desk_on_demo(qtbot, desk_app, demo_template: Path, tmp_path: Path) -> tuple[DeskApp, str]:
    first = tmp_path / "first.sqlite3"
    shutil.copy(demo_template, first)
    desk = desk_app()
    url = f"sqlite:///{first}"
    desk.settings.setValue(DATABASE_SETTING, url)
    signed = sign_in_when_asked(qtbot, DEMO_LOGIN, DEMO_PASSWORD)
    assert desk.start()
    assert signed, "plain desk on a desk with agents asks who signs in"
    return desk, url


def test_connect_to_an_empty_desk_and_make_its_admin_by_keyboard(qtbot, desk_on_demo, tmp_path):
    desk, _first_url = desk_on_demo
    first_window = desk.window
    fresh = tmp_path / "fresh.sqlite3"
    seen = when_modal(qtbot, WELCOME, lambda dialog: fill_in_welcome(qtbot, dialog))
    connect_to_new_file(qtbot, desk, fresh)
    qtbot.waitUntil(lambda: desk.window is not first_window, timeout=20_000)
    assert seen
    assert desk.window.session.agent.login == "pat"
    assert str(fresh) in desk.window.session.database_description
    assert sign_in(desk.db, "pat", "short but longer").agent.name == "Pat Admin"
    assert desk.settings.value(DATABASE_SETTING) == f"sqlite:///{fresh}"


def test_connect_then_leaving_the_welcome_keeps_desk_and_its_settings(
    qtbot, desk_on_demo, tmp_path
):
    desk, first_url = desk_on_demo
    first_window = desk.window
    fresh = tmp_path / "fresh.sqlite3"
    seen = when_modal(qtbot, WELCOME, lambda _dialog: press(Qt.Key.Key_Escape))
    dialog = connect_to_new_file(qtbot, desk, fresh)
    qtbot.waitUntil(lambda: bool(seen) and not seen[0].isVisible(), timeout=20_000)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert desk.window is first_window and first_window.isVisible()
    assert desk.settings.value(DATABASE_SETTING) == first_url  # not the empty desk
    message = first_window.statusBar().currentMessage()
    assert message.startswith("Still on ") and "no first admin was made" in message
    db = open_database(f"sqlite:///{fresh}")
    try:
        assert not people.has_agents(db)
    finally:
        db.close()


# --- the connection dialog's own keys ---------------------------------------------------------


def test_connection_dialog_errors_clear_as_typed_and_escape_asks(qtbot, qapp, tmp_path):
    dialog = ConnectionDialog(
        f"sqlite:///{tmp_path / 'desk.sqlite3'}", tmp_path / "desk.sqlite3", TaskRunner()
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert focused() is dialog.file
    press(Qt.Key.Key_Backtab)  # back to where the database is
    assert focused() is dialog.server_button
    press(Qt.Key.Key_Space)
    assert dialog.server_button.isChecked()
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.host
    type_text("db.example.org")
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.port
    type_text("54x")  # Tab selected the port shown: typing replaces it
    press(Qt.Key.Key_Return)  # refused before anything is tried
    assert field_error(dialog, "port").startswith("The port is a number from 1 to 65535")
    assert field_error(dialog, "user") == "Type your user name on the server."
    assert dialog.isVisible() and dialog.result_connection is None
    assert focused() is dialog.port  # the first field to fix
    press(Qt.Key.Key_Backspace)
    assert field_error(dialog, "port") == ""
    assert field_error(dialog, "user") != ""  # not corrected yet
    press(Qt.Key.Key_Escape)
    question = dialog.discard_question
    assert question is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question)
    press(Qt.Key.Key_Return)  # Discard
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result_connection is None


def test_at_start_a_new_empty_desk_left_unmade_is_not_remembered(qtbot, desk_app, tmp_path):
    remembered = f"postgresql://desk@127.0.0.1:{free_port()}/desk"  # nothing listens there
    fresh = tmp_path / "fresh.sqlite3"

    def choose_a_new_file(dialog) -> None:
        assert dialog.server_button.isChecked()
        QTest.mouseClick(dialog.local_button, Qt.MouseButton.LeftButton)
        press(Qt.Key.Key_Tab)
        assert focused() is dialog.file
        press(Qt.Key.Key_A, CTRL)
        type_text(str(fresh))
        press(Qt.Key.Key_Return)

    desk = desk_app()
    desk.settings.setValue(DATABASE_SETTING, remembered)
    chose = when_modal(qtbot, "Connect to a database", choose_a_new_file)
    welcomed = when_modal(qtbot, WELCOME, lambda _dialog: press(Qt.Key.Key_Escape))
    assert not desk.start()
    assert chose and welcomed
    assert desk.settings.value(DATABASE_SETTING) == remembered

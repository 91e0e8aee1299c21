"""File › Connect to a database…, driven through its widgets against real databases."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import make_url

from desk.app import Paths
from desk.gui import DATABASE_SETTING, DeskApp
from desk.services.connection import KEYRING_SERVICE
from desk.services.demo import DEMO_LOGIN
from desk.services.sign_in import DEMO_DESK
from desk.store.unit_of_work import SqlDatabase
from desk.ui.admin.connection_dialog import ConnectionDialog
from desk.ui.common.error_report import ErrorReporter
from desk.ui.common.style import ThemeChooser
from desk.ui.common.tasks import TaskRunner

from ..integration.test_connection import free_port
from .test_welcome_keys import sign_in_when_asked


@pytest.fixture
def make_dialog(qtbot, qapp, tmp_path: Path) -> Callable[..., ConnectionDialog]:
    def make(current_url: str = "") -> ConnectionDialog:
        runner = TaskRunner()
        dialog = ConnectionDialog(
            current_url or f"sqlite:///{tmp_path / 'desk.sqlite3'}",
            tmp_path / "desk.sqlite3",
            runner,
        )
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def fill_server(dialog: ConnectionDialog, url: str, *, port: int | None = None) -> None:
    parts = make_url(url)
    dialog.server_button.click()
    dialog.host.setText(parts.host or "")
    dialog.port.setText(str(port or parts.port or 5432))
    dialog.database.setText(parts.database or "")
    dialog.user.setText(parts.username or "")


def field_error(dialog: ConnectionDialog, key: str) -> str:
    _widget, label = dialog._fields[key]
    return "" if label.isHidden() else label.text()


def click_test(qtbot, dialog: ConnectionDialog) -> None:
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=15_000)


def test_nothing_listening_is_said_at_the_port(qtbot, make_dialog):
    dialog = make_dialog()
    port = free_port()
    fill_server(dialog, "postgresql://postgres@127.0.0.1/desk", port=port)
    assert dialog.file.isHidden() and dialog.host.isVisible()
    click_test(qtbot, dialog)
    assert field_error(dialog, "port") == (
        f"Nothing answers at 127.0.0.1:{port}. Is the server running, and is the host and port right?"
    )
    assert dialog.port.property("invalid") is True
    assert dialog.test_result.isHidden()


def test_a_missing_database_is_said_at_the_database_name(qtbot, make_dialog, postgres_url):
    if postgres_url is None:
        pytest.skip("PostgreSQL is not running")
    dialog = make_dialog()
    fill_server(dialog, postgres_url)
    dialog.database.setText("no_such_desk_db")
    click_test(qtbot, dialog)
    assert "has no database named “no_such_desk_db”" in field_error(dialog, "database")
    assert field_error(dialog, "port") == ""


def test_a_schema_newer_than_this_desk_is_refused_in_plain_words(
    qtbot, make_dialog, newer_desk_url
):
    dialog = make_dialog()
    fill_server(dialog, newer_desk_url)
    click_test(qtbot, dialog)
    assert dialog.general_error.isVisible()
    assert "upgraded by a newer version of Desk" in dialog.general_error.text()
    assert "this version will not write to it" in dialog.general_error.text()
    dialog.submit_button.click()  # Connect refuses it the same way, and stays open
    qtbot.waitUntil(lambda: dialog.submit_button.isEnabled(), timeout=15_000)
    assert dialog.isVisible() and dialog.result_connection is None
    assert "newer version of Desk" in dialog.general_error.text()


def test_testing_a_good_server_says_what_is_there(qtbot, make_dialog, postgres_url):
    if postgres_url is None:
        pytest.skip("PostgreSQL is not running")
    dialog = make_dialog()
    fill_server(dialog, postgres_url)
    click_test(qtbot, dialog)
    assert dialog.test_result.isVisible()
    assert dialog.test_result.text().startswith("✓ Reached it. PostgreSQL ")
    assert dialog.test_result.text().endswith("a Desk database, ready to use.")


def test_missing_fields_are_named_before_anything_is_tried(qtbot, make_dialog):
    dialog = make_dialog()
    dialog.server_button.click()
    dialog.host.setText("")
    dialog.port.setText("54x")
    dialog.database.setText("")
    dialog.user.setText("")
    dialog.test_button.click()
    assert field_error(dialog, "host") == "Type the server's name or address."
    assert field_error(dialog, "port").startswith("The port is a number from 1 to 65535")
    assert field_error(dialog, "database") and field_error(dialog, "user")
    assert dialog.test_button.isEnabled()


def test_connecting_keeps_the_password_in_the_credential_store_only(
    qtbot, make_dialog, postgres_url, credential_store
):
    if postgres_url is None:
        pytest.skip("PostgreSQL is not running")
    dialog = make_dialog()
    fill_server(dialog, postgres_url)
    dialog.password.setText("Tr0ub4dor&3")
    dialog.remember.setChecked(True)
    with qtbot.waitSignal(dialog.connected, timeout=15_000) as connected:
        dialog.submit_button.click()
    result = connected.args[0]
    try:
        assert not dialog.isVisible()
        assert "Tr0ub4dor" not in result.choice.url()
        key = result.choice.server.credential_key
        assert credential_store.passwords == {(KEYRING_SERVICE, key): "Tr0ub4dor&3"}
    finally:
        result.db.close()
    # Opening the dialog again on that server fills the remembered password in.
    again = make_dialog(result.choice.url())
    qtbot.waitUntil(lambda: again.password.text() == "Tr0ub4dor&3")
    assert again.server_button.isChecked() and again.remember.isChecked()


# --- the desk moving to the chosen database -------------------------------------------------


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


def test_connecting_moves_the_desk_and_the_next_start_opens_it(
    qtbot, desk_app, demo_template: Path, tmp_path: Path
):
    first_file = tmp_path / "first.sqlite3"
    second_file = tmp_path / "team" / "second.sqlite3"
    second_file.parent.mkdir()
    shutil.copy(demo_template, first_file)
    shutil.copy(demo_template, second_file)
    desk = desk_app()
    desk.settings.setValue(DATABASE_SETTING, f"sqlite:///{first_file}")
    desk.args.login = DEMO_LOGIN  # the demo desk lets --as in without a password
    assert desk.start()
    first_window = desk.window
    assert str(first_file) in first_window.session.database_description

    desk.choose_database()
    dialog = desk.connection_dialog
    assert dialog.local_button.isChecked() and dialog.file.text() == str(first_file)
    dialog.file.setText(str(second_file))
    signed = sign_in_when_asked(qtbot, DEMO_LOGIN, "demo-password")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: desk.window is not first_window, timeout=15_000)
    assert signed, "another desk: whoever works there signs in"
    assert str(second_file) in desk.window.session.database_description
    assert desk.window.isVisible() and not first_window.isVisible()
    assert "Connected to Local file" in desk.window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: desk.window.queue_model.shown, timeout=10_000)
    assert desk.settings.value(DATABASE_SETTING) == f"sqlite:///{second_file}"

    desk.window.close()
    desk.close()
    again = desk_app()
    remembered = sign_in_when_asked(qtbot, DEMO_LOGIN, "demo-password")
    assert again.start()
    assert remembered and remembered[0].field("login").text() == DEMO_LOGIN
    assert str(second_file) in again.window.session.database_description


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_remembered_server_opens_with_the_password_from_the_store(
    qtbot, desk_app, db_url, world, credential_store, monkeypatch
):
    import desk.gui

    opened: list[str] = []
    real_open = desk.gui.open_database
    monkeypatch.setattr(desk.gui, "open_database", lambda url: opened.append(url) or real_open(url))
    parts = make_url(db_url)
    remembered = f"postgresql://{parts.username}@{parts.host}:{parts.port}/{parts.database}"
    key = f"{parts.username}@{parts.host}:{parts.port}/{parts.database}"
    credential_store.set_password(KEYRING_SERVICE, key, "from-the-store")
    owner = SqlDatabase.open(db_url)
    with owner.write() as uow:  # the owner's connection acts by --as only on a demo desk
        uow.settings.set(DEMO_DESK, "yes")
        uow.commit()
    owner.close()
    app = desk_app()
    app.args.login = "sam"
    app.settings.setValue(DATABASE_SETTING, remembered)
    assert app.start()
    assert opened == [remembered.replace("@", ":from-the-store@", 1)]
    app.settings.sync()
    assert "from-the-store" not in Path(app.settings.fileName()).read_text()
    assert app.window.session.backend == "postgresql"

"""Desk settings (admins): the desk's country for phone numbers, chosen from the keyboard,
guessed from the computer at a new desk's first run, and what intake then accepts."""

from __future__ import annotations

import argparse

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desk.services import desk_settings, queries
from desk.services.database import open_database
from desk.ui.admin.desk_settings_dialog import DeskSettingsDialog, region_name, system_phone_region
from desk.ui.common.dialogs import FormDialog
from desk.ui.common.tasks import TaskRunner

from .helpers import wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier
# The country list's completer popup: offscreen Qt cannot grab the keyboard for it.
POPUP = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
LONDON = "020 7946 0958"


def _closed(dialog: DeskSettingsDialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _open_desk_settings(qtbot, window) -> DeskSettingsDialog:
    assert window.desk_settings_action.isVisible()
    window.desk_settings_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DeskSettingsDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DeskSettingsDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


@POPUP
def test_an_admin_chooses_the_desks_phone_country_and_intake_takes_its_numbers(
    qtbot, make_window, demo_db
):
    window = make_window("admin")
    dialog = _open_desk_settings(qtbot, window)
    assert dialog.focusWidget() is dialog.region  # the one field, ready for typing
    assert dialog.region.currentText() == region_name(desk_settings.phone_region(demo_db))
    dialog.region.lineEdit().selectAll()
    qtbot.keyClicks(dialog.region, "kingdom")  # any part of its name
    qtbot.keyClick(dialog.region, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _closed(dialog), timeout=5000)
    assert desk_settings.phone_region(demo_db) == "GB"
    assert "United Kingdom" in window.statusBar().currentMessage()

    # Intake now reads a London number as it is written there, and finds its caller by it.
    window.activateWindow()  # what the window manager does when the dialog goes (offscreen: not)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form = window.intake
    qtbot.waitUntil(form.isActiveWindow, timeout=3000)
    wait_idle(qtbot, window)
    assert form.caller.new_phone.placeholderText().startswith("0")  # a British example
    qtbot.keyClicks(form.caller.lookup, LONDON)
    qtbot.waitUntil(lambda: form.caller.lookup_done() and form.caller.matches.count() > 0)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)  # nobody has it: a new caller
    assert form.caller.new_phone.text() == LONDON and form.focusWidget() is form.caller.new_name
    qtbot.keyClicks(form.caller.new_name, "Priya Shah")
    form.subject.setFocus()
    qtbot.keyClicks(form.subject, "Cannot print from the London office")
    qtbot.keyClick(form.subject, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=5000)
    number = int(form.saved_number.text().removeprefix("HD-"))
    assert queries.get_ticket(demo_db, number).customer.phone == "+442079460958"

    qtbot.keyClick(form, Qt.Key.Key_Return)  # the next caller rings from the same number
    qtbot.keyClicks(form.caller.lookup, LONDON)
    qtbot.waitUntil(lambda: form.caller.lookup_done() and form.caller.matches.count() > 1)
    qtbot.keyClick(form.caller.lookup, Qt.Key.Key_Return)
    assert form.caller.caller is not None and form.caller.caller.customer.name == "Priya Shah"


def test_a_country_refused_by_the_desk_is_said_in_the_dialog(qtbot, make_window, demo_db):
    window = make_window("admin")
    dialog = _open_desk_settings(qtbot, window)
    dialog.region.addItem("Atlantis (+0)", "XX")  # a stale list, say, from a newer Desk
    dialog.region.setCurrentIndex(dialog.region.count() - 1)
    qtbot.keyClick(dialog.region, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert (
        dialog.isVisible()
        and "is not a country Desk knows" in dialog._fields["phone_region"][1].text()
    )
    assert desk_settings.phone_region(demo_db) == "US"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _closed(dialog))
    assert desk_settings.phone_region(demo_db) == "US"


def test_only_admins_see_desk_settings(make_window):
    assert not make_window().desk_settings_action.isVisible()  # the demo's supervisor


def test_a_new_desk_takes_the_computers_country_at_its_first_run(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr("desk.ui.admin.desk_settings_dialog.system_phone_region", lambda: "GB")
    from desk.gui import _acting_agent

    db = open_database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    runner = TaskRunner()

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FormDialog):
            QTimer.singleShot(20, fill_in)
            return
        for key, typed in (
            ("name", "Pat Admin"),
            ("login", "pat"),
            ("password", "long enough password"),
        ):
            QTest.keyClicks(dialog.field(key), typed)
        QTest.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_in)
    try:
        agent = _acting_agent(
            db,
            argparse.Namespace(login=None, demo=False),
            QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
            runner,
        )
        assert agent is not None and agent.login == "pat"
        assert desk_settings.phone_region(db) == "GB"
    finally:
        runner.wait()
        db.close()


def test_the_computers_country_is_one_desk_can_read_numbers_of():
    assert system_phone_region() in desk_settings_regions()
    assert region_name("GB") == "United Kingdom (+44)"


def desk_settings_regions() -> list[str]:
    from desk.domain.validation import phone_regions

    return phone_regions()

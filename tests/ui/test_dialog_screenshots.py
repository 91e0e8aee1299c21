"""Screenshots of every dialog with Desk's shared keyboard, as opened, and with a problem at
a field or the "Discard what you typed?" question: artifacts for people to look at.

Saved to $DESK_SCREENSHOTS/dialogs (or a temporary folder) on a 1024×700 and a 1920×1080
window, since a dialog is sized from the window it opens over."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desk.domain.model import TicketStatus
from desk.gui import _acting_agent
from desk.services.database import open_database
from desk.ui.admin.connection_dialog import ConnectionDialog
from desk.ui.common.error_report import ErrorReporter
from desk.ui.common.tasks import TaskRunner

from .helpers import first_ticket, open_ticket, wait_idle
from .test_dialog_keys import save_over_someone_elses_change
from .test_screenshots import _distinct_colours


def save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)], ids=["1024x700", "1920x1080"])
def test_dialog_screenshots_show_something(qtbot, window, demo_db, tmp_path, size):
    base = Path(os.environ.get("DESK_SCREENSHOTS", tmp_path))
    out = base / "dialogs" / f"{size[0]}x{size[1]}"
    out.mkdir(parents=True, exist_ok=True)
    window.resize(*size)
    actions = window.ticket_actions
    shots: list[Path] = []

    def shoot(name: str, opener) -> None:
        opener()
        qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible())
        shots.append(save(actions.dialog, out / f"{name}.png"))
        actions.dialog.reject()
        qtbot.waitUntil(lambda: actions.dialog is None)

    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    shoot("assign", lambda: window.assign_action.trigger())
    shoot("transfer", lambda: window.transfer_action.trigger())
    shoot("pending", lambda: window.editor.status_buttons[TicketStatus.PENDING].click())
    shoot("close", lambda: actions.change_status([ticket_id], TicketStatus.CLOSED))
    shoot("reopen", lambda: actions.reopen([ticket_id]))

    # Resolve refusing an empty note, at the field; then the question Escape asks.
    window.resolve_action.trigger()
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible())
    resolve = actions.dialog
    resolve.submit_button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not resolve._fields["resolution_note"][1].isHidden())
    shots.append(save(resolve, out / "resolve-error.png"))
    QTest.keyClicks(resolve.field("resolution_note"), "Replaced the dock")
    QTest.keyClick(resolve.field("resolution_note"), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: resolve.discard_question is not None)
    shots.append(save(resolve.discard_question, out / "discard-question.png"))
    resolve.discard_question.reject()
    resolve.reject()
    qtbot.waitUntil(lambda: actions.dialog is None)

    _ticket, conflict = save_over_someone_elses_change(qtbot, window, demo_db)
    shots.append(save(conflict, out / "conflict.png"))
    conflict.reject()

    connect = ConnectionDialog(
        f"sqlite:///{tmp_path / 'desk.sqlite3'}", tmp_path / "desk.sqlite3", window.runner, window
    )
    connect.show()
    shots.append(save(connect, out / "connection.png"))
    connect.reject()

    reporter = ErrorReporter(tmp_path / "desk.log")
    try:
        {"Service Desk": 1}["Sevrice Desk"]
    except KeyError as exc:
        reporter.report(exc)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    qtbot.addWidget(reporter.dialog)
    shots.append(save(reporter.dialog, out / "unexpected-error.png"))
    reporter.dialog.close()

    # The welcome dialog is shown with exec(): photographed while it waits, with a problem.
    empty = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")

    def welcome() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.windowTitle() != "Welcome to Desk":
            QTimer.singleShot(20, welcome)
            return
        QTest.keyClicks(dialog.field("name"), "Pat Admin")
        QTest.keyClicks(dialog.field("login"), "pat")
        QTest.keyClicks(dialog.field("password"), "short")
        QTest.keyClick(dialog.field("password"), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog._fields["password"][1].isHidden(), timeout=10_000)
        shots.append(save(dialog, out / "welcome-error.png"))
        dialog.reject()

    QTimer.singleShot(0, welcome)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    _acting_agent(empty, argparse.Namespace(login=None, demo=False), settings, TaskRunner())
    empty.close()

    assert {p.stem for p in shots} == {
        "assign",
        "transfer",
        "pending",
        "close",
        "reopen",
        "resolve-error",
        "discard-question",
        "conflict",
        "connection",
        "unexpected-error",
        "welcome-error",
    }
    for path in shots:
        assert _distinct_colours(path) > 8, f"{path.name} looks blank"

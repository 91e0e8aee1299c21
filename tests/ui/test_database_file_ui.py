"""The local database file deleted, replaced or read-only under a running window: said at
once in a banner, nothing reported as saved that was not, what was typed kept."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from desk.app import Paths
from desk.domain.thread import EntryKind
from desk.gui import DeskApp
from desk.services import desk_settings, queries
from desk.services.database import open_database
from desk.ui.common.error_report import ErrorReporter
from desk.ui.common.style import ThemeChooser

from ..file_access import unwritable
from .helpers import first_ticket, open_ticket, wait_idle

NOTE = "Called back, no answer"


def _notes(db, ticket_id: int) -> list[str]:
    return [e.body for e in queries.get_ticket(db, ticket_id).thread if e.kind == EntryKind.NOTE]


def _write_a_note(qtbot, window, text: str) -> None:
    """As a person does it: click "Internal note", click into the box, type, Ctrl+Enter."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.mouseClick(window.composer.note_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.composer.editor.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.composer.editor, text)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _modal_boxes(window) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def _keep_a_link(path: Path, keep: Path) -> None:
    """A second name for the file and its WAL, to look inside once the first name is gone."""
    os.link(path, keep)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        os.link(wal, keep.with_name(keep.name + "-wal"))


def test_a_note_after_the_file_was_deleted_is_refused_and_kept(
    qtbot, window, demo_db, tmp_path: Path
):
    ticket_id = first_ticket(demo_db, active=True)
    open_ticket(qtbot, window, ticket_id)
    before = _notes(demo_db, ticket_id)
    path = Path(demo_db.url.database)
    kept = tmp_path / "kept.sqlite3"
    _keep_a_link(path, kept)
    path.unlink()

    _write_a_note(qtbot, window, NOTE)

    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=3000)
    assert window.banner.property("state") == "gone"
    assert str(path) in window.banner.message.text()
    assert "deleted or moved" in window.banner.message.text()
    assert window.connection.text() == "● File missing"
    qtbot.waitUntil(lambda: window.composer.error.isVisible())
    assert "deleted or moved" in window.composer.error.text()
    assert window.composer.editor.toPlainText() == NOTE  # still there to send later
    assert window.composer._drafts.load(ticket_id).text == NOTE  # and on disk, if Desk dies
    assert "Note added" not in window.statusBar().currentMessage()
    assert not _modal_boxes(window)
    # Nothing offers to save any more.
    assert not window.composer.send_button.isEnabled()
    assert not window.claim_action.isEnabled() and not window.new_action.isEnabled()
    assert window.banner.reopen_button.isVisible() and window.banner.connect_button.isVisible()
    # Nothing went into the file either (seen through its second name).
    wait_idle(qtbot, window)
    saved = open_database(f"sqlite:///{kept}")
    try:
        assert _notes(saved, ticket_id) == before
    finally:
        saved.close()

    # The same file put back: the next check finds it, and the kept note can be sent.
    os.link(kept, path)
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=5000)
    assert window.connection.text() == "● Connected"
    assert window.composer.send_button.isEnabled()
    assert not window.composer.error.isVisible()
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.composer.editor.toPlainText() == "")
    assert _notes(demo_db, ticket_id) == [*before, NOTE]


def test_the_timer_notices_a_deleted_file_with_nobody_typing(qtbot, window, demo_db):
    Path(demo_db.url.database).unlink()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=4000)
    assert window.connection.property("state") == "down"
    # The 30-second refresh, or F5, does not open error dialogs while the file is gone.
    window.refresh()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_idle(qtbot, window)
    qtbot.wait(300)
    assert not _modal_boxes(window)


@pytest.fixture
def desk_app(qapp, tmp_path: Path):
    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    paths.create()
    settings = QSettings(str(paths.config / "desk.ini"), QSettings.Format.IniFormat)
    args = argparse.Namespace(login="alex.morgan", demo=False, db=None, quit_after=None)
    desk = DeskApp(args, paths, settings, ThemeChooser(qapp, settings), ErrorReporter(None))
    yield desk
    if desk.window is not None:
        desk.window.close()
        desk.window.deleteLater()
    desk.close()


def test_a_replaced_file_is_said_and_reopened_from_the_banner(
    qtbot, desk_app, demo_template: Path, tmp_path: Path
):
    path = tmp_path / "desk.sqlite3"
    shutil.copy(demo_template, path)
    db = open_database(f"sqlite:///{path}")
    assert desk_app.show_desk(db, desk_app.args)
    first = desk_app.window
    qtbot.waitUntil(lambda: first.queue_model.shown and first.runner.pending == 0)

    # Someone restores another copy of the desk over the file.
    other = tmp_path / "restored.sqlite3"
    shutil.copy(demo_template, other)
    restored = open_database(f"sqlite:///{other}")
    restored_id = desk_settings.desk_id(restored)
    restored.close()
    os.replace(other, path)

    qtbot.waitUntil(lambda: first.banner.isVisible(), timeout=4000)
    assert "replaced" in first.banner.message.text()
    assert not first.claim_action.isEnabled()
    qtbot.mouseClick(first.banner.reopen_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: desk_app.window is not first, timeout=10_000)
    second = desk_app.window
    qtbot.waitUntil(lambda: second.queue_model.shown and second.runner.pending == 0)
    assert not second.banner.isVisible()
    assert second.connection.text() == "● Connected"
    assert desk_settings.desk_id(desk_app.db) == restored_id
    # Writing is back (Claim itself waits for a claimable ticket to be selected).
    assert second.new_action.isEnabled()


def test_reopening_a_deleted_file_says_so_and_creates_nothing(
    qtbot, desk_app, demo_template: Path, tmp_path: Path
):
    path = tmp_path / "desk.sqlite3"
    shutil.copy(demo_template, path)
    assert desk_app.show_desk(open_database(f"sqlite:///{path}"), desk_app.args)
    window = desk_app.window
    qtbot.waitUntil(lambda: window.queue_model.shown and window.runner.pending == 0)
    path.unlink()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=4000)
    qtbot.mouseClick(window.banner.reopen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cannot reopen it." in window.banner.message.text())
    assert desk_app.window is window
    assert not path.exists()


def test_a_read_only_file_opens_read_only_and_offers_no_writing(
    qtbot, make_window, demo_template: Path, tmp_path: Path
):
    path = tmp_path / "read-only.sqlite3"
    shutil.copy(demo_template, path)
    before = path.read_bytes()
    with unwritable(path):
        db = open_database(f"sqlite:///{path}")
        try:
            window = make_window(db=db)
            assert window.banner.isVisible() and window.banner.property("state") == "readonly"
            text = window.banner.message.text()
            assert text.startswith("<b>Read-only:</b>") and "changes cannot be saved" in text
            assert window.connection.text() == "● Read-only"
            ticket_id = first_ticket(db, active=True)
            open_ticket(qtbot, window, ticket_id)
            for action in window.write_actions:
                assert not action.isEnabled(), action.text()
            assert (
                not window.editor.claim_button.isEnabled() or window.editor.claim_button.isHidden()
            )
            assert not any(b.isEnabled() for b in window.editor.status_buttons.values())
            assert window.editor.subject.isReadOnly()
            assert not window.composer.send_button.isEnabled()

            _write_a_note(qtbot, window, NOTE)
            assert window.composer.error.isVisible()
            assert "Read-only:" in window.composer.error.text()
            assert window.composer.editor.toPlainText() == NOTE

            # A write that gets through anyway is refused in Desk's words, without a dialog.
            window.ticket_actions.claim([ticket_id])
            qtbot.waitUntil(lambda: "Read-only:" in window.statusBar().currentMessage())
            assert "readonly database" not in window.statusBar().currentMessage()
            assert not _modal_boxes(window)
            assert NOTE not in _notes(db, ticket_id)
            window.close()
        finally:
            db.close()
    assert path.read_bytes() == before

"""A long thread: the newest entries on screen at once, the older ones drawn above them
while Desk is idle without moving what the reader sees, and a very long message shown
clipped with a way to read it whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from desk.domain.thread import EntryKind, ThreadEntry
from desk.ui.ticket.thread_view import CLIP_CHARS, FIRST_SLICE, ThreadView, WholeMessageDialog

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KINDS = (EntryKind.CUSTOMER, EntryKind.REPLY, EntryKind.NOTE)


def _entry(n: int, body: str | None = None) -> ThreadEntry:
    return ThreadEntry(
        id=n,
        ticket_id=1,
        kind=KINDS[n % 3],
        author_name="Sam Agent",
        agent_id=1,
        body=body if body is not None else f"Entry number {n}: the printer jams again.\n" * 2,
        event=None,
        data={},
        created_at=START + timedelta(minutes=n),
        ticket_version=1,
    )


def _thread(count: int, long_ones: dict[int, str] | None = None) -> list[ThreadEntry]:
    long_ones = long_ones or {}
    return [_entry(n, long_ones.get(n)) for n in range(1, count + 1)]


@pytest.fixture
def view(qtbot):
    view = ThreadView()
    qtbot.addWidget(view)
    view.resize(560, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def _top_line(view: ThreadView) -> str:
    """The text of the line at the top of what the reader sees."""
    return view.cursorForPosition(QPoint(20, 30)).block().text()


def test_a_long_thread_shows_its_newest_entries_first_and_the_rest_while_idle(qtbot, view):
    entries = _thread(2000)
    view.show_entries(entries)
    # At once: the newest entries, scrolled to the newest; the oldest not drawn yet.
    assert "Entry number 2000:" in view.toPlainText()
    assert "Entry number 1:" not in view.toPlainText()
    assert view.at_bottom()
    qtbot.waitUntil(view.drawn_all, timeout=20_000)
    text = view.toPlainText()
    assert "Entry number 1:" in text and "Entry number 1000:" in text
    assert text.index("Entry number 1:") < text.index("Entry number 1999:")  # oldest first
    assert view.at_bottom()  # still at the newest, nobody moved it


def test_the_reader_stays_on_the_same_lines_while_older_entries_are_drawn(qtbot, view):
    view.show_entries(_thread(600))
    view.setFocus()
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_PageUp)
    reading = _top_line(view)
    assert reading  # somewhere in the newest entries
    qtbot.waitUntil(view.drawn_all, timeout=20_000)
    assert _top_line(view) == reading
    assert not view.at_bottom()


def test_a_short_thread_is_drawn_whole_at_once(view):
    view.show_entries(_thread(FIRST_SLICE - 5))
    assert view.drawn_all()
    assert "Entry number 1:" in view.toPlainText()


def test_a_new_entry_is_added_at_the_end_without_redrawing_the_thread(qtbot, view):
    entries = _thread(300)
    view.show_entries(entries)
    qtbot.waitUntil(view.drawn_all, timeout=20_000)
    document = view.document()
    view.show_entries([*entries, _entry(301, "A brand new reply.")], keep_place=True)
    assert view.document() is document
    assert view.toPlainText().rstrip().endswith("A brand new reply.")
    assert view.at_bottom()


def test_a_very_long_message_is_clipped_and_opens_whole_from_the_keyboard(qtbot, view):
    pasted = "".join(f"log line {n} of the pasted mail\n" for n in range(4000))
    assert len(pasted) > 100_000
    view.show_entries(_thread(30, {29: pasted}))
    shown = view.toPlainText()
    assert "log line 10 of" in shown
    assert "log line 3999 of" not in shown  # the thread shows the start only
    assert f"Show the whole message ({len(pasted):,} characters)" in shown
    assert len(shown) < 30 * 200 + CLIP_CHARS + 500

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # to the thread's one link
    assert view.textCursor().hasSelection()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = QApplication.activeModalWidget() or view.findChild(WholeMessageDialog)
    assert isinstance(dialog, WholeMessageDialog)
    assert dialog.text.toPlainText() == pasted
    assert "Sam Agent" in dialog.windowTitle()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.findChild(WholeMessageDialog) is None or not dialog.isVisible())


def test_the_whole_message_opens_with_a_click_on_its_link(qtbot, view):
    pasted = "A" * (CLIP_CHARS + 50)
    view.show_entries(_thread(3, {3: pasted}))
    view.moveCursor(view.textCursor().MoveOperation.End)
    link = view.document().find("Show the whole message")
    assert not link.isNull()
    view.setTextCursor(link)
    view.ensureCursorVisible()
    where = view.cursorRect(link).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = view.findChild(WholeMessageDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.text.toPlainText() == pasted

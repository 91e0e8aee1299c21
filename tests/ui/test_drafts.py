"""Drafts belong to one desk and one agent: typed on desk A's HD-000001, never shown in desk
B's HD-000001 nor to another agent, and back on A where they were left."""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desk.services import desk_settings
from desk.services.database import open_database
from desk.store.unit_of_work import SqlDatabase
from desk.ui.common.drafts import UNFILED

from .helpers import first_ticket, open_ticket


@pytest.fixture
def other_desk(demo_template: Path, tmp_path: Path):
    """A second desk with the same tickets (a copy of the demo) but its own desk id, as a
    practice desk and a real server have the same ticket numbers."""
    path = tmp_path / "other.sqlite3"
    shutil.copy(demo_template, path)
    db = open_database(f"sqlite:///{path}")
    with db.write() as uow:
        uow.settings.set(desk_settings.DESK_ID, uuid.uuid4().hex)
        uow.commit()
    yield db
    db.close()


def _focus_composer(qtbot, window) -> None:
    window.activateWindow()  # keys go where a person would type: the window in front
    qtbot.waitUntil(window.isActiveWindow)
    window.composer.editor.setFocus()


def _type_draft(qtbot, window, text: str) -> None:
    _focus_composer(qtbot, window)
    qtbot.keyClicks(window.composer.editor, text)
    window.close()  # closing keeps the draft, as quitting Desk does


def test_a_draft_stays_on_its_desk(qtbot, make_window, demo_db, other_desk: SqlDatabase):
    assert desk_settings.desk_id(demo_db) != desk_settings.desk_id(other_desk)
    ticket = first_ticket(demo_db, active=True)  # the same number, open, on both desks
    on_a = make_window(db=demo_db)
    open_ticket(qtbot, on_a, ticket)
    _type_draft(qtbot, on_a, "Practice reply on the demo")

    on_b = make_window(db=other_desk)
    open_ticket(qtbot, on_b, ticket)
    assert on_b.editor.number.text() == on_a.editor.number.text()
    assert on_b.composer.editor.toPlainText() == ""
    # Sending from B sends only what is typed on B.
    _focus_composer(qtbot, on_b)
    qtbot.keyClicks(on_b.composer.editor, "Real reply")
    qtbot.keyClick(on_b.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: on_b.composer.editor.toPlainText() == "")
    bodies = [e.body for e in _thread(other_desk, ticket)]
    assert "Real reply" in bodies and not any("Practice" in b for b in bodies)
    on_b.close()

    back_on_a = make_window(db=demo_db)
    open_ticket(qtbot, back_on_a, ticket)
    assert back_on_a.composer.editor.toPlainText() == "Practice reply on the demo"
    assert not any("Practice" in e.body for e in _thread(demo_db, ticket))  # a draft, not sent


def test_a_draft_is_the_agents_own(qtbot, make_window, demo_db):
    mine = make_window(db=demo_db)
    open_ticket(qtbot, mine, 1)
    _type_draft(qtbot, mine, "Alex's half-written note")

    theirs = make_window(login="dana.wright", db=demo_db)
    open_ticket(qtbot, theirs, 1)
    assert theirs.composer.editor.toPlainText() == ""
    theirs.close()

    again = make_window(db=demo_db)
    open_ticket(qtbot, again, 1)
    assert again.composer.editor.toPlainText() == "Alex's half-written note"


def test_drafts_filed_by_ticket_alone_are_put_aside_not_shown(
    qtbot, make_window, tmp_path: Path, caplog
):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    old = drafts / "ticket-1.json"
    old.write_text(json.dumps({"text": "From some other database", "internal": True}))
    with caplog.at_level(logging.WARNING, logger="desk.ui.common.drafts"):
        window = make_window()
    open_ticket(qtbot, window, 1)
    assert window.composer.editor.toPlainText() == ""
    assert not window.composer.internal
    assert not old.exists()
    assert json.loads((drafts / UNFILED / old.name).read_text())["text"] == (
        "From some other database"
    )
    assert "cannot be told to belong to any database" in caplog.text


def _thread(db, ticket_id: int):
    from desk.services import queries

    return queries.get_ticket(db, ticket_id).thread

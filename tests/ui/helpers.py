"""Steps the UI tests share: wait for the window, open a ticket, find one in the demo."""

from __future__ import annotations

from desk.domain.model import ACTIVE_STATUSES, DONE_STATUSES
from desk.domain.queues import QueueFilter, QueueQuery, SortKey
from desk.services import queries
from desk.services.demo import DEMO_LOGIN
from desk.store.unit_of_work import SqlDatabase
from desk.ui.common.session import DeskSession
from desk.ui.queues.queue_pane import select_ticket_row
from desk.ui.shell.main_window import MainWindow


def idle(window: MainWindow) -> bool:
    """Nothing running, and no change waiting in the hub to make the views read again."""
    return window.runner.pending == 0 and window.hub.pending.is_empty


def wait_idle(qtbot, window: MainWindow, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: idle(window), timeout=timeout)


def open_ticket(qtbot, window: MainWindow, ticket_id: int) -> None:
    """Select the ticket's row in the table (loading its page if need be)."""
    model = window.queue_model
    row = model.row_of(ticket_id)
    if row is None:
        window.search.setText(f"HD-{ticket_id:06d}")
        window.search.returnPressed.emit()
        qtbot.waitUntil(lambda: model.row_of(ticket_id) is not None, timeout=10_000)
        row = model.row_of(ticket_id)
    select_ticket_row(window.table, row)
    qtbot.waitUntil(lambda: window.editor.ticket_id == ticket_id and idle(window), timeout=10_000)


def first_ticket(db: SqlDatabase, *, active: bool | None = None, unassigned: bool = False) -> int:

    statuses = None if active is None else (ACTIVE_STATUSES if active else DONE_STATUSES)
    query = QueueQuery(QueueFilter(statuses=statuses, unassigned=unassigned), SortKey.NUMBER)
    rows = queries.queue_page(db, query, 0, 1)
    assert rows, "the demo desk has no such ticket"
    return rows[0].id


def session_for(db: SqlDatabase, login: str = DEMO_LOGIN) -> DeskSession:
    directory = queries.directory(db)
    agent = next(a for a in directory.agents if a.login == login)
    return DeskSession(db, agent, directory, db.description, db.backend)

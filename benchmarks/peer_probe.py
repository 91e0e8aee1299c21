"""The peer: what a Qt developer reaches for first, on the same database.

A QSqlQueryModel over the tickets table, a QSortFilterProxyModel on top for sorting and
filtering, in the same kind of QTableView. A proxy can only sort and filter the rows
its source has fetched, so for correct answers the peer fetches the whole table once
(timed apart as `fetch_all_ms`, and counted in its first sort); a search filters the
subject column, which is all a proxy can see.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtSql import QSqlDatabase, QSqlQuery, QSqlQueryModel
from PySide6.QtWidgets import QApplication, QTableView
from sqlalchemy import make_url

from desk.domain.model import TicketStatus
from desk.store.types import STATUS_CODES

from .bulk_seed import TIMED, peak_rss_mb, settle_view

QUEUE_SQL = (
    "SELECT id, subject, customer_name, priority, status, assignee_name, updated_at,"
    " team_name, channel, created_at, due_at FROM tickets ORDER BY updated_at DESC"
)
COLUMNS = {
    "subject": 1,
    "customer": 2,
    "priority": 3,
    "status": 4,
    "assignee": 5,
    "updated": 6,
    "team": 7,
    "created": 9,
    "number": 0,
}
SORTS = [
    ("subject", False),
    ("customer", False),
    ("priority", True),
    ("status", False),
    ("assignee", False),
    ("created", True),
    ("number", True),
]
FILTERS = [
    (COLUMNS["status"], str(STATUS_CODES[TicketStatus.PENDING])),
    (COLUMNS["team"], "Service Desk"),
    (COLUMNS["status"], str(STATUS_CODES[TicketStatus.OPEN])),
    (COLUMNS["assignee"], "Alex Morgan"),
    (COLUMNS["status"], str(STATUS_CODES[TicketStatus.NEW])),
    (COLUMNS["team"], "Network"),
    (COLUMNS["status"], ""),
]
SEARCHES = ["printer", "vpn disconnects", "outlook password", "harris", "000500", "locked out"]


def _connect(url: str) -> QSqlDatabase:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = QSqlDatabase.addDatabase("QSQLITE", "peer")
        db.setDatabaseName(parsed.database or "")
    else:
        db = QSqlDatabase.addDatabase("QPSQL", "peer")
        db.setHostName(parsed.host or "localhost")
        db.setPort(parsed.port or 5432)
        db.setDatabaseName(parsed.database or "")
        db.setUserName(parsed.username or "")
        db.setPassword(parsed.password or "")
    if not db.open():
        raise RuntimeError(db.lastError().text())
    return db


def _pump(until: Callable[[], bool] = lambda: True) -> None:
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    while not until():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def measure(url: str, repeat: int, thread_ticket: int | None) -> dict[str, Any]:
    app = QApplication.instance() or QApplication([])  # noqa: F841 (Qt needs it alive)
    db = _connect(url)
    view = QTableView()
    view.resize(1200, 800)
    view.verticalHeader().setDefaultSectionSize(28)
    view.show()
    results: dict[str, list[float]] = {key: [] for key in TIMED}

    def timed(action: Callable[[], None]) -> float:
        started = time.perf_counter()
        action()
        _pump()
        view.viewport().repaint()
        return (time.perf_counter() - started) * 1000

    model = QSqlQueryModel()
    proxy = QSortFilterProxyModel()
    for _ in range(repeat):
        model = QSqlQueryModel()
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        view.setModel(proxy)
        settle_view()  # as Desk's side does: the new model's empty table, before the clock
        results["first_page_ms"].append(timed(lambda model=model: model.setQuery(QUEUE_SQL, db)))

    # Sorting and filtering in a proxy are only right once every row is fetched.
    started = time.perf_counter()
    view.setModel(None)
    proxy.setSourceModel(None)
    while model.canFetchMore():
        model.fetchMore()
    proxy.setSourceModel(model)
    view.setModel(proxy)
    fetch_all = (time.perf_counter() - started) * 1000

    for n in range(max(repeat, len(SORTS))):
        name, descending = SORTS[n % len(SORTS)]
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        results["sort_ms"].append(
            timed(lambda name=name, order=order: proxy.sort(COLUMNS[name], order))
        )
    results["sort_ms"][0] += fetch_all  # the first sort had to fetch everything first

    for n in range(max(repeat, len(FILTERS))):
        column, value = FILTERS[n % len(FILTERS)]

        def apply_filter(column: int = column, value: str = value) -> None:
            proxy.setFilterKeyColumn(column)
            proxy.setFilterFixedString(value)

        results["filter_ms"].append(timed(apply_filter))
    proxy.setFilterFixedString("")

    for _ in range(repeat):
        view.scrollToTop()
        _pump()
        results["jump_last_ms"].append(timed(view.scrollToBottom))

    proxy.setFilterKeyColumn(COLUMNS["subject"])
    for n in range(max(repeat, len(SEARCHES))):
        pattern = QRegularExpression(
            QRegularExpression.escape(SEARCHES[n % len(SEARCHES)]),
            QRegularExpression.PatternOption.CaseInsensitiveOption,
        )
        results["search_ms"].append(
            timed(lambda pattern=pattern: proxy.setFilterRegularExpression(pattern))
        )
    proxy.setFilterRegularExpression(QRegularExpression())

    if thread_ticket:
        thread_view = QTableView()
        thread_view.resize(560, 600)
        thread_view.show()
        for _ in range(repeat):
            thread_model = QSqlQueryModel()

            def open_thread(thread_model: QSqlQueryModel = thread_model) -> None:
                query = QSqlQuery(db)
                query.prepare(
                    "SELECT kind, author_name, body, created_at FROM thread_entries WHERE ticket_id = ? ORDER BY id"
                )
                query.addBindValue(thread_ticket)
                query.exec()
                thread_model.setQuery(query)
                while thread_model.canFetchMore():
                    thread_model.fetchMore()
                thread_view.setModel(thread_model)
                thread_view.viewport().repaint()

            results["open_thread_ms"].append(timed(open_thread))

    medians = {
        key: round(statistics.median(values), 1) for key, values in results.items() if values
    }
    medians["peak_rss_mb"] = peak_rss_mb()
    rows = model.rowCount()
    view.setModel(None)
    db.close()
    return {
        "medians": medians,
        "runs": {key: [round(v, 1) for v in values] for key, values in results.items()},
        "fetch_all_ms": round(fetch_all, 1),
        "rows_held_by_model": rows,
    }

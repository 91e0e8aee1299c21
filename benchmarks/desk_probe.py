"""Desk's side of the benchmark: the real queue model in a real QTableView, offscreen.

Each interaction is timed from the user's action to the rows painted on screen: the
work runs on the model's thread pool as in the window, and the clock stops once the
view has repainted with the data.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QScrollBar

from desk.domain.queues import QueueFilter, QueueKind, QueueQuery, SortKey, queue_filter
from desk.domain.thread import EntryKind, ThreadEntry
from desk.services import queries
from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN
from desk.ui.common.session import DeskSession
from desk.ui.common.style import apply_style
from desk.ui.common.tasks import TaskRunner
from desk.ui.queues.queue_model import COLUMN, QueueModel, ServiceQueueSource
from desk.ui.queues.queue_pane import (
    QueueTable,
    configure_queue_table,
    show_new_queues_from_the_top,
)
from desk.ui.ticket.thread_view import ThreadView
from desk.ui.ticket.ticket_editor import TicketEditor

from .bulk_seed import (
    LONG_MESSAGE_CHARS,
    LONG_MESSAGE_EVERY,
    LONG_THREAD_ENTRIES,
    TIMED,
    long_thread_ticket,
    peak_rss_mb,
    settle_view,
)

SORTS = [
    (SortKey.SUBJECT, False),
    (SortKey.CUSTOMER, False),
    (SortKey.PRIORITY, True),
    (SortKey.STATUS, False),
    (SortKey.ASSIGNEE, False),
    (SortKey.CREATED, True),
    (SortKey.NUMBER, True),
]
QUEUES = [
    QueueKind.MINE,
    QueueKind.TEAM,
    QueueKind.ALL_OPEN,
    QueueKind.PENDING,
    QueueKind.RECENTLY_DONE,
    QueueKind.UNASSIGNED,
    QueueKind.ALL,
]
SEARCHES = ["printer", "vpn disconnects", "outlook password", "harris", "HD-000500", "locked out"]


class _TimedTable(QueueTable):
    """The window's queue table, noting when a paint that shows what was waited for has ended: the
    peer's clock stops at the end of its repaint, and so does Desk's."""

    def __init__(self) -> None:
        super().__init__(objectName="queueTable")
        self.waiting = False
        self.painted_at: float | None = None

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.waiting and self.painted_at is None:
            self.painted_at = time.perf_counter()


class _Bench(QObject):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.app = QApplication.instance() or QApplication([])
        apply_style(self.app)  # paint as the window paints, stylesheet and all
        self._done: Callable[[], bool] = lambda: False
        self._painted = False
        self.db = open_database(url)
        self.runner = TaskRunner()
        directory = queries.directory(self.db)
        self.me = next(a for a in directory.agents if a.login == DEMO_LOGIN)
        self.team = next(t for t in directory.teams if t.name == "Service Desk")
        self.session = DeskSession(
            self.db, self.me, directory, self.db.description, self.db.backend
        )
        self.view = _TimedTable()
        self.view.resize(1200, 800)
        self.view.viewport().installEventFilter(self)
        self.model = self._fresh_model()
        self.view.show()
        self.loaded = 0
        self.first_pages = 0

    def _fresh_model(self) -> QueueModel:
        model = QueueModel(ServiceQueueSource(self.db), self.runner)
        model.loaded.connect(self._on_loaded)
        model.firstPageShown.connect(self._on_first_page)
        self.view.setModel(model)
        configure_queue_table(self.view)
        # As the window's queue pane does. Without it, each search after the jump to the
        # last row painted blank rows at the end of its matches (the clock stopped there)
        # and then ran the search again to read them.
        show_new_queues_from_the_top(self.view, model)
        settle_view()  # the empty table the new model shows is painted before any clock
        return model

    def _on_loaded(self) -> None:
        self.loaded += 1

    def _on_first_page(self) -> None:
        self.first_pages += 1

    def settle(self, done: Callable[[], bool], timeout: float = 120) -> None:
        """Run the event loop until `done()` holds and the view has painted since."""
        self._done, self._painted = done, False
        end = time.monotonic() + timeout
        while not self._painted:
            if time.monotonic() > end:
                raise TimeoutError("the queue did not load in time")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            if done() and not self._painted:
                self.view.viewport().update()  # in case nothing asked for a paint
            self.runner.wait(1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._done():
            self._painted = True
            self.view.waiting = True  # this paint shows it: its end stops the clock
        return False

    def painted(self) -> bool:
        return self.runner.pending == 0

    def time(self, action: Callable[[], None], done: Callable[[], bool]) -> float:
        """From the action to the end of the first paint that shows it done."""
        self.view.waiting, self.view.painted_at = False, None
        started = time.perf_counter()
        action()
        self.settle(done)
        ended = self.view.painted_at or time.perf_counter()
        self.view.waiting = False
        return (ended - started) * 1000

    def show(self, query: QueueQuery) -> float:
        """Until the paint that shows the queue's first page (its length may come after,
        as the scroll bar's size); then, untimed, until everything has arrived."""
        before = self.first_pages
        elapsed = self.time(lambda: self.model.show(query), lambda: self.first_pages > before)
        self.settle(self.painted)
        return elapsed

    def query(self, kind: QueueKind) -> QueueQuery:
        return QueueQuery(
            queue_filter(kind, now=datetime.now(UTC), agent_id=self.me.id, team_id=self.team.id)
        )


def _long_thread() -> list[ThreadEntry]:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    kinds = (EntryKind.CUSTOMER, EntryKind.REPLY, EntryKind.NOTE)
    line = "The printer on the third floor jams again after the driver update. "
    long_body = (line * (LONG_MESSAGE_CHARS // len(line) + 1))[:LONG_MESSAGE_CHARS]
    return [
        ThreadEntry(
            id=n,
            ticket_id=1,
            kind=kinds[n % 3],
            author_name="Sam Agent",
            agent_id=1,
            body=long_body if n % LONG_MESSAGE_EVERY == 0 else f"Entry {n}: {line}\n{line}",
            event=None,
            data={},
            created_at=start + timedelta(minutes=n),
            ticket_version=1,
        )
        for n in range(1, LONG_THREAD_ENTRIES + 1)
    ]


def measure_long_thread(repeat: int) -> dict[str, float]:
    """The very long thread in the window's thread view: from showing it to the end of
    its first paint; until every older entry is drawn above (while idle); the longest
    turn of the event loop meanwhile (what a scroll or a key waits for at most); and a
    page up through the whole thread once drawn, each step to its paint (median, slowest)."""
    entries = _long_thread()
    view = ThreadView()
    view.resize(560, 600)
    view.show()
    first, whole, turns, pages = [], [], [], []
    for _ in range(repeat):
        view.show_entries([])
        settle_view()
        started = time.perf_counter()
        view.show_entries(entries)
        view.viewport().repaint()
        first.append((time.perf_counter() - started) * 1000)
        while not view.drawn_all():
            turn = time.perf_counter()
            QCoreApplication.processEvents()
            turns.append((time.perf_counter() - turn) * 1000)
        whole.append((time.perf_counter() - started) * 1000)
    bar = view.verticalScrollBar()
    while bar.value() > bar.minimum():
        step = time.perf_counter()
        bar.triggerAction(QScrollBar.SliderAction.SliderPageStepSub)
        view.viewport().repaint()
        pages.append((time.perf_counter() - step) * 1000)
    return {
        "long_thread_first_paint_ms": round(statistics.median(first), 1),
        "long_thread_all_drawn_ms": round(statistics.median(whole), 1),
        "long_thread_longest_turn_ms": round(max(turns, default=0.0), 1),
        "long_thread_page_up_ms": round(statistics.median(pages), 1),
        "long_thread_slowest_page_up_ms": round(max(pages, default=0.0), 1),
    }


def measure(url: str, repeat: int) -> dict[str, Any]:
    bench = _Bench(url)
    everything = QueueQuery(QueueFilter(), SortKey.UPDATED, descending=True)
    results: dict[str, list[float]] = {key: [] for key in TIMED}

    for _ in range(repeat):
        bench.model = bench._fresh_model()  # nothing cached: the queue as first shown
        results["first_page_ms"].append(bench.show(everything))

    for n in range(max(repeat, len(SORTS))):
        key, descending = SORTS[n % len(SORTS)]
        before = bench.loaded
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        results["sort_ms"].append(
            bench.time(
                lambda key=key, order=order: bench.view.horizontalHeader().setSortIndicator(
                    COLUMN[key], order
                ),
                lambda before=before: bench.loaded > before and bench.painted(),
            )
        )

    for n in range(max(repeat, len(QUEUES))):
        results["filter_ms"].append(bench.show(bench.query(QUEUES[n % len(QUEUES)])))

    bench.show(everything)
    for _ in range(repeat):
        bench.view.scrollToTop()
        bench.settle(bench.painted)
        total = bench.model.total
        results["jump_last_ms"].append(
            bench.time(
                bench.view.scrollToBottom,
                lambda total=total: (
                    bench.model.ticket_at(total - 1) is not None and bench.painted()
                ),
            )
        )

    for n in range(max(repeat, len(SEARCHES))):
        results["search_ms"].append(
            bench.show(replace(everything, text=SEARCHES[n % len(SEARCHES)]))
        )

    long_id = long_thread_ticket(bench.db)
    editor, thread = TicketEditor(bench.session), ThreadView()
    editor.resize(560, 320)
    thread.resize(560, 600)
    entries = 0
    for _ in range(repeat):
        started = time.perf_counter()
        detail = queries.get_ticket(bench.db, long_id) if long_id else None
        if detail is not None:
            editor.show_detail(detail)
            thread.show_entries(detail.thread)
            thread.viewport().repaint()
            entries = len(detail.thread)
        results["open_thread_ms"].append((time.perf_counter() - started) * 1000)

    # Wander through the queue: the model keeps a window of rows, whatever the length.
    bench.show(everything)
    total = bench.model.total
    for step in range(60):
        bench.view.scrollTo(bench.model.index((step * 7919 * 127) % max(total, 1), 1))
        bench.settle(bench.painted)
    medians = {
        key: round(statistics.median(values), 1) for key, values in results.items() if values
    }
    medians |= measure_long_thread(repeat)
    medians["peak_rss_mb"] = peak_rss_mb()
    bench.db.close()
    return {
        "medians": medians,
        "runs": {key: [round(v, 1) for v in values] for key, values in results.items()},
        "rows_held_by_model": bench.model.cached_rows(),
        "queue_length": total,
        "thread_entries_opened": entries,
    }

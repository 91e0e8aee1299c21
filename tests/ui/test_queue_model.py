"""The queue model shows a new queue's first page before the queue has been counted."""

from __future__ import annotations

import gc
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from desk.domain.model import Channel, Priority, TicketStatus
from desk.domain.queues import QueueFilter, QueueKind, QueueQuery, QueueRow, SortKey, queue_filter
from desk.ui.common.tasks import TaskRunner
from desk.ui.queues.queue_model import COLUMN, PAGE, QueueModel

LENGTH = 1_000


def _row(n: int) -> QueueRow:
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return QueueRow(
        n, f"Ticket {n}", "Jane Doe", Priority.NORMAL, TicketStatus.OPEN, None, None,
        Channel.PHONE, at, at, None, 1,
    )  # fmt: skip


class SlowCount:
    """A queue of 1,000 tickets whose pages come at once and whose count waits."""

    def __init__(self) -> None:
        self.counting = threading.Event()
        self.release = threading.Event()
        self.counts = 0

    def count(self, query: QueueQuery) -> int:
        self.counts += 1
        self.counting.set()
        assert self.release.wait(10)
        return LENGTH

    def page(self, query: QueueQuery, offset: int, limit: int, total: int | None) -> list[QueueRow]:
        return [_row(n) for n in range(offset, min(offset + limit, LENGTH))]

    def window(self, query: QueueQuery, offset: int, limit: int) -> tuple[int, list[QueueRow]]:
        return LENGTH, self.page(query, offset, limit, LENGTH)

    def pages(
        self, query: QueueQuery, page_numbers: Sequence[int], limit: int
    ) -> tuple[int, dict[int, list[QueueRow]]]:
        return LENGTH, {n: self.page(query, n * limit, limit, LENGTH) for n in page_numbers}

    def rows(self, ticket_ids: list[int]) -> list[QueueRow]:
        return [_row(n) for n in ticket_ids]


@pytest.fixture(autouse=True)
def _collected_here():
    """Each test's models are collected on this thread once it ends: a model left to the
    garbage collector could be freed on a pool thread, and Qt warns (the test fails)
    when a QObject's timers are stopped from another thread."""
    yield
    gc.collect()


@pytest.fixture
def model(qtbot):
    source = SlowCount()
    runner = TaskRunner()
    model = QueueModel(source, runner)
    yield model, source
    source.release.set()
    # What the model reads once a page is painted starts on a timer: let it start here,
    # and end, or it runs in the next test and the model goes with its pool thread.
    qtbot.wait(20)
    runner.wait()


def test_the_first_page_shows_before_the_queue_is_counted(qtbot, model):
    model, source = model
    with qtbot.waitSignal(model.firstPageShown):
        model.show(QueueQuery(queue_filter(QueueKind.ALL, now=datetime.now(UTC))))
    assert model.rowCount() == PAGE
    assert model.index(0, COLUMN[SortKey.SUBJECT]).data() == "Ticket 0"

    with qtbot.waitSignal(model.loaded):
        source.release.set()
    assert model.rowCount() == LENGTH


def test_a_sort_while_the_count_is_on_its_way_counts_again(qtbot, model):
    model, source = model
    with qtbot.waitSignal(model.firstPageShown):
        model.show(QueueQuery(QueueFilter()))
    qtbot.waitUntil(source.counting.is_set)  # counted once the first page is painted

    with qtbot.waitSignal(model.firstPageShown):
        model.sort(COLUMN[SortKey.SUBJECT])
    with qtbot.waitSignal(model.loaded):
        source.release.set()
    assert model.rowCount() == LENGTH
    assert source.counts == 2


def test_a_refresh_while_the_queue_is_counted_gives_its_length(qtbot, model):
    """A change that re-reads the queue while it is still being counted supersedes the
    count: the length comes with the re-read, and the queue says it has arrived."""
    model, source = model
    with qtbot.waitSignal(model.firstPageShown):
        model.show(QueueQuery(QueueFilter()))
    qtbot.waitUntil(source.counting.is_set)  # the count waits to be released
    with qtbot.waitSignal(model.loaded):
        model.refresh()
    assert model.rowCount() == LENGTH


class CountedPages(SlowCount):
    """The same queue, counted at once, noting which pages were read."""

    def __init__(self) -> None:
        super().__init__()
        self.release.set()
        self.read: list[int] = []

    def page(self, query: QueueQuery, offset: int, limit: int, total: int | None) -> list[QueueRow]:
        self.read.append(offset // PAGE)
        return super().page(query, offset, limit, total)


class HeldPages(CountedPages):
    """The same queue, whose pages wait while `hold` is clear."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = threading.Event()
        self.hold.set()

    def page(self, query: QueueQuery, offset: int, limit: int, total: int | None) -> list[QueueRow]:
        assert self.hold.wait(10)
        return super().page(query, offset, limit, total)


def test_a_change_while_another_queue_is_on_its_way_does_not_bring_back_the_old_one(qtbot):
    """A change that comes while the next queue is being read is read after it: a refresh
    then re-read the old queue in the new one's place, under the new one's title."""
    source, runner = HeldPages(), TaskRunner()
    model = QueueModel(source, runner)
    with qtbot.waitSignal(model.loaded):
        model.show(QueueQuery(QueueFilter()))
    source.hold.clear()
    pending = QueueQuery(queue_filter(QueueKind.PENDING, now=datetime.now(UTC)))
    model.show(pending)
    model.refresh()  # what a change from another agent does
    read_before = len(source.read)
    with qtbot.waitSignal(model.loaded):
        source.hold.set()
    assert model.query == pending
    qtbot.waitUntil(lambda: len(source.read) > read_before + 1)  # read again, after
    qtbot.wait(20)
    runner.wait()
    assert model.query == pending


def _shown_table(qtbot):
    """The queue of 1,000 in a window's queue table (styled as the stylesheet says of
    `queueTable`), its length come."""
    from desk.ui.queues.queue_pane import QueueTable, configure_queue_table

    source, runner = CountedPages(), TaskRunner()
    model = QueueModel(source, runner)
    table = QueueTable(objectName="queueTable")
    qtbot.addWidget(table)
    table.setModel(model)
    configure_queue_table(table)
    table.resize(900, 400)
    table.show()
    with qtbot.waitSignal(model.loaded):
        model.show(QueueQuery(QueueFilter()))
    return source, runner, model, table


def test_end_shows_the_oldest_tickets_at_once_in_a_long_queue(qtbot):
    from PySide6.QtCore import Qt

    source, runner, model, table = _shown_table(qtbot)
    last_page = (LENGTH - 1) // PAGE
    qtbot.waitUntil(lambda: last_page in source.read)  # read ahead, nobody asked
    runner.wait()
    qtbot.waitUntil(lambda: model.ticket_at(LENGTH - 1) is not None)  # its rows are in
    asked = len(source.read)
    table.setFocus()
    table.setCurrentIndex(model.index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_End)
    assert table.currentIndex().row() == LENGTH - 1
    # The last row is there when End lands on it: no read waited for, nothing blank.
    assert model.index(LENGTH - 1, COLUMN[SortKey.SUBJECT]).data() == f"Ticket {LENGTH - 1}"
    assert len(source.read) == asked
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0
    runner.wait()


def test_another_queue_chosen_far_down_one_shows_its_first_tickets(qtbot):
    from PySide6.QtCore import Qt

    from desk.ui.queues.queue_pane import QueuePane

    source, runner = CountedPages(), TaskRunner()
    model = QueueModel(source, runner)
    pane = QueuePane(model, lambda: None)
    model.setParent(pane)  # deleted with it, on this thread (not by a pool thread's GC)
    qtbot.addWidget(pane)
    pane.resize(900, 400)
    pane.show()
    with qtbot.waitSignal(model.loaded):
        pane.show_queue(QueueQuery(QueueFilter()), "All tickets")
    pane.table.setFocus()
    qtbot.keyClick(pane.table, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: pane.table.rowAt(0) > PAGE)
    runner.wait()

    source.release.clear()  # the next queue's count takes its time
    source.read.clear()
    with qtbot.waitSignal(model.firstPageShown):
        pane.show_queue(QueueQuery(queue_filter(QueueKind.ALL_OPEN, now=datetime.now(UTC))), "Open")
    qtbot.wait(50)
    # Its first tickets are on show at once, not rows far down it, blank while read.
    assert pane.table.rowAt(0) == 0
    assert model.index(0, COLUMN[SortKey.SUBJECT]).data() == "Ticket 0"
    assert source.read == [0]
    source.release.set()
    runner.wait()


def test_a_new_pane_reads_only_the_queue_it_is_asked_for(qtbot):
    # Setting up the table's header sorts it: that must not read (and count) the whole
    # desk while the window's first queue is on its way, as it did at every start.
    from desk.ui.queues.queue_pane import QueuePane

    source, runner = CountedPages(), TaskRunner()
    model = QueueModel(source, runner)
    counts: list[QueueQuery] = []
    counting = source.count
    source.count = lambda query: counts.append(query) or counting(query)
    pane = QueuePane(model, lambda: None)
    model.setParent(pane)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.wait(50)
    runner.wait()
    assert source.read == [] and counts == []
    mine = QueueQuery(queue_filter(QueueKind.ALL_OPEN, now=datetime.now(UTC)))
    with qtbot.waitSignal(model.loaded):
        pane.show_queue(mine, "Open")
    runner.wait()
    assert [query.filter for query in counts] == [mine.filter]
    # In the order the header shows: newest activity first.
    assert (counts[0].sort, counts[0].descending) == (SortKey.UPDATED, True)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_each_row_has_its_line_under_it_in_the_themes_colour(qtbot, qapp, theme):
    """The line under each row is the table's own paint (not a stylesheet rule per cell):
    it is there under every row, one pixel high, in the theme's row-line colour."""
    from PySide6.QtGui import QColor

    from desk.ui.common.style import DARK, LIGHT, Theme, apply_style
    from desk.ui.queues.queue_pane import ROW_HEIGHT

    colours = DARK if theme == "dark" else LIGHT
    apply_style(qapp, Theme(theme))
    try:
        _source, runner, _model, table = _shown_table(qtbot)
        qtbot.wait(20)  # the last page read ahead after the paint, and done
        runner.wait()
        image = table.viewport().grab().toImage()
        line, x = QColor(colours["rowLine"]), 60  # in the Number column, clear of its text
        for row in range(5):
            bottom = row * ROW_HEIGHT + ROW_HEIGHT - 1
            assert image.pixelColor(x, bottom) == line, f"no line under row {row}"
            assert image.pixelColor(x, bottom - 2) != line, f"row {row} is all line"
    finally:
        apply_style(qapp, Theme.LIGHT)

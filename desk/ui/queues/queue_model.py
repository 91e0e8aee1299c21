"""The queue table's model: a window onto a queue of any length.

The model knows the queue's length and holds at most `MAX_PAGES` pages of rows. A row
that is not loaded asks for its page in the background and shows blank until it comes.
Sorting and filtering re-run the query in the database (no proxy model); a full refresh
keeps the selection on the same tickets by remapping persistent indexes by ticket id.

Live, from the change hub (`apply_changes`): when only the contents of tickets changed,
their rows are re-read by id and updated in place (nothing moves, the selection and the
scroll position stay); when `Moves.may_change` says the queue may have gained or lost
tickets, the loaded pages and the length are read again (`refresh`). Who else is on a
ticket shows as a marker in the Number column (`PRESENCE_ROLE`), read once per page
that arrives and again only for the tickets a presence change names.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from desk.domain.changes import Changes, Directory
from desk.domain.model import Priority, TicketStatus
from desk.domain.presence import Activity, PresenceEntry
from desk.domain.queues import DueState, QueueQuery, QueueRow, SortKey
from desk.services import live, queries
from desk.services.database import Database

from ..common import due_labels, labels
from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.ops import Ops
from ..common.tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE = 100
MAX_PAGES = 30  # 3,000 rows at most in memory, whatever the queue's length

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Who else is on the row's ticket: a list of `PresenceEntry` (empty: nobody).
PRESENCE_ROLE = Qt.ItemDataRole.UserRole + 2
#: How the row's clock stands now (a `DueState`): what the Due column's colour says.
DUE_STATE_ROLE = Qt.ItemDataRole.UserRole + 3
#: Rows with a running clock are read again this often: the business time left moves on,
#: and a row turns at risk or overdue without anyone writing.
DUE_TICK_MS = 60_000

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class _FarEnd:
    """A queue's last page, read ahead, with who is on its tickets."""

    page: int
    rows: list[_Shown]
    presence: dict[int, list[PresenceEntry]]


class QueueSource(Protocol):
    """Where the model reads from; `ServiceQueueSource` is the real one."""

    def window(self, query: QueueQuery, offset: int, limit: int) -> tuple[int, list[QueueRow]]: ...

    def count(self, query: QueueQuery) -> int: ...

    def page(
        self, query: QueueQuery, offset: int, limit: int, total: int | None
    ) -> list[QueueRow]: ...

    def pages(
        self, query: QueueQuery, page_numbers: Sequence[int], limit: int
    ) -> tuple[int, dict[int, list[QueueRow]]]: ...

    def rows(self, ticket_ids: list[int]) -> list[QueueRow]: ...

    def presence(self, ticket_ids: list[int]) -> dict[int, list[PresenceEntry]]: ...


class ServiceQueueSource:
    def __init__(self, db: Database) -> None:
        self._db = db

    def window(self, query: QueueQuery, offset: int, limit: int) -> tuple[int, list[QueueRow]]:
        return queries.queue_window(self._db, query, offset, limit)

    def count(self, query: QueueQuery) -> int:
        return queries.queue_count(self._db, query)

    def page(self, query: QueueQuery, offset: int, limit: int, total: int | None) -> list[QueueRow]:
        return queries.queue_page(self._db, query, offset, limit, total)

    def pages(
        self, query: QueueQuery, page_numbers: Sequence[int], limit: int
    ) -> tuple[int, dict[int, list[QueueRow]]]:
        return queries.queue_pages(self._db, query, page_numbers, limit)

    def rows(self, ticket_ids: list[int]) -> list[QueueRow]:
        return queries.rows_by_id(self._db, ticket_ids)

    def presence(self, ticket_ids: list[int]) -> dict[int, list[PresenceEntry]]:
        return live.who_is_on(self._db, ticket_ids)


class _ShownSource:
    """The source, with each row worked out for the table (texts, colours) on the pool
    thread that read it: a refresh of 3,000 loaded rows would otherwise format them all
    on the GUI thread, and a new queue's first page waits for its formatting."""

    def __init__(self, source: QueueSource) -> None:
        self.source = source
        #: A source may not know presence (a test's, a report's): then none is read.
        self.knows_presence = getattr(source, "presence", None) is not None

    def window(self, query: QueueQuery, offset: int, limit: int) -> tuple[int, list[_Shown]]:
        total, rows = self.source.window(query, offset, limit)
        return total, _shown(rows)

    def count(self, query: QueueQuery) -> int:
        return self.source.count(query)

    def page(self, query: QueueQuery, offset: int, limit: int, total: int | None) -> list[_Shown]:
        return _shown(self.source.page(query, offset, limit, total))

    def pages(
        self, query: QueueQuery, page_numbers: Sequence[int], limit: int
    ) -> tuple[int, dict[int, list[_Shown]]]:
        total, pages = self.source.pages(query, page_numbers, limit)
        return total, {n: _shown(rows) for n, rows in pages.items()}

    def rows(self, ticket_ids: list[int]) -> list[_Shown]:
        return _shown(self.source.rows(ticket_ids))

    def presence(self, ticket_ids: list[int]) -> dict[int, list[PresenceEntry]]:
        return self.source.presence(ticket_ids)


def _shown(rows: list[QueueRow]) -> list[_Shown]:
    now = datetime.now(UTC).astimezone()  # once a page: each row's three times use it
    return [_Shown.of(row, now) for row in rows]


def columns() -> list[tuple[SortKey, str]]:
    """The table's columns, in the order agents scan a queue."""
    return [
        (SortKey.NUMBER, tr("Number")),
        (SortKey.SUBJECT, tr("Subject")),
        (SortKey.CUSTOMER, tr("Customer")),
        (SortKey.PRIORITY, tr("Priority")),
        (SortKey.STATUS, tr("Status")),
        (SortKey.DUE, tr("Due")),  # beside the status: what to work on next
        (SortKey.ASSIGNEE, tr("Assignee")),
        (SortKey.UPDATED, tr("Updated")),
        (SortKey.TEAM, tr("Team")),
        (SortKey.CHANNEL, tr("Channel")),
        (SortKey.CREATED, tr("Created")),
    ]


SORT_KEYS = [key for key, _ in columns()]
COLUMN = {key: n for n, key in enumerate(SORT_KEYS)}


def _dot(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(2, 2, 8, 8)
    painter.end()
    return QIcon(pixmap)


class QueueModel(QAbstractTableModel):
    #: A queue (or a new sort or search) has been shown: its length and first page arrived.
    loaded = Signal()
    #: A new queue's first page is on screen; its length may still be on its way.
    firstPageShown = Signal()
    #: Reading the queue failed; the table keeps what it showed.
    loadFailed = Signal(object)

    def __init__(
        self,
        source: QueueSource,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        ops: Ops | None = None,
        hub: ChangeHub | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = _ShownSource(source)
        self._runner = runner
        self._ops = ops or Ops(runner, self)
        self._presence: dict[int, list[PresenceEntry]] = {}
        # A crashed client announces nothing: read again when the first entry shown expires.
        self._presence_expiry = QTimer(self, singleShot=True)
        self._presence_expiry.timeout.connect(self._on_presence_expiry_timeout)
        if hub is not None:
            hub.changed.connect(self.apply_changes)
        self._query = QueueQuery()
        self._total = 0
        self._pages: OrderedDict[int, list[_Shown]] = OrderedDict()
        self._requested: set[int] = set()
        self._generation = 0
        # What a new queue reads besides its first page (its length, who is on its
        # tickets, its last page) is read once that page has been painted: a pool thread
        # running Python beside the paint takes the GIL from it, and the paint waits for
        # that thread's work. A timer's event comes after the paint that the first page's
        # reset has asked for.
        self._after_paint_generation: int | None = None
        self._presence_to_read: list[int] = []  # the first page's tickets
        self._refresh_after_replacing = False
        self._after_paint = QTimer(self, singleShot=True, interval=1)
        self._after_paint.timeout.connect(self._on_after_paint_timeout)
        self._length_known = True  # False while a new queue's length is on its way
        self._replacing = False  # True from `show` until the new queue's first page
        # One refresh at a time: changes that come while one runs ask for one more after
        # it, rather than superseding it (a steady stream would starve the table).
        self._refreshing = False
        self._refresh_again = False
        self.shown = False  # a queue has arrived at least once
        self._headers = columns()
        self._icons = {p: _dot(c) for p, c in labels.PRIORITY_COLOURS.items()}
        self._viewing_icon = _dot(QColor("#2f80ed"))
        self._replying_icon = _dot(QColor("#e8a317"))
        self._bold = QFont()
        self._bold.setBold(True)
        self._due_tick = QTimer(self, interval=DUE_TICK_MS)
        self._due_tick.timeout.connect(self._on_due_tick_timeout)
        self._due_tick.start()

    # --- what is shown ----------------------------------------------------------------

    @property
    def query(self) -> QueueQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    def cached_rows(self) -> int:
        return sum(len(rows) for rows in self._pages.values())

    def show(self, query: QueueQuery) -> None:
        """Show another queue, sort or search; the old rows stay until the new ones come."""
        self._refreshing = self._refresh_again = False  # what runs is for the old queue
        self._refresh_after_replacing = False  # the new queue is read after those changes
        self._replacing = True  # no more reads for the old rows: the new ones replace them
        # The old queue's count, if it still runs, answers for nobody (its error too):
        # the new one is counted once its first page is painted.
        self._ops.supersede(self, "length")
        self._generation += 1
        generation, total = self._generation, self._total
        same_tickets = (
            self.shown
            and self._length_known
            and (query.filter, query.text)
            == (
                self._query.filter,
                self._query.text,
            )
        )
        if same_tickets:
            # Only the order changes: the length is known, so only the first page is read.
            def work() -> tuple[int, list[_Shown]]:
                return total, self._source.page(query, 0, PAGE, total)

        elif not query.text.strip():
            self._show_first_page_then_length(generation, query)
            return
        else:  # a search: its page and length come from one search, in one snapshot

            def work() -> tuple[int, list[_Shown]]:
                return self._source.window(query, 0, PAGE)

        self._ops.run(
            self,
            work,
            lambda result: self._on_window(generation, query, result),
            self._on_load_failed,
            what=tr("Loading the queue"),
            latest="rows",
        )

    def _show_first_page_then_length(self, generation: int, query: QueueQuery) -> None:
        """Read a new queue's first page and show it, then count the queue: counting a
        queue of a million tickets takes longer than reading a page of it, and a count
        read beside the page and its paint slowed both. The table grows (or shrinks) to
        the length when it comes."""
        self._ops.run(
            self,
            lambda: self._source.page(query, 0, PAGE, None),
            lambda rows: self._on_first_page(generation, query, rows),
            self._on_load_failed,
            what=tr("Loading the queue"),
            latest="rows",
        )

    def _on_first_page(self, generation: int, query: QueueQuery, rows: list[_Shown]) -> None:
        if generation != self._generation:
            return
        # More rows come with the length, counted once this page is painted.
        self._reset(generation, query, len(rows), rows, length_known=False)

    def _count(self, generation: int) -> None:
        query = self._query
        self._ops.run(
            self,
            lambda: self._source.count(query),
            lambda total: self._on_length(generation, total),
            self._on_load_failed,
            what=tr("Counting the queue"),
            latest="length",
        )

    def _on_length(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        if total > self._total:
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:
            self.beginRemoveRows(QModelIndex(), total, self._total - 1)
            self._total = total
            self.endRemoveRows()
        self._length_known = True
        self.loaded.emit()
        self._read_after_paint(generation)

    def _far_end(self, query: QueueQuery, total: int) -> _FarEnd | None:
        """(On a pool thread.) The last page of a long queue and who is on its tickets,
        read ahead: End, or the scroll bar dragged to the bottom, then shows the oldest
        tickets at once instead of blank rows waiting for a read."""
        last = (total - 1) // PAGE
        if last <= 0:
            return None
        rows = self._source.page(query, last * PAGE, PAGE, total)
        ids = [shown.row.id for shown in rows]
        found = self._source.presence(ids) if ids and self._source.knows_presence else {}
        return _FarEnd(last, rows, found)

    def _read_after_paint(self, generation: int) -> None:
        self._after_paint_generation = generation
        self._after_paint.start()

    def _on_after_paint_timeout(self) -> None:
        """The window has painted the first page: read who is on its tickets, and count
        the queue if its length is not known yet, else read ahead its last page (not a
        search's)."""
        generation, self._after_paint_generation = self._after_paint_generation, None
        wanted, self._presence_to_read = self._presence_to_read, []
        self._read_presence(wanted)  # the rows on screen, whatever re-read them since
        if self._refresh_after_replacing:
            # Changes came while the queue was being replaced: read it again now (its
            # length comes with that, if the count has not come yet).
            self._refresh_after_replacing = False
            self.refresh()
            return
        if generation != self._generation:
            return  # another queue, sort or refresh since: its own reads come
        if not self._length_known:
            self._count(generation)
        elif not self._query.text.strip():
            self._read_far_end(generation)

    def _read_far_end(self, generation: int) -> None:
        query, total = self._query, self._total
        self._ops.run(
            self,
            lambda: self._far_end(query, total),
            lambda far: self._show_far_end(generation, far),
            self._on_load_failed,
            what=tr("Loading rows"),
            latest="far end",
        )

    def _show_far_end(self, generation: int, far: _FarEnd | None) -> None:
        if far is None or generation != self._generation:
            return
        if far.page in self._pages:
            return
        self._store(far.page, far.rows)
        self._on_presence([shown.row.id for shown in far.rows], far.presence)

    def refresh(self) -> None:
        """Reload the length and every loaded page; selections stay on their tickets."""
        if self._replacing:
            # A new queue, sort or search is on its way: a refresh now would read the old
            # one again in its place. It is read again once its first page is painted.
            self._refresh_after_replacing = True
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._ops.supersede(self, "length")  # the refresh reads the length as well
        self._refreshing = True
        self._generation += 1
        generation, query = self._generation, self._query
        page_numbers = sorted(self._pages) or [0]
        self._ops.run(
            self,
            lambda: self._source.pages(query, page_numbers, PAGE),
            lambda result: self._on_refreshed(generation, result),
            self._on_refresh_failed,
            what=tr("Refreshing the queue"),
            latest="rows",
        )

    def update_tickets(self, ticket_ids: Sequence[int]) -> None:
        """Fresh values for these tickets' rows, in place: nothing moves or jumps."""
        wanted = [i for i in ticket_ids if self.row_of(i) is not None]
        if not wanted:
            return
        generation = self._generation
        self._runner.run(
            lambda: self._source.rows(wanted),
            lambda rows: self._on_rows(generation, rows),
            self._on_load_failed,
            what=tr("Updating the queue"),
        )

    def apply_changes(self, changes: Changes) -> None:
        """Re-read what `changes` may have made stale, and nothing else."""
        if not self.shown:
            return
        names = Directory.AGENTS in changes.directory or Directory.TEAMS in changes.directory
        moved = changes.moves.may_change(self._query.filter) or (
            bool(self._query.text) and (changes.queues_moved or bool(changes.tickets))
        )
        if changes.everything or moved or names:
            self.refresh()  # names on every row, or members that may have come or gone
        elif changes.tickets:
            self.update_tickets(list(changes.tickets))
        elif Directory.CUSTOMERS in changes.directory:
            self.update_tickets(self.loaded_ids())
        if changes.everything:
            self._read_presence(self.loaded_ids())
        elif changes.presence:
            self._read_presence([i for i in changes.presence if self.row_of(i) is not None])

    def _on_due_tick_timeout(self) -> None:
        timed = [
            shown.row.id
            for rows in self._pages.values()
            for shown in rows
            if shown.row.due_at is not None or shown.row.sla_plan_id is not None
        ]
        if timed:
            self.update_tickets(timed)

    def loaded_ids(self) -> list[int]:
        return [shown.row.id for rows in self._pages.values() for shown in rows]

    def presence_of(self, ticket_id: int) -> list[PresenceEntry]:
        return self._presence.get(ticket_id, [])

    def _read_presence(self, ticket_ids: list[int]) -> None:
        if not ticket_ids or not self._source.knows_presence:
            return
        wanted = list(ticket_ids)
        self._ops.run(
            self,
            lambda: self._source.presence(wanted),
            lambda found: self._on_presence(wanted, found),
            lambda exc: log.warning("reading who is on the queue's tickets failed: %s", exc),
            what=tr("Reading who is on the tickets"),
        )

    def _on_presence(self, asked: list[int], found: dict[int, list[PresenceEntry]]) -> None:
        for ticket_id in asked:
            before = self._presence.pop(ticket_id, [])
            now = found.get(ticket_id, [])
            if now:
                self._presence[ticket_id] = now
            if before != now and (row := self.row_of(ticket_id)) is not None:
                index = self.index(row, _NUMBER_COLUMN)
                self.dataChanged.emit(index, index)
        self._schedule_presence_expiry()

    def _schedule_presence_expiry(self) -> None:
        entries = [e for found in self._presence.values() for e in found]
        if not entries:
            self._presence_expiry.stop()
            return
        first = min(e.expires_at for e in entries)
        if first.tzinfo is None:
            first = first.replace(tzinfo=UTC)
        wait = (first - datetime.now(UTC)).total_seconds()
        self._presence_expiry.start(max(200, int(wait * 1000) + 200))

    def _on_presence_expiry_timeout(self) -> None:
        self._read_presence([i for i in self._presence if self.row_of(i) is not None])

    def row_of(self, ticket_id: int) -> int | None:
        for page, rows in self._pages.items():
            for n, shown in enumerate(rows):
                if shown.row.id == ticket_id:
                    return page * PAGE + n
        return None

    def ticket_at(self, row: int) -> QueueRow | None:
        rows = self._pages.get(row // PAGE)
        if rows is None or row % PAGE >= len(rows):
            return None
        return rows[row % PAGE].row

    # --- Qt's model interface -----------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._headers):
            return self._headers[section][1]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks 7 roles of every cell it paints, some 2,000 calls a paint: most get
        # no answer, at once, and the rest ask Qt as little as they can (each call into
        # Qt costs as much as a line of Python here).
        if role not in _ANSWERED:
            return None
        row = index.row()  # -1 for an invalid index
        if row < 0 or row >= self._total:
            return None
        rows = self._pages.get(row // PAGE)
        if rows is None:
            self._request(row // PAGE)
            return None
        if row % PAGE >= len(rows):
            return None
        shown = rows[row % PAGE]
        column = index.column()
        if column == _DUE_COLUMN and role in _DUE_ROLES:
            return _due_data(shown.row, role)
        if role == _DISPLAY:
            return shown.text[column]
        if role == _FOREGROUND:
            return shown.colours.get(column)
        if role == _FONT:
            return self._bold if shown.bold and column in _BOLD_COLUMNS else None
        if role == _DECORATION:
            if column == _PRIORITY_COLUMN:
                return self._icons[shown.row.priority]
            if column == _NUMBER_COLUMN and (on := self._presence.get(shown.row.id)):
                return self._replying_icon if _replying(on) else self._viewing_icon
            return None
        if role == TICKET_ID_ROLE:
            return shown.row.id
        if role == PRESENCE_ROLE:
            return self._presence.get(shown.row.id, [])
        if role == _TOOLTIP:
            if column == _NUMBER_COLUMN and (on := self._presence.get(shown.row.id)):
                return labels.presence_text(on)
            return shown.tooltip(column)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(SORT_KEYS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self._query.sort == SORT_KEYS[column] and self._query.descending == descending:
            return
        sorted_query = replace(self._query, sort=SORT_KEYS[column], descending=descending)
        if self._generation == 0:
            # The header set up before any queue was asked for (setSortingEnabled sorts
            # at once): remembered, not read. It read the whole desk and counted it, a
            # million rows, while the window's first queue was on its way.
            self._query = sorted_query
            return
        self.show(sorted_query)

    # --- arrivals -------------------------------------------------------------------------

    def _request(self, page: int) -> None:
        if page in self._requested or self._replacing:
            return
        self._requested.add(page)
        generation, query, total = self._generation, self._query, self._total
        self._runner.run(
            lambda: self._source.page(query, page * PAGE, PAGE, total),
            lambda rows: self._on_page(generation, page, rows),
            self._on_load_failed,
            what=tr("Loading rows"),
        )

    def _store(self, page: int, rows: list[_Shown]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)  # the least recently arrived page goes first
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)

    def _on_window(
        self, generation: int, query: QueueQuery, result: tuple[int, list[_Shown]]
    ) -> None:
        if generation != self._generation:
            return  # the user has moved on to another queue
        total, rows = result
        self._reset(generation, query, total, rows, length_known=True)
        self.loaded.emit()

    def _reset(
        self,
        generation: int,
        query: QueueQuery,
        total: int,
        rows: list[_Shown],
        *,
        length_known: bool,
    ) -> None:
        self.beginResetModel()
        self._replacing = False
        self._query, self._total, self._length_known = query, total, length_known
        self._pages.clear()
        self._requested.clear()
        self._store(0, rows)
        self.shown = True
        self._presence.clear()
        self.endResetModel()
        self.firstPageShown.emit()
        self._presence_to_read = [shown.row.id for shown in rows]
        self._read_after_paint(generation)

    def _on_page(self, generation: int, page: int, rows: list[_Shown]) -> None:
        self._requested.discard(page)
        if generation != self._generation:
            return
        self._store(page, rows)
        self._read_presence([shown.row.id for shown in rows])
        first = page * PAGE
        last = min(first + len(rows), self._total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._headers) - 1))

    def _on_refresh_failed(self, exc: BaseException) -> None:
        self._refreshing = self._refresh_again = False
        self._on_load_failed(exc)

    def _refresh_done(self) -> None:
        self._refreshing = False
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _on_refreshed(self, generation: int, result: tuple[int, dict[int, list[_Shown]]]) -> None:
        if generation != self._generation:
            return
        try:
            self._apply_refresh(result)
        finally:
            self._refresh_done()
        if not self._length_known:
            # It came while the queue was being counted, and superseded the count: the
            # length it read (in the same snapshot as its rows) is the queue's.
            self._length_known = True
            self.loaded.emit()
            self._read_after_paint(generation)

    def _apply_refresh(self, result: tuple[int, dict[int, list[_Shown]]]) -> None:
        total, pages = result
        if total > self._total:  # new tickets: rows appear at the end, then the reorder
            self.beginInsertRows(QModelIndex(), self._total, total - 1)
            self._total = total
            self.endInsertRows()
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [(row.id if (row := self.ticket_at(p.row())) else None) for p in persistent]
        self._pages.clear()
        self._requested.clear()
        for page, rows in pages.items():
            self._store(page, rows)
        new_rows = {
            shown.row.id: page * PAGE + n
            for page, rows in pages.items()
            for n, shown in enumerate(rows)
        }
        moved = [
            self.index(new_rows[i], p.column()) if i in new_rows else QModelIndex()
            for p, i in zip(persistent, ids, strict=True)
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
        if total < self._total:  # fewer tickets: the surplus rows at the end go
            self.beginRemoveRows(QModelIndex(), total, self._total - 1)
            self._total = total
            self.endRemoveRows()

    def _on_rows(self, generation: int, rows: list[_Shown]) -> None:
        if generation != self._generation:
            return
        fresh = {shown.row.id: shown for shown in rows}
        for page, cached in self._pages.items():
            for n, shown in enumerate(cached):
                if shown.row.id in fresh:
                    cached[n] = fresh[shown.row.id]
                    at = page * PAGE + n
                    self.dataChanged.emit(self.index(at, 0), self.index(at, len(self._headers) - 1))

    def _on_load_failed(self, exc: BaseException) -> None:
        log.warning("reading the queue failed: %s", exc)
        self._requested.clear()
        self._replacing = False  # the old rows stay: they may be read again
        self.loadFailed.emit(exc)


# Draggable: a supervisor's table (drag enabled on the view) drags tickets onto the dashboard.
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
)
# Roles as plain ints: `data` compares them some 2,000 times a paint, and looking up an
# enum's member costs more than the comparison.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ANSWERED = frozenset(
    {
        _DISPLAY,
        _TOOLTIP,
        _DECORATION,
        _FOREGROUND,
        _FONT,
        int(TICKET_ID_ROLE),
        int(PRESENCE_ROLE),
        int(DUE_STATE_ROLE),
    }
)
_DUE_COLUMN = COLUMN[SortKey.DUE]
_DUE_ROLES = frozenset({_DISPLAY, _TOOLTIP, _FOREGROUND, _FONT, int(DUE_STATE_ROLE)})
_BOLD_DUE = QFont()
_BOLD_DUE.setBold(True)


def _due_data(row: QueueRow, role: int) -> Any:
    """The Due column, worked out at paint time: the clock moves on without a write."""
    now = datetime.now(UTC)
    if role == Qt.ItemDataRole.DisplayRole:
        return due_labels.due_text(row, now)
    state = row.due_state(now)
    if role == DUE_STATE_ROLE:
        return state
    if role == Qt.ItemDataRole.ForegroundRole:
        return due_labels.due_colour(state)
    if role == Qt.ItemDataRole.FontRole:
        return _BOLD_DUE if state == DueState.OVERDUE else None
    return due_labels.due_tooltip(row, now)


_NUMBER_COLUMN = COLUMN[SortKey.NUMBER]
_PRIORITY_COLUMN = COLUMN[SortKey.PRIORITY]
_STATUS_COLUMN = COLUMN[SortKey.STATUS]
_BOLD_COLUMNS = frozenset({COLUMN[SortKey.NUMBER], COLUMN[SortKey.SUBJECT]})


def _replying(entries: list[PresenceEntry]) -> bool:
    return any(e.activity == Activity.REPLYING for e in entries)


@dataclass(frozen=True, slots=True)
class _Shown:
    """A row as the table shows it, worked out once when its page arrives, not per paint."""

    row: QueueRow
    text: tuple[str, ...]
    colours: dict[int, QColor]
    bold: bool

    @classmethod
    def of(cls, row: QueueRow, now: datetime) -> _Shown:
        text = {
            SortKey.NUMBER: row.number,
            SortKey.SUBJECT: row.subject,
            SortKey.CUSTOMER: row.customer_name,
            SortKey.PRIORITY: labels.priority_label(row.priority),
            SortKey.STATUS: labels.status_label(row.status),
            SortKey.TEAM: row.team_name or "",
            SortKey.ASSIGNEE: row.assignee_name or "",
            SortKey.CHANNEL: labels.channel_label(row.channel),
            SortKey.CREATED: labels.when(row.created_at, now),
            SortKey.UPDATED: labels.when(row.updated_at, now),
            SortKey.DUE: labels.when(row.due_at, now),
        }
        colours = {_STATUS_COLUMN: labels.STATUS_COLOURS[TicketStatus(row.status)]}
        if row.priority == Priority.URGENT:
            colours[_PRIORITY_COLUMN] = labels.PRIORITY_COLOURS[Priority.URGENT]
        return cls(
            row, tuple(text[key] for key in SORT_KEYS), colours, row.status == TicketStatus.NEW
        )

    def tooltip(self, column: int) -> str | None:
        """Full subject and full times, only when someone hovers."""
        key = SORT_KEYS[column]
        if key == SortKey.SUBJECT:
            return self.row.subject
        moment = {
            SortKey.CREATED: self.row.created_at,
            SortKey.UPDATED: self.row.updated_at,
            SortKey.DUE: self.row.due_at,
        }.get(key)
        return labels.full_time(moment) or None

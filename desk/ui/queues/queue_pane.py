"""The queue pane: the shown queue's title and total above the queue table.

The pane shows a queue in the order its header asks for (a click on a header re-reads
the queue in the database, no proxy model), keeps a ticket current as the queue arrives
or is sorted again, and says which ticket the agent moved to and which rows are chosen.
Whether a chosen ticket is opened is its owner's call (the ticket being edited may have
unsaved changes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import (
    Property,
    QItemSelectionModel,
    QLine,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.domain.queues import QueueQuery, SortKey

from ..common.labels import tr
from ..common.ticket_drag import start_ticket_drag
from .queue_model import COLUMN, SORT_KEYS, TICKET_ID_ROLE, QueueModel

ROW_HEIGHT = 28
DEFAULT_WIDTHS = [104, 250, 130, 82, 78, 118, 80, 150, 76, 90, 90]
TABLE_MIN_WIDTH = 230  # the Number column (104), the start of the Subject, the scroll bar


class QueuePane(QWidget):
    #: The agent moved to the row of this ticket (a click, the keys, or the queue arriving).
    ticketChosen = Signal(int)
    #: The chosen rows changed, or the queue was read again: what may be done on them too.
    selectionChanged = Signal()

    def __init__(
        self,
        model: QueueModel,
        reading: Callable[[], int | None],
        parent: QWidget | None = None,
    ) -> None:
        """`reading` says which ticket the agent has open, if any: it stays the current
        row when the queue is sorted again, and choosing it again opens nothing."""
        super().__init__(parent, objectName="centre")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.model = model
        self._reading = reading
        #: The next queue to arrive is another queue (not a new sort): show its first ticket.
        self._first_row_when_loaded = True
        self.title = QLabel(self, objectName="queueTitle")
        self.total = QLabel(self, objectName="muted")
        self.table = QueueTable(self, objectName="queueTable")
        self.table.setModel(model)
        configure_queue_table(self.table)
        show_new_queues_from_the_top(self.table, model)
        # However narrow the window, the table keeps the Number and some of the Subject.
        self.table.setMinimumWidth(TABLE_MIN_WIDTH)

        header = QHBoxLayout()
        header.setContentsMargins(12, 10, 12, 6)
        header.setSpacing(10)
        header.addWidget(self.title)
        header.addWidget(self.total)
        header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.table)

        model.loaded.connect(self._on_model_loaded)
        model.modelReset.connect(self.selectionChanged)
        chosen = self.table.selectionModel()
        chosen.currentRowChanged.connect(self._on_table_current_row_changed)
        chosen.selectionChanged.connect(self.selectionChanged)

    def show_queue(self, query: QueueQuery, title: str) -> None:
        """Another queue: read in the order the header shows, its first ticket current."""
        header = self.table.horizontalHeader()
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        if 0 <= column < len(SORT_KEYS):
            query = replace(
                query, sort=SORT_KEYS[column], descending=order == Qt.SortOrder.DescendingOrder
            )
        self._first_row_when_loaded = True
        self.title.setText(title)
        self.model.show(query)

    def selected_ids(self) -> list[int]:
        """The tickets of the chosen rows, in the table's order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.model.index(r, 0).data(TICKET_ID_ROLE) for r in rows]
        return [i for i in ids if i is not None]

    def selection_size(self) -> tuple[int, int | None]:
        """How many rows are chosen, and the ticket when it is one: counted from the
        selection's ranges, since a whole long queue chosen must not fetch every row."""
        selection = self.table.selectionModel().selection()
        rows = sum(span.height() for span in selection)
        return rows, selection[0].topLeft().data(TICKET_ID_ROLE) if rows == 1 else None

    def _on_model_loaded(self) -> None:
        total = self.model.total
        self.total.setText(
            tr("{count} tickets").format(count=f"{total:,}") if total != 1 else tr("1 ticket")
        )
        reading_id = self._reading()
        first = self._first_row_when_loaded or reading_id is None
        self._first_row_when_loaded = False
        if self.table.currentIndex().isValid():
            return
        reading = self.model.row_of(reading_id or 0)
        if not first and reading is not None:
            # Sorted again: the ticket being read stays the current one, wherever it went.
            select_ticket_row(self.table, reading)
            self.table.scrollTo(self.table.currentIndex())
        elif first and total:
            select_ticket_row(self.table, 0)
        self.selectionChanged.emit()

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ticket_id = current.data(TICKET_ID_ROLE) if current.isValid() else None
        if ticket_id is not None and ticket_id != self._reading():
            self.ticketChosen.emit(ticket_id)


_TO_AN_END = (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd)


class QueueTable(QTableView):
    """The queue table. Rows are chosen whole, so choosing a row by a cell already in
    sight scrolls up or down only: a long subject never scrolls the Number column out of
    a narrow table. Moving (Left, Right) to a column out of sight still brings it in.
    Home and End go to the first and the last ticket, as in a mail client (a table's own
    Home and End move along the row, which shows nothing when rows are chosen whole).
    With dragging on (supervisors), the chosen tickets drag onto the dashboard.

    The line under each row is drawn here, once a paint, in the stylesheet's `rowLine`
    colour (`qproperty-rowLine`): an `::item` rule in the stylesheet drew it cell by cell
    and cost a millisecond of every paint of a full table (a tenth of it)."""

    def __init__(self, parent: QWidget | None = None, **kwargs: object) -> None:
        super().__init__(parent, **kwargs)
        self._row_line = QColor("#f0f2f5")

    def _get_row_line(self) -> QColor:
        return self._row_line

    def _set_row_line(self, colour: QColor) -> None:
        self._row_line = QColor(colour)
        self.viewport().update()

    rowLine = Property(QColor, _get_row_line, _set_row_line)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        rows = self.verticalHeader()
        if not rows.count():
            return
        area = event.rect()
        first = rows.logicalIndexAt(area.top())
        last = rows.logicalIndexAt(area.bottom())
        if first < 0:
            return
        if last < 0:
            last = rows.count() - 1
        header = self.horizontalHeader()
        right = min(header.length() - header.offset(), self.viewport().width()) - 1
        # Rows are all one height (configure_queue_table): each line is a step below.
        step = rows.defaultSectionSize()
        top = rows.sectionViewportPosition(first) + step - 1
        painter = QPainter(self.viewport())
        painter.setPen(self._row_line)
        painter.drawLines(
            [QLine(0, y, right, y) for y in range(top, top + (last - first + 1) * step, step)]
        )
        painter.end()

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model, current = self.model(), self.currentIndex()
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)  # Qt's own: a corner
        if model is not None and model.rowCount() and action in _TO_AN_END and not ctrl:
            row = 0 if action == QAbstractItemView.CursorAction.MoveHome else model.rowCount() - 1
            return model.index(row, max(current.column(), 0))
        return super().moveCursor(action, modifiers)

    def startDrag(self, supported: Qt.DropAction) -> None:
        model = self.model()
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        chosen = [model.ticket_at(r) for r in rows] if isinstance(model, QueueModel) else []
        start_ticket_drag(self, [(t.id, t.version) for t in chosen if t is not None])

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        header = self.horizontalHeader()
        left = header.sectionViewportPosition(index.column())
        in_sight = left < self.viewport().width() and left + header.sectionSize(index.column()) > 0
        across = self.horizontalScrollBar().value()
        super().scrollTo(index, hint)
        if in_sight:
            self.horizontalScrollBar().setValue(across)


def configure_queue_table(table: QTableView) -> None:
    """The queue table's settings that keep it fast at any length: fixed row heights,
    no resizing to contents, sorting by re-querying the model (no proxy)."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setSortingEnabled(True)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
    rows.setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for column, width in enumerate(DEFAULT_WIDTHS):
        table.setColumnWidth(column, width)
    header.setSortIndicator(COLUMN[SortKey.UPDATED], Qt.SortOrder.DescendingOrder)


def show_new_queues_from_the_top(table: QTableView, model: QueueModel) -> None:
    """Show each new queue, sort or search from its first row when its first page is
    painted. The table keeps its scroll position across the model's reset, and the pane
    chooses the first ticket only once the queue's length has come: scrolled far down
    one queue, the next one's first paint showed rows far down it, blank while they were
    read, and then jumped to the top."""
    model.firstPageShown.connect(table.scrollToTop)


def select_ticket_row(table: QTableView, row: int) -> None:
    """Make `row` the one selected ticket, as a click does."""
    index = table.model().index(row, 1)
    table.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )

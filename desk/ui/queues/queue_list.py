"""The queues on the left, each with its live count.

The counts stay live from the change hub, at a bounded cost per change: a burst of
changes (the hub merges everything within 100 ms into one `Changes`) re-counts only the
queues whose filter `Moves.may_change` says may have gained or lost a ticket, in one
read for all of them; one count runs at a time, and the queues that went stale meanwhile
are counted together once it is back. So a change costs at most one read of at most the
queues it touched, and twenty agents at work cost each client at most one count read in
flight (about ten a second at worst, usually far fewer), each only of the few queues
concerned (a claim touches "Unassigned", "My tickets" of
two agents and the team's queue, not every queue). A directory change rebuilds the
list (a new team is a new queue) and re-counts it all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desk.domain.changes import Changes
from desk.domain.measures import Measure, measure_filter
from desk.domain.queues import QueueFilter, QueueKind, QueueQuery, queue_filter
from desk.services import queries

from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession

#: The queues whose members the clock moves (a ticket turns overdue without a write):
#: counted again each `CLOCK_RECOUNT_MS`.
CLOCK_QUEUES = frozenset({QueueKind.OVERDUE, QueueKind.AT_RISK, QueueKind.DUE_TODAY})
CLOCK_RECOUNT_MS = 60_000

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2
HEADING_ROLE = Qt.ItemDataRole.UserRole + 3
SEARCH = "search"
MEASURE = "measure"  # the queue behind a count of the dashboard


@dataclass(frozen=True)
class QueueEntry:
    key: str
    title: str
    kind: QueueKind | None
    team_id: int | None = None

    def query(self, session: DeskSession, now: datetime | None = None) -> QueueQuery:
        assert self.kind is not None
        # The agent's own zone: "Due today" ends at their midnight.
        spec = queue_filter(
            self.kind,
            now=now or datetime.now(UTC).astimezone(),
            agent_id=session.agent_id,
            team_id=self.team_id,
        )
        return QueueQuery(spec)


@dataclass(frozen=True)
class MeasureEntry(QueueEntry):
    """A queue opened from a count of the dashboard: one measure of a team or an agent,
    its filter made afresh each time (at risk, overdue and due today follow the clock)."""

    measure: Measure = Measure.OPEN
    assignee_id: int | None = None

    def query(self, session: DeskSession, now: datetime | None = None) -> QueueQuery:
        moment = now or datetime.now(UTC).astimezone()
        return QueueQuery(
            measure_filter(self.measure, moment, team_id=self.team_id, assignee_id=self.assignee_id)
        )


def standard_queues(session: DeskSession) -> list[QueueEntry | str]:
    """The queues an agent sees, with headings between groups."""
    teams = session.directory.teams if session.supervises else session.my_teams
    entries: list[QueueEntry | str] = [
        QueueEntry("mine", tr("My tickets"), QueueKind.MINE),
        QueueEntry("unassigned", tr("Unassigned"), QueueKind.UNASSIGNED),
    ]
    if teams:
        entries.append(tr("Teams"))
        entries += [QueueEntry(f"team:{t.id}", t.name, QueueKind.TEAM, t.id) for t in teams]
    entries.append(tr("Views"))
    entries += [
        QueueEntry("all_open", tr("All open"), QueueKind.ALL_OPEN),
        QueueEntry("pending", tr("Pending"), QueueKind.PENDING),
        QueueEntry("overdue", tr("Overdue"), QueueKind.OVERDUE),
        QueueEntry("at_risk", tr("At risk"), QueueKind.AT_RISK),
        QueueEntry("due_today", tr("Due today"), QueueKind.DUE_TODAY),
        QueueEntry("recently_done", tr("Recently closed"), QueueKind.RECENTLY_DONE),
        QueueEntry("all", tr("All tickets"), QueueKind.ALL),
    ]
    return entries


class _CountDelegate(QStyledItemDelegate):
    """The queue's name on the left, its count on the right, headings in small capitals."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if index.data(HEADING_ROLE):
            painter.save()
            font = option.font
            font.setPointSizeF(font.pointSizeF() * 0.85)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
            rect = option.rect.adjusted(12, 8, -8, 0)
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                index.data().upper(),
            )
            painter.restore()
            return
        super().paint(painter, option, index)
        count = index.data(COUNT_ROLE)
        if count is None:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText))
        else:  # the text colour, softened: quieter than the queue's name in either theme
            softened = QColor(option.palette.color(QPalette.ColorRole.Text))
            softened.setAlpha(170)
            painter.setPen(softened)
        rect = QRect(option.rect).adjusted(0, 0, -12, 0)
        painter.drawText(
            rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{count:,}"
        )
        painter.restore()

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        count = index.data(COUNT_ROLE)
        if count is not None and option.rect.width() > 0:
            # A long team name in a narrow pane is cut short before its count, not under it.
            room = option.rect.width() - option.fontMetrics.horizontalAdvance(f"{count:,}") - 36
            option.text = option.fontMetrics.elidedText(
                option.text, Qt.TextElideMode.ElideRight, max(room, 0)
            )

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), 34 if index.data(HEADING_ROLE) else 30)


class QueueList(QListWidget):
    #: The queue the agent picked (its key).
    queueChosen = Signal(str)
    #: Counting failed (the exception); the counts shown stay.
    countsFailed = Signal(object)

    def __init__(
        self,
        session: DeskSession,
        parent: QWidget | None = None,
        *,
        ops: Ops | None = None,
        hub: ChangeHub | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._counting = False
        #: Queues gone stale while a count runs (None: all of them), counted after it.
        self._stale: set[str] | None = set()
        #: Count reads started (tests, the benchmark: a change must not re-count them all).
        self.counted_queues = 0
        self.setObjectName("queueList")
        self.setItemDelegate(_CountDelegate(self))
        self.setUniformItemSizes(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entries: dict[str, QueueEntry] = {}
        self.search_query: QueueQuery | None = None
        self.currentItemChanged.connect(self._on_current_item_changed)
        self.set_session(session)
        if hub is not None:
            hub.changed.connect(self._on_hub_changed)
        self._clock = QTimer(self, interval=CLOCK_RECOUNT_MS)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._clock.start()

    # --- live counts ----------------------------------------------------------------------

    def recount(self, keys: set[str] | None = None) -> None:
        """Count these queues again (None: all of them), in one read in the background."""
        if self._ops is None:
            return
        if self._counting:
            if keys is None or self._stale is None:
                self._stale = None
            else:
                self._stale |= keys
            return
        wanted = self.count_queries()
        if keys is not None:
            wanted = {k: q for k, q in wanted.items() if k in keys}
        if not wanted:
            return
        self.counted_queues += len(wanted)
        self._counting = True
        db = self._session.db
        self._ops.run(
            self,
            lambda: queries.queue_counts(db, wanted),
            self._on_counted,
            self._on_count_failed,
            what=tr("Counting"),
        )

    def _on_counted(self, counts: dict[str, int]) -> None:
        self.show_counts(counts)
        self._count_stale()

    def _on_count_failed(self, exc: BaseException) -> None:
        self.countsFailed.emit(exc)
        self._count_stale()

    def _count_stale(self) -> None:
        self._counting = False
        stale, self._stale = self._stale, set()
        if stale is None or stale:
            self.recount(stale)

    def stale_counts(self, changes: Changes) -> set[str] | None:
        """The queues whose count `changes` may have moved (None: every queue)."""
        if changes.everything:
            return None
        stale = {
            key
            for key, query in self.count_queries().items()
            if changes.moves.may_change(query.filter)
        }
        if self.search_query is not None and (changes.tickets or changes.queues_moved):
            stale.add(SEARCH)  # a search matches words, which no filter describes
        return stale

    def clock_keys(self) -> set[str]:
        return {key for key, entry in self.entries.items() if entry.kind in CLOCK_QUEUES}

    def _on_clock_timeout(self) -> None:
        if keys := self.clock_keys():
            self.recount(keys)

    @Slot(object)
    def _on_hub_changed(self, changes: Changes) -> None:
        stale = self.stale_counts(changes)
        if stale is None or stale:
            self.recount(stale)

    def set_session(self, session: DeskSession) -> None:
        self._session = session
        current = self.current_key()
        measure = self.entries.get(MEASURE)
        self.blockSignals(True)
        self.clear()
        self.entries = {}
        for entry in standard_queues(session):
            if isinstance(entry, str):
                item = QListWidgetItem(entry)
                item.setData(HEADING_ROLE, True)
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            else:
                item = QListWidgetItem(entry.title)
                item.setData(KEY_ROLE, entry.key)
                self.entries[entry.key] = entry
            self.addItem(item)
        if measure is not None:  # the dashboard's queue stays through a directory change
            self.entries[MEASURE] = measure
            item = QListWidgetItem(measure.title)
            item.setData(KEY_ROLE, MEASURE)
            self.insertItem(0, item)
        self.blockSignals(False)
        if self.search_query is not None:
            self._add_search_item()
        self.choose(current or "mine", emit=False)
        self.recount()  # a new team is a new queue; a team gone takes its count with it

    def current_key(self) -> str | None:
        item = self.currentItem()
        return item.data(KEY_ROLE) if item is not None else None

    def choose(self, key: str, *, emit: bool = True) -> None:
        for row in range(self.count()):
            if self.item(row).data(KEY_ROLE) == key:
                self.blockSignals(not emit)
                self.setCurrentRow(row)
                self.blockSignals(False)
                return

    def query_for(self, key: str) -> QueueQuery:
        if key == SEARCH:
            return self.search_query or QueueQuery(QueueFilter())
        return self.entries[key].query(self._session)

    def count_queries(self) -> dict[str, QueueQuery]:
        queries = {key: entry.query(self._session) for key, entry in self.entries.items()}
        if self.search_query is not None:
            queries[SEARCH] = self.search_query
        return queries

    def show_counts(self, counts: dict[str, int]) -> None:
        for row in range(self.count()):
            item = self.item(row)
            key = item.data(KEY_ROLE)
            if key in counts:
                item.setData(COUNT_ROLE, counts[key])

    def show_search(self, text: str) -> None:
        """A "Search results" queue for `text`, chosen at once."""
        self.search_query = QueueQuery(QueueFilter(), text=text)
        self._add_search_item()
        self.recount({SEARCH})
        if self.current_key() == SEARCH:
            self.queueChosen.emit(SEARCH)  # a new search in the same place
        else:
            self.choose(SEARCH)

    def show_measure(
        self,
        title: str,
        measure: Measure,
        *,
        team_id: int | None = None,
        assignee_id: int | None = None,
    ) -> None:
        """The queue a count of the dashboard counted, at the top of the list, chosen."""
        entry = MeasureEntry(MEASURE, title, None, team_id, measure, assignee_id)
        self.entries[MEASURE] = entry
        for row in range(self.count()):
            if self.item(row).data(KEY_ROLE) == MEASURE:
                self.item(row).setText(title)
                break
        else:
            item = QListWidgetItem(title)
            item.setData(KEY_ROLE, MEASURE)
            self.insertItem(0, item)
        self.recount({MEASURE})
        if self.current_key() == MEASURE:
            self.queueChosen.emit(MEASURE)
        else:
            self.choose(MEASURE)

    def _add_search_item(self) -> None:
        assert self.search_query is not None
        title = tr("Search: “{text}”").format(text=self.search_query.text)
        for row in range(self.count()):
            if self.item(row).data(KEY_ROLE) == SEARCH:
                self.item(row).setText(title)
                return
        item = QListWidgetItem(title)
        item.setData(KEY_ROLE, SEARCH)
        self.insertItem(0, item)

    def _on_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is not None and current.data(KEY_ROLE):
            self.queueChosen.emit(current.data(KEY_ROLE))

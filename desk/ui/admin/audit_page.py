"""Administration › Audit log (admins): every admin change, newest first, filtered by
who, what kind, a period and text; read a page at a time (keyset paging: scrolling on
fetches the next hundred, at any depth of the log), with the change's before and after
beside the list."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.domain.audit import AuditEntry, AuditFilter, Entity
from desk.domain.changes import Changes
from desk.services import audit
from desk.services.administration import AdminDirectory

from ..common import labels
from ..common.dialogs import error_text, mark_invalid
from ..common.labels import tr
from .admin_page import AdminContext

PAGE = 100
_Index = QModelIndex | QPersistentModelIndex


def _entity_labels() -> dict[Entity, str]:
    return {
        Entity.AGENT: tr("Agents"),
        Entity.TEAM: tr("Teams"),
        Entity.TOPIC: tr("Help topics"),
        Entity.SETTINGS: tr("Desk settings"),
        Entity.SLA: tr("Service levels"),
        Entity.ROUTING: tr("Routing rules"),
    }


class AuditModel(QAbstractTableModel):
    """The entries read so far; `fetchMore` reads the next page older than the last."""

    failed = Signal(str)

    def __init__(self, context: AdminContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._filter = AuditFilter()
        self.entries: list[AuditEntry] = []
        self._more = False
        self._loading = False
        self._generation = 0
        self.columns = [tr("When"), tr("Who"), tr("What")]

    def set_filter(self, wanted: AuditFilter) -> None:
        self._filter = wanted
        self._generation += 1
        self.beginResetModel()
        self.entries, self._more, self._loading = [], False, False
        self.endResetModel()
        self._load()

    def _load(self) -> None:
        db, me, generation = self._context.db, self._context.me, self._generation
        last = self.entries[-1].id if self.entries else None
        wanted = AuditFilter(**{**_fields(self._filter), "before_id": last})
        self._loading = True
        self._context.ops.run(
            self,
            lambda: audit.audit_page(db, me, wanted, PAGE),
            lambda page: self._on_page(generation, page),
            lambda exc: self._on_failed(generation, exc),
            what=tr("Reading the audit log"),
        )

    def _on_page(self, generation: int, page: Any) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if page.entries:
            first = len(self.entries)
            self.beginInsertRows(QModelIndex(), first, first + len(page.entries) - 1)
            self.entries.extend(page.entries)
            self.endInsertRows()
        self._more = page.more

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self.failed.emit(error_text(exc))

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        entry = self.entries[index.row()]
        if index.column() == 0:
            return labels.full_time(entry.created_at)
        if index.column() == 1:
            return entry.actor_name
        return entry.summary


def _fields(wanted: AuditFilter) -> dict[str, Any]:
    return {name: getattr(wanted, name) for name in AuditFilter.__dataclass_fields__}


def parse_day(text: str) -> datetime | None:
    """ "2026-12-01" as the start of that day (UTC); "" as no limit; ValueError else."""
    text = text.strip()
    if not text:
        return None
    return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)


class AuditPage(QWidget):
    #: A line for the window's status bar.
    message = Signal(str)

    def __init__(self, context: AdminContext) -> None:
        super().__init__(objectName="auditPage")
        self.context = context
        self.who = QComboBox(objectName="auditWho")
        self.who.addItem(tr("Anyone"), None)
        self.what = QComboBox(objectName="auditWhat")
        self.what.addItem(tr("Any change"), None)
        for entity, label in _entity_labels().items():
            self.what.addItem(label, entity)
        self.since = QLineEdit(objectName="auditSince", placeholderText=tr("from YYYY-MM-DD"))
        self.until = QLineEdit(objectName="auditUntil", placeholderText=tr("to YYYY-MM-DD"))
        self.text = QLineEdit(objectName="auditText", placeholderText=tr("Find text (Ctrl+F)"))
        self.text.setClearButtonEnabled(True)
        for box in (self.since, self.until):
            box.setMaximumWidth(130)
        self.problem = QLabel(objectName="fieldError", wordWrap=True)
        self.problem.hide()
        self.model = AuditModel(context, self)
        self.model.failed.connect(self._show_problem)
        self.table = QTableView(objectName="auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 140)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_entry())
        self.detail = QPlainTextEdit(objectName="auditDetail", readOnly=True)
        self.detail.setPlaceholderText(tr("Choose an entry to see what it changed."))
        filters = QHBoxLayout()
        filters.addWidget(self.who)
        filters.addWidget(self.what)
        filters.addWidget(self.since)
        filters.addWidget(self.until)
        filters.addWidget(self.text, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([560, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.problem)
        layout.addWidget(split, 1)
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self.apply_filter)
        for box in (self.since, self.until, self.text):
            box.textChanged.connect(lambda _t: self._timer.start())
        for choice in (self.who, self.what):
            choice.currentIndexChanged.connect(lambda _i: self.apply_filter())
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(
            QKeySequence("Ctrl+F"),
            self,
            activated=self.text.setFocus,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.model.rowsInserted.connect(lambda *_a: self._select_first())
        context.data.loaded.connect(self._on_loaded)
        context.data.changed.connect(self._on_data_changed)
        self.setTabOrder(self.who, self.what)
        self.setTabOrder(self.what, self.since)
        self.setTabOrder(self.since, self.until)
        self.setTabOrder(self.until, self.text)
        self.setTabOrder(self.text, self.table)
        self.apply_filter()

    def status_line(self) -> SignalInstance:
        """What it did, for the window's status bar (`pages.SaysInStatusBar`)."""
        return self.message

    def _on_loaded(self, directory: AdminDirectory) -> None:
        chosen = self.who.currentData()
        self.who.blockSignals(True)
        self.who.clear()
        self.who.addItem(tr("Anyone"), None)
        for agent in directory.agents:
            self.who.addItem(agent.name, agent.id)
        index = self.who.findData(chosen)
        self.who.setCurrentIndex(max(0, index))
        self.who.blockSignals(False)

    def _on_data_changed(self, changes: Changes) -> None:
        if changes.everything or "audit_log" in changes.settings:
            self.apply_filter()  # a new entry goes on top

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def current_filter(self) -> AuditFilter | None:
        problems = []
        moments: list[datetime | None] = []
        for box in (self.since, self.until):
            try:
                moments.append(parse_day(box.text()))
                mark_invalid(box, False)
            except ValueError:
                moments.append(None)
                mark_invalid(box, True)
                problems.append(tr("Write a day as YYYY-MM-DD, such as 2026-12-01."))
        if problems:
            self._show_problem(problems[0])
            return None
        since, until = moments
        if until is not None:
            until += timedelta(days=1)  # "to 1 December" takes in that day
        return AuditFilter(
            actor_id=self.who.currentData(),
            entity=self.what.currentData(),
            since=since,
            until=until,
            text=self.text.text().strip(),
        )

    def apply_filter(self) -> None:
        wanted = self.current_filter()
        if wanted is None:
            return
        self._show_problem("")
        self.detail.clear()
        self.model.set_filter(wanted)

    def _select_first(self) -> None:
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _show_entry(self) -> None:
        row = self.table.currentIndex().row()
        if not 0 <= row < len(self.model.entries):
            self.detail.clear()
            return
        entry = self.model.entries[row]
        lines = [
            entry.summary,
            tr("by {who}, {when}").format(
                who=entry.actor_name, when=labels.full_time(entry.created_at)
            ),
            tr("kind: {kind}").format(kind=entry.kind),
            "",
        ]
        if entry.changed_fields and entry.before is not None and entry.after is not None:
            lines.append(tr("Changed: {fields}").format(fields=", ".join(entry.changed_fields)))
            lines.append("")
        if entry.before is not None:
            lines += [tr("Before:"), json.dumps(entry.before, indent=2, ensure_ascii=False), ""]
        if entry.after is not None:
            lines += [tr("After:"), json.dumps(entry.after, indent=2, ensure_ascii=False)]
        self.detail.setPlainText("\n".join(lines))

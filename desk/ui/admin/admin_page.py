"""What every page of the Administration window shares: the data it shows (read once
for the window, again whenever the change hub says agents, teams, topics or settings
changed, this window's writes and other admins' alike), and a page's layout: a toolbar
of buttons, a find box over a list or tree, the selected item's details beside it.

A change is made in a FormDialog that stays open with the problem at its field until
the service accepts it; a version conflict (another admin saved the same record first)
shows who changed what and offers to reload or to keep the typed values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desk.domain.changes import Changes, Directory
from desk.domain.errors import RecordConflict
from desk.services import administration
from desk.services.administration import AdminDirectory

from ..common.change_hub import ChangeHub
from ..common.dialogs import FormDialog, error_text
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from .conflict import AdminConflictDialog

ID_ROLE = Qt.ItemDataRole.UserRole
#: Settings keys whose change the window re-reads on (the audit page its entries).
WATCHED_SETTINGS = frozenset({"audit_log", "desk_name", "phone_region", "ticket_prefix"})
_DIRECTORY = frozenset({Directory.AGENTS, Directory.TEAMS, Directory.TOPICS})


class AdminData(QObject):
    """The Administration window's lists, re-read from the hub."""

    #: The lists as they are now (an AdminDirectory).
    loaded = Signal(object)
    #: Something a page should re-read itself (the audit log): the hub's Changes.
    changed = Signal(object)
    failed = Signal(str)

    def __init__(self, session: DeskSession, ops: Ops, hub: ChangeHub, parent: QObject) -> None:
        super().__init__(parent)
        self.session = session
        self.ops = ops
        self.current: AdminDirectory | None = None
        hub.changed.connect(self._on_hub_changed)

    @Slot(object)
    def _on_hub_changed(self, changes: Changes) -> None:
        # Tickets that moved (released, reassigned, closed) change the open counts shown.
        if changes.everything or changes.directory & _DIRECTORY or changes.queues_moved:
            self.reread()
        if changes.everything or changes.settings & WATCHED_SETTINGS:
            self.changed.emit(changes)

    def reread(self) -> None:
        db, me = self.session.db, self.session.agent_id
        self.ops.run(
            self,
            lambda: administration.admin_directory(db, me),
            self._on_loaded,
            lambda exc: self.failed.emit(error_text(exc)),
            what=tr("Reading the desk's agents, teams and help topics"),
            latest="admin",
        )

    def _on_loaded(self, directory: AdminDirectory) -> None:
        self.current = directory
        self.loaded.emit(directory)


@dataclass(frozen=True)
class AdminContext:
    """What a page is made from (the page registry's factories take it)."""

    session: DeskSession
    ops: Ops
    hub: ChangeHub
    data: AdminData

    @property
    def db(self) -> Any:
        return self.session.db

    @property
    def me(self) -> int:
        return self.session.agent_id


class AdminPage(QWidget):
    """A toolbar, a find box over a tree of items, and the selected item's details."""

    #: A line for the window's status bar.
    message = Signal(str)

    def __init__(self, context: AdminContext, columns: list[str], object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.context = context
        self.dialog: FormDialog | None = None
        self.conflict_dialog: AdminConflictDialog | None = None
        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(6)
        self.search = QLineEdit(objectName="adminSearch")
        self.search.setPlaceholderText(tr("Find (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        self.tree = QTreeWidget(objectName="adminList")
        self.tree.setHeaderLabels(columns)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.currentItemChanged.connect(lambda *_a: self._on_current_changed())
        self.tree.itemActivated.connect(lambda *_a: self.activate())
        self.details = QFormLayout()
        self.details.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.note = QLabel(objectName="fieldError", wordWrap=True)
        self.note.hide()
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.tree, 1)
        right = QWidget(objectName="adminDetails")
        right.setMinimumWidth(300)
        self.side = side = QVBoxLayout(right)
        side.addLayout(self.details)
        side.addWidget(self.note)
        side.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(self.toolbar)
        layout.addWidget(split, 1)
        QShortcut(
            QKeySequence("Ctrl+F"),
            self,
            activated=self.search.setFocus,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.search.returnPressed.connect(self.tree.setFocus)
        context.data.loaded.connect(self._on_loaded)

    # --- what a page fills in -------------------------------------------------------------

    def fill(self, directory: AdminDirectory) -> None:
        raise NotImplementedError

    def show_details(self, item_id: int | None) -> None:
        raise NotImplementedError

    def activate(self) -> None:
        """Enter or a double click on an item: its edit dialog."""

    def update_buttons(self) -> None:
        """Enable what the selection and the reader's role allow."""

    def status_line(self) -> SignalInstance:
        """What it did, for the window's status bar (`pages.SaysInStatusBar`)."""
        return self.message

    # --- shared parts -----------------------------------------------------------------------

    @property
    def directory(self) -> AdminDirectory | None:
        return self.context.data.current

    def button(
        self, text: str, slot: Callable[[], object], keys: str = "", name: str = ""
    ) -> QPushButton:
        button = QPushButton(text)
        if name:
            button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        if keys:
            QShortcut(
                QKeySequence(keys),
                self,
                activated=lambda: button.isEnabled() and button.isVisible() and button.click(),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
            button.setToolTip(QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText))
        self.toolbar.addWidget(button)
        return button

    def current_id(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, ID_ROLE)

    def select_id(self, item_id: int | None) -> None:
        for item in self._items():
            if item.data(0, ID_ROLE) == item_id:
                self.tree.setCurrentItem(item)
                return

    def _items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            found.append(item)
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return found

    def refill(self, rows: list[tuple[int, list[str], int | None, bool]]) -> None:
        """(id, column texts, parent id or None, active) in order; keeps the selection."""
        keep = self.current_id()
        self.tree.blockSignals(True)
        self.tree.clear()
        made: dict[int, QTreeWidgetItem] = {}
        for item_id, texts, parent_id, active in rows:
            parent = made.get(parent_id) if parent_id is not None else None
            item = QTreeWidgetItem(texts) if parent is None else QTreeWidgetItem(parent, texts)
            item.setData(0, ID_ROLE, item_id)
            if not active:
                font = item.font(0)
                font.setItalic(True)
                for column in range(len(texts)):
                    item.setFont(column, font)
                    item.setForeground(column, self.palette().placeholderText())
            if parent is None:
                self.tree.addTopLevelItem(item)
            made[item_id] = item
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self._apply_filter(self.search.text())
        if keep is not None and keep in made:
            self.tree.setCurrentItem(made[keep])
        elif self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        for column in range(self.tree.columnCount() - 1):
            self.tree.resizeColumnToContents(column)
        self._on_current_changed()

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        matched: set[int] = set()
        for item in reversed(self._items()):  # children first: a parent shows for them
            texts = " ".join(item.text(c) for c in range(item.columnCount())).casefold()
            child_shown = any(not item.child(i).isHidden() for i in range(item.childCount()))
            matches = all(w in texts for w in words)
            if matches:
                matched.add(id(item))
            item.setHidden(not (matches or child_shown))
        current = self.tree.currentItem()
        if words and (current is None or id(current) not in matched):
            # The first row that matches itself, not a parent shown for its children.
            found = next((i for i in self._items() if id(i) in matched), None)
            if found is not None:
                self.tree.setCurrentItem(found)

    def _on_loaded(self, directory: AdminDirectory) -> None:
        self.fill(directory)

    def _on_current_changed(self) -> None:
        self.show_details(self.current_id())
        self.update_buttons()

    def clear_details(self) -> None:
        while self.details.rowCount():
            self.details.removeRow(0)

    def detail(self, label: str, value: str, name: str = "") -> QLabel:
        shown = QLabel(value, wordWrap=True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if name:
            shown.setObjectName(name)
        self.details.addRow(label, shown)
        return shown

    def say(self, text: str, problem: bool = False) -> None:
        """A problem under the details (until the next word); anything else goes to the
        window's status bar."""
        self.note.setText(text if problem else "")
        self.note.setVisible(problem and bool(text))
        if text and not problem:
            self.message.emit(text)

    # --- changes through a dialog -----------------------------------------------------------

    def open_form(
        self,
        dialog: FormDialog,
        work: Callable[[dict[str, Any]], Callable[[], Any]],
        on_saved: Callable[[Any], None],
        reopen: Callable[[], None] | None = None,
    ) -> FormDialog:
        """Show `dialog`; on submit run `work(values)()` in the background: success closes
        it, a problem shows at its field, a conflict asks what to do."""

        def submitted(values: dict[str, Any]) -> None:
            task = work(values)
            self.context.ops.run(
                dialog,
                task,
                lambda result: (dialog.accept(), on_saved(result)),
                lambda exc: self._on_form_failed(dialog, exc, reopen),
                what=dialog.windowTitle(),
                write=True,
            )

        dialog.submitted.connect(submitted)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_versioned(
        self,
        dialog: FormDialog,
        record: tuple[int, int],
        work: Callable[[dict[str, Any], int], Callable[[], Any]],
        on_saved: Callable[[Any], None],
        again: Callable[[], object] | None = None,
    ) -> FormDialog:
        """`open_form` for a change to the agent, team or topic `record` (its id and the
        version read): `work(values, version)` gets the version to save over, the one
        read or, once the admin keeps their edits over a conflict, the one saved since;
        `again` is the edit a conflict's Reload opens anew on the record as it is now."""
        record_id, version = record
        versioned(dialog, record_id, version)
        reopen = None if again is None else lambda: (self.select_id(record_id), again())
        return self.open_form(
            dialog,
            lambda values: work(values, int(dialog.property("version"))),
            on_saved,
            reopen,
        )

    def confirm_active(
        self, record: Any, intro: str, save: Callable[[int, bool], Any], object_name: str
    ) -> FormDialog:
        """ "Deactivate Sam?" (or "Reactivate Sam?") for the agent, team or topic `record`,
        `intro` saying what it does; then `save(version, active)` in the background, and
        "Deactivated Sam." in the status bar."""
        active = not record.active
        if active:
            title, verb = tr("Reactivate {name}?"), tr("Reactivate")
        else:
            title, verb = tr("Deactivate {name}?"), tr("Deactivate")
        dialog = FormDialog(title.format(name=record.name), intro, verb, self)
        dialog.setObjectName(object_name)

        def saved(result: Any) -> None:
            said = tr("Reactivated {name}.") if result.active else tr("Deactivated {name}.")
            self.say(said.format(name=result.name))

        return self.open_versioned(
            dialog, (record.id, record.version), lambda _v, at: lambda: save(at, active), saved
        )

    def _forget(self, dialog: FormDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _on_form_failed(
        self, dialog: FormDialog, exc: BaseException, reopen: Callable[[], None] | None
    ) -> None:
        if not isinstance(exc, RecordConflict):
            dialog.show_problem(exc)
            dialog.adjustSize()  # room for the message under its field
            return
        dialog.set_working(False)
        conflict = AdminConflictDialog(exc, dialog)

        def answered(reload: int) -> None:
            if reload and isValid(dialog):
                record_id, version = dialog.property("record_id"), dialog.property("version")
                dialog.reject()
                if reopen is not None:
                    self.when_newer(record_id, version, lambda _directory: reopen())
            elif isValid(dialog):
                self.keep_edits(dialog)
            self.conflict_dialog = None
            conflict.deleteLater()

        conflict.finished.connect(answered)
        self.conflict_dialog = conflict
        conflict.open()

    def keep_edits(self, dialog: FormDialog) -> None:
        """The admin keeps what they typed over the other change: once the page has the
        record as it is now, the dialog saves over its current version."""

        def take_version(directory: object) -> None:
            if isValid(dialog):
                record = self.record(directory, dialog.property("record_id"))
                if record is not None:
                    dialog.setProperty("version", record.version)

        self.when_newer(dialog.property("record_id"), dialog.property("version"), take_version)

    def when_newer(
        self, record_id: int | None, version: int | None, then: Callable[[Any], None]
    ) -> None:
        """`then(directory)` once the window's lists hold record `record_id` newer than
        `version`: the other admin's save that made the conflict reaches the lists through
        the hub's re-read like any change, so this only waits for it (usually it came
        while the conflict was on screen, and `then` runs at once). A page without
        versions, or a record gone from the lists, does not wait."""
        data = self.context.data

        def newer(directory: Any) -> bool:
            record = self.record(directory, record_id)
            return record is None or version is None or record.version > int(version)

        if data.current is not None and newer(data.current):
            then(data.current)
            return

        def once(directory: Any) -> None:
            if newer(directory):
                data.loaded.disconnect(once)
                then(directory)

        data.loaded.connect(once)

    def record(self, directory: Any, record_id: int | None) -> Any:
        """The agent, team or topic `record_id` in `directory` (pages with versions)."""
        return None


def versioned(dialog: FormDialog, record_id: int, version: int) -> FormDialog:
    """Mark the dialog as editing `record_id` at `version` (what its Save sends)."""
    dialog.setProperty("record_id", record_id)
    dialog.setProperty("version", version)
    return dialog

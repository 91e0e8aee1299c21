"""What the service-level pages share: a page of the Administration window (`title()` and
`create(session, hub)`), its own background runner, errors said at the field, and a
re-read of the desk's service levels whenever the change hub says they changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.domain.changes import Changes
from desk.domain.errors import ValidationError
from desk.services import sla

from ..common.change_hub import ChangeHub
from ..common.dialogs import error_text, mark_invalid, with_error
from ..common.labels import full_time, tr
from ..common.ops import Ops
from ..common.session import DeskSession
from ..common.tasks import TaskRunner

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class ServiceLevelPage(QWidget):
    """Subclasses build their fields, then call `reload()`; `show_levels` shows a read."""

    @staticmethod
    def title() -> str:
        raise NotImplementedError

    @classmethod
    def create(cls, session: DeskSession, hub: ChangeHub | None) -> ServiceLevelPage:
        return cls(session, hub)

    def __init__(
        self, session: DeskSession, hub: ChangeHub | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.runner = TaskRunner(self)
        self._ops = Ops(self.runner, self)
        #: Field key (as the services name it) -> the field and the line under it.
        self.errors: dict[str, tuple[QWidget, QLabel]] = {}
        #: The page's word: what was saved, or what went wrong that no field shows.
        self.message = QLabel(objectName="muted", wordWrap=True)
        self.save_button: QPushButton | None = None
        if hub is not None:
            hub.changed.connect(self._on_hub_changed)

    # --- the page's shape -------------------------------------------------------------

    def save_row(self) -> QHBoxLayout:
        """The page's word on the left, its Save button on the right."""
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        if self.save_button is not None:
            row.addWidget(self.save_button)
        return row

    def list_and_editor(self, items: QListWidget, new: QPushButton, editor: QWidget) -> None:
        """What there is on the left (with its "New" button below), the editor on the right
        and the page's save row under it."""
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(items, 1)
        column.addWidget(new)
        # The editor scrolls rather than squash its fields when it is taller than the
        # window (on a 1366x768 screen, with a problem under a field or two); its Save
        # stays in sight below it.
        scroll = QScrollArea(objectName="editorScroll")
        scroll.setWidget(editor)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # On the page's own background (setWidget had the editor fill its own).
        scroll.viewport().setAutoFillBackground(False)
        editor.setAutoFillBackground(False)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(scroll, 1)
        save_row = self.save_row()
        if (inside := editor.layout()) is not None:  # the save row lines up with the fields
            margins = inside.contentsMargins()
            save_row.setContentsMargins(margins.left(), 0, margins.right(), margins.bottom())
        right_column.addLayout(save_row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        QVBoxLayout(self).addWidget(splitter)

    @staticmethod
    def list_names(
        items: QListWidget, names: list[tuple[str, int | None]], chosen: int | None
    ) -> None:
        """Fill the list (name, id) keeping `chosen` current, without announcing it."""
        items.blockSignals(True)
        items.clear()
        for name, item_id in names:
            item = QListWidgetItem(name)
            item.setData(ID_ROLE, item_id)
            items.addItem(item)
            if item_id == chosen:
                items.setCurrentItem(item)
        items.blockSignals(False)

    @staticmethod
    def versions_list(name: str) -> QListWidget:
        """The saved versions of what is edited, newest first (each counts from then)."""
        versions = QListWidget(objectName=name)
        versions.setMaximumHeight(84)
        versions.setToolTip(
            tr(
                "Each version counts from when it was saved: a ticket's business time "
                "before an edit stays counted in the version of then."
            )
        )
        return versions

    @staticmethod
    def show_versions(versions: QListWidget, infos: tuple[sla.SavedVersionInfo, ...]) -> None:
        versions.clear()
        for info in infos:
            text = tr("Version {v} · saved {time}").format(
                v=info.version, time=full_time(info.saved_at)
            )
            if info.saved_by:
                text += tr(" by {name}").format(name=info.saved_by)
            versions.addItem(text)

    # --- errors at the field ---------------------------------------------------------

    def with_error(self, key: str, widget: QWidget) -> QWidget:
        box, error = with_error(widget)
        self.errors[key] = (widget, error)
        return box

    def error_line(self, key: str) -> QLabel:
        """An error line of its own, for a problem of several fields (a table, say)."""
        error = QLabel(objectName="fieldError", wordWrap=True)
        error.hide()
        self.errors[key] = (error, error)
        return error

    def show_error(self, key: str, text: str | None) -> None:
        widget, error = self.errors[key]
        error.setText(text or "")
        error.setVisible(bool(text))
        if widget is not error:
            mark_invalid(widget, bool(text))

    def clear_errors(self) -> None:
        for key in self.errors:
            self.show_error(key, None)

    def show_problem(self, exc: BaseException) -> None:
        """What the service refused: at the fields it names, else in the page's word."""
        if self.save_button is not None:
            self.save_button.setEnabled(True)
        if not isinstance(exc, ValidationError):
            self.message.setText(error_text(exc))
            return
        first: QWidget | None = None
        for problem in exc.problems:
            if problem.field in self.errors:
                self.show_error(problem.field, problem.message)
                first = first or self.errors[problem.field][0]
            else:
                self.message.setText(problem.message)
        if first is not None:
            first.setFocus()

    # --- reading ---------------------------------------------------------------------

    def reload(self) -> None:
        db, me = self._session.db, self._session.agent_id
        self._ops.run(
            self,
            lambda: sla.service_levels(db, me),
            self.show_levels,
            lambda exc: self.message.setText(error_text(exc)),
            what=tr("Reading the service levels"),
            latest="read",
        )

    def show_levels(self, levels: sla.ServiceLevels) -> None:
        raise NotImplementedError

    def stale(self, changes: Changes) -> bool:
        """Whether `changes` may have changed what the page shows."""
        return changes.everything or sla.SLA_CHANGED in changes.settings

    def _on_hub_changed(self, changes: Changes) -> None:
        if self.stale(changes):
            self.reload()

    def recompute_in_background(self) -> None:
        """After an edit: bring the open tickets' due times up to it, off the GUI thread."""
        db = self._session.db
        self._ops.run(
            None, lambda: sla.recompute_open_tickets(db), what=tr("Recomputing due times")
        )

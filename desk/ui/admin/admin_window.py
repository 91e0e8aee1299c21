"""The Administration window (File › Administration…, admins and supervisors): the
pages listed on the left (`pages.PAGES`), the chosen one on the right. Keyboard first:
Ctrl+PgDn / Ctrl+PgUp move to the next or previous page, Alt+1 … Alt+9 go to one, Ctrl+W
closes. Every page re-reads from the change hub, so what it shows is what the database
holds, whoever changed it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desk.domain.permissions import Permission, can

from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from .admin_page import AdminContext, AdminData
from .pages import PAGES, PageSpec, SaysInStatusBar


class AdministrationWindow(QMainWindow):
    def __init__(
        self,
        session: DeskSession,
        ops: Ops,
        hub: ChangeHub,
        parent: QWidget | None = None,
        pages: Sequence[PageSpec] = PAGES,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("administration")
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle(tr("Administration — Desk"))
        self.data = AdminData(session, ops, hub, self)
        self.context = AdminContext(session, ops, hub, self.data)
        self.page_list = QListWidget(objectName="adminPages")
        self.page_list.setFixedWidth(170)
        self.page_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(objectName="adminStack")
        self.pages: dict[str, QWidget] = {}
        for spec in pages:
            if not can(session.agent, spec.permission):
                continue
            page = spec.factory(self.context)
            number = self.page_list.count() + 1
            title = tr(spec.title)
            self.page_list.addItem(title)
            if number <= 9:
                self.page_list.item(number - 1).setToolTip(f"Alt+{number}")
            self.stack.addWidget(page)
            self.pages[spec.title] = page
            if isinstance(page, SaysInStatusBar):
                page.status_line().connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.page_list.currentRowChanged.connect(self._on_page_list_current_row_changed)
        self.data.failed.connect(lambda text: self.statusBar().showMessage(text))
        #: For a supervisor: what they may change here, and that the rest is read-only.
        self.read_only_note = QLabel(
            tr(
                "You can change who is in each team. Everything else here is read-only: "
                "an admin changes it."
            ),
            objectName="dialogIntro",
            wordWrap=True,
        )
        self.read_only_note.setVisible(not can(session.agent, Permission.MANAGE_DESK))
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.read_only_note)
        layout = QHBoxLayout()
        column.addLayout(layout, 1)
        layout.addWidget(self.page_list)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)
        self.statusBar().showMessage(
            tr("Ctrl+PgDn / Ctrl+PgUp: next or previous page · Alt+1…9: a page")
        )
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            QShortcut(QKeySequence(keys), self, activated=lambda step=step: self.step(step))
        for number in range(1, min(9, self.page_list.count()) + 1):
            QShortcut(
                QKeySequence(f"Alt+{number}"),
                self,
                activated=lambda n=number: self.show_page(n - 1),
            )
        QShortcut(QKeySequence("Ctrl+W"), self, activated=self.close)
        self.resize(1040, 640)
        self.show_page(0)
        self.data.reread()

    def page(self, title: str) -> QWidget:
        """The page with this (source) title: "Agents", "Teams", …"""
        return self.pages[title]

    def show_titled(self, title: str) -> None:
        """Show the page with this (source) title, if this reader has it."""
        page = self.pages.get(title)
        if page is not None:
            self.show_page(self.stack.indexOf(page))

    def show_page(self, row: int) -> None:
        if 0 <= row < self.page_list.count():
            self.page_list.setCurrentRow(row)

    def step(self, offset: int) -> None:
        count = self.page_list.count()
        if count:
            self.show_page((self.page_list.currentRow() + offset) % count)

    def _on_page_list_current_row_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if page is not None and not self.page_list.hasFocus():
            target = page.findChild(QWidget, "adminList") or page.findChild(QWidget, "auditTable")
            (target or page).setFocus(Qt.FocusReason.OtherFocusReason)

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self.pages.values():
            dialog = getattr(page, "dialog", None)
            if dialog is not None:
                dialog.reject()
        super().closeEvent(event)


def show_administration(
    window: AdministrationWindow | None,
    session: DeskSession,
    ops: Ops,
    hub: ChangeHub,
    parent: QWidget,
    page: str | None = None,
) -> AdministrationWindow:
    """The Administration window, made the first time, raised afterwards (on `page`)."""
    from shiboken6 import isValid

    if window is None or not isValid(window):
        window = AdministrationWindow(session, ops, hub, parent)
    if page is not None:
        window.show_titled(page)
    window.show()
    window.raise_()
    window.activateWindow()
    return window

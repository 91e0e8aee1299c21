"""Administration › Desk settings: what every agent's Desk shares, shown as it is now
(re-read when anyone changes it), changed in the Desk settings dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desk.domain.changes import Changes
from desk.services import desk_settings

from ..common.dialogs import error_text
from ..common.labels import tr
from .admin_page import AdminContext
from .desk_settings_dialog import DeskSettingsDialog, region_name


class SettingsPage(QWidget):
    #: A line for the window's status bar.
    message = Signal(str)

    def __init__(self, context: AdminContext) -> None:
        super().__init__(objectName="settingsPage")
        self.context = context
        self.dialog: DeskSettingsDialog | None = None
        self.current: desk_settings.DeskSettings | None = None
        self.change_button = QPushButton(tr("Change…"), objectName="changeSettings")
        self.change_button.setToolTip("Ctrl+E")
        self.change_button.clicked.connect(lambda _c=False: self.change())
        QShortcut(
            QKeySequence("Ctrl+E"),
            self,
            activated=self.change_button.click,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.desk_name = QLabel(objectName="shownDeskName")
        self.region = QLabel(objectName="shownRegion")
        self.prefix = QLabel(objectName="shownPrefix")
        self.problem = QLabel(objectName="fieldError", wordWrap=True)
        self.problem.hide()
        form = QFormLayout()
        form.addRow(tr("Desk's name"), self.desk_name)
        form.addRow(tr("Country for phone numbers"), self.region)
        form.addRow(tr("Ticket numbers"), self.prefix)
        top = QHBoxLayout()
        top.addWidget(self.change_button)
        top.addStretch(1)
        intro = QLabel(
            tr("These settings are the same for every agent of this desk."),
            objectName="dialogIntro",
            wordWrap=True,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        context.data.changed.connect(self._on_data_changed)
        context.data.loaded.connect(lambda _d: self._show_role())
        self.reread()

    def status_line(self) -> SignalInstance:
        """What it did, for the window's status bar (`pages.SaysInStatusBar`)."""
        return self.message

    def _show_role(self) -> None:
        current = self.context.data.current
        self.change_button.setVisible(current is not None and current.may_manage)

    def _on_data_changed(self, changes: Changes) -> None:
        keys = {desk_settings.DESK_NAME, desk_settings.PHONE_REGION, desk_settings.TICKET_PREFIX}
        if changes.everything or changes.settings & keys:
            self.reread()

    def reread(self) -> None:
        db = self.context.db
        self.context.ops.run(
            self,
            lambda: desk_settings.read_settings(db),
            self._on_read,
            lambda exc: self._show_problem(error_text(exc)),
            what=tr("Reading the desk settings"),
            latest="settings",
        )

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def _on_read(self, current: desk_settings.DeskSettings) -> None:
        self.current = current
        self._show_problem("")
        self.desk_name.setText(current.desk_name)
        self.region.setText(region_name(current.phone_region))
        self.prefix.setText(
            tr("{prefix}000123 (this prefix, then the ticket's number)").format(
                prefix=current.ticket_prefix
            )
        )

    def change(self) -> DeskSettingsDialog | None:
        if self.current is None or not self.change_button.isVisible():
            return None
        dialog = DeskSettingsDialog(
            self.context.session, self.context.ops.runner, self.current, self
        )
        self.dialog = dialog

        def finished(accepted: int) -> None:
            if accepted:
                self.message.emit(tr("Saved the desk settings."))
            if self.dialog is dialog:
                self.dialog = None
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

"""The Help menu's windows: the list of keys (F1) and the About box."""

from __future__ import annotations

import html
import platform

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from desk import __version__

from ..common.dialogs import error_text
from ..common.labels import tr
from ..common.session import DeskSession
from ..common.tasks import TaskRunner


class HelpWindows(QObject):
    def __init__(self, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._runner, self._parent = runner, parent
        #: The About box while it is open.
        self.about_box: QMessageBox | None = None
        #: Help › Keyboard shortcuts, once it has been opened.
        self.shortcuts_dialog: QDialog | None = None

    def show_shortcuts(self) -> None:
        """Help › Keyboard shortcuts (F1): the list of keys, beside the window."""
        from .shortcuts_help import ShortcutsDialog

        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self._parent)
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        self.shortcuts_dialog.activateWindow()

    def about(self, session: DeskSession) -> None:
        """The About box: Desk's, Qt's and the database server's versions."""
        where = session.database_description
        self._runner.run(
            session.db.server_version,
            lambda server: self._show_about(server, where),
            lambda exc: self._show_about(error_text(exc), where),
        )

    def _show_about(self, server: str, where: str) -> None:
        text = tr(
            "<b>Desk {version}</b><br>The help desk client.<br><br>"
            "Qt {qt}<br>Python {python}<br>Database: {server}<br>{where}"
        ).format(
            version=__version__,
            qt=_qt_version(),
            python=platform.python_version(),
            server=html.escape(server),
            where=html.escape(where),
        )
        box = QMessageBox(QMessageBox.Icon.NoIcon, tr("About Desk"), text, parent=self._parent)
        box.setObjectName("aboutBox")
        box.setIconPixmap(self._parent.windowIcon().pixmap(64, 64))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.finished.connect(box.deleteLater)
        box.destroyed.connect(self._on_about_box_destroyed)
        self.about_box = box
        box.open()

    def _on_about_box_destroyed(self) -> None:
        self.about_box = None


def _qt_version() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return f"{qVersion()} (PySide6 {pyside_version})"

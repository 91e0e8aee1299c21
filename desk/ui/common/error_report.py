"""Unexpected errors: the traceback to the log, and a dialog saying what happened and where
the log is, while Desk keeps running.

`ErrorReporter.install()` takes over `sys.excepthook` (which PySide6 also calls for an
exception raised in a slot or an overridden Qt method) and `threading.excepthook`.
Errors Desk expects (`DeskError`) never come here: they are shown where they happen.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from .desk_dialog import DeskDialog
from .labels import tr

log = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def summary(exc: BaseException, tb: TracebackType | None) -> str:
    """One line: the error and the line of Desk (or a library) where it happened."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    frames = traceback.extract_tb(tb) if tb is not None else []
    if not frames:
        return what
    last = frames[-1]
    return tr("{what}, in {function}() at {file}, line {line}").format(
        what=what, file=Path(last.filename).name, line=last.lineno, function=last.name
    )


class UnexpectedErrorDialog(DeskDialog):
    """What happened, that Desk carries on, where the log is; the traceback on request."""

    def __init__(
        self, what: str, details: str, log_file: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unexpectedError")
        self.setWindowTitle(tr("Desk ran into a problem"))
        self.setMinimumWidth(560)
        self._log_file = log_file
        self._details_text = details
        self.more = 0
        heading = QLabel(tr("<b>Something went wrong that Desk did not expect.</b>"))
        self.what = QLabel(what, objectName="dialogIntro", wordWrap=True)
        self.what.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        advice = QLabel(
            tr(
                "Desk is still running. If what you were doing did not finish, try it again; "
                "if the problem comes back, send the log to whoever looks after Desk."
            ),
            wordWrap=True,
        )
        where = str(log_file) if log_file else tr("(no log file: Desk could not create one)")
        self.log_path = QLabel(
            tr("The details are in the log: {path}").format(path=where),
            objectName="logPath",
            wordWrap=True,
        )
        self.log_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.more_label = QLabel(objectName="muted")
        self.more_label.hide()
        self.details = QPlainTextEdit(details, objectName="traceback", readOnly=True)
        self.details.setMinimumHeight(180)
        self.details.hide()

        buttons = QDialogButtonBox()
        self.details_button = buttons.addButton(
            tr("Show details"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.details_button.clicked.connect(self._on_details_button_clicked)
        self.open_log_button = buttons.addButton(
            tr("Open the log folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_log_button.setEnabled(log_file is not None)
        self.open_log_button.clicked.connect(self._on_open_log_button_clicked)
        copy = buttons.addButton(tr("Copy details"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self._on_copy_clicked)
        self.close_button: QPushButton = buttons.addButton(
            tr("Close"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.set_primary(self.close_button)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        for widget in (heading, self.what, advice, self.log_path, self.more_label):
            layout.addWidget(widget)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def add_another(self) -> None:
        """Another error while this one is open: count it rather than pile up dialogs."""
        self.more += 1
        self.more_label.setText(
            tr("{count} more unexpected errors since; they are in the log too.").format(
                count=self.more
            )
        )
        self.more_label.show()

    def _on_details_button_clicked(self) -> None:
        shown = not self.details.isVisible()
        self.details.setVisible(shown)
        self.details_button.setText(tr("Hide details") if shown else tr("Show details"))
        self.adjustSize()

    def _on_open_log_button_clicked(self) -> None:
        if self._log_file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._log_file.parent)))

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(f"{self.what.text()}\n\n{self._details_text}")


class ErrorReporter(QObject):
    """Catches what nobody else caught, logs it, tells the person, keeps Desk running."""

    #: (one-line summary, traceback text): emitted from any thread, shown on the GUI thread.
    _caught = Signal(str, str)

    def __init__(self, log_file: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        #: The dialog on screen, if any (tests and screenshots reach it here).
        self.dialog: UnexpectedErrorDialog | None = None
        self._previous: tuple[object, object] | None = None
        self._caught.connect(self._show)

    def install(self) -> None:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self._on_excepthook
            threading.excepthook = self._on_threading_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def report(self, exc: BaseException) -> None:
        """An unexpected exception that was caught somewhere (a background task, say)."""
        self._handle(type(exc), exc, exc.__traceback__)

    def _on_excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in a terminal: stop, as asked
            sys.__excepthook__(exc_type, exc, tb)
            QApplication.quit()
            return
        self._handle(exc_type, exc, tb)

    def _on_threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self._handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        try:
            log.critical("Unexpected error", exc_info=(exc_type, exc, tb))
            details = "".join(traceback.format_exception(exc_type, exc, tb))
            self._caught.emit(summary(exc, tb), details)
        except Exception:  # the hook itself must never raise: fall back to stderr
            sys.__excepthook__(exc_type, exc, tb)

    def _show(self, what: str, details: str) -> None:
        if self.dialog is not None and isValid(self.dialog):  # not gone with its window
            if self.dialog.isVisible():
                self.dialog.add_another()
                return
            self.dialog.deleteLater()
        self.dialog = UnexpectedErrorDialog(what, details, self.log_file, _window())
        self.dialog.open()


def _window() -> QWidget | None:
    """The window to show the dialog over: the active one, else any visible main window."""
    active = QApplication.activeWindow()
    if active is not None:
        return active
    return next((w for w in QApplication.topLevelWidgets() if w.isVisible()), None)

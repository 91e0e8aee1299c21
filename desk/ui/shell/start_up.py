"""What Desk shows before its window: the progress of a first start, the question before
making a new desk at an unusual path, and a start-up problem said in a window.

A packaged Windows program has no console, so whatever stops Desk before its window must
be said in a window too; and this module imports only Qt, so `desk` can show the progress
before it loads the rest of itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desk.domain.errors import DatabaseError, DeskError

from ..common.labels import tr
from ..common.tasks import TaskRunner

T = TypeVar("T")

#: Opening a database that is not new shows the progress only if it takes longer than this.
SHOW_AFTER_MS = 300
#: How long `show_now` waits for the first paint (a slow X server may take a moment).
FIRST_PAINT_WAIT_MS = 400


class StartProgress(QProgressDialog):
    """Opening, upgrading or seeding the database, before the window: the work runs in
    the background while this dialog keeps painting."""

    #: (done, total) from the work's thread; the bar follows on the GUI thread.
    step = Signal(int, int)
    _painted = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, "", 0, 0, parent)  # 0..0: busy until a step says how far
        self.setObjectName("startProgress")
        self.setWindowTitle(tr("Desk"))
        self.setCancelButton(None)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(360)
        # Shown by itself only when the work is slow; `show_now` for a first start.
        self.setMinimumDuration(SHOW_AFTER_MS)
        self.step.connect(self._on_step)

    def show_now(self) -> None:
        """Show at once and wait (briefly) until it is on the screen, before slow work."""
        self.show()
        self.raise_()
        loop = QEventLoop()
        self._painted.connect(loop.quit)
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, loop.quit)
        loop.exec()
        self._painted.disconnect(loop.quit)

    def wait_for(self, work: Callable[[], T]) -> T:
        """`work()` on a background thread while the dialog stays responsive; its result,
        or its exception raised here."""
        runner = TaskRunner(self)
        loop = QEventLoop()
        outcome: list[tuple[bool, object]] = []

        def finish(ok: bool, value: object) -> None:
            outcome.append((ok, value))
            loop.quit()

        runner.run(work, lambda result: finish(True, result), lambda exc: finish(False, exc))
        if not outcome:
            loop.exec()
        runner.wait()
        ok, value = outcome[0]
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]

    def finish(self) -> None:
        """The work is done: go away (and never show by itself later)."""
        self.reset()
        self.close()
        self.deleteLater()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._painted.emit()

    def _on_step(self, done: int, total: int) -> None:
        if self.maximum() != total:
            self.setRange(0, total)
        self.setValue(done)


def ask_to_create_desk(path: Path, parent: QWidget | None = None) -> bool:
    """No database at `path`, which does not end as Desk's files do: a typo, or a new desk?
    Enter and Escape keep to the safe answer (nothing is created)."""
    box = QMessageBox(parent)
    box.setObjectName("createDeskQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("Desk"))
    box.setText(tr("There is no Desk database at {path}.").format(path=path))
    box.setInformativeText(
        tr(
            "Create a new desk there? If you meant an existing desk, check the path; Desk's "
            "own files end in .sqlite3."
        )
    )
    create = box.addButton(tr("&Create a new desk"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is create


def start_up_problem_box(problem: DeskError, parent: QWidget | None = None) -> QMessageBox:
    """A problem that stops Desk before its window, in a window (Enter or Escape closes it)."""
    box = QMessageBox(parent)
    box.setObjectName("startUpProblem")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(tr("Desk"))
    if isinstance(problem, DatabaseError):
        box.setText(tr("Desk cannot open its database."))
    else:
        box.setText(tr("Desk cannot start."))
    box.setInformativeText(problem.message)
    close = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    return box

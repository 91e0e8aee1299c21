"""Database work off the GUI thread: a small helper over QThreadPool.

`TaskRunner.run(work, on_done, on_error)` runs `work()` on a pool thread and calls
`on_done(result)` or `on_error(exception)` back on the GUI thread, so no widget is ever
touched from a worker. The runner reports itself busy once work has taken longer than a
blink, so the window can say so without flickering on every fast query.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)

BLINK_MS = 150
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Job(QRunnable):
    def __init__(self, job_id: int, work: Callable[[], Any], runner: TaskRunner) -> None:
        super().__init__()
        self._id = job_id
        self._work = work
        self._runner = runner

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # handed to the GUI thread, never lost
            self._hand_over(False, exc)
        else:
            self._hand_over(True, result)

    def _hand_over(self, succeeded: bool, outcome: object) -> None:
        try:
            signal = self._runner._succeeded if succeeded else self._runner._failed
            signal.emit(self._id, outcome)
        except RuntimeError:  # the runner went with its window (Desk quitting meanwhile)
            log.debug("a background result came after its runner was gone")


class TaskRunner(QObject):
    #: True when work has been running for longer than a blink; False when all is done.
    busyChanged = Signal(bool)
    #: An error that no caller handled: (what was being done, the exception).
    unhandledError = Signal(str, object)
    #: Every job as it finishes, before its own callback runs: (job id, `time.monotonic()`
    #: when it was started, the exception or None). What watches the database's health
    #: learns from everyone's work, and can tell an old failure from a new one.
    jobFinished = Signal(int, float, object)

    _succeeded = Signal(int, object)
    _failed = Signal(int, object)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[str, Done | None, Failed | None]] = {}
        self._started: dict[int, float] = {}
        #: Jobs that never make the runner look busy (a health check every few seconds).
        self._quiet: set[int] = set()
        self._busy = False
        self._blink = QTimer(self, singleShot=True, interval=BLINK_MS)
        self._blink.timeout.connect(self._on_blink_timeout)
        self._succeeded.connect(self._on_succeeded, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        what: str = "",
        quiet: bool = False,
    ) -> int:
        job_id = next(self._ids)
        self._callbacks[job_id] = (what, on_done, on_error)
        self._started[job_id] = time.monotonic()
        if quiet:
            self._quiet.add(job_id)
        elif not self._blink.isActive() and not self._busy:
            self._blink.start()
        self._pool.start(_Job(job_id, work, self))
        return job_id

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the pool is idle (closing the window, tests)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object)
    def _on_succeeded(self, job_id: int, result: object) -> None:
        started = self._started.get(job_id, 0.0)
        _what, on_done, _on_error = self._finish(job_id)
        self.jobFinished.emit(job_id, started, None)
        if on_done is not None:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, exc: BaseException) -> None:
        started = self._started.get(job_id, 0.0)
        what, _on_done, on_error = self._finish(job_id)
        self.jobFinished.emit(job_id, started, exc)
        if on_error is not None:
            on_error(exc)
        else:
            self.unhandledError.emit(what, exc)

    def _finish(self, job_id: int) -> tuple[str, Done | None, Failed | None]:
        callbacks = self._callbacks.pop(job_id, ("", None, None))
        self._started.pop(job_id, None)
        self._quiet.discard(job_id)
        if not self._working():
            self._blink.stop()
            self._set_busy(False)
        return callbacks

    def _working(self) -> bool:
        return any(job_id not in self._quiet for job_id in self._callbacks)

    def _on_blink_timeout(self) -> None:
        if self._working():
            self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

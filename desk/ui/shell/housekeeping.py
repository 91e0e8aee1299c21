"""The running Desk's share of housekeeping: each minute, off the GUI thread, one sweep
(breaches recorded and escalated, resolved tickets closed, a recompute finished) if this
Desk holds or can take the housekeeping lease (desk.services.housekeeping: an advisory
lock and a lease row on PostgreSQL, the lease row with its expiry on SQLite). So however
many Desks are open, one sweeps at a time; the others' attempts return at once.

What a sweep writes reaches every view as any write does: through the change feed.
"""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QObject, QTimer, Signal

from desk.services import housekeeping
from desk.services.database import Database
from desk.services.housekeeping import SweepResult

from ..common.tasks import TaskRunner

log = logging.getLogger(__name__)

SWEEP_MS = 60_000
#: The first sweep after the window opens: soon, but not in the way of the first queue.
FIRST_SWEEP_MS = 5_000


class Housekeeper(QObject):
    #: A sweep this Desk ran (a `SweepResult`; `swept` False: another Desk holds the lease).
    swept = Signal(object)

    def __init__(self, db: Database, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db, self._runner = db, runner
        feed = getattr(db, "feed", None)
        #: Who this Desk is in the lease row: its id in the change feed.
        self.holder = (getattr(feed, "client_id", "") or uuid.uuid4().hex)[:32]
        self._running = False
        self._writable = True
        self._failures = 0
        self._timer = QTimer(self, interval=SWEEP_MS)
        self._timer.timeout.connect(self.sweep_now)

    def start(self, first_ms: int = FIRST_SWEEP_MS) -> None:
        self._timer.start()
        QTimer.singleShot(first_ms, self, self.sweep_now)

    def stop(self) -> None:
        self._timer.stop()

    def set_writable(self, writable: bool, _why: str = "") -> None:
        """A read-only or unreachable database is not swept (the monitor says why)."""
        self._writable = writable

    def sweep_now(self) -> None:
        if self._running or not self._writable or not self._timer.isActive():
            return
        self._running = True
        db, holder = self._db, self.holder
        self._runner.run(
            lambda: housekeeping.sweep(db, holder),
            self._on_swept,
            self._on_failed,
            what="housekeeping",
            quiet=True,  # not the agent's work: no "Working…" for it
        )

    def _on_swept(self, result: SweepResult) -> None:
        self._running = False
        self._failures = 0
        if result.problems:
            log.warning("housekeeping: %s", "; ".join(result.problems))
        self.swept.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._running = False
        self._failures += 1
        # Once per run of failures: a server away for an hour is one line, not sixty.
        if self._failures == 1:
            log.warning("housekeeping sweep failed: %s", exc)

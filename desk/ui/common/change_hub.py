"""One signal for everything that changed: this window's writes, other agents' (from the
change feed), and what the clock changes (a presence that expires, a due time passed).

Views connect to `changed` and decide for themselves what to re-read from the `Changes`
they get; nobody calls a neighbour's refresh. Changes arrive from any thread (a commit on
a pool thread, the listener's own thread) and are delivered on the GUI thread, merged:
the first change of a burst starts a short wait (`COALESCE_MS`) and everything that came
meanwhile goes out as one `Changes`, so twenty agents at work cost each view at most one
re-read per wait, whatever the number of writes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from desk.domain.changes import Changes
from desk.services import live
from desk.services.database import SqlDatabase

log = logging.getLogger(__name__)

COALESCE_MS = 100


class ChangeHub(QObject):
    #: Something changed (a merged `Changes`, never empty), on the GUI thread.
    changed = Signal(object)
    #: Whether other agents' changes are arriving (False while the server is away: views
    #: may say so; everything missed arrives once it is back).
    connectedChanged = Signal(bool)

    # From any thread to the hub's: queued, so slots run on the GUI thread.
    _arrived = Signal(object)
    _state = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, coalesce_ms: int = COALESCE_MS) -> None:
        super().__init__(parent)
        self._pending = Changes()
        self._timer = QTimer(self, singleShot=True, interval=coalesce_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)
        self._state.connect(self.connectedChanged, Qt.ConnectionType.QueuedConnection)
        self._listener: live.ChangeListener | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._stop_on_destroyed: Callable[[], None] | None = None
        #: Merged `Changes` emitted so far (tests, the benchmark).
        self.emitted = 0
        self._stopped = False

    # --- feeding it ---------------------------------------------------------------------

    def post(self, changes: Changes) -> None:
        """Hand in a change from any thread; it goes out with the next merged one."""
        if changes.is_empty:
            return
        try:
            self._arrived.emit(changes)
        except RuntimeError:  # the hub was deleted before its listener stopped
            log.debug("a change arrived for a hub that is gone", exc_info=True)

    def post_later(self, msecs: int, changes: Changes) -> None:
        """A change the clock makes (an entry that expires then): posted after `msecs`."""
        QTimer.singleShot(max(0, msecs), self, lambda: self.post(changes))

    def watch(self, db: SqlDatabase) -> None:
        """Hear this client's commits and, from now on, every other client's."""
        self.stop()
        self._stopped = False
        self._unsubscribe = unsubscribe = live.on_local_changes(db, self.post)
        self._listener = listener = live.other_clients_changes(db, self.post, self._state.emit)
        listener.start()

        # A hub deleted without stop(): its listener must not outlive it.
        def on_destroyed() -> None:
            unsubscribe()
            listener.stop()

        self._stop_on_destroyed = on_destroyed
        self.destroyed.connect(on_destroyed)

    def stop(self) -> None:
        """Stop hearing the database (closing it, or switching to another); what was
        still on its way is dropped: the views are closing, and a query now could reach a
        database already closed."""
        self._stopped = True
        self._timer.stop()
        self._pending = Changes()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self._stop_on_destroyed is not None:
            self.destroyed.disconnect(self._stop_on_destroyed)
            self._stop_on_destroyed = None

    @property
    def pending(self) -> Changes:
        """What has arrived and waits for the end of the burst."""
        return self._pending

    @property
    def connected(self) -> bool:
        return self._listener is not None and self._listener.connected

    def deliver_now(self, changes: Changes) -> None:
        """Emit `changes` (and whatever waits) at once, on the GUI thread: an agent's F5
        does not wait for the end of a burst."""
        self._pending = self._pending.merge(changes)
        self.flush()

    def flush(self) -> None:
        """Emit what is waiting now, without the rest of the wait."""
        self._timer.stop()
        self._on_timer_timeout()

    # --- slots --------------------------------------------------------------------------

    @Slot(object)
    def _on_arrived(self, changes: Changes) -> None:
        if self._stopped:
            return
        self._pending = self._pending.merge(changes)
        if not self._timer.isActive():  # a steady stream must not postpone it forever
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        pending, self._pending = self._pending, Changes()
        if pending.is_empty:
            return
        self.emitted += 1
        self.changed.emit(pending)

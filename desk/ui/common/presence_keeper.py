"""This client's presence: the ticket the agent is on (viewing, replying), said to the
other agents at once and renewed every heartbeat while it lasts.

Presence writes go one at a time through a runner of their own, so that "viewing A",
then "viewing B" cannot commit in the other order and leave A behind. A failure is only
logged: presence is a courtesy, and an entry not renewed expires by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from desk.domain.presence import HEARTBEAT, Activity
from desk.services import live
from desk.services.database import SqlDatabase

from .ops import Ops
from .tasks import TaskRunner

log = logging.getLogger(__name__)


class PresenceKeeper(QObject):
    def __init__(
        self,
        db: SqlDatabase,
        agent_id: int,
        parent: QObject | None = None,
        *,
        heartbeat_ms: int = int(HEARTBEAT.total_seconds() * 1000),
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._agent_id = agent_id
        self._ops = Ops(TaskRunner(self, max_threads=1), self)
        self._on: tuple[int, Activity] | None = None
        self._stopped = False
        self._timer = QTimer(self, interval=heartbeat_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def current(self) -> tuple[int, Activity] | None:
        """The ticket and activity this client says it is on."""
        return self._on

    def on(self, ticket_id: int | None, activity: Activity = Activity.VIEWING) -> None:
        """The agent is now on `ticket_id` doing `activity` (None: on no ticket)."""
        wanted = None if ticket_id is None else (ticket_id, Activity(activity))
        if wanted == self._on or self._stopped:
            return
        left = self._on[0] if self._on is not None else None
        self._on = wanted
        db, agent_id = self._db, self._agent_id

        def say() -> None:
            if left is not None and (wanted is None or wanted[0] != left):
                live.clear_presence(db, agent_id, left)
            if wanted is not None:
                live.set_presence(db, agent_id, *wanted)

        self._run(say, "Saying which ticket you are on")
        if wanted is None:
            self._timer.stop()
        else:
            self._timer.start()

    def stop(self, msecs: int = 3000) -> None:
        """Say this client is on no ticket, and wait for it (closing the window)."""
        self.on(None)
        # The window closing moves the focus, which would say "viewing" again: not now.
        self._stopped = True
        self._ops.wait(msecs)

    def _on_timer_timeout(self) -> None:
        db = self._db
        self._run(lambda: live.heartbeat(db), "Renewing your presence")

    def _run(self, work: Callable[[], object], what: str) -> None:
        self._ops.run(
            self,
            work,
            on_error=lambda exc: log.warning("%s failed: %s", what, exc),
            what=what,
        )

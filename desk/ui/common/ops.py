"""Background operations that know whom they serve.

`Ops.run(owner, work, on_done, on_error)` runs `work()` off the GUI thread (through the
`TaskRunner`) and calls back on the GUI thread only if `owner` — the dialog or widget the
result is for — still exists; a result for a dialog closed meanwhile is dropped without
touching it (no "Internal C++ object already deleted"). What was written still reaches
every view: views refresh from the change hub, not from an operation's callback.

`latest=key` makes "the latest request wins" one option: a new operation with the same
owner and key supersedes the earlier ones, whose results (and errors) are dropped even
if they arrive later, out of order.

An error of a `write=True` operation whose owner is gone is still reported (through the
runner's `unhandledError`, which the window shows): the agent closed the dialog, but
must hear that the change they asked for did not happen. A read's error for a widget
that is gone is only logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QObject
from shiboken6 import isValid

from .tasks import Done, Failed, TaskRunner

log = logging.getLogger(__name__)


class Ops(QObject):
    """Owner-aware operations over a `TaskRunner` (whose busy signal and pool it shares)."""

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        # (owner, key) -> the operation that is the latest for it.
        self._latest: dict[tuple[int, Hashable], int] = {}
        self._serial = 0
        #: Results and errors dropped because their owner was gone or superseded (tests).
        self.dropped = 0

    def run(
        self,
        owner: QObject | None,
        work: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        what: str = "",
        latest: Hashable | None = None,
        write: bool = False,
    ) -> int:
        """Run `work()` in the background for `owner` (None: for nobody in particular,
        like the plain runner); the callbacks run on the GUI thread while `owner` lives."""
        self._serial += 1
        serial = self._serial
        slot: tuple[int, Hashable] | None = None
        if latest is not None:
            slot = (id(owner), latest)
            self._latest[slot] = serial

        def current() -> bool:
            if slot is not None:
                if self._latest.get(slot) != serial:
                    return False
                del self._latest[slot]
            return True

        def alive() -> bool:
            return owner is None or isValid(owner)

        def done(result: Any) -> None:
            if not current() or not alive():
                self._drop(what, "result")
                return
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if not current():
                self._drop(what, "error")
                return
            if not alive():
                self._drop(what, "error")
                if write:
                    self.runner.unhandledError.emit(what, exc)
                return
            if on_error is not None:
                on_error(exc)
            else:
                self.runner.unhandledError.emit(what, exc)

        return self.runner.run(work, done, failed, what=what)

    def supersede(self, owner: QObject | None, latest: Hashable) -> None:
        """Drop the answer of any operation running for `owner` under `latest`, as a new
        one would, without starting one (the question was withdrawn)."""
        self._latest.pop((id(owner), latest), None)

    def _drop(self, what: str, kind: str) -> None:
        self.dropped += 1
        log.debug("dropped the %s of %r: its owner is gone or a later one came", kind, what)

    def wait(self, msecs: int = 5000) -> bool:
        return self.runner.wait(msecs)

"""The database monitor on its own: backoff, a status that clears by itself, old failures
ignored; and the window's one error box that later errors update instead of stacking."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QMessageBox

from desk.domain.errors import DatabaseUnavailable
from desk.ui.common.tasks import TaskRunner
from desk.ui.shell import database_status
from desk.ui.shell.database_status import DatabaseMonitor


class FlakyServer:
    """A database whose check fails while `down` is set."""

    read_only = False

    def __init__(self) -> None:
        self.down = False
        self.checks = 0

    def check(self) -> None:
        self.checks += 1
        if self.down:
            raise DatabaseUnavailable("Nothing answers at db.example:5432.")


def test_a_failure_is_checked_then_retried_with_growing_waits_and_clears(qtbot, monkeypatch):
    monkeypatch.setattr(database_status, "BACKOFF_S", (0.05, 0.1, 0.2))
    server = FlakyServer()
    runner = TaskRunner()
    monitor = DatabaseMonitor(server, runner, local=False, check_ms=60_000)
    seen = []
    monitor.statusChanged.connect(seen.append)
    server.down = True

    def failing_job() -> None:
        raise DatabaseUnavailable("The connection to db.example:5432 was lost.")

    for _ in range(3):  # three views fail at once: one status, from the check
        runner.run(failing_job, on_error=lambda _exc: None)
    qtbot.waitUntil(lambda: monitor.status.problem is not None)
    assert monitor.status.problem.message == "Nothing answers at db.example:5432."
    qtbot.waitUntil(lambda: server.checks >= 5, timeout=3000)  # retries keep coming
    assert len([s for s in seen if s.problem is not None and s.retry_in is None]) <= 1
    with qtbot.waitSignal(monitor.recovered, timeout=3000):
        server.down = False
    assert monitor.status.writable
    monitor.stop()
    runner.wait()


def test_work_that_began_before_the_server_came_back_does_not_bring_the_error_back(qtbot):
    server = FlakyServer()
    runner = TaskRunner()
    monitor = DatabaseMonitor(server, runner, local=False, check_ms=60_000)
    server.down = True
    monitor.check_now()
    qtbot.waitUntil(lambda: monitor.status.problem is not None)
    release = threading.Event()

    def slow_then_failing() -> None:  # started while the server was down
        release.wait(5)
        raise DatabaseUnavailable("The connection to db.example:5432 was lost.")

    runner.run(slow_then_failing, on_error=lambda _exc: None)
    server.down = False
    monitor.check_now()
    qtbot.waitUntil(lambda: monitor.status.problem is None)
    checks = server.checks
    release.set()
    runner.wait()
    qtbot.wait(100)
    assert monitor.status.problem is None
    assert server.checks == checks  # not even worth asking again
    monitor.stop()


def test_errors_update_one_box_instead_of_stacking(qtbot, window):
    window.problems.show_error("HD-000003 is closed; reopen it before you reply.")
    window.problems.show_error("HD-000007 is closed; reopen it before you reply.")
    window.problems.show_error("HD-000009 is closed; reopen it before you reply.")
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert boxes[0].text() == "HD-000009 is closed; reopen it before you reply."
    assert boxes[0].informativeText() == "The latest of 3 problems."
    boxes[0].accept()
    qtbot.waitUntil(lambda: window.problems.error_box is None)
    window.problems.show_error("Something else.")
    assert (
        window.problems.error_box is not None and window.problems.error_box.informativeText() == ""
    )

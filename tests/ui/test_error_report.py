"""An unexpected error: a dialog saying what happened and where the log is, the traceback in
the log, and Desk still running."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from desk.app import Paths, setup_logging
from desk.ui.common.error_report import ErrorReporter


@pytest.fixture
def reporter(qapp, tmp_path: Path) -> Iterator[ErrorReporter]:
    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    log_file = setup_logging(paths)
    handler = logging.getLogger().handlers[-1]
    reporter = ErrorReporter(log_file)
    reporter.install()
    yield reporter
    reporter.uninstall()
    if reporter.dialog is not None:
        reporter.dialog.close()
    logging.getLogger().removeHandler(handler)
    handler.close()


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_is_shown_logged_and_desk_keeps_running(qtbot, reporter):
    button = QPushButton("Do it")
    qtbot.addWidget(button)
    clicks: list[int] = []

    def fragile() -> None:
        clicks.append(1)
        if len(clicks) == 1:
            raise ZeroDivisionError("division by zero")

    button.clicked.connect(fragile)
    button.show()
    button.click()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert "ZeroDivisionError: division by zero" in dialog.what.text()
    assert "in fragile() at test_error_report.py" in dialog.what.text()
    assert str(reporter.log_file) in dialog.log_path.text()
    log_text = reporter.log_file.read_text(encoding="utf-8")
    assert "CRITICAL desk.ui.common.error_report: Unexpected error" in log_text
    assert "Traceback (most recent call last)" in log_text
    assert 'raise ZeroDivisionError("division by zero")' in log_text
    assert dialog.details.isHidden()
    dialog.details_button.click()
    assert "Traceback" in dialog.details.toPlainText()
    # Still running: the same button works again.
    dialog.close_button.click()
    button.click()
    assert len(clicks) == 2


@pytest.mark.qt_no_exception_capture
def test_errors_in_threads_reach_the_same_dialog_and_do_not_pile_up(qtbot, reporter):
    def worker() -> None:
        raise RuntimeError("the printer spooler went away")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "RuntimeError: the printer spooler went away" in reporter.dialog.what.text()
    second = threading.Thread(target=worker)
    second.start()
    second.join()
    qtbot.waitUntil(lambda: reporter.dialog.more == 1)
    assert "1 more unexpected errors" in reporter.dialog.more_label.text()


def test_an_unexpected_failure_in_background_work_shows_the_dialog(qtbot, window, tmp_path):
    reporter = ErrorReporter(tmp_path / "desk.log")
    window.problems.errors = reporter

    def broken() -> None:
        raise KeyError("queue_colour")

    window.runner.run(broken)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "KeyError: 'queue_colour'" in reporter.dialog.what.text()
    assert str(tmp_path / "desk.log") in reporter.dialog.log_path.text()
    reporter.dialog.close()


def test_an_unexpected_error_while_starting_is_shown_and_logged(qapp, tmp_path, monkeypatch):
    import argparse

    from desk import gui

    def broken_start(self) -> bool:
        raise RuntimeError("the settings file is from another planet")

    monkeypatch.setattr(gui.DeskApp, "start", broken_start)
    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    args = argparse.Namespace(db=None, demo=False, login=None, quit_after=300)
    handlers = list(logging.getLogger().handlers)
    try:
        assert gui.run_gui(args, paths) == 1
    finally:
        for handler in set(logging.getLogger().handlers) - set(handlers):
            logging.getLogger().removeHandler(handler)
            handler.close()
    log_text = (tmp_path / "logs" / "desk.log").read_text(encoding="utf-8")
    assert "RuntimeError: the settings file is from another planet" in log_text
    assert "Traceback" in log_text

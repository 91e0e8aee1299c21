"""Owner-aware operations: a result for a widget that is gone is dropped without touching
it, and the latest request wins."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QLabel

from desk.domain.errors import DeskError
from desk.ui.common.ops import Ops
from desk.ui.common.tasks import TaskRunner


def _ops() -> Ops:
    return Ops(TaskRunner())


def test_a_result_for_a_deleted_widget_is_dropped(qtbot):
    ops = _ops()
    label = QLabel("waiting")
    release = threading.Event()
    seen: list[str] = []

    def on_done(text: str) -> None:
        label.setText(text)  # would raise RuntimeError on a deleted label
        seen.append(text)

    ops.run(label, lambda: release.wait(5) and "done", on_done)
    shiboken6.delete(label)  # the dialog was closed while the work ran
    release.set()
    qtbot.waitUntil(lambda: ops.runner.pending == 0, timeout=5000)
    assert seen == []
    assert ops.dropped == 1


def test_a_result_for_a_live_widget_is_given_to_it(qtbot):
    ops = _ops()
    label = QLabel()
    qtbot.addWidget(label)
    ops.run(label, lambda: "done", label.setText)
    qtbot.waitUntil(lambda: label.text() == "done", timeout=5000)


def test_a_failed_write_for_a_closed_dialog_is_still_reported(qtbot):
    ops = _ops()
    label = QLabel()
    release = threading.Event()

    def work() -> None:
        release.wait(5)
        raise DeskError("The ticket is closed.")

    errors: list[BaseException] = []
    ops.run(label, work, on_error=errors.append, write=True, what="Resolving")
    shiboken6.delete(label)
    with qtbot.waitSignal(ops.runner.unhandledError, timeout=5000) as blocker:
        release.set()
    assert blocker.args[0] == "Resolving"
    assert errors == []  # the dialog's own handler is not called: it is gone


def test_the_latest_request_wins_even_when_an_earlier_one_answers_last(qtbot):
    ops = _ops()
    label = QLabel()
    qtbot.addWidget(label)
    first_may_finish = threading.Event()
    shown: list[str] = []

    def slow() -> str:
        first_may_finish.wait(5)
        return "first"

    ops.run(label, slow, shown.append, latest="lookup")
    ops.run(label, lambda: "second", shown.append, latest="lookup")
    qtbot.waitUntil(lambda: shown == ["second"], timeout=5000)
    first_may_finish.set()
    qtbot.waitUntil(lambda: ops.runner.pending == 0, timeout=5000)
    assert shown == ["second"]
    assert ops.dropped == 1


def test_an_earlier_request_answering_first_is_dropped_too_and_keys_are_per_owner(qtbot):
    ops = _ops()
    one, two = QLabel(), QLabel()
    qtbot.addWidget(one)
    qtbot.addWidget(two)
    second_may_finish = threading.Event()
    shown: list[str] = []
    ops.run(one, lambda: "stale", shown.append, latest="page")
    ops.run(two, lambda: "other owner", shown.append, latest="page")
    ops.run(one, lambda: second_may_finish.wait(5) and "fresh", shown.append, latest="page")
    qtbot.waitUntil(lambda: ops.runner.pending == 1, timeout=5000)
    assert shown == ["other owner"]  # "stale" came first but was superseded
    second_may_finish.set()
    qtbot.waitUntil(lambda: shown == ["other owner", "fresh"], timeout=5000)


def test_a_dialog_closed_during_its_write_gets_nothing_and_the_views_hear_the_truth(
    qtbot, tmp_path
):
    """The issue's case: Resolve cancelled while the write runs. No RuntimeError, and the
    change still reaches the views through the hub."""
    from PySide6.QtWidgets import QDialog

    from desk.services import directory, queries
    from desk.services import tickets as work
    from desk.services.database import open_database
    from desk.services.intake import IntakeRequest, NewCaller, log_ticket
    from desk.ui.common.change_hub import ChangeHub

    db = open_database(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    hub = ChangeHub()
    heard: list = []
    hub.changed.connect(heard.append)
    try:
        admin = directory.create_first_admin(db, "admin", "Ada Admin")
        assert admin.id is not None
        ticket = log_ticket(
            db, admin.id, IntakeRequest(subject="Printer jams", new_caller=NewCaller("Jane"))
        )
        assert ticket.id is not None
        hub.watch(db)
        ops = _ops()
        dialog = QDialog()
        go = threading.Event()

        def resolve() -> object:
            go.wait(5)
            return work.resolve_ticket(db, admin.id, ticket.id, "Cleared the tray.")

        ops.run(dialog, resolve, lambda _t: dialog.accept(), write=True, what="Resolving")
        dialog.reject()
        shiboken6.delete(dialog)
        go.set()
        qtbot.waitUntil(lambda: any(ticket.id in c.tickets for c in heard), timeout=3000)
        qtbot.waitUntil(lambda: ops.runner.pending == 0, timeout=3000)
        assert ops.dropped == 1
        shown = queries.get_ticket(db, ticket.id).ticket
        assert shown.status.value == "resolved"
        assert next(c for c in heard if ticket.id in c.tickets).tickets[ticket.id] == shown.version
    finally:
        hub.stop()
        db.close()

"""Screenshots of Desk on a demo desk, for people to look at.

    python -m tests.ui.screenshots [OUT_DIR] [--readme]

writes the main window (also at 1024x700 and 1920x1080), the list of keys, a long thread, a validation error, the conflict dialog, the
intake form's states, the connection dialog, the About box, the unexpected-error dialog
and the dark theme to OUT_DIR (default artifacts/screenshots); --readme also refreshes
resources/screenshots/main-window.png, which the README shows.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREEN = ROOT / "tests" / "offscreen-screen.json"
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desk.domain.model import TicketStatus  # noqa: E402
from desk.domain.queues import QueueFilter, QueueQuery, SortKey  # noqa: E402
from desk.services import queries  # noqa: E402
from desk.services import tickets as work  # noqa: E402
from desk.services.database import open_database  # noqa: E402
from desk.services.demo import DEMO_LOGIN, seed_demo  # noqa: E402
from desk.ui.admin.connection_dialog import ConnectionDialog  # noqa: E402
from desk.ui.common.drafts import DraftStore  # noqa: E402
from desk.ui.common.error_report import ErrorReporter  # noqa: E402
from desk.ui.common.session import DeskSession  # noqa: E402
from desk.ui.common.style import Theme, apply_style  # noqa: E402
from desk.ui.queues.queue_pane import select_ticket_row  # noqa: E402
from desk.ui.shell.main_window import MainWindow  # noqa: E402

LONG_THREAD = [
    ("reply", "Hi {first}, thanks for calling. Can you tell me exactly what you see on screen?"),
    ("customer", "It says 'Your account has been locked' and then the window closes."),
    ("note", "Lockout source is the old phone still syncing mail with the previous password."),
    (
        "reply",
        "Thanks. Could you switch off mail on your old phone, then try again in ten minutes?",
    ),
    ("customer", "Done, but it happened again this morning at 8:05."),
    ("note", "AD shows lockouts from 10.20.4.17: that's the meeting room PC in 3B."),
    ("reply", "We found a meeting room PC still signed in as you. We've signed it out remotely."),
    ("customer", "Works now, thank you!"),
]


def pump(app: QApplication, window: MainWindow, seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        window.runner.wait(10)
    app.processEvents()


def wait_for(
    app: QApplication, window: MainWindow, done: Callable[[], bool], timeout: float = 10
) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        pump(app, window, 0.05)
    pump(app, window, 0.3)


def save(widget: QWidget, path: Path) -> Path:
    widget.grab().save(str(path))
    print(f"saved {path}")
    return path


def open_ticket(app: QApplication, window: MainWindow, ticket_id: int) -> None:
    window.search.setText(f"HD-{ticket_id:06d}")
    window.search.returnPressed.emit()
    wait_for(app, window, lambda: window.queue_model.row_of(ticket_id) is not None)
    select_ticket_row(window.table, window.queue_model.row_of(ticket_id))
    wait_for(
        app, window, lambda: window.editor.ticket_id == ticket_id and window.runner.pending == 0
    )


def take(out: Path, readme: bool = False) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    work_dir = Path(tempfile.mkdtemp(prefix="desk-shots-"))
    db = open_database(f"sqlite:///{work_dir / 'demo.sqlite3'}")
    seed_demo(db, 3000)
    directory = queries.directory(db)
    me = next(a for a in directory.agents if a.login == DEMO_LOGIN)
    session = DeskSession(db, me, directory, db.description, db.backend)
    settings = QSettings(str(work_dir / "desk.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, DraftStore(work_dir / "drafts"))
    window.resize(1600, 940)
    window.show()
    shots: list[Path] = []

    # 1. The desk: the team's open queue and a ticket in the middle of its life.
    window.queues.choose(f"team:{next(t.id for t in directory.teams if t.name == 'Service Desk')}")
    wait_for(app, window, lambda: window.queue_model.shown and window.runner.pending == 0)
    active = queries.queue_page(db, window.queue_model.query, 0, 40)
    busy = max(active, key=lambda row: len(queries.get_ticket(db, row.id).thread))
    select_ticket_row(window.table, window.queue_model.row_of(busy.id) or 0)
    wait_for(app, window, lambda: window.editor.ticket_id == busy.id and window.runner.pending == 0)
    shots.append(save(window, out / "main-window.png"))
    # The same desk on a small laptop and on a full-HD screen.
    for width, height in ((1024, 700), (1920, 1080)):
        window.resize(width, height)
        pump(app, window)
        shots.append(save(window, out / f"main-window-{width}x{height}.png"))
    window.resize(1600, 940)
    pump(app, window)
    window.shortcuts_action.trigger()  # Help › Keyboard shortcuts
    assert window.shortcuts_dialog is not None
    pump(app, window)
    shots.append(save(window.shortcuts_dialog, out / "keyboard-shortcuts.png"))
    window.shortcuts_dialog.close()

    # 2. A long thread: a lockout that took a week and several people.
    long_id = queries.queue_page(
        db, QueueQuery(QueueFilter(statuses=frozenset({TicketStatus.OPEN})), SortKey.NUMBER), 0, 1
    )[0].id
    first = queries.get_ticket(db, long_id).customer.name.split()[0]
    for n in range(5):
        for kind, text in LONG_THREAD:
            body = text.format(first=first) + ("" if n == 0 else f" (day {n + 1})")
            if kind == "reply":
                work.reply_to_customer(db, me.id, long_id, body)
            elif kind == "note":
                work.add_internal_note(db, me.id, long_id, body)
            else:
                work.add_customer_message(db, me.id, long_id, body)
    open_ticket(app, window, long_id)
    shots.append(save(window, out / "long-thread.png"))

    # 3. The editor refusing an empty subject, at the field.
    window.editor.subject.setText("")
    window.editor.subject.textEdited.emit("")
    window.editor.save_button.click()
    wait_for(app, window, lambda: not window.editor.errors["subject"].isHidden())
    shots.append(save(window.detail_stack, out / "editor-validation-error.png"))
    window.editor.revert()

    # 4. Someone else saved first: the conflict dialog.
    other = next(a for a in directory.agents if a.login == "dana.wright")
    seen = queries.get_ticket(db, long_id).ticket.version
    work.update_ticket(
        db,
        other.id,
        long_id,
        work.TicketEdit(subject="Account keeps locking: meeting room PC 3B"),
        seen,
    )
    window.editor.asset.setText("LT-40817")
    window.editor.asset.textEdited.emit("LT-40817")
    window.editor.save_button.click()
    wait_for(app, window, lambda: window.ticket_actions.conflict_dialog is not None)
    dialog = window.ticket_actions.conflict_dialog
    assert dialog is not None
    shots.append(save(dialog, out / "conflict-dialog.png"))
    dialog.reload_button.click()
    pump(app, window)

    # 5. The resolve dialog asking for its note.
    window.editor.status_buttons[TicketStatus.RESOLVED].click()
    resolve = window.ticket_actions.dialog
    assert resolve is not None
    resolve.submit_button.click()
    wait_for(
        app,
        window,
        lambda: not resolve.general_error.isVisible() and resolve.submit_button.isEnabled(),
    )
    shots.append(save(resolve, out / "resolve-dialog.png"))
    resolve.reject()
    pump(app, window)

    shots += take_intake(app, window, out)
    shots += take_workstation(app, window, out, work_dir)
    if readme:
        target = ROOT / "resources" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / "main-window.png", target / "main-window.png")
        shutil.copy(out / "intake-lookup.png", target / "intake.png")
        print(f"refreshed {target}")
    window.close()
    db.close()
    shutil.rmtree(work_dir, ignore_errors=True)
    return shots


def take_intake(app: QApplication, window: MainWindow, out: Path) -> list[Path]:
    """The phone intake form: empty, finding a caller, a bad new caller, saved."""
    window.new_action.trigger()
    form = window.intake
    assert form is not None
    form.resize(1040, 720)
    pump(app, window)
    shots = [save(form, out / "intake-empty.png")]

    form.caller.lookup.setText("harris")
    form.caller.lookup.textEdited.emit("harris")
    wait_for(app, window, lambda: form.caller.lookup_done() and form.caller.matches.count() > 1)
    shots.append(save(form, out / "intake-matches.png"))
    form.caller._on_lookup_return_pressed()
    form.subject.setText("Laptop will not wake from sleep")
    form.description.setPlainText(
        "Lid closed over lunch; now the screen stays black. Power light is on."
    )
    form.category.setCurrentIndex(form.category.findText("Hardware › Laptop"))
    pump(app, window)
    shots.append(save(form, out / "intake-lookup.png"))

    form.reset()
    form.caller.lookup.setText("Sam Newcomer")
    form.caller.lookup.textEdited.emit("Sam Newcomer")
    wait_for(app, window, lambda: form.caller.lookup_done() and form.caller.matches.count() >= 1)
    form.caller.matches.setCurrentRow(form.caller.matches.count() - 1)
    form.caller._on_lookup_return_pressed()
    form.caller.new_email.setText("sam.newcomer@@northwind")
    form.caller.new_phone.setText("555-CALL")
    form.subject.setText("Cannot print to the 4th floor printer")
    form.save()
    wait_for(app, window, lambda: not form.caller.errors["email"].isHidden())
    shots.append(save(form, out / "intake-new-caller-error.png"))

    form.caller.new_email.setText("sam.newcomer@northwind-bank.com")
    form.caller.new_phone.setText("+1 212 555 0199")
    form.save()
    wait_for(app, window, lambda: form.pages.currentIndex() == 1)
    shots.append(save(form, out / "intake-saved.png"))
    form.close()
    return shots


def take_workstation(
    app: QApplication, window: MainWindow, out: Path, work_dir: Path
) -> list[Path]:
    """The connection dialog (as opened, and with a problem at a field), the About box, the
    unexpected-error dialog, and the desk in the dark theme."""
    runner = window.runner
    dialog = ConnectionDialog(
        f"sqlite:///{work_dir / 'desk.sqlite3'}", work_dir / "desk.sqlite3", runner, window
    )
    dialog.show()
    pump(app, window)
    shots = [save(dialog, out / "connection-dialog.png")]
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dialog.server_button.click()
    dialog.host.setText("127.0.0.1")
    dialog.port.setText(str(port))
    dialog.database.setText("helpdesk")
    dialog.user.setText("alex.morgan")
    dialog.password.setText("secret")
    dialog.test_button.click()
    wait_for(app, window, lambda: dialog.test_button.isEnabled())
    shots.append(save(dialog, out / "connection-dialog-error.png"))
    dialog.reject()

    window.about_action.trigger()
    wait_for(app, window, lambda: window.about_box is not None and window.about_box.isVisible())
    assert window.about_box is not None
    shots.append(save(window.about_box, out / "about.png"))
    window.about_box.accept()

    reporter = ErrorReporter(work_dir / "logs" / "desk.log")
    try:
        {"Service Desk": 1}["Sevrice Desk"]
    except KeyError as exc:
        reporter.report(exc)
    wait_for(app, window, lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None
    shots.append(save(reporter.dialog, out / "unexpected-error.png"))
    reporter.dialog.close()

    apply_style(app, Theme.DARK)
    pump(app, window)
    shots.append(save(window, out / "main-window-dark.png"))
    apply_style(app, Theme.LIGHT)
    pump(app, window)
    return shots


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    take(
        Path(arguments[0]) if arguments else ROOT / "artifacts" / "screenshots",
        readme="--readme" in sys.argv,
    )

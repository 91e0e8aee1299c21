"""Starting the window: settings, database, the acting agent, then the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QProgressDialog

from desk.app import Paths, setup_logging
from desk.domain.errors import DeskError
from desk.domain.model import Agent, Role
from desk.services import directory as people
from desk.services import queries
from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN, seed_demo
from desk.store.unit_of_work import SqlDatabase
from desk.ui.dialogs import FormDialog
from desk.ui.drafts import DraftStore
from desk.ui.labels import tr
from desk.ui.main_window import MainWindow
from desk.ui.session import DeskSession
from desk.ui.style import apply_style
from desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
DEMO_TICKETS = 3000
FIRST_PAINT_PROBE = "DESK_REPORT_FIRST_PAINT"


def run_gui(args: argparse.Namespace, paths: Paths) -> int:
    from desk.__main__ import database_url

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Desk")
    app.setOrganizationName("Desk")
    apply_style(app)
    paths.create()
    log_file = setup_logging(paths)
    settings = QSettings(str(paths.config / "desk.ini"), QSettings.Format.IniFormat)
    url = database_url(args.db, paths, demo=args.demo)
    try:
        db = open_database(url)
    except DeskError as exc:
        QMessageBox.critical(
            None,
            tr("Desk"),
            tr("Desk cannot open its database.\n\n{reason}").format(reason=exc.message),
        )
        raise
    runner = TaskRunner()
    if args.demo and not people.has_agents(db) and not _seed_with_progress(db, runner):
        return 1
    agent = _acting_agent(db, args, settings, runner)
    if agent is None:
        return 1
    settings.setValue("session/login", agent.login)
    session = DeskSession(db, agent, queries.directory(db), db.description, db.backend)
    window = MainWindow(session, settings, DraftStore(paths.data / "drafts"), runner)
    window.log_file = log_file
    window.show()
    if os.environ.get(FIRST_PAINT_PROBE):
        _report_first_paint(window, app)
    if getattr(args, "quit_after", None):
        QTimer.singleShot(args.quit_after, window.close)
    code = app.exec()
    db.close()
    return code


def _report_first_paint(window: MainWindow, app: QApplication) -> None:
    """For the benchmark's cold start: say when the first queue is on screen, then quit."""

    def painted() -> None:
        window.table.viewport().repaint()
        print(f"first queue painted: {window.queue_model.total} tickets", flush=True)
        QTimer.singleShot(0, app.quit)

    window.queue_model.loaded.connect(painted)


class _Progress(QObject):
    step = Signal(int, int)


def _seed_with_progress(db: SqlDatabase, runner: TaskRunner) -> bool:
    dialog = QProgressDialog(tr("Preparing the demo desk…"), "", 0, DEMO_TICKETS)
    dialog.setCancelButton(None)
    dialog.setWindowTitle(tr("Desk"))
    dialog.setMinimumDuration(0)
    progress = _Progress()
    progress.step.connect(lambda done, total: dialog.setValue(done))
    outcome: list[BaseException | None] = []

    def finish(error: BaseException | None) -> None:
        outcome.append(error)
        dialog.reset()
        dialog.close()

    runner.run(
        lambda: seed_demo(db, DEMO_TICKETS, progress=progress.step.emit),
        lambda _summary: finish(None),
        finish,
    )
    while not outcome:
        QApplication.processEvents()
        runner.wait(20)
    if outcome[0] is not None:
        QMessageBox.critical(None, tr("Desk"), str(outcome[0]))
        return False
    return True


def _acting_agent(
    db: SqlDatabase, args: argparse.Namespace, settings: QSettings, runner: TaskRunner
) -> Agent | None:
    """Who is at the desk (until sign-in arrives): --as, the demo's supervisor, the last
    one here, or the first admin, made now on an empty desk."""
    directory = queries.directory(db)
    by_login = {a.login: a for a in directory.agents if a.active}
    wanted = args.login or (DEMO_LOGIN if args.demo else settings.value("session/login"))
    if wanted:
        if wanted in by_login:
            return by_login[wanted]
        if args.login:
            raise DeskError(
                tr("There is no active agent with the login “{login}”.").format(login=args.login)
            )
    admins = [a for a in by_login.values() if a.role == Role.ADMIN]
    if admins or by_login:
        return (admins or list(by_login.values()))[0]
    return first_admin_dialog(db, runner)


def first_admin_dialog(db: SqlDatabase, runner: TaskRunner) -> Agent | None:
    """An empty desk: the first person to open it becomes its admin."""
    dialog = FormDialog(
        tr("Welcome to Desk"),
        tr(
            "This desk has no agents yet. You will be its first admin; you can add your team afterwards."
        ),
        tr("Create my account"),
    )
    name = dialog.add_field("name", tr("Your name"), QLineEdit())
    dialog.add_field("login", tr("Login"), QLineEdit())
    dialog.add_field("email", tr("Email"), QLineEdit())
    password = QLineEdit()
    password.setEchoMode(QLineEdit.EchoMode.Password)
    dialog.add_field("password", tr("Password"), password)
    created: list[Agent] = []

    def submit(values: dict[str, str]) -> None:
        def done(agent: Agent) -> None:
            created.append(agent)
            dialog.accept()

        runner.run(
            lambda: people.create_first_admin(
                db, values["login"], values["name"], values["email"] or None, values["password"]
            ),
            done,
            dialog.show_problem,
        )

    dialog.submitted.connect(submit)
    name.setFocus()
    dialog.exec()
    return created[0] if created else None

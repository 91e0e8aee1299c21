"""Starting the window: settings, database, the acting agent, then the main window; and
moving the desk to another database chosen in the connection dialog."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit

from desk import __version__
from desk.app import SQLITE_SUFFIX, Paths, setup_logging
from desk.domain.errors import DatabaseError, DeskError
from desk.domain.model import Agent
from desk.services import connection, desk_settings, kept_sign_in, queries
from desk.services import directory as people
from desk.services.connection import Connected
from desk.services.database import Database, missing_database_file, open_database
from desk.services.demo import seed_demo
from desk.store.unit_of_work import SqlDatabase
from desk.ui.common.change_hub import ChangeHub
from desk.ui.common.dialogs import FormDialog, error_text
from desk.ui.common.drafts import DraftStore
from desk.ui.common.error_report import ErrorReporter
from desk.ui.common.labels import tr
from desk.ui.common.session import DeskSession
from desk.ui.common.style import ThemeChooser
from desk.ui.common.tasks import TaskRunner
from desk.ui.shell.main_window import MainWindow, close_owned_windows
from desk.ui.shell.start_up import StartProgress, ask_to_create_desk, start_up_problem_box
from desk.ui.signin.flow import SignInFlow

if TYPE_CHECKING:
    from desk.ui.admin.connection_dialog import ConnectionDialog

log = logging.getLogger(__name__)
DEMO_TICKETS = 3000
FIRST_PAINT_PROBE = "DESK_REPORT_FIRST_PAINT"
#: The database `desk` opens without --db: a URL with no password in it.
DATABASE_SETTING = "database/url"


def run_gui(args: argparse.Namespace, paths: Paths, progress: StartProgress | None = None) -> int:
    """Desk's window until it closes; `progress` is already on screen on a first start."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Desk")
    app.setOrganizationName("Desk")
    app.setApplicationVersion(__version__)
    paths.create()
    log_file = setup_logging(paths)
    log.info(
        "Desk %s starting; data in %s, settings in %s, logs in %s",
        __version__,
        paths.data,
        paths.config,
        paths.logs,
    )
    errors = ErrorReporter(log_file)
    errors.install()
    settings = QSettings(str(paths.config / "desk.ini"), QSettings.Format.IniFormat)
    desk = DeskApp(args, paths, settings, ThemeChooser(app, settings), errors, progress)
    try:
        if not desk.start():
            return 0 if desk.quitting else 1
        return app.exec()
    except DeskError as exc:
        # In plain words: `desk` prints it too, but a program without a console (Windows)
        # has only this window to say why it stops.
        log.error("Desk cannot start: %s", exc.message)
        desk.end_progress()
        desk._quit_later()
        start_up_problem_box(exc).exec()
        raise
    except Exception as exc:  # before any window: say so and where the log is, then stop
        desk.end_progress()
        errors.report(exc)
        if errors.dialog is not None:
            desk._quit_later()
            errors.dialog.exec()
        return 1
    finally:
        desk.close()
        errors.uninstall()


class DeskApp(QObject):
    """The desk's one window on one database, and the moves between databases."""

    def __init__(
        self,
        args: argparse.Namespace,
        paths: Paths,
        settings: QSettings,
        theme: ThemeChooser,
        errors: ErrorReporter,
        progress: StartProgress | None = None,
    ) -> None:
        super().__init__()
        #: Before the window: opening (and on a first start making) the database.
        self.progress = progress
        self.args = args
        self.paths = paths
        self.settings = settings
        self.theme = theme
        self.errors = errors
        self.db: SqlDatabase | None = None
        #: What changed in `db` (this client's commits and every other client's): one per
        #: open database, handed to the window and through it to every view.
        self.hub: ChangeHub | None = None
        self.window: MainWindow | None = None
        #: --quit-after has fired: leaving now is what was asked for, not a failure.
        self.quitting = False
        self.connection_dialog: ConnectionDialog | None = None
        #: The id of the desk the window is on.
        self.desk_id = ""
        #: Who is signing in (its dialog on screen), for tests and screenshots.
        self.sign_in_flow: SignInFlow | None = None
        #: Chosen at start in the connection dialog; remembered once the desk opened on it.
        self._chosen: Connected | None = None

    # --- starting -------------------------------------------------------------------------------

    def start(self) -> bool:
        """Open the database and show the window; False if there is nothing to show."""
        db = self._open_first_database()
        if db is None:
            return False
        if self.args.demo:
            try:
                if not people.has_agents(db):
                    self._seed_demo(db)
                    from desk.ui.admin.desk_settings_dialog import system_phone_region

                    desk_settings.settle_phone_region(db, system_phone_region())  # first run
            except BaseException:
                db.close()
                raise
        chosen, self._chosen = self._chosen, None
        if not self.show_desk(db, self.args):
            return False
        if chosen is not None:  # only now that the desk is open there, with someone at it
            self._remember(chosen)
        return True

    def _opening(self, work: Callable[[], SqlDatabase]) -> SqlDatabase:
        """Open (make, upgrade) the database in the background; the progress shows at once
        on a first start, else only if it takes more than a moment."""
        if self.progress is None:
            self.progress = StartProgress(tr("Opening the database…"))
        return self.progress.wait_for(work)

    def _seed_demo(self, db: SqlDatabase) -> None:
        if self.progress is None:
            self.progress = StartProgress(tr("Preparing the demo desk…"))
        progress = self.progress
        progress.setLabelText(tr("Preparing the demo desk…"))
        progress.setRange(0, DEMO_TICKETS)
        progress.show()
        progress.wait_for(lambda: seed_demo(db, DEMO_TICKETS, progress=progress.step.emit))

    def end_progress(self) -> None:
        if self.progress is not None:
            self.progress.finish()
            self.progress = None

    def _may_create(self, url: str) -> bool:
        """A new desk only at a path ending as Desk's files do, or when the person says so."""
        new_file = missing_database_file(url)
        if new_file is None or new_file.suffix == SQLITE_SUFFIX:
            return True
        self.end_progress()
        self._quit_later()
        return ask_to_create_desk(new_file)

    def _open_first_database(self) -> SqlDatabase | None:
        from desk.__main__ import database_url

        if self.args.db or self.args.demo:
            url = database_url(self.args.db, self.paths, demo=self.args.demo)
            if self.args.db and not self._may_create(url):
                return None
            return self._opening(lambda: open_database(url))
        url = self.remembered_url()
        try:
            full_url = connection.with_saved_password(url)
            return self._opening(lambda: open_database(full_url))
        except DatabaseError as exc:
            # The remembered server is down, or wants a password that was not kept: let
            # the person fix it or go back to the local file rather than just stopping.
            log.warning("cannot open the remembered database %s: %s", url, exc)
            return self._ask_for_database(url, exc)

    def remembered_url(self) -> str:
        """The database chosen last time (no password in it), or the local file."""
        from desk.__main__ import database_url

        value = self.settings.value(DATABASE_SETTING)
        return str(value) if value else database_url(None, self.paths)

    def _ask_for_database(self, url: str, problem: DeskError) -> SqlDatabase | None:
        self.end_progress()
        runner = TaskRunner()
        from desk.ui.admin.connection_dialog import ConnectionDialog  # only when asked

        dialog = ConnectionDialog(url, self.paths.local_database, runner)
        dialog.show_problem(problem)
        self._quit_later()
        if not dialog.exec() or dialog.result_connection is None:
            runner.wait()
            return None
        self._chosen = dialog.result_connection
        return dialog.result_connection.db

    def show_desk(self, db: SqlDatabase, args: argparse.Namespace) -> bool:
        """The window on `db` for whoever signs in, replacing the one shown (and its
        database) if any; False when nobody signed in."""
        self.end_progress()
        runner = TaskRunner()
        self._quit_later()  # an empty desk asks for its first admin before any window
        self.sign_in_flow = SignInFlow(self.settings, runner, _first_admin_here)
        at = self.sign_in_flow.start(
            db,
            as_login=getattr(args, "login", None),
            demo=getattr(args, "demo", False),
            resume=getattr(args, "resume", None),
        )
        if at is None:
            return False
        if at.db is not db:  # a server: the agent's own connection replaces the first one
            db.close()
        assert isinstance(at.db, SqlDatabase)
        self._open_window(at.db, at.agent, runner)
        return True

    def _open_window(self, db: SqlDatabase, agent: Agent, runner: TaskRunner) -> None:
        self.desk_id = desk_settings.desk_id(db)  # kept: the file may go away later
        hub = ChangeHub()
        hub.watch(db)  # before anything is read, so nothing written meanwhile is missed
        session = DeskSession(db, agent, queries.directory(db), db.description, db.backend)
        desk_settings.apply_number_prefix(db)  # ticket numbers as this desk writes them
        window = MainWindow(
            session,
            self.settings,
            DraftStore(self.paths.data / "drafts"),
            runner,
            hub=hub,
            theme=self.theme,
            errors=self.errors,
        )
        window.connectRequested.connect(self.choose_database)
        window.reopenRequested.connect(self.reopen_database)
        window.signOutRequested.connect(self.sign_out)
        old_window, old_db, old_hub = self.window, self.db, self.hub
        self.window, self.db, self.hub = window, db, hub
        window.show()
        if os.environ.get(FIRST_PAINT_PROBE):
            _report_first_paint(window)
        if old_window is not None:
            if old_window.isVisible():
                old_window.close()  # keeps its layout and drafts
            old_window.deleteLater()
        if old_hub is not None:
            old_hub.stop()
            old_hub.deleteLater()
        if old_db is not None and old_db is not db:
            old_db.close()

    def sign_out(self) -> None:
        """File › Sign out / switch agent: the window closes down to the sign-in dialog.

        Nothing of this agent's stays for the next: the dialogs the window opened are
        closed, its layout saved under this agent, the drafts are on disk under this
        agent, the kept sign-in of this computer is forgotten; the next agent gets a
        new window (their own layout, queue and drafts)."""
        window, db = self.window, self.db
        if window is None or db is None:
            return
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)  # the sign-in dialog comes after the window
        try:
            try:
                kept_sign_in.forget_sign_in(db)
            except DeskError as exc:
                log.warning("the kept sign-in could not be forgotten: %s", exc.message)
            close_owned_windows(window)
            window.close()
            log.info("%s signed out", window.session.agent.login)
            runner = TaskRunner()
            self.sign_in_flow = SignInFlow(self.settings, runner, _first_admin_here)
            at = self.sign_in_flow.ask(db)
        finally:
            app.setQuitOnLastWindowClosed(True)
        if at is None:  # Quit in the sign-in dialog
            self.quitting = True
            QTimer.singleShot(0, app.quit)
            return
        assert isinstance(at.db, SqlDatabase)
        self._open_window(at.db, at.agent, runner)

    # --- switching ----------------------------------------------------------------------------

    def choose_database(self) -> None:
        """File › Connect to a database…"""
        assert self.window is not None
        from desk.ui.admin.connection_dialog import ConnectionDialog  # only when asked

        self.connection_dialog = ConnectionDialog(
            self.db.safe_url if self.db else self.remembered_url(),
            self.paths.local_database,
            self.window.runner,
            self.window,
        )
        self.connection_dialog.connected.connect(self._on_connection_dialog_connected)
        self.connection_dialog.open()

    def reopen_database(self) -> None:
        """The banner's "Reopen the file": the same database again, in a new window (its
        file was replaced or put back; a file that is not there is not created afresh)."""
        window, db = self.window, self.db
        assert window is not None and db is not None
        url = db.safe_url
        # The same desk again: whoever is signed in stays so, if it is the same desk and
        # they are still an active agent in it (else they sign in).
        resume = (window.session.agent.login, self.desk_id)
        window.runner.run(
            lambda: connection.reopen(url),
            lambda result: self._on_connection_dialog_connected(result, resume),
            lambda exc: window.banner.show_reopen_problem(error_text(exc)),
            what=tr("Reopening the database"),
        )

    def _on_connection_dialog_connected(
        self, result: Connected, resume: tuple[str, str] | None = None
    ) -> None:
        # The same process moves to the new database: a new window on it (the acting agent
        # is found again there), then the old window and database are closed. Nothing is
        # kept from the old database, so nothing can be written to the wrong one. The
        # choice is remembered only once the move is made: an empty desk whose first
        # admin was not created leaves Desk (and its next start) where it was.
        switch = argparse.Namespace(login=None, demo=False, resume=resume)
        if not self.show_desk(result.db, switch):
            chosen = result.db.description
            result.db.close()
            if self.window is not None:
                self.window.statusBar().showMessage(
                    tr(
                        "Still on {current}: {chosen} has no agents yet and no first admin "
                        "was made, so Desk did not move."
                    ).format(
                        current=self.db.description if self.db else "",
                        chosen=chosen,
                    ),
                    20_000,
                )
            return
        self._remember(result)
        assert self.window is not None
        self.window.statusBar().showMessage(
            result.warning or tr("Connected to {database}.").format(database=result.db.description),
            10_000,
        )

    def _remember(self, result: Connected) -> None:
        self.settings.setValue(DATABASE_SETTING, result.choice.url())
        self.settings.sync()

    # --- ending -------------------------------------------------------------------------------

    def _quit_later(self) -> None:
        """--quit-after MS (tests, CI): close whatever Desk shows after that long."""
        if getattr(self.args, "quit_after", None):
            QTimer.singleShot(self.args.quit_after, self.quit)

    def quit(self) -> None:
        self.quitting = True
        modal = QApplication.activeModalWidget()
        if modal is not None:
            modal.close()
        if self.window is not None:
            self.window.close()

    def close(self) -> None:
        if self.hub is not None:
            self.hub.stop()
            self.hub = None
        if self.db is not None:
            self.db.close()
            self.db = None


def _report_first_paint(window: MainWindow) -> None:
    """For the benchmark's cold start: say when the first queue is on screen, then quit."""

    def painted() -> None:
        window.table.viewport().repaint()
        # The wall clock, so that the benchmark counts to this paint and not to the exit.
        print(
            f"first queue painted: {window.queue_model.total} tickets at {time.time():.4f}",
            flush=True,
        )
        QTimer.singleShot(0, QApplication.quit)

    window.queue_model.loaded.connect(painted)


def _acting_agent(
    db: SqlDatabase, args: argparse.Namespace, settings: QSettings, runner: TaskRunner
) -> Agent | None:
    """Who is at the desk: see desk.ui.signin.flow (the first admin, made now on an empty
    desk; --as and the demo where no password is needed; else the sign-in)."""
    flow = SignInFlow(settings, runner, _first_admin_here)
    at = flow.start(db, as_login=getattr(args, "login", None), demo=getattr(args, "demo", False))
    return None if at is None else at.agent


def _first_admin_here(db: Database, runner: TaskRunner) -> Agent | None:
    assert isinstance(db, SqlDatabase)
    agent = first_admin_dialog(db, runner)
    if agent is not None:  # a new desk's first run: phone numbers as this computer's country
        from desk.ui.admin.desk_settings_dialog import system_phone_region

        desk_settings.settle_phone_region(db, system_phone_region())
    return agent


def first_admin_dialog(db: SqlDatabase, runner: TaskRunner) -> Agent | None:
    """An empty desk: the first person to open it becomes its admin."""
    dialog = FormDialog(
        tr("Welcome to Desk"),
        tr(
            "This desk has no agents yet. You will be its first admin; you can add your team afterwards."
        ),
        tr("Create my account"),
    )
    dialog.add_field("name", tr("Your name"), QLineEdit())
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
    dialog.exec()
    return created[0] if created else None

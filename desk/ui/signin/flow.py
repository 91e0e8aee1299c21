"""Who is at the desk: the steps from an opened database to a signed-in agent.

1. An empty desk asks for its first admin (the welcome dialog), who is then signed in.
   (A file reopened after it was replaced keeps whoever was signed in, when it is still
   the same desk and they are still an active agent there.)
2. `--as LOGIN`, and the demo's supervisor with `--demo`: only where no password is
   needed (desk.services.sign_in.act_as says where); anywhere else it is refused.
3. On a server, a connection made as an agent's own login is that agent (PostgreSQL
   checked the password when it connected).
4. On a local file, a sign-in kept on this computer.
5. Otherwise the sign-in dialog. On a server its login and password become a new
   connection's; on a local file Desk checks them.

After each: an agent whose password an admin reset chooses a new one first. Sign-out
starts again at 5, whoever was signed in before (and forgets this computer's kept
sign-in first).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from desk.domain.errors import DeskError
from desk.domain.model import Agent
from desk.services import desk_settings, kept_sign_in, sign_in
from desk.services import directory as people
from desk.services.database import Database
from desk.services.demo import DEMO_LOGIN
from desk.services.sign_in import SignedIn

from ..common.tasks import TaskRunner
from .password_dialogs import ChangePasswordDialog
from .sign_in_dialog import SignInDialog

log = logging.getLogger(__name__)
#: The login last signed in on this computer, whatever the desk (older Desks wrote it).
LAST_LOGIN = "session/login"


@dataclass(frozen=True)
class AtTheDesk:
    """The agent signed in, and the database they work in: on a server their own
    connection, which may not be the one the flow was given."""

    db: Database
    agent: Agent


def remembered_login_key(db: Database) -> str:
    return f"sign-in/{desk_settings.desk_id(db)}/login"


class SignInFlow:
    """The steps of the module's docstring, for one opened database."""

    def __init__(
        self,
        settings: QSettings,
        runner: TaskRunner,
        first_admin: Callable[[Database, TaskRunner], Agent | None],
        *,
        parent: QWidget | None = None,
    ) -> None:
        self.settings = settings
        self.runner = runner
        self.first_admin = first_admin
        self.parent = parent
        #: The dialog on screen, for tests and screenshots.
        self.dialog: SignInDialog | ChangePasswordDialog | None = None

    def start(
        self,
        db: Database,
        *,
        as_login: str | None = None,
        demo: bool = False,
        resume: tuple[str, str] | None = None,
    ) -> AtTheDesk | None:
        """Who works on `db` now; None when nobody signed in (Quit, Escape). `resume`:
        (login, desk id) of who was signed in when the same file was reopened."""
        if resume is not None:
            again = sign_in.resume(db, *resume)
            if again is not None:
                return self._remember(AtTheDesk(db, again.agent))
        if not people.has_agents(db):
            agent = self.first_admin(db, self.runner)
            return None if agent is None else self._remember(AtTheDesk(db, agent))
        if as_login or demo:
            # Refused where a password is needed: the caller says so and stops.
            signed = sign_in.act_as(db, as_login or DEMO_LOGIN)
            return self._finish(db, signed, None)
        signed = sign_in.connected_agent(db)
        if signed is not None:
            return self._finish(db, signed, None)
        kept = kept_sign_in.kept_sign_in(db)
        if kept is not None:
            log.info("signed in as %s by the sign-in kept on this computer", kept.agent.login)
            return self._finish(db, kept, None)
        return self.ask(db)

    def ask(self, db: Database) -> AtTheDesk | None:
        """The sign-in dialog (and a forced change after it)."""
        on_server = sign_in.is_server(db)
        offer_keep = not on_server and kept_sign_in.can_keep_sign_in()
        login = self.settings.value(remembered_login_key(db)) or ""
        typed: list[str] = []

        def attempt(login: str, password: str, keep: bool) -> tuple[Database, SignedIn]:
            typed[:] = [password]
            if on_server:
                return sign_in.sign_in_on_server(db.safe_url, login, password)
            signed = sign_in.sign_in(db, login, password)
            if keep and not signed.must_change_password:
                assert signed.agent.id is not None
                if not kept_sign_in.keep_sign_in(db, signed.agent.id):
                    log.warning("the sign-in of %s could not be kept", signed.agent.login)
            return db, signed

        dialog = SignInDialog(
            db.description,
            self.runner,
            attempt,
            login=str(login),
            offer_keep=offer_keep,
            on_server=on_server,
            parent=self.parent,
        )
        self.dialog = dialog
        try:
            if not dialog.exec() or dialog.result is None:
                self.runner.wait()
                return None
        finally:
            self.dialog = None
        signed_db, signed = dialog.result
        return self._finish(signed_db, signed, typed[0] if typed else None)

    def _finish(self, db: Database, signed: SignedIn, password: str | None) -> AtTheDesk | None:
        if signed.must_change_password and not self._forced_change(db, signed.agent, password):
            return None
        return self._remember(AtTheDesk(db, signed.agent))

    def _forced_change(self, db: Database, agent: Agent, password: str | None) -> bool:
        """An admin reset the password: a new one before the window opens."""
        assert agent.id is not None
        agent_id = agent.id
        url = db.safe_url if sign_in.is_server(db) else None

        def change(current: str, new: str, repeat: str) -> None:
            sign_in.change_password(db, agent_id, current, new, repeat, url=url)

        dialog = ChangePasswordDialog(
            self.runner, change, forced_from=password or "", parent=self.parent
        )
        if password is None:  # signed in without typing it (a kept sign-in cannot be)
            dialog.set_field_visible("current", True)
        self.dialog = dialog
        try:
            return bool(dialog.exec())
        finally:
            self.dialog = None

    def _remember(self, at: AtTheDesk) -> AtTheDesk:
        try:
            self.settings.setValue(remembered_login_key(at.db), at.agent.login)
        except DeskError:
            log.warning("could not remember the login for this desk", exc_info=True)
        self.settings.setValue(LAST_LOGIN, at.agent.login)
        return at

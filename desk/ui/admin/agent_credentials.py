"""An admin's hand on an agent's sign-in: reset the password (the agent chooses their own
at the next sign-in), unlock a login locked by wrong passwords, and end every kept
sign-in of the agent ("Keep me signed in" on any computer).

Small pieces for the Administration window's Agents page to open for the agent chosen
there; each runs its service in the background and says what happened through `said`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QMessageBox, QPushButton, QWidget

from desk.domain.model import Agent
from desk.domain.sign_in import PASSWORD_MIN
from desk.services import sign_in

from ..common.dialogs import FormDialog, error_text
from ..common.labels import tr
from ..common.session import DeskSession
from ..common.tasks import TaskRunner

Said = Callable[[str], None]
#: Letters and digits nobody misreads when a password is read out over the phone.
_PLAIN = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password(length: int = 12) -> str:
    """A password to read out to the agent: random, in groups of four."""
    letters = "".join(secrets.choice(_PLAIN) for _ in range(length))
    return "-".join(letters[i : i + 4] for i in range(0, length, 4))


class ResetPasswordDialog(FormDialog):
    """The temporary password, typed or made up, shown as text: the admin reads it out."""

    def __init__(
        self,
        session: DeskSession,
        runner: TaskRunner,
        agent: Agent,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            tr("Reset {name}'s password").format(name=agent.name),
            tr(
                "Give {name} a temporary password. At their next sign-in they choose their "
                "own before the window opens; “Keep me signed in” ends on every computer."
            ).format(name=agent.name),
            tr("Reset password"),
            parent,
        )
        self.setObjectName("resetPasswordDialog")
        self._session, self._runner, self.agent = session, runner, agent
        self.password = QLineEdit()
        self.password.setPlaceholderText(
            tr("At least {count} characters").format(count=PASSWORD_MIN)
        )
        self.make_up = QPushButton(tr("&Make one up"))
        self.make_up.clicked.connect(self._on_make_up_clicked)
        self.add_field("password", tr("Temporary password"), self.password, self.make_up)
        self.submitted.connect(self._on_submitted)

    def _on_make_up_clicked(self) -> None:
        self.password.setText(temporary_password())
        self.clear_problem("password")

    def _on_submitted(self, values: dict[str, str]) -> None:
        db, actor, agent_id = self._session.db, self._session.agent_id, self.agent.id
        assert agent_id is not None
        password = values["password"]
        self._runner.run(
            lambda: sign_in.reset_password(db, actor, agent_id, password),
            lambda _none: self.accept(),
            self.show_problem,
            what=tr("Resetting the password"),
        )


def reset_password(
    session: DeskSession, runner: TaskRunner, agent: Agent, parent: QWidget, said: Said
) -> ResetPasswordDialog:
    dialog = ResetPasswordDialog(session, runner, agent, parent)
    dialog.accepted.connect(
        lambda: said(
            tr("{name}'s password is reset; they choose their own at the next sign-in.").format(
                name=agent.name
            )
        )
    )
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def unlock(session: DeskSession, runner: TaskRunner, agent: Agent, said: Said) -> None:
    """Lift the lock of the agent's login at once (no question: it only gives back)."""
    assert agent.id is not None
    agent_id = agent.id

    def done(lifted: bool) -> None:
        if lifted:
            said(tr("{name} can sign in again.").format(name=agent.name))
        else:
            said(tr("{name}'s login was not locked.").format(name=agent.name))

    runner.run(
        lambda: sign_in.unlock(session.db, session.agent_id, agent_id),
        done,
        lambda exc: said(error_text(exc)),
        what=tr("Unlocking"),
    )


def revoke_kept_sign_ins(
    session: DeskSession, runner: TaskRunner, agent: Agent, parent: QWidget, said: Said
) -> QMessageBox:
    """Asks first (it signs the agent out of nothing open, but ends "Keep me signed in"
    on every computer), then ends them."""
    assert agent.id is not None
    agent_id = agent.id
    box = QMessageBox(
        QMessageBox.Icon.Question,
        tr("End kept sign-ins"),
        tr("End every “Keep me signed in” of {name}, on every computer?").format(name=agent.name),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName("revokeQuestion")
    box.setInformativeText(tr("They will have to type their password at the next start."))
    end = box.addButton(tr("&End them"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(tr("&Keep them"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(end)

    def on_finished(_result: int) -> None:
        box.deleteLater()
        if box.clickedButton() is not end:
            return
        runner.run(
            lambda: sign_in.revoke_tokens(session.db, session.agent_id, agent_id),
            lambda count: said(
                tr("Ended {count} kept sign-in(s) of {name}.").format(count=count, name=agent.name)
            ),
            lambda exc: said(error_text(exc)),
            what=tr("Ending kept sign-ins"),
        )

    box.finished.connect(on_finished)
    box.open()
    return box


__all__ = [
    "ResetPasswordDialog",
    "reset_password",
    "revoke_kept_sign_ins",
    "temporary_password",
    "unlock",
]

"""Choosing a new password: the agent's own change (File › Change my password…) and the
change an admin's reset forces at the next sign-in, before the window opens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desk.domain.sign_in import PASSWORD_MIN
from desk.services import sign_in

from ..common.dialogs import FormDialog
from ..common.labels import tr
from ..common.session import DeskSession
from ..common.tasks import TaskRunner
from .sign_in_dialog import caps_lock_label, password_field

#: (current, new, repeat) -> None; raises ValidationError naming "current", "new" or
#: "repeat" to keep the dialog open with the problem at its field.
ChangePassword = Callable[[str, str, str], None]


class ChangePasswordDialog(FormDialog):
    """Current, new and repeated password. `forced`: after an admin's reset; the current
    one (just typed to sign in) is not asked again, and leaving means not going on."""

    def __init__(
        self,
        runner: TaskRunner,
        change: ChangePassword,
        *,
        forced_from: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        rule = tr("At least {count} characters, and not your login.").format(count=PASSWORD_MIN)
        if forced_from is None:
            title, intro = tr("Change my password"), rule
        else:
            title = tr("Choose a new password")
            intro = tr(
                "An admin has reset your password. Choose your own before you go on. {rule}"
            ).format(rule=rule)
        super().__init__(title, intro, tr("Change password"), parent)
        self.setObjectName("changePasswordDialog")
        self._runner = runner
        self._change = change
        self._forced_from = forced_from
        self.current = self.add_field("current", tr("Current password"), password_field())
        self.new = self.add_field("new", tr("New password"), password_field())
        self.repeat = self.add_field("repeat", tr("Repeat the new one"), password_field())
        self.caps_lock = caps_lock_label(self.current, self.new, self.repeat, parent=self)
        self._form.addRow("", self.caps_lock)
        if forced_from is not None:
            self.current.setText(forced_from)
            self.set_field_visible("current", False)
            if self.cancel_button is not None:
                self.cancel_button.setText(tr("Quit"))
        self.submitted.connect(self._on_submitted)

    def _on_submitted(self, values: dict[str, str]) -> None:
        current, new, repeat = values["current"], values["new"], values["repeat"]
        self._runner.run(
            lambda: self._change(current, new, repeat),
            lambda _none: self.accept(),
            self.show_problem,
            what=tr("Changing the password"),
        )


def change_my_password(
    session: DeskSession, runner: TaskRunner, parent: QWidget, said: Callable[[str], None]
) -> ChangePasswordDialog:
    """File › Change my password…: the dialog, opened over `parent`; `said` gets the
    status bar's word once the password is changed."""
    url = session.db.safe_url if session.backend == "postgresql" else None

    def change(current: str, new: str, repeat: str) -> None:
        sign_in.change_password(session.db, session.agent_id, current, new, repeat, url=url)

    dialog = ChangePasswordDialog(runner, change, parent=parent)
    dialog.accepted.connect(lambda: said(tr("Your password is changed.")))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog

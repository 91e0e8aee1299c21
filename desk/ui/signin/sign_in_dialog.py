"""The sign-in dialog: login (remembered per desk), password, a Caps Lock warning and,
where a sign-in can be kept, "Keep me signed in on this computer".

A refusal says only "Wrong login or password." (never which); while the login is
slowed down or locked the Sign in button waits, counting down, so the wait is seen
rather than met as one more refusal. Escape (or Quit) leaves Desk: nothing typed here
is work to lose, so it does not ask first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from desk.domain.sign_in import SignInRefused

from ..common.dialogs import FormDialog
from ..common.labels import tr
from ..common.tasks import TaskRunner
from .caps_lock import CapsLockWatch

#: What the dialog does with what was typed: (login, password, keep) -> a result kept in
#: `result`; raises SignInRefused (or another DeskError) to stay open.
Attempt = Callable[[str, str, bool], Any]


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def caps_lock_label(*fields: QLineEdit, parent: QWidget) -> QLabel:
    """ "Caps Lock is on" (hidden while it is not), for what is typed into `fields`."""
    label = QLabel(tr("Caps Lock is on."), objectName="capsLockWarning")
    label.hide()
    watch = CapsLockWatch(parent)
    for field in fields:
        watch.watch(field)
    watch.changed.connect(label.setVisible)
    label.watch = watch  # type: ignore[attr-defined]  # kept alive with the label
    return label


class SignInDialog(FormDialog):
    cancel_while_working = True  # a server that does not answer must not keep Desk open

    def __init__(
        self,
        where: str,
        runner: TaskRunner,
        attempt: Attempt,
        *,
        login: str = "",
        offer_keep: bool = True,
        on_server: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        intro = (
            tr("Sign in with your own login on this server.")
            if on_server
            else tr("Sign in to work on this desk.")
        )
        super().__init__(tr("Sign in to Desk"), f"{intro}\n{where}", tr("Sign in"), parent)
        self.setObjectName("signInDialog")
        self._runner = runner
        self._attempt = attempt
        #: What `attempt` gave back for the accepted sign-in.
        self.result: Any = None
        self._retry_at: datetime | None = None
        self._refusal = ""
        if self.cancel_button is not None:
            self.cancel_button.setText(tr("Quit"))
        self.login = self.add_field("login", tr("Login"), QLineEdit(login))
        self.password = self.add_field("password", tr("Password"), password_field())
        self.caps_lock = caps_lock_label(self.login, self.password, parent=self)
        self._form.addRow("", self.caps_lock)
        self.keep = QCheckBox(tr("&Keep me signed in on this computer"))
        self.keep.setVisible(offer_keep)
        if offer_keep:
            self._form.addRow("", self.keep)
        self._ticker = QTimer(self, interval=250)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        self.submitted.connect(self._on_submitted)

    def first_field(self) -> QWidget | None:
        # The login is remembered: the password is what is left to type.
        return self.password if self.login.text() else self.login

    def has_typed_input(self) -> bool:
        return False  # Escape quits at once: a password is not work to lose

    def _on_submitted(self, values: dict[str, str]) -> None:
        login, password, keep = values["login"], values["password"], self.keep.isChecked()
        self._runner.run(
            lambda: self._attempt(login, password, keep),
            self._on_signed_in,
            self.show_problem,
            what=tr("Signing in"),
        )

    def _on_signed_in(self, result: Any) -> None:
        self.result = result
        self.accept()

    def show_problem(self, exc: BaseException) -> None:
        super().show_problem(exc)
        if isinstance(exc, SignInRefused):
            self._show_refusal(exc)
        self.adjustSize()  # room for the words, not squeezed fields

    def _show_refusal(self, exc: SignInRefused) -> None:
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        self._refusal = exc.message
        if exc.locked and exc.retry_at is not None:
            self._refusal = tr(
                "Too many wrong passwords: this login is locked until {time}. An admin can "
                "unlock it sooner."
            ).format(time=exc.retry_at.astimezone().strftime("%H:%M"))
            self.general_error.setText(self._refusal)
        self._retry_at = exc.retry_at
        if self._retry_at is not None:
            self._ticker.start()
            self._on_ticker_timeout()

    def _on_ticker_timeout(self) -> None:
        """The wait counted down on the button's line; the button back when it is over."""
        left = (
            0.0 if self._retry_at is None else (self._retry_at - datetime.now(UTC)).total_seconds()
        )
        if left <= 0:
            self._ticker.stop()
            self._retry_at = None
            self.submit_button.setEnabled(True)
            self.general_error.setText(self._refusal)
            return
        self.submit_button.setEnabled(False)
        if left > 90:  # a lock: its message says until when
            self.general_error.setText(self._refusal)
            return
        else:
            wait = tr("You can try again in {seconds} s.").format(seconds=int(left + 0.999))
        self.general_error.setText(f"{self._refusal} {wait}")

"""Screenshots of signing in: the sign-in dialog as it opens, after a wrong password, with
Caps Lock on, for a locked login and while a login is slowed down; changing one's
password, the change a reset forces, and the admin's reset. Saved to
$DESK_SCREENSHOTS/sign-in (or a temporary folder), for people to look at."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desk.domain.errors import ValidationError
from desk.domain.sign_in import locked, slowed_down, wrong_login_or_password
from desk.ui.admin.agent_credentials import ResetPasswordDialog
from desk.ui.common.style import apply_style
from desk.ui.common.tasks import TaskRunner
from desk.ui.signin.password_dialogs import ChangePasswordDialog
from desk.ui.signin.sign_in_dialog import SignInDialog

from .helpers import session_for
from .test_dialog_screenshots import save
from .test_screenshots import _distinct_colours


def _refuse(exc):
    def attempt(*_args):
        raise exc

    return attempt


def test_sign_in_screenshots(qtbot, qapp, demo_db, tmp_path):
    apply_style(qapp)
    out = Path(os.environ.get("DESK_SCREENSHOTS", tmp_path)) / "sign-in"
    out.mkdir(parents=True, exist_ok=True)
    runner = TaskRunner()
    shots: list[Path] = []

    def dialog(exc, login="alex.morgan", keep=True) -> SignInDialog:
        made = SignInDialog(
            "C:\\Users\\counter\\AppData\\Local\\Desk\\desk.sqlite3",
            runner,
            _refuse(exc),
            login=login,
            offer_keep=keep,
        )
        qtbot.addWidget(made)
        made.show()
        qtbot.waitUntil(made.isVisible)
        return made

    fresh = dialog(wrong_login_or_password(), login="")
    shots.append(save(fresh, out / "sign-in.png"))

    wrong = dialog(wrong_login_or_password())
    QTest.keyClicks(wrong.password, "not it")
    QTest.keyClick(wrong.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not wrong.general_error.isHidden(), timeout=10_000)
    shots.append(save(wrong, out / "wrong-password.png"))

    caps = dialog(wrong_login_or_password())
    QTest.keyClicks(caps.password, "DEMO")
    assert caps.caps_lock.isVisible()
    shots.append(save(caps, out / "caps-lock.png"))

    until = datetime.now(UTC) + timedelta(minutes=14)
    lock = dialog(locked(until))
    QTest.keyClicks(lock.password, "guess")
    QTest.keyClick(lock.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "locked" in lock.general_error.text(), timeout=10_000)
    assert not lock.submit_button.isEnabled()
    shots.append(save(lock, out / "locked.png"))

    slow = dialog(slowed_down(datetime.now(UTC) + timedelta(seconds=16)), keep=False)
    QTest.keyClicks(slow.password, "guess")
    QTest.keyClick(slow.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "try again in" in slow.general_error.text(), timeout=10_000)
    shots.append(save(slow, out / "slowed-down.png"))

    def refuse_change(current, new, repeat):
        raise ValidationError.single("repeat", "The two new passwords are not the same.")

    change = ChangePasswordDialog(runner, refuse_change)
    qtbot.addWidget(change)
    change.show()
    qtbot.waitUntil(change.isVisible)
    shots.append(save(change, out / "change-password.png"))
    for field, text in (
        (change.current, "old one"),
        (change.new, "new words"),
        (change.repeat, "new wrods"),
    ):
        QTest.keyClicks(field, text)
    QTest.keyClick(change.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not change._fields["repeat"][1].isHidden(), timeout=10_000)
    shots.append(save(change, out / "change-password-error.png"))

    forced = ChangePasswordDialog(runner, refuse_change, forced_from="temporary-123")
    qtbot.addWidget(forced)
    forced.show()
    qtbot.waitUntil(forced.isVisible)
    shots.append(save(forced, out / "forced-change.png"))

    session = session_for(demo_db, "admin")
    dana = next(a for a in session.directory.agents if a.login == "dana.wright")
    reset = ResetPasswordDialog(session, runner, dana)
    qtbot.addWidget(reset)
    reset.show()
    qtbot.waitUntil(reset.isVisible)
    reset.make_up.click()
    shots.append(save(reset, out / "reset-password.png"))

    runner.wait()
    for path in shots:
        assert _distinct_colours(path) > 8, f"{path.name} looks blank"

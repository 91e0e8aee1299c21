"""Starting Desk: the demo desk the first time, and the first admin on an empty desk."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from desk.gui import _acting_agent
from desk.services.database import open_database
from desk.services.sign_in import sign_in
from desk.ui.common.dialogs import FormDialog
from desk.ui.common.tasks import TaskRunner


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    env.pop("DESK_PORTABLE", None)
    return env


@pytest.mark.slow
def test_desk_demo_creates_the_demo_desk_and_opens_the_window(tmp_path):
    env = _isolated_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "desk", "--demo", "--quit-after", "1500"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    database = tmp_path / "xdg_data_home" / "Desk" / "demo.sqlite3"
    assert database.is_file()
    db = open_database(f"sqlite:///{database}")
    try:
        with db.read() as uow:
            assert uow.tickets.count() == 3000
    finally:
        db.close()
    settings = QSettings(
        str(tmp_path / "xdg_config_home" / "Desk" / "desk.ini"), QSettings.Format.IniFormat
    )
    assert settings.value("session/login") == "alex.morgan"
    # The layout was remembered on close, as the demo supervisor's on this desk.
    layouts = [k for k in settings.allKeys() if k.endswith("window/mainSplitter")]
    assert len(layouts) == 1 and layouts[0].startswith("agents/"), settings.allKeys()
    logs = tmp_path / "xdg_state_home" / "Desk" / "log" / "desk.log"
    assert "opened sqlite" in logs.read_text()


def test_an_empty_desk_asks_for_its_first_admin(qapp, tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    runner = TaskRunner()

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FormDialog):
            QTimer.singleShot(20, fill_in)
            return
        dialog.field("name").setText("Pat Admin")
        dialog.field("login").setText("pat")
        dialog.field("password").setText("short")
        dialog.submit_button.click()

        def then() -> None:
            if dialog.submit_button.isEnabled() and dialog.general_error.isHidden():
                errors = [
                    label.text() for _w, label in dialog._fields.values() if not label.isHidden()
                ]
                assert errors == ["The password needs at least 8 characters."]
                dialog.field("password").setText("long enough password")
                dialog.submit_button.click()
            else:
                QTimer.singleShot(20, then)

        QTimer.singleShot(50, then)

    QTimer.singleShot(0, fill_in)
    args = argparse.Namespace(login=None, demo=False)
    agent = _acting_agent(
        db, args, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), runner
    )
    assert agent is not None and (agent.login, agent.name, agent.role) == (
        "pat",
        "Pat Admin",
        "admin",
    )
    assert sign_in(db, "pat", "long enough password").agent.id == agent.id
    db.close()

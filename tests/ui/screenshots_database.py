"""Screenshots of the database banner's states at 1024x700, for people to look at.

    python -m tests.ui.screenshots_database [OUT_DIR]

writes the window with its database file deleted (a note refused), opened read-only, and
with its server not answering, to OUT_DIR (default artifacts/screenshots).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from unittest import mock

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desk.domain.errors import DatabaseUnavailable
from desk.domain.model import ACTIVE_STATUSES
from desk.domain.queues import QueueFilter, QueueQuery, SortKey
from desk.services import health, queries
from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN, seed_demo
from desk.ui.common.drafts import DraftStore
from desk.ui.common.session import DeskSession
from desk.ui.common.style import apply_style
from desk.ui.shell.main_window import MainWindow

from ..file_access import unwritable
from . import screenshots as shots  # its import sets up the offscreen screen

SIZE = (1024, 700)
NAMES = ("database-gone.png", "database-read-only.png", "database-server-down.png")


def _window(db, work_dir: Path, name: str) -> MainWindow:
    directory = queries.directory(db)
    me = next(a for a in directory.agents if a.login == DEMO_LOGIN)
    session = DeskSession(db, me, directory, db.description, db.backend)
    settings = QSettings(str(work_dir / f"{name}.ini"), QSettings.Format.IniFormat)
    # Each its own drafts: the copies are one desk, and the first shot's draft is its own.
    window = MainWindow(session, settings, DraftStore(work_dir / f"drafts-{name}"))
    window.resize(*SIZE)
    window.show()
    return window


def _open_first_active(app: QApplication, window: MainWindow, db) -> None:
    query = QueueQuery(QueueFilter(statuses=ACTIVE_STATUSES), SortKey.NUMBER)
    shots.wait_for(app, window, lambda: window.queue_model.shown and window.runner.pending == 0)
    shots.open_ticket(app, window, queries.queue_page(db, query, 0, 1)[0].id)


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    work_dir = Path(tempfile.mkdtemp(prefix="desk-banner-shots-"))
    taken: list[Path] = []
    try:
        template = work_dir / "template.sqlite3"
        db = open_database(f"sqlite:///{template}")
        seed_demo(db, 200)
        db.close()

        # 1. The file deleted under the window; a note sent anyway is refused and kept.
        path = work_dir / "desk.sqlite3"
        shutil.copy(template, path)
        db = open_database(f"sqlite:///{path}")
        window = _window(db, work_dir, "gone")
        _open_first_active(app, window, db)
        path.unlink()
        window.composer.set_internal(True)
        window.composer.editor.setPlainText(
            "Called back at 14:10, no answer; trying again at 15:00."
        )
        window.composer.send()
        shots.wait_for(app, window, lambda: window.banner.isVisible())
        taken.append(shots.save(window, out / NAMES[0]))
        window.close()
        db.close()

        # 2. A read-only file.
        path = work_dir / "read-only.sqlite3"
        shutil.copy(template, path)
        with unwritable(path):
            db = open_database(f"sqlite:///{path}")
            window = _window(db, work_dir, "read-only")
            _open_first_active(app, window, db)
            taken.append(shots.save(window, out / NAMES[1]))
            window.close()
            db.close()

        # 3. The server does not answer (its check made to fail as a stopped server's does).
        path = work_dir / "server.sqlite3"
        shutil.copy(template, path)
        db = open_database(f"sqlite:///{path}")
        window = _window(db, work_dir, "down")
        _open_first_active(app, window, db)
        down = DatabaseUnavailable(
            "Nothing answers at desk-db.northwind.local:5432. Is the server running, "
            "and is the host and port right?",
            "port",
        )
        with mock.patch.object(health, "check_database", side_effect=down):
            window.monitor.check_now()
            shots.wait_for(app, window, lambda: window.banner.isVisible())
            shots.pump(app, window, 1.2)
            taken.append(shots.save(window, out / NAMES[2]))
            window.close()
        db.close()
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return taken


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    take(Path(arguments[0]) if arguments else shots.ROOT / "artifacts" / "screenshots")

"""What a start loads before the first queue: not what only another backend, a later
window or a rare command needs (each costs milliseconds of every start)."""

from __future__ import annotations

import subprocess
import sys

NOT_AT_START = [
    "sqlalchemy.dialects.postgresql",  # a SQLite desk's start; a server's loads it itself
    "psycopg",
    "alembic",  # a desk whose schema is up to date is opened without it
    "holidays",
    "keyring",
    "argon2",
    "desk.domain.routing",
    "desk.services.routing",
    "desk.services.dashboard",
    "desk.ui.dashboard",
    "desk.ui.reports",
]


def test_the_window_loads_only_what_a_sqlite_desks_first_queue_needs():
    code = (
        "import sys, desk.gui\n"
        f"loaded = [m for m in {NOT_AT_START!r} if m in sys.modules]\n"
        "assert not loaded, f'loaded at start-up: {loaded}'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]

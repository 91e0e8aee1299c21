"""Wiring: where Desk keeps its files, which database it opens, and who is acting."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "Desk"
PORTABLE_ENV = "DESK_PORTABLE"
#: The ending of a Desk database file: a new local desk is made without asking only at a
#: path ending so (a typo such as a malformed URL would otherwise become an empty desk).
SQLITE_SUFFIX = ".sqlite3"


@dataclass(frozen=True, slots=True)
class Paths:
    data: Path
    config: Path
    logs: Path

    @property
    def local_database(self) -> Path:
        return self.data / f"desk{SQLITE_SUFFIX}"

    @property
    def demo_database(self) -> Path:
        return self.data / f"demo{SQLITE_SUFFIX}"

    def create(self) -> None:
        for folder in (self.data, self.config, self.logs):
            folder.mkdir(parents=True, exist_ok=True)


def program_folder() -> Path:
    """The folder of the program: the frozen executable's, or the source checkout's."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def resolve_paths(portable: bool = False) -> Paths:
    """The platform's per-user folders, or folders beside the program when portable."""
    if portable or os.environ.get(PORTABLE_ENV, "").strip() not in ("", "0"):
        base = program_folder() / "DeskData"
        return Paths(base / "data", base / "config", base / "logs")
    dirs = PlatformDirs(APP_NAME, appauthor=False)
    return Paths(Path(dirs.user_data_dir), Path(dirs.user_config_dir), Path(dirs.user_log_dir))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def setup_logging(paths: Paths, level: int = logging.INFO) -> Path:
    """Rotating log files in the user log folder; returns the current log file."""
    from logging.handlers import RotatingFileHandler

    paths.logs.mkdir(parents=True, exist_ok=True)
    log_file = paths.logs / "desk.log"
    handler = RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    return log_file

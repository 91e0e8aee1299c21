"""`desk`: open the desk, fill a database with demo data, run one housekeeping sweep, or
write a report to a file."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desk import __version__, admin_cli, report_command
from desk.app import SQLITE_SUFFIX, Paths, resolve_paths, sqlite_url
from desk.domain.errors import BadDatabaseURL, DeskError

if TYPE_CHECKING:
    from desk.ui.shell.start_up import StartProgress


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desk", description="Desk: the help desk client for service-desk agents."
    )
    parser.add_argument("--version", action="version", version=f"Desk {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database: a SQLite file path or URL, or postgresql://user@host/db",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open a demo database (made the first time)"
    )
    parser.add_argument(
        "--portable", action="store_true", help="keep data, settings and logs beside the program"
    )
    parser.add_argument("--as", dest="login", metavar="LOGIN", help="act as this agent")
    parser.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    seed = commands.add_parser("seed-demo", help="fill a database with realistic demo data")
    seed.add_argument(
        "--db", dest="seed_db", metavar="URL", help="database (default: the local one)"
    )
    seed.add_argument(
        "--tickets", type=int, default=3000, metavar="N", help="tickets to create (default 3000)"
    )
    keep = commands.add_parser(
        "housekeeping",
        help="run one housekeeping sweep (SLA breaches, escalations, auto-close) and exit",
    )
    keep.add_argument(
        "--db", dest="keep_db", metavar="URL", help="database (default: the local one)"
    )
    admin_cli.add_parser(commands)
    report_command.add_parser(commands)
    from desk.server_setup_command import add_parser as add_server_setup

    add_server_setup(commands)
    return parser


#: A Windows drive at the start of a path ("C:\\", "d:/"): the one colon a file path has.
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def database_url(given: str | None, paths: Paths, *, demo: bool = False) -> str:
    """A URL for what the user gave: a URL as is, a bare path as a SQLite file.

    Raises BadDatabaseURL for a URL gone wrong ("postgres:/host", "not a url at all::"):
    taken as a file name it would quietly become a new, empty desk.
    """
    if given:
        if "://" in given:
            return given
        if ":" in _DRIVE.sub("", given.strip(), count=1):
            raise BadDatabaseURL(
                f"“{given}” is not a database URL. Use a file path, "
                f"sqlite:///path/to/desk{SQLITE_SUFFIX} or postgresql://user@host:5432/database."
            )
        return sqlite_url(_absolute(given))
    paths.create()
    return sqlite_url(paths.demo_database if demo else paths.local_database)


def _absolute(path: str) -> Path:
    return Path(path).expanduser().resolve()


def first_start_file(args: argparse.Namespace, paths: Paths) -> Path | None:
    """The database file this start will create, when it is sure to (the demo the first
    time, a new file at Desk's own suffix, the local desk on a computer Desk has never
    run on): that start shows its progress before anything slow."""
    if args.db:
        if "://" in args.db or ":" in _DRIVE.sub("", args.db.strip(), count=1):
            return None
        wanted = _absolute(args.db)
        if wanted.suffix != SQLITE_SUFFIX or not wanted.parent.is_dir():
            return None  # asked about, or refused, before anything is made
    elif args.demo:
        wanted = paths.demo_database
    elif not (paths.config / "desk.ini").exists():
        wanted = paths.local_database
    else:
        return None  # a database chosen before, maybe a server: not known to be new
    return None if wanted.exists() else wanted


def seed_demo_command(url: str, tickets: int) -> int:
    from desk.services.database import missing_database_file, open_database
    from desk.services.demo import seed_demo

    if tickets < 0:
        print("desk: --tickets must be zero or more", file=sys.stderr)
        return 2
    new_file = missing_database_file(url)
    if new_file is not None and new_file.suffix != SQLITE_SUFFIX:
        raise BadDatabaseURL(
            f"There is no Desk database at {new_file}. To make a new desk, give a file name "
            f"ending in {SQLITE_SUFFIX}."
        )
    db = open_database(url)
    try:
        print(f"Seeding {db.description} with {tickets:,} tickets ...", flush=True)
        summary = seed_demo(db, tickets)
    finally:
        db.close()
    print("Created:")
    for line in summary.lines():
        print(f"  {line}")
    return 0


def housekeeping_command(url: str) -> int:
    """One sweep, for a scheduled task on a server: 0 when done (or when a running Desk
    holds the lease and sweeps itself)."""
    import uuid

    from desk.services.database import open_database
    from desk.services.housekeeping import sweep

    db = open_database(url)
    try:
        result = sweep(db, f"cli-{uuid.uuid4().hex[:12]}", release=True)
    finally:
        db.close()
    if not result.swept:
        print("Another Desk holds the housekeeping lease and sweeps; nothing to do.")
        return 0
    print(
        f"Swept: {len(result.breaches)} breach(es) recorded, {len(result.escalated)} "
        f"escalated, {len(result.closed)} closed, {result.recomputed} recomputed."
    )
    for problem in result.problems:
        print(f"  {problem}", file=sys.stderr)
    return 0


def _give_windowless_program_streams() -> None:
    # The Windows program is built without a console (console=False): it has no stdout or
    # stderr, and the first print (--version, an error) would raise instead.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _show_first_start_progress(args: argparse.Namespace, paths: Paths) -> StartProgress | None:
    """On a first start, the progress on screen at once, before the slow loading and
    making of the database (a blank screen for seconds looks like Desk did not start)."""
    new_file = first_start_file(args, paths)
    if new_file is None:
        return None
    from PySide6.QtWidgets import QApplication

    from desk.ui.common.labels import tr
    from desk.ui.shell.start_up import StartProgress

    if QApplication.instance() is None:  # run_gui goes on with this one
        QApplication(sys.argv[:1])
    progress = StartProgress(
        tr("Preparing the demo desk…") if args.demo else tr("Setting up a new desk…")
    )
    progress.show_now()
    return progress


def main(argv: Sequence[str] | None = None) -> int:
    _give_windowless_program_streams()
    args = _parser().parse_args(argv)
    paths = resolve_paths(args.portable)
    try:
        if args.command == "seed-demo":
            return seed_demo_command(database_url(args.seed_db or args.db, paths), args.tickets)
        if args.command == "server-setup":
            from desk.server_setup_command import run as run_server_setup

            return run_server_setup(args)
        if args.command == "housekeeping":
            return housekeeping_command(database_url(args.keep_db or args.db, paths))
        if args.command == "admin":
            return admin_cli.run(args, database_url(args.admin_db or args.db, paths))
        if args.command == "report":
            return report_command.run(args, database_url(args.report_db or args.db, paths))
        from desk.ui.pyside_start import prepare_pyside

        prepare_pyside()
        progress = _show_first_start_progress(args, paths)
        from desk.gui import run_gui  # loads Qt widgets, SQLAlchemy, Alembic: a second or so

        return run_gui(args, paths, progress)
    except BadDatabaseURL as exc:
        print(f"desk: {exc}", file=sys.stderr)
        return 2
    except DeskError as exc:
        print(f"desk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""`desk`: open the desk, or fill a database with demo data."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from desk import __version__
from desk.app import Paths, resolve_paths, sqlite_url
from desk.domain.errors import BadDatabaseURL, DeskError


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
    return parser


def database_url(given: str | None, paths: Paths, *, demo: bool = False) -> str:
    """A URL for what the user gave: a URL as is, a bare path as a SQLite file."""
    if given:
        return given if "://" in given else sqlite_url(_absolute(given))
    paths.create()
    return sqlite_url(paths.demo_database if demo else paths.local_database)


def _absolute(path: str) -> Path:
    return Path(path).expanduser().resolve()


def seed_demo_command(url: str, tickets: int) -> int:
    from desk.services.database import open_database
    from desk.services.demo import seed_demo

    if tickets < 0:
        print("desk: --tickets must be zero or more", file=sys.stderr)
        return 2
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


def _give_windowless_program_streams() -> None:
    # The Windows program is built without a console (console=False): it has no stdout or
    # stderr, and the first print (--version, an error) would raise instead.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def main(argv: Sequence[str] | None = None) -> int:
    _give_windowless_program_streams()
    args = _parser().parse_args(argv)
    paths = resolve_paths(args.portable)
    try:
        if args.command == "seed-demo":
            return seed_demo_command(database_url(args.seed_db or args.db, paths), args.tickets)
        from desk.gui import run_gui

        return run_gui(args, paths)
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

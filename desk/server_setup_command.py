"""`desk server-setup --db URL`: prepare (or upgrade) a desk on a shared PostgreSQL server."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

#: Where a script gives the first admin's password (the prompt asks otherwise).
PASSWORD_VARIABLE = "DESK_ADMIN_PASSWORD"


def add_parser(commands: Any) -> None:
    setup = commands.add_parser(
        "server-setup",
        help="prepare a PostgreSQL desk for per-agent logins (run with an owner's or superuser's URL)",
        description="Create the desk's owner and group roles, migrate the schema as the owner, "
        "and install the grants, row rules and login functions. Safe to run again; run it "
        "again to upgrade.",
    )
    setup.add_argument(
        "--db", dest="setup_db", metavar="URL", required=True, help="postgresql://user@host/db"
    )
    setup.add_argument(
        "--prefix", help="prefix of the desk's role names (default: from the database's name)"
    )
    setup.add_argument(
        "--admin",
        metavar="LOGIN",
        help=f"the desk's first admin (password from ${PASSWORD_VARIABLE} or asked for)",
    )
    setup.add_argument("--admin-name", metavar="NAME", help="the first admin's full name")


def run(args: argparse.Namespace) -> int:
    from desk.domain.errors import BadDatabaseURL, DeskError, ValidationError
    from desk.services.server_setup import server_setup

    password = None
    if args.admin:
        password = os.environ.get(PASSWORD_VARIABLE) or getpass.getpass(
            f"Password for {args.admin}: "
        )
    try:
        result = server_setup(
            args.setup_db,
            args.prefix,
            admin_login=args.admin,
            admin_name=args.admin_name,
            admin_password=password,
        )
    except (BadDatabaseURL, ValidationError) as exc:
        print(f"desk: {exc}", file=sys.stderr)
        return 2
    except DeskError as exc:
        print(f"desk: {exc}", file=sys.stderr)
        return 1
    for line in result.lines():
        print(line)
    return 0

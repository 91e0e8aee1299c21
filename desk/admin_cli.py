"""`desk admin …`: the admin's changes as commands, for setting a desk up by script.

    desk admin add-agent --db URL --by admin sam "Sam Agent" --role supervisor --team "Service Desk"
    desk admin list agents --db URL

Each command goes through the same services as the Administration window (role checks,
validation, the audit log, the change feed: a running Desk shows the change at once).
Exit codes: 0 done, 1 refused (the services' reason on stderr), 2 bad usage.
On a desk without agents, `add-agent` without --by makes the first admin.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from desk.domain.errors import DeskError, NotFound, ValidationError
from desk.domain.model import Priority, Role

if TYPE_CHECKING:
    from desk.services.database import Database

LISTS = ("agents", "teams", "topics", "audit")
PRIORITIES = {p.name.lower(): p for p in Priority}


class Usage(Exception):
    """Bad usage the parser cannot see (a login that names nobody is a refusal instead)."""


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `desk admin` and its commands on the program's parser."""
    admin = commands.add_parser(
        "admin", help="set the desk up: agents, teams, help topics, settings (admins)"
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", dest="admin_db", metavar="URL", help="database (default: the local one)"
    )
    common.add_argument("--by", metavar="LOGIN", help="the admin making the change")
    sub = admin.add_subparsers(dest="admin_command", metavar="COMMAND", required=True)

    def command(name: str, about: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=about, parents=[common], description=about)

    add = command("add-agent", "add an agent (the first admin, on a desk without agents)")
    add.add_argument("login")
    add.add_argument("name")
    add.add_argument("--email")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.AGENT.value)
    add.add_argument("--team", action="append", default=[], metavar="TEAM", help="repeatable")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the agent's password from stdin"
    )
    edit = command("edit-agent", "change an agent's name, email, role or teams")
    edit.add_argument("login")
    edit.add_argument("--name")
    edit.add_argument("--email", help='"" for none')
    edit.add_argument("--role", choices=[r.value for r in Role])
    edit.add_argument(
        "--team", action="append", metavar="TEAM", help="repeatable; replaces the agent's teams"
    )
    for name, about in (
        ("deactivate-agent", "deactivate an agent (never deleted: their history stays)"),
        ("reactivate-agent", "reactivate a deactivated agent"),
    ):
        command(name, about).add_argument("login")
    team = command("add-team", "add a team")
    team.add_argument("name")
    team.add_argument("--description", default="")
    rename = command("rename-team", "rename a team (its tickets follow in short batches)")
    rename.add_argument("name")
    rename.add_argument("new_name")
    member = command("add-member", "put an agent in a team (supervisors too)")
    member.add_argument("team")
    member.add_argument("login")
    topic = command("add-topic", "add a help topic")
    topic.add_argument("name")
    topic.add_argument("--parent", metavar="TOPIC", help='the parent\'s path, "Hardware › Printer"')
    topic.add_argument("--team", metavar="TEAM", help="the topic's default team")
    topic.add_argument("--priority", choices=list(PRIORITIES), default="normal")
    show = command("list", "list agents, teams, help topics or the audit log")
    show.add_argument("what", choices=LISTS)
    show.add_argument("--limit", type=int, default=50, help="audit entries (default 50)")
    settings = command("settings", "show or change the desk settings")
    settings.add_argument("--name", help="the desk's name")
    settings.add_argument("--phone-country", metavar="CODE", help='ISO country, "GB"')
    settings.add_argument("--prefix", help='ticket number prefix, "IT-"')


def run(args: argparse.Namespace, url: str) -> int:
    """Run the parsed `desk admin` command on the database at `url`."""
    from desk.services.database import open_database
    from desk.services.desk_settings import apply_number_prefix

    db = open_database(url)
    try:
        apply_number_prefix(db)
        handler = _HANDLERS[args.admin_command]
        return handler(db, args)
    except Usage as exc:
        print(f"desk admin: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"desk admin: refused: {exc.message}", file=sys.stderr)
        return 1
    except DeskError as exc:
        print(f"desk admin: refused: {exc.message}", file=sys.stderr)
        return 1
    finally:
        db.close()


# --- finding what the arguments name ---------------------------------------------------


def _actor(db: Database, args: argparse.Namespace) -> int:
    if not args.by:
        raise Usage("say which admin makes the change: --by LOGIN")
    return _agent(db, args.by).id or 0


def _agent(db: Database, login: str):  # type: ignore[no-untyped-def]
    from desk.services.administration import admin_directory  # noqa: F401
    from desk.services.queries import directory

    found = next((a for a in directory(db).agents if a.login == login.strip().lower()), None)
    if found is None:
        raise NotFound(f"There is no agent with the login “{login}”.")
    return found


def _team_id(db: Database, name: str) -> int:
    from desk.services.queries import directory

    wanted = name.strip().casefold()
    found = next((t for t in directory(db).teams if t.name.casefold() == wanted), None)
    if found is None or found.id is None:
        raise NotFound(f"There is no team named “{name}”.")
    return found.id


def _topic(db: Database, actor: int, path: str):  # type: ignore[no-untyped-def]
    from desk.services.administration import admin_directory

    wanted = " › ".join(p.strip() for p in path.replace(">", "›").split("›")).casefold()
    topics = admin_directory(db, actor).topics
    found = next((t for t in topics if t.display_name.casefold() == wanted), None)
    if found is None:
        raise NotFound(f"There is no help topic “{path}”.")
    return found


# --- the commands -------------------------------------------------------------------------


def _add_agent(db: Database, args: argparse.Namespace) -> int:
    from desk.services import directory

    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    if not args.by and not directory.has_agents(db):
        if args.role != Role.ADMIN.value or args.team:
            raise Usage("the desk has no agents yet: its first agent is an admin, without teams")
        made = directory.create_first_admin(db, args.login, args.name, args.email, password)
        print(f"Added {made.name} ({made.login}), the desk's first admin.")
        return 0
    actor = _actor(db, args)
    team_ids = [_team_id(db, t) for t in args.team]
    made = directory.create_agent(
        db,
        actor,
        args.login,
        args.name,
        email=args.email,
        role=Role(args.role),
        password=password,
        team_ids=team_ids,
    )
    print(f"Added {made.name} ({made.login}) as {made.role.value}.")
    return 0


def _edit_agent(db: Database, args: argparse.Namespace) -> int:
    from desk.services import administration
    from desk.services.queries import directory

    actor = _actor(db, args)
    agent = _agent(db, args.login)
    teams = (
        [_team_id(db, t) for t in args.team]
        if args.team is not None
        else [t.id for t in directory(db).teams_of(agent.id)]
    )
    email = agent.email if args.email is None else (args.email or None)
    saved = administration.update_agent(
        db,
        actor,
        agent.id,
        agent.version,
        name=args.name if args.name is not None else agent.name,
        email=email,
        role=Role(args.role) if args.role else agent.role,
        team_ids=teams,
    )
    if saved.name != agent.name:
        administration.spread_agent_name(db, agent.id)
    print(f"Saved {saved.name} ({saved.login}).")
    return 0


def _set_active(active: bool) -> Callable[[Database, argparse.Namespace], int]:
    def handler(db: Database, args: argparse.Namespace) -> int:
        from desk.services import administration

        actor = _actor(db, args)
        agent = _agent(db, args.login)
        saved = administration.set_agent_active(db, actor, agent.id, agent.version, active)
        if active:
            print(f"Reactivated {saved.name} ({saved.login}).")
            return 0
        count = administration.admin_directory(db, actor).open_by_agent.get(agent.id, 0)
        left = f" {count} open ticket(s) of theirs wait for reassignment." if count else ""
        print(f"Deactivated {saved.name} ({saved.login}).{left}")
        return 0

    return handler


def _add_team(db: Database, args: argparse.Namespace) -> int:
    from desk.services import directory

    made = directory.create_team(db, _actor(db, args), args.name, args.description)
    print(f"Added the team {made.name}.")
    return 0


def _rename_team(db: Database, args: argparse.Namespace) -> int:
    from desk.services import administration
    from desk.services.queries import directory

    actor = _actor(db, args)
    team_id = _team_id(db, args.name)
    team = next(t for t in directory(db).teams if t.id == team_id)
    saved = administration.update_team(
        db, actor, team_id, team.version, name=args.new_name, description=team.description
    )
    report = administration.spread_team_name(db, team_id)
    print(
        f"Renamed the team {team.name} to {saved.name}; {report.tickets:,} ticket(s) updated "
        f"in {report.batches} batch(es), {report.seconds:.1f} s."
    )
    return 0


def _add_member(db: Database, args: argparse.Namespace) -> int:
    from desk.services import directory

    actor = _actor(db, args)
    agent = _agent(db, args.login)
    directory.add_team_member(db, actor, _team_id(db, args.team), agent.id)
    print(f"{agent.name} is in the team {args.team}.")
    return 0


def _add_topic(db: Database, args: argparse.Namespace) -> int:
    from desk.services import directory

    actor = _actor(db, args)
    parent = _topic(db, actor, args.parent).id if args.parent else None
    team = _team_id(db, args.team) if args.team else None
    made = directory.create_category(
        db,
        actor,
        args.name,
        parent_id=parent,
        default_team_id=team,
        default_priority=PRIORITIES[args.priority],
    )
    print(f"Added the help topic {made.display_name}.")
    return 0


def _list(db: Database, args: argparse.Namespace) -> int:
    from desk.services.queries import directory

    if args.what == "audit":
        from desk.domain.audit import AuditFilter
        from desk.services.audit import audit_page

        if not 1 <= args.limit <= 500:
            raise Usage("--limit is from 1 to 500")
        page = audit_page(db, _actor(db, args), AuditFilter(), args.limit)
        _table(
            ["when (UTC)", "who", "what", "summary"],
            [
                [f"{e.created_at:%Y-%m-%d %H:%M:%S}", e.actor_name, e.kind, e.summary]
                for e in page.entries
            ],
        )
        return 0
    if args.what == "topics":
        from desk.services.administration import admin_directory

        if args.by:
            seen = admin_directory(db, _actor(db, args))
            topics, teams = seen.topics, seen.teams
        else:
            people = directory(db)
            topics, teams = people.categories, people.teams
        names = {t.id: t.name for t in teams}
        _table(
            ["topic", "default team", "priority", "active"],
            [
                [
                    t.display_name,
                    names.get(t.default_team_id, ""),
                    t.default_priority.name.lower(),
                    _yes(t.active),
                ]
                for t in topics
            ],
        )
        return 0
    people = directory(db)
    if args.what == "agents":
        _table(
            ["login", "name", "email", "role", "teams", "active"],
            [
                [
                    a.login,
                    a.name,
                    a.email or "",
                    a.role.value,
                    ", ".join(t.name for t in people.teams_of(a.id or 0)),
                    _yes(a.active),
                ]
                for a in people.agents
            ],
        )
    else:
        _table(
            ["team", "members", "active", "description"],
            [
                [t.name, str(len(people.members_of(t.id or 0))), _yes(t.active), t.description]
                for t in people.teams
            ],
        )
    return 0


def _settings(db: Database, args: argparse.Namespace) -> int:
    from desk.services import desk_settings

    current = desk_settings.read_settings(db)
    if args.name is not None or args.phone_country is not None or args.prefix is not None:
        current = desk_settings.save_settings(
            db,
            _actor(db, args),
            desk_name=current.desk_name if args.name is None else args.name,
            phone_region=current.phone_region if args.phone_country is None else args.phone_country,
            ticket_prefix=current.ticket_prefix if args.prefix is None else args.prefix,
        )
    print(f"name: {current.desk_name}")
    print(f"phone country: {current.phone_region}")
    print(f"ticket numbers: {current.ticket_prefix}000123")
    return 0


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Tab-separated, a header first: readable, and easy for a script to cut."""
    for row in (header, *rows):
        print("\t".join(row))


_HANDLERS: dict[str, Callable[[Database, argparse.Namespace], int]] = {
    "add-agent": _add_agent,
    "edit-agent": _edit_agent,
    "deactivate-agent": _set_active(False),
    "reactivate-agent": _set_active(True),
    "add-team": _add_team,
    "rename-team": _rename_team,
    "add-member": _add_member,
    "add-topic": _add_topic,
    "list": _list,
    "settings": _settings,
}

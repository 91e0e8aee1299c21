"""`desk report NAME --from DAY --to DAY [filters] --format csv|pdf --output FILE`: a
report written to a file, for a scheduled task (the same figures as the Reports window).

CSV needs no Qt. A PDF is painted by the window's own page layout (desk.ui.reports.pdf)
on a QGuiApplication made offscreen when there is no display: a scheduled task on a
server has none.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from desk.domain.errors import DeskError, ValidationError
from desk.domain.model import Channel
from desk.domain.reports import Breakdown, Grain, Group

NAMES = ("volume", "times", "compliance", "reopens", "backlog", "satisfaction", "agents")


class UsageError(Exception):
    """Bad usage: exit code 2."""


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register `desk report` on the program's sub-commands."""
    report = commands.add_parser(
        "report",
        help="write a report (volume, times, SLA compliance …) to a CSV or PDF file",
        description="Write one report over a range of days to a file. NAME is one of "
        + ", ".join(NAMES)
        + ", or tickets (CSV only: one row per ticket created in the range).",
    )
    report.add_argument("name", metavar="NAME", choices=(*NAMES, "tickets"))
    report.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    report.add_argument("--team", metavar="TEAM", help="only this team's tickets (name or id)")
    report.add_argument("--agent", metavar="LOGIN", help="only this agent's tickets")
    report.add_argument("--topic", metavar="TOPIC", help="only this help topic (and below)")
    report.add_argument("--channel", choices=[c.value for c in Channel])
    report.add_argument("--organisation", metavar="NAME")
    report.add_argument("--grain", choices=[g.value for g in Grain], default="day")
    report.add_argument("--by", choices=[b.value for b in Breakdown], default="none")
    report.add_argument("--group", choices=[g.value for g in Group], default="agent")
    report.add_argument("--format", dest="fmt", choices=("csv", "pdf"), required=True)
    report.add_argument("--output", required=True, metavar="FILE")
    report.add_argument("--db", dest="report_db", metavar="URL")
    report.add_argument(
        "--as", dest="report_login", metavar="LOGIN", help="a supervisor's or admin's login"
    )


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date like 2026-11-30.") from None


def run(args: argparse.Namespace, url: str) -> int:
    """The command: 0 when the file is written, 1 when refused, 2 for bad usage."""
    try:
        return _run(args, url)
    except UsageError as exc:
        print(f"desk report: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"desk report: {exc}", file=sys.stderr)
        return 2
    except DeskError as exc:
        print(f"desk report: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, url: str) -> int:
    from desk.services import queries, reports
    from desk.services import report_tables as tables
    from desk.services.database import open_database

    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    if args.name == tables.TICKETS and args.fmt != "csv":
        raise UsageError("the tickets report is written as CSV only.")
    login = args.report_login or args.login
    if not login:
        raise UsageError("give --as LOGIN: the supervisor or admin the report is run as.")
    output = Path(args.output).expanduser()
    if not output.parent.is_dir():
        raise UsageError(f"the folder {output.parent} does not exist.")
    from desk.services import report_facts

    db = open_database(url)
    try:
        report_facts.backfill_if_writable(db)  # tickets from before reports, if any
        found = queries.directory(db)
        agents = {a.login: a for a in found.agents}
        if login not in agents:
            raise UsageError(f"there is no agent with the login {login!r}.")
        actor = agents[login].id
        assert actor is not None
        team = _named("--team", args.team, {t.name: t.id for t in found.teams})
        agent = None
        if args.agent is not None:
            if args.agent not in agents:
                raise UsageError(f"there is no agent with the login {args.agent!r}.")
            agent = agents[args.agent].id
        topic = _named("--topic", args.topic, {c.name: c.id for c in found.categories})
        req = reports.request(
            first,
            last,
            team_id=team,
            agent_id=agent,
            topic_id=topic,
            channel=args.channel,
            organisation=args.organisation,
            grain=args.grain,
            breakdown=args.by,
        )
        group = Group(args.group)
        partial = output.with_name(output.name + ".part")
        try:
            if args.fmt == "csv":
                with tables.open_csv(str(partial)) as out:
                    rows = tables.export_csv(args.name, db, actor, req, out, group)
                what = f"{rows:,} rows"
            else:
                named = tables.REPORTS[args.name]
                report = named.run(db, actor, req, group, None)
                pages = _write_pdf(partial, named, report)
                what = f"{pages} page{'s' if pages != 1 else ''}"
            partial.replace(output)  # a scheduled reader never sees half a file
        finally:
            partial.unlink(missing_ok=True)
    finally:
        db.close()
    print(f"Wrote {output} ({what}).")
    return 0


def _named(option: str, given: str | None, ids: dict[str, int | None]) -> int | None:
    if given is None:
        return None
    if given.isdigit() and int(given) in ids.values():
        return int(given)
    if given not in ids:
        raise UsageError(f"{option} {given!r} is not one the desk has.")
    return ids[given]


def _write_pdf(path: Path, named, report) -> int:
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from desk.ui.reports.pdf import ReportPage, write_pdf

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    assert app is not None
    page = ReportPage.of(named.name, named.title, report)
    return write_pdf(str(path), [page])

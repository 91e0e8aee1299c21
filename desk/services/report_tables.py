"""Each report as a table (columns and rows of plain values), the one form the Reports
window shows, the PDF prints and CSV writes; and the CSV writer itself, streamed.

Cells are plain values: int, float, str, date or None; a column's `kind` says how to show
them (a duration in seconds, a share from 0 to 1). CSV is Excel's dialect in UTF-8 with
a byte-order mark, durations in hours with two decimals, shares in per cent.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import IO, Any

from desk.domain.errors import ValidationError
from desk.domain.reports import Group
from desk.domain.ticket import format_number

from . import reports
from .database import Database
from .reports import (
    AgentReport,
    BacklogReport,
    ComplianceReport,
    ReportRequest,
    ReportRun,
    ResolvedReport,
    TimesReport,
    VolumeReport,
)


def N_(text: str) -> str:
    """A column title, translated where it is shown (the window), English in CSV."""
    return text


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    DURATION = "duration"  # seconds
    SHARE = "share"  # 0..1
    AVERAGE = "average"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: Kind = Kind.COUNT


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]


MEASURE_TITLES = {
    "first_response_business": N_("First response, business hours"),
    "first_response_calendar": N_("First response, calendar time"),
    "resolution_business": N_("Resolution, business hours"),
    "resolution_calendar": N_("Resolution, calendar time"),
}
#: The same, short (a chart's categories).
MEASURES_SHORT = {
    "first_response_business": N_("First response (business)"),
    "first_response_calendar": N_("First response (calendar)"),
    "resolution_business": N_("Resolution (business)"),
    "resolution_calendar": N_("Resolution (calendar)"),
}


def volume_table(report: VolumeReport) -> Table:
    keyed = any(r.key is not None for r in report.rows)
    columns = (
        Column(N_("From"), Kind.DATE),
        Column(N_("To"), Kind.DATE),
        *((Column(N_("Breakdown"), Kind.TEXT),) if keyed else ()),
        Column(N_("Created")),
        Column(N_("Resolved")),
        Column(N_("Reopened")),
    )
    rows = tuple(
        (r.start, r.end, *((r.label,) if keyed else ()), r.created, r.resolved, r.reopened)
        for r in report.rows
    )
    return Table(columns, rows)


def times_table(report: TimesReport) -> Table:
    keyed = any(r.key is not None for r in report.rows)
    columns = (
        Column(N_("Measure"), Kind.TEXT),
        *((Column(N_("Breakdown"), Kind.TEXT),) if keyed else ()),
        Column(N_("Tickets")),
        Column(N_("Median"), Kind.DURATION),
        Column(N_("90th percentile"), Kind.DURATION),
    )
    rows = tuple(
        (MEASURE_TITLES[r.measure], *((r.label,) if keyed else ()), r.count, r.median, r.p90)
        for r in report.rows
    )
    return Table(columns, rows)


def compliance_table(report: ComplianceReport) -> Table:
    columns = (
        Column(N_("Team"), Kind.TEXT),
        Column(N_("First responses\nwithin target")),
        Column(N_("First responses\nbreached")),
        Column(N_("First-response\ncompliance"), Kind.SHARE),
        Column(N_("Resolutions\nwithin target")),
        Column(N_("Resolutions\nbreached")),
        Column(N_("Resolution\ncompliance"), Kind.SHARE),
    )
    rows = tuple(
        (
            r.label,
            r.first_response_within,
            r.first_response_breached,
            r.first_response_share,
            r.resolution_within,
            r.resolution_breached,
            r.resolution_share,
        )
        for r in (*report.teams, report.total)
    )
    return Table(columns, rows)


def reopen_table(report: ResolvedReport) -> Table:
    who = N_("Agent") if report.group == Group.AGENT else N_("Team")
    columns = (
        Column(who, Kind.TEXT),
        Column(N_("Resolved")),
        Column(N_("Reopened")),
        Column(N_("Reopen rate"), Kind.SHARE),
    )
    rows = tuple(
        (r.label, r.resolved, r.reopened, r.reopen_rate) for r in (*report.rows, report.total)
    )
    return Table(columns, rows)


def satisfaction_table(report: ResolvedReport) -> Table:
    who = N_("Agent") if report.group == Group.AGENT else N_("Team")
    columns = (
        Column(who, Kind.TEXT),
        Column(N_("Resolved")),
        Column(N_("Rated")),
        Column(N_("Response rate"), Kind.SHARE),
        Column(N_("Average"), Kind.AVERAGE),
        *(Column(str(n)) for n in range(1, 6)),
    )
    rows = tuple(
        (r.label, r.resolved, r.rated, r.response_rate, r.average, *r.distribution)
        for r in (*report.rows, report.total)
    )
    return Table(columns, rows)


def backlog_table(report: BacklogReport) -> Table:
    columns = (
        Column(N_("Day"), Kind.DATE),
        *(Column(label) for label in report.labels),
        Column(N_("Total")),
    )
    rows = tuple(
        (day, *counts, sum(counts)) for day, counts in zip(report.days, report.counts, strict=True)
    )
    return Table(columns, rows)


def agent_table(report: AgentReport) -> Table:
    columns = (
        Column(N_("Agent"), Kind.TEXT),
        Column(N_("Handled")),
        Column(N_("Median\nfirst response"), Kind.DURATION),
        Column(N_("Median\nresolution"), Kind.DURATION),
        Column(N_("Reopen rate"), Kind.SHARE),
        Column(N_("Satisfaction"), Kind.AVERAGE),
        Column(N_("Rated")),
    )
    rows = tuple(
        (
            r.name,
            r.handled,
            r.median_first_response,
            r.median_resolution,
            r.reopen_rate,
            r.satisfaction,
            r.rated,
        )
        for r in report.rows
    )
    return Table(columns, rows)


# --- the named reports (the window's tabs, `desk report NAME`) --------------------------


@dataclass(frozen=True, slots=True)
class NamedReport:
    name: str
    title: str
    run: Callable[[Database, int, ReportRequest, Group, ReportRun | None], Any]
    table: Callable[[Any], Table]


def _grouped(function: Callable[..., Any]) -> Callable[..., Any]:
    def run(db: Database, actor: int, req: ReportRequest, group: Group, r: ReportRun | None):
        return function(db, actor, req, group, r)

    return run


def _plain(function: Callable[..., Any]) -> Callable[..., Any]:
    def run(db: Database, actor: int, req: ReportRequest, _group: Group, r: ReportRun | None):
        return function(db, actor, req, r)

    return run


REPORTS: dict[str, NamedReport] = {
    r.name: r
    for r in (
        NamedReport("volume", N_("Volume"), _plain(reports.volume_report), volume_table),
        NamedReport("times", N_("Response times"), _plain(reports.times_report), times_table),
        NamedReport(
            "compliance", N_("SLA compliance"), _plain(reports.compliance_report), compliance_table
        ),
        NamedReport("reopens", N_("Reopen rate"), _grouped(reports.resolved_report), reopen_table),
        NamedReport("backlog", N_("Backlog"), _grouped(reports.backlog_report), backlog_table),
        NamedReport(
            "satisfaction",
            N_("Satisfaction"),
            _grouped(reports.resolved_report),
            satisfaction_table,
        ),
        NamedReport("agents", N_("Agents"), _plain(reports.agent_report), agent_table),
    )
}
#: The per-ticket export (CSV only): one row per ticket created in the range.
TICKETS = "tickets"


# --- CSV --------------------------------------------------------------------------------


def csv_value(value: Any, kind: Kind) -> str:
    if value is None:
        return ""
    if kind == Kind.DURATION:
        return f"{value / 3600:.2f}"
    if kind == Kind.SHARE:
        return f"{value * 100:.1f}"
    if kind == Kind.AVERAGE:
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_title(column: Column) -> str:
    """The title on one line (on screen a long one takes two)."""
    title = column.title.replace("\n", " ")
    if column.kind == Kind.DURATION:
        return f"{title} (hours)"
    if column.kind == Kind.SHARE:
        return f"{title} (%)"
    return title


def open_csv(path: str) -> IO[str]:
    """A file for CSV that Excel opens as UTF-8 (the byte-order mark) and whose rows the
    csv module ends with CRLF itself."""
    return open(path, "w", encoding="utf-8-sig", newline="")


def write_table_csv(table: Table, out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow([csv_title(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return len(table.rows)


TICKET_COLUMNS = (
    Column(N_("Ticket"), Kind.TEXT),
    Column(N_("Subject"), Kind.TEXT),
    Column(N_("Channel"), Kind.TEXT),
    Column(N_("Help topic"), Kind.TEXT),
    Column(N_("Team"), Kind.TEXT),
    Column(N_("Assignee"), Kind.TEXT),
    Column(N_("Organisation"), Kind.TEXT),
    Column(N_("Status"), Kind.TEXT),
    Column(N_("Priority"), Kind.TEXT),
    Column(N_("Created"), Kind.TEXT),
    Column(N_("First response, business"), Kind.DURATION),
    Column(N_("First response, calendar"), Kind.DURATION),
    Column(N_("First response within target"), Kind.TEXT),
    Column(N_("Resolved"), Kind.TEXT),
    Column(N_("Resolution, business"), Kind.DURATION),
    Column(N_("Resolution, calendar"), Kind.DURATION),
    Column(N_("Resolution within target"), Kind.TEXT),
    Column(N_("Reopened"), Kind.COUNT),
    Column(N_("Satisfaction"), Kind.COUNT),
)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _hours(seconds: int | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _moment(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


def _plain(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def _ticket_row(row: Any) -> list[str]:
    """A ticket's CSV cells, in TICKET_COLUMNS order (the hot loop of an export of a
    million rows: one function, no per-cell dispatch)."""
    return [
        format_number(row.id),
        row.subject,
        _plain(row.channel),
        row.topic or "",
        row.team_name or "",
        row.assignee_name or "",
        row.organisation,
        _plain(row.status),
        row.priority.name.lower() if row.priority is not None else "",
        _moment(row.created_at),
        _hours(row.first_response_business),
        _hours(row.first_response_calendar),
        _yes_no(row.first_response_within),
        _moment(row.resolved_at),
        _hours(row.resolution_business),
        _hours(row.resolution_calendar),
        _yes_no(row.resolution_within),
        str(row.reopen_count),
        "" if row.csat is None else str(row.csat),
    ]


def _writable(out: object) -> None:
    if not callable(getattr(out, "write", None)):
        raise ValidationError.single("output", "The report has nowhere to be written.")


#: Rows written between two progress reports and cancel checks.
PROGRESS_EVERY = 5_000


def export_tickets_csv(
    db: Database, actor_id: int, req: ReportRequest, out: IO[str], run: ReportRun | None = None
) -> int:
    """Every ticket created in the range with its figures, one CSV row each, streamed
    from the database (memory stays flat at any size); progress every few thousand rows.
    Returns the rows written."""
    run = reports.checked(req, run)
    _writable(out)
    writer = csv.writer(out)
    writer.writerow([csv_title(c) for c in TICKET_COLUMNS])
    r = req.range
    written = 0
    with reports.reading(db, actor_id, run) as uow:
        filters = reports.with_subtopics(uow, req.filters)
        total = uow.reports.count_rows(r.first_day, r.last_day, filters)
        run.step(0, total)
        for row in uow.reports.ticket_rows(r.first_day, r.last_day, filters):
            writer.writerow(_ticket_row(row))
            written += 1
            if written % PROGRESS_EVERY == 0:
                run.step(written, max(total, written))
        run.step(written, max(total, written))
    return written


def export_csv(
    name: str,
    db: Database,
    actor_id: int,
    req: ReportRequest,
    out: IO[str],
    group: Group = Group.AGENT,
    run: ReportRun | None = None,
) -> int:
    """Report `name` (a key of REPORTS, or TICKETS) as CSV into `out`; the rows written."""
    if not isinstance(name, str) or (name not in REPORTS and name != TICKETS):
        raise ValidationError.single("name", "That report is not one Desk has.")
    reports.checked(req, run, group)
    _writable(out)
    if name == TICKETS:
        return export_tickets_csv(db, actor_id, req, out, run)
    named = REPORTS[name]
    return write_table_csv(named.table(named.run(db, actor_id, req, group, run)), out)

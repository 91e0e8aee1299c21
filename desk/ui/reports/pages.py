"""Each report as a page: its chart (desk.ui.common.charts), its table and what each bar
stands for (the tickets a click lists). The window shows pages, the PDF prints them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication

from desk.domain.model import Channel
from desk.domain.reports import Breakdown, Grain, Group
from desk.services import report_tables as tables
from desk.services.reports import (
    AgentReport,
    BacklogReport,
    ComplianceReport,
    ReportRequest,
    ResolvedReport,
    TimesReport,
    VolumeReport,
)

from ..common.charts import ChartData, ChartKind, Series
from ..common.labels import channel_label, tr

#: Backlog groups drawn at most, the rest as "Others" (the table has every group).
MOST_SERIES = 6


@dataclass(frozen=True, slots=True)
class Drill:
    """The tickets behind a bar: `figure` from `first` to `last` (see
    desk.services.reports.tickets_behind), where `key_name` is `key`."""

    title: str
    figure: str
    first: date
    last: date
    key_name: str | None = None
    key: Any = None


@dataclass(frozen=True)
class ReportPage:
    name: str
    title: str
    subtitle: str
    chart: ChartData
    table: tables.Table
    drills: dict[tuple[int, int], Drill] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, title: str, report: Any, subtitle: str = "") -> ReportPage:
        build = _BUILDERS[name]
        chart, drills = build(report)
        table = tables.REPORTS[name].table(report)
        shown = QCoreApplication.translate("ReportTables", title)
        return cls(name, shown, subtitle or describe(report.request), chart, table, drills)


def column_title(column: tables.Column) -> str:
    return QCoreApplication.translate("ReportTables", column.title)


def describe(req: ReportRequest) -> str:
    r = req.range
    return tr("{first} to {last}").format(first=r.first.isoformat(), last=r.last.isoformat())


def key_label(key_name: str | None, key: Any, label: str) -> str:
    if key_name == "channel" and key is not None:
        return channel_label(Channel(key))
    return tr(label) if label in ("No team", "Unassigned", "No help topic") else label


def _bucket_label(start: date, grain: Grain) -> str:
    if grain == Grain.MONTH:
        return start.strftime("%b %Y")
    if grain == Grain.WEEK:
        return tr("w/c {day}").format(day=start.strftime("%d %b"))
    return start.strftime("%d %b")


def _hours(seconds: int | None) -> float:
    return round((seconds or 0) / 3600, 2)


def _breakdown_key(breakdown: Breakdown) -> str | None:
    return None if breakdown == Breakdown.NONE else breakdown.value


def _volume(report: VolumeReport):
    req = report.request
    key_name = _breakdown_key(req.breakdown)
    starts = sorted({r.start for r in report.rows})
    labels = [_bucket_label(s, req.grain) for s in starts]
    ends = {r.start: r.end for r in report.rows}
    drills: dict[tuple[int, int], Drill] = {}
    if key_name is None:
        by_start = {r.start: r for r in report.rows}
        figures = (
            ("created", tr("Created")),
            ("resolved", tr("Resolved")),
            ("reopened", tr("Reopened")),
        )
        series = []
        for s, (figure, name) in enumerate(figures):
            series.append(Series(name, tuple(float(getattr(by_start[d], figure)) for d in starts)))
            for i, d in enumerate(starts):
                drills[(s, i)] = Drill(f"{name}, {labels[i]}", figure, d, ends[d])
        chart = ChartData(tuple(labels), tuple(series), tr("Tickets"), tr("tickets"))
        return chart, drills
    keys = sorted({r.key for r in report.rows}, key=str)
    names = {r.key: key_label(key_name, r.key, r.label) for r in report.rows}
    cells = {(r.start, r.key): r.created for r in report.rows}
    series = []
    for s, k in enumerate(keys):
        series.append(Series(names[k], tuple(float(cells.get((d, k), 0)) for d in starts)))
        for i, d in enumerate(starts):
            title = tr("Created, {when}, {what}").format(when=labels[i], what=names[k])
            drills[(s, i)] = Drill(title, "created", d, ends[d], key_name, k)
    chart = ChartData(
        tuple(labels), tuple(series), tr("Tickets created"), tr("tickets"), ChartKind.STACKED
    )
    return chart, drills


def _times(report: TimesReport):
    req = report.request
    key_name = _breakdown_key(req.breakdown)
    r = req.range
    drills: dict[tuple[int, int], Drill] = {}
    if key_name is None:
        measures = tables.MEASURES_SHORT
        categories = tuple(tr(text) for text in measures.values())
        rows = [report.row(m) for m in measures]
        series = (
            Series(tr("Median"), tuple(_hours(x.median) for x in rows)),
            Series(tr("90th percentile"), tuple(_hours(x.p90) for x in rows)),
        )
        for s in range(2):
            for i, m in enumerate(measures):
                figure = m.rsplit("_", 1)[0]
                drills[(s, i)] = Drill(categories[i], figure, r.first, r.last)
        return ChartData(
            categories, series, tr("Response and resolution times"), tr("hours")
        ), drills
    keys = sorted({x.key for x in report.rows}, key=str)
    names = {x.key: key_label(key_name, x.key, x.label) for x in report.rows}
    cells = {(x.key, x.measure): x for x in report.rows}
    series = []
    for s, m in enumerate(("first_response_business", "resolution_business")):
        values = tuple(_hours(cells[(k, m)].median) if (k, m) in cells else 0.0 for k in keys)
        series.append(Series(tr(tables.MEASURES_SHORT[m]), values))
        for i, k in enumerate(keys):
            drills[(s, i)] = Drill(names[k], m.rsplit("_", 1)[0], r.first, r.last, key_name, k)
    title = tr("Median times in business hours")
    return ChartData(tuple(names[k] for k in keys), tuple(series), title, tr("hours")), drills


def _compliance(report: ComplianceReport):
    r = report.request.range
    teams = report.teams
    labels = tuple(key_label("team", t.team_id, t.label) for t in teams)
    series = (
        Series(tr("First response"), tuple(100 * (t.first_response_share or 0) for t in teams)),
        Series(tr("Resolution"), tuple(100 * (t.resolution_share or 0) for t in teams)),
    )
    drills = {}
    for i, t in enumerate(teams):
        drills[(0, i)] = Drill(
            tr("First responses breached, {team}").format(team=labels[i]),
            "first_response_breached",
            r.first,
            r.last,
            "team",
            t.team_id,
        )
        drills[(1, i)] = Drill(
            tr("Resolutions breached, {team}").format(team=labels[i]),
            "resolution_breached",
            r.first,
            r.last,
            "team",
            t.team_id,
        )
    return ChartData(labels, series, tr("Within target, by team"), tr("per cent")), drills


def _group_key(group: Group) -> str:
    return group.value


def _reopens(report: ResolvedReport):
    r = report.request.range
    key_name = _group_key(report.group)
    rows = report.rows
    labels = tuple(key_label(key_name, x.key, x.label) for x in rows)
    series = (Series(tr("Reopen rate"), tuple(100 * (x.reopen_rate or 0) for x in rows)),)
    drills = {
        (0, i): Drill(
            tr("Reopened tickets, {who}").format(who=labels[i]),
            "resolved_reopened",
            r.first,
            r.last,
            key_name,
            x.key,
        )
        for i, x in enumerate(rows)
    }
    return ChartData(
        labels, series, tr("Resolved tickets that were reopened"), tr("per cent")
    ), drills


def _satisfaction(report: ResolvedReport):
    r = report.request.range
    categories = tuple(str(n) for n in range(1, 6))
    series = (Series(tr("Ratings"), tuple(float(n) for n in report.total.distribution)),)
    drills = {
        (0, i): Drill(tr("Rated {n}").format(n=i + 1), f"rated:{i + 1}", r.first, r.last)
        for i in range(5)
    }
    average = report.total.average
    title = tr("Satisfaction (average {avg})").format(
        avg=f"{average:.2f}" if average is not None else "–"
    )
    return ChartData(categories, series, title, tr("ratings")), drills


def _backlog(report: BacklogReport):
    key_name = _group_key(report.group)
    days = report.days
    labels = tuple(d.strftime("%d %b") for d in days)
    totals = [sum(report.counts[i][k] for i in range(len(days))) for k in range(len(report.keys))]
    biggest = sorted(range(len(report.keys)), key=lambda k: -totals[k])[:MOST_SERIES]
    series = []
    drills = {}
    for s, k in enumerate(sorted(biggest)):
        name = key_label(key_name, report.keys[k], report.labels[k])
        series.append(Series(name, tuple(float(report.counts[i][k]) for i in range(len(days)))))
        for i, d in enumerate(days):
            title = tr("Open at the end of {day}, {who}").format(day=labels[i], who=name)
            drills[(s, i)] = Drill(title, "backlog", d, d, key_name, report.keys[k])
    rest = [k for k in range(len(report.keys)) if k not in biggest]
    if rest:
        others = tuple(float(sum(report.counts[i][k] for k in rest)) for i in range(len(days)))
        series.append(Series(tr("Others"), others))
    chart = ChartData(
        labels,
        tuple(series),
        tr("Open tickets at the end of each day"),
        tr("tickets"),
        ChartKind.STACKED,
    )
    return chart, drills


def _agents(report: AgentReport):
    r = report.request.range
    rows = report.rows
    labels = tuple(key_label("agent", x.agent_id, x.name) for x in rows)
    series = (Series(tr("Handled"), tuple(float(x.handled) for x in rows)),)
    drills = {
        (0, i): Drill(
            tr("Resolved by {who}").format(who=labels[i]),
            "resolution",
            r.first,
            r.last,
            "agent",
            x.agent_id,
        )
        for i, x in enumerate(rows)
    }
    return ChartData(labels, series, tr("Tickets handled"), tr("tickets")), drills


_BUILDERS = {
    "volume": _volume,
    "times": _times,
    "compliance": _compliance,
    "reopens": _reopens,
    "backlog": _backlog,
    "satisfaction": _satisfaction,
    "agents": _agents,
}

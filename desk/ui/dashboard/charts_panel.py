"""The dashboard's charts: arriving vs resolved per hour today and per day this month,
the backlog over the month, and SLA at risk / overdue per team."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from desk.domain.dashboard import Charts, Measure, TeamLoad

from ..common.charts import ChartData, ChartKind, ChartView, Series
from ..common.labels import tr


def _chart(name: str) -> ChartView:
    view = ChartView()
    view.setObjectName(name)
    return view


class ChartsPanel(QWidget):
    #: A team's at-risk or overdue bar was chosen: (team id, measure).
    teamMeasureChosen = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = _chart("chartToday")
        self.month = _chart("chartMonth")
        self.backlog = _chart("chartBacklog")
        self.sla = _chart("chartSla")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for column, view in enumerate((self.today, self.month, self.backlog, self.sla)):
            view.setMinimumSize(200, 170)
            layout.addWidget(view, 0, column)
        self._teams: tuple[TeamLoad, ...] = ()
        self.sla.barClicked.connect(self._on_sla_bar_clicked)

    def show_charts(self, charts: Charts) -> None:
        arrived, resolved = tr("Arrived"), tr("Resolved")
        hours = tuple(f"{s:%H}" for s in charts.today.starts)
        self.today.set_data(
            ChartData(
                hours,
                (Series(arrived, charts.today.arrived), Series(resolved, charts.today.resolved)),
                title=tr("Today, per hour"),
                kind=ChartKind.BAR,
            )
        )
        days = tuple(str(s.day) for s in charts.month.starts)
        self.month.set_data(
            ChartData(
                days,
                (Series(arrived, charts.month.arrived), Series(resolved, charts.month.resolved)),
                title=tr("This month, per day"),
                kind=ChartKind.BAR,
            )
        )
        self.backlog.set_data(
            ChartData(
                days,
                (Series(tr("Open at the end of the day"), charts.backlog),),
                title=tr("Backlog this month"),
                kind=ChartKind.LINE,
            )
        )

    def show_teams(self, teams: Sequence[TeamLoad]) -> None:
        self._teams = tuple(t for t in teams if t.team_id is not None)
        self.sla.set_data(
            ChartData(
                tuple(t.name for t in self._teams),
                (
                    Series(tr("At risk"), tuple(t.at_risk for t in self._teams), "#d9822b"),
                    Series(tr("Overdue"), tuple(t.overdue for t in self._teams), "#d13438"),
                ),
                title=tr("SLA at risk per team"),
                kind=ChartKind.STACKED,
            )
        )

    def _on_sla_bar_clicked(self, series: int, index: int) -> None:
        team = self._teams[index]
        assert team.team_id is not None
        self.teamMeasureChosen.emit(
            team.team_id, Measure.AT_RISK if series == 0 else Measure.OVERDUE
        )

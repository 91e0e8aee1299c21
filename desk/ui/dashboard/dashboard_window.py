"""The supervisor's dashboard: every team's queues and every agent's load at a glance,
the lanes of tickets waiting or about to breach, the charts, and reassigning by dragging.

Live from the change hub, and cheap: the dashboard reads in three parts (the counts, the
lanes, the charts) and a change re-reads only the parts it can move -- a ticket moving
between queues the counts and lanes, a thread entry the counts (an agent's last
activity), a directory change the counts; the charts at most every ten seconds. Each
part has one read in flight at a time; changes that arrive meanwhile make one more read
when it is back. The clock moves tickets into "at risk" and "overdue" without any write,
so the counts and lanes are also read again every half minute.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.domain.changes import Changes, Directory
from desk.domain.dashboard import AgentLoad, Charts, Lanes, Measure
from desk.services import dashboard
from desk.services.dashboard import DashboardCounts

from ..common.change_hub import ChangeHub
from ..common.dialogs import error_text
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from ..common.ticket_drag import drag_label
from .charts_panel import ChartsPanel
from .lanes import Lane
from .load_tables import AgentLoadModel, LoadBarDelegate, LoadTable, TeamLoadModel
from .reassign import Reassigner, Target

TICK_MS = 30_000  # the clock moves tickets into at risk and overdue
CHARTS_EVERY_S = 10.0
PARTS = ("counts", "lanes", "charts")

MEASURE_WORDS = {
    Measure.OPEN: "open",
    Measure.UNASSIGNED: "unassigned",
    Measure.PENDING: "pending",
    Measure.AT_RISK: "at risk",
    Measure.OVERDUE: "overdue",
    Measure.DUE_TODAY: "due today",
}


class AgentTable(LoadTable):
    """The agents' table; M on an agent moves all their open tickets elsewhere."""

    moveAllRequested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_M and not event.modifiers() and self.currentIndex().isValid():
            self.moveAllRequested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class DashboardWindow(QWidget):
    #: Open a queue in the main window: (title, measure, team id, assignee id).
    queueRequested = Signal(str, object, object, object)
    #: A part was read and shown (tests, the benchmark): its name.
    partShown = Signal(str)

    def __init__(
        self, session: DeskSession, ops: Ops, hub: ChangeHub, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("dashboard")
        self.setWindowTitle(tr("Dashboard — Desk"))
        self.session = session
        self._ops = ops
        self._reading: set[str] = set()
        self._stale: set[str] = set()
        self._charts_read_at = 0.0
        self._missed: set[str] = set()  # what changed while the window was closed
        self.counts: DashboardCounts | None = None
        self.lanes: Lanes | None = None
        self.charts_data: Charts | None = None
        #: Reads started per part (tests: a change must not re-read what it cannot move).
        self.reads: dict[str, int] = dict.fromkeys(PARTS, 0)

        self.team_model = TeamLoadModel(self)
        self.agent_model = AgentLoadModel(self)
        self.teams = LoadTable(self.team_model, "dashboardTeams")
        self.agents = AgentTable(self.agent_model, "dashboardAgents")
        self.agents.setItemDelegateForColumn(
            AgentLoadModel.LOAD_COLUMN, LoadBarDelegate(self.agents)
        )
        self.agents.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.unassigned = Lane(tr("Unassigned, the longest waiting first"), False, "unassignedLane")
        self.breaches = Lane(tr("Overdue and at risk, the newest breach first"), True, "breachLane")
        self.charts = ChartsPanel()
        self.reassigner = Reassigner(session, ops, self)
        self.status = QLabel(objectName="dashboardStatus")
        self.updated = QLabel(objectName="muted")
        self._build_layout()
        self._wire(hub)
        self.tick = QTimer(self, interval=TICK_MS)
        self.tick.timeout.connect(lambda: self.refresh({"counts", "lanes"}))
        self.tick.start()
        self.resize(1280, 760)
        self.refresh()

    def _build_layout(self) -> None:
        heading = QLabel(tr("Dashboard"), objectName="queueTitle")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(self.updated)
        top.addStretch(1)
        top.addWidget(self.status)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        teams_label = QLabel(tr("&Teams"), objectName="laneHeading")
        teams_label.setBuddy(self.teams)
        agents_label = QLabel(
            tr("A&gents — drop tickets on an agent to assign, on a team to transfer"),
            objectName="laneHeading",
        )
        agents_label.setBuddy(self.agents)
        left_layout.addWidget(teams_label)
        left_layout.addWidget(self.teams)
        left_layout.addWidget(agents_label)
        left_layout.addWidget(self.agents, 1)
        self.team_model.modelReset.connect(self._fit_teams)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.unassigned, 1)
        right_layout.addWidget(self.breaches, 1)
        across = QSplitter(Qt.Orientation.Horizontal)
        across.addWidget(left)
        across.addWidget(right)
        across.setStretchFactor(0, 3)
        across.setStretchFactor(1, 2)
        across.setChildrenCollapsible(False)
        down = QSplitter(Qt.Orientation.Vertical, objectName="dashboardSplitter")
        down.addWidget(across)
        down.addWidget(self.charts)
        down.setStretchFactor(0, 3)
        down.setStretchFactor(1, 1)
        down.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addWidget(down, 1)
        self.setTabOrder(self.teams, self.agents)
        self.setTabOrder(self.agents, self.unassigned.view)
        self.setTabOrder(self.unassigned.view, self.breaches.view)

    def _fit_teams(self) -> None:
        # Every team in sight (a desk has a handful); the agents' table takes the rest.
        self.teams.setFixedHeight(min(self.teams.rows_height(), 300))

    def _wire(self, hub: ChangeHub) -> None:
        hub.changed.connect(self._on_hub_changed)
        self.teams.countChosen.connect(self._on_team_count_chosen)
        self.agents.countChosen.connect(self._on_agent_count_chosen)
        self.teams.ticketsDropped.connect(self._on_dropped_on_team)
        self.agents.ticketsDropped.connect(self._on_dropped_on_agent)
        self.agents.moveAllRequested.connect(self._on_move_all_requested)
        self.agents.customContextMenuRequested.connect(self._on_agents_context_menu)
        self.unassigned.view.moveRequested.connect(self._on_move_requested)
        self.breaches.view.moveRequested.connect(self._on_move_requested)
        self.charts.teamMeasureChosen.connect(self._on_chart_team_chosen)
        self.reassigner.message.connect(self.status.setText)
        self.reassigner.moving.connect(self._on_reassigner_moving)
        self.reassigner.finished.connect(self._on_reassigner_finished)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.reassigner.undo)
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)

    def set_session(self, session: DeskSession) -> None:
        self.session = session
        self.reassigner.set_session(session)
        self.refresh({"counts"})

    # --- reading ----------------------------------------------------------------------------

    def refresh(self, parts: set[str] | None = None) -> None:
        for part in PARTS if parts is None else parts:
            self._read(part)

    def stale_parts(self, changes: Changes) -> set[str]:
        """What `changes` can have moved on the dashboard."""
        if changes.everything:
            return set(PARTS)
        stale: set[str] = set()
        moves = changes.moves
        if (
            changes.queues_moved
            or changes.entries
            or {Directory.AGENTS, Directory.TEAMS} & changes.directory
        ):
            stale.add("counts")
        lanes = self.lanes
        shown = {r.id for r in (lanes.unassigned + lanes.breaches)} if lanes else set()
        if changes.queues_moved or shown & set(changes.tickets):
            stale.add("lanes")
        if moves.statuses or moves.anywhere:  # arrivals and resolutions
            stale.add("charts")
        return stale

    def _on_hub_changed(self, changes: Changes) -> None:
        if not self.isVisible():  # closed: read nothing now, everything when shown again
            self._missed |= self.stale_parts(changes)
            return
        self.refresh(self.stale_parts(changes))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.tick.start()
        missed, self._missed = self._missed, set()
        self.refresh(missed)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.tick.stop()

    def _read(self, part: str) -> None:
        if part in self._reading:
            self._stale.add(part)
            return
        if part == "charts" and time.monotonic() - self._charts_read_at < CHARTS_EVERY_S:
            wait = CHARTS_EVERY_S - (time.monotonic() - self._charts_read_at)
            if "charts" not in self._stale:
                self._stale.add("charts")
                QTimer.singleShot(int(wait * 1000) + 50, self, self._read_stale_charts)
            return
        self._reading.add(part)
        self.reads[part] += 1
        db, actor = self.session.db, self.session.agent_id
        now = datetime.now(UTC).astimezone()
        work = {
            "counts": lambda: dashboard.dashboard_counts(db, actor, now),
            "lanes": lambda: dashboard.dashboard_lanes(db, actor, now),
            "charts": lambda: dashboard.dashboard_charts(db, actor, now),
        }[part]
        if part == "charts":
            self._charts_read_at = time.monotonic()
        self._ops.run(
            self,
            work,
            lambda result: self._on_read(part, result),
            lambda exc: self._on_read_failed(part, exc),
            what=tr("Reading the dashboard"),
        )

    def _read_stale_charts(self) -> None:
        if "charts" in self._stale and "charts" not in self._reading:
            self._stale.discard("charts")
            self._charts_read_at = 0.0
            self._read("charts")

    def _on_read(self, part: str, result: object) -> None:
        self._reading.discard(part)
        if isinstance(result, DashboardCounts):
            self.counts = result
            self.team_model.set_teams(result.teams, result.at)
            self.agent_model.set_agents(result.agents, result.at)
            self.charts.show_teams(result.teams)
            self.updated.setText(tr("updated {time}").format(time=f"{result.at:%H:%M:%S}"))
        elif isinstance(result, Lanes):
            self.lanes = result
            now = datetime.now(UTC)
            self.unassigned.show_rows(result.unassigned, result.unassigned_total, now)
            self.breaches.show_rows(result.breaches, result.breaches_total, now)
        elif isinstance(result, Charts):
            self.charts_data = result
            self.charts.show_charts(result)
        self.partShown.emit(part)
        self._again(part)

    def _on_read_failed(self, part: str, exc: BaseException) -> None:
        self._reading.discard(part)
        self.status.setText(error_text(exc))
        self._again(part)

    def _again(self, part: str) -> None:
        if part in self._stale and part != "charts":
            self._stale.discard(part)
            self._read(part)

    @property
    def idle(self) -> bool:
        return not self._reading and not (self._stale - {"charts"})

    # --- opening a queue ------------------------------------------------------------------

    def _on_team_count_chosen(self, row: int, measure: Measure) -> None:
        team = self.team_model.teams[row]
        self._open_queue(team.name, measure, team_id=team.team_id)

    def _on_agent_count_chosen(self, row: int, measure: Measure) -> None:
        agent = self.agent_model.agents[row]
        self._open_queue(agent.name, measure, assignee_id=agent.agent_id)

    def _on_chart_team_chosen(self, team_id: int, measure: Measure) -> None:
        team = next(t for t in self.team_model.teams if t.team_id == team_id)
        self._open_queue(team.name, measure, team_id=team_id)

    def _open_queue(
        self,
        whose: str,
        measure: Measure,
        *,
        team_id: int | None = None,
        assignee_id: int | None = None,
    ) -> None:
        title = tr("{whose} · {what}").format(whose=whose, what=tr(MEASURE_WORDS[measure]))
        self.queueRequested.emit(title, measure, team_id, assignee_id)

    # --- reassigning ------------------------------------------------------------------------

    def targets(self) -> list[Target]:
        agents = [Target(a.name, agent=a) for a in self.agent_model.agents]
        teams = [Target(t.name, team_id=t.team_id) for t in self.team_model.teams if t.team_id]
        return agents + teams

    def _on_reassigner_moving(self, tickets: list, target: Target) -> None:
        """Show the move at once (the agent's count, the lane without the tickets); the
        re-read the change brings replaces this guess with the database's numbers."""
        moving = {ticket_id for ticket_id, _version in tickets}
        self.status.setText(
            tr("Moving {tickets} to {name}…").format(
                tickets=drag_label(len(moving)), name=target.name
            )
        )
        if target.agent is not None:
            agents = list(self.agent_model.agents)
            for i, agent in enumerate(agents):
                if agent.agent_id == target.agent.agent_id:
                    agents[i] = replace(agent, open=agent.open + len(moving))
            self.agent_model.set_agents(agents, self.agent_model.now)
            if self.lanes is not None:
                rows = [r for r in self.lanes.unassigned if r.id not in moving]
                gone = len(self.lanes.unassigned) - len(rows)
                self.unassigned.show_rows(
                    rows, self.lanes.unassigned_total - gone, self.unassigned.model.now
                )

    def _on_reassigner_finished(self, _result: object) -> None:
        # Whatever happened (some tickets refused, an error), read what is true now.
        self.refresh({"counts", "lanes"})

    def _on_dropped_on_agent(self, row: int, tickets: list) -> None:
        agent = self.agent_model.agents[row]
        self.reassigner.move(tickets, Target(agent.name, agent=agent))

    def _on_dropped_on_team(self, row: int, tickets: list) -> None:
        team = self.team_model.teams[row]
        if team.team_id is not None:
            self.reassigner.move(tickets, Target(team.name, team_id=team.team_id))

    def _on_move_requested(self, tickets: list) -> None:
        self.reassigner.move_by_name(tickets, self.targets())

    def _on_move_all_requested(self, row: int) -> None:
        agent: AgentLoad = self.agent_model.agents[row]
        self.reassigner.move_all_of(agent, self.targets())

    def _on_agents_context_menu(self, pos) -> None:
        index = self.agents.indexAt(pos)
        if not index.isValid():
            return
        agent = self.agent_model.agents[index.row()]
        menu = QMenu(self)
        menu.addAction(
            tr("Move all of {name}'s open tickets to…").format(name=agent.name),
            lambda: self._on_move_all_requested(index.row()),
        )
        menu.popup(self.agents.viewport().mapToGlobal(pos))

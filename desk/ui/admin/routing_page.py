"""Administration › Routing rules: the ordered rules, the rule being edited, "try it",
"replay", and how each team assigns and which hours routing counts in.

A page of the Administration window (pages.py). It follows the change feed: another admin's edit shows at once, and
saving a rule someone else saved meanwhile asks what to do (`RuleConflictDialog`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QItemSelectionModel, QSignalBlocker, Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.domain.changes import Changes, Directory
from desk.domain.errors import ActionNotAllowed, NotFound
from desk.domain.routing import RoutingContext, TeamState
from desk.domain.routing_json import rule_to_json
from desk.domain.routing_rules import NAME_MAX, Facts, Rule, Strategy
from desk.services import routing_rules as rules_service
from desk.services import routing_setup
from desk.services.routing_rules import RuleView

from ..common.change_hub import ChangeHub
from ..common.dialogs import error_text
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from ..common.tasks import TaskRunner
from .routing_conflict import RuleConflictDialog
from .routing_editor import RuleEditor, new_rule_body
from .routing_hours import TeamsAndHours
from .routing_list import RuleListModel, RuleListView
from .routing_trial import ReplayPanel, TryPanel

TITLE = QT_TRANSLATE_NOOP("Desk", "Routing rules")
_SETTINGS = frozenset({routing_setup.ROUTING_CALENDAR, "sla"})


class RoutingRulesPage(QWidget):
    """The admin's routing: rules, try it, replay, teams and hours."""

    @staticmethod
    def title() -> str:
        return tr(TITLE)

    def __init__(
        self,
        session: DeskSession,
        hub: ChangeHub,
        parent: QWidget | None = None,
        *,
        ops: Ops | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("routingRulesPage")
        self.session = session
        self.ops = ops or Ops(TaskRunner(self), self)
        self.views: list[RuleView] = []
        self.setup: routing_setup.RoutingSetup | None = None
        #: The rule in the editor (None: a new one, not saved yet) and its version.
        self.editing: int | None = None
        self.editing_version = 0
        self.loaded = False

        directory = session.directory
        teams = [(t.name, t.id) for t in directory.teams if t.id is not None]
        topics = [(c.display_name, c.id) for c in directory.categories if c.id is not None]
        agents = [(a.name, a.id) for a in directory.agents if a.active and a.id is not None]
        self._ctx = RoutingContext(
            now=datetime.now(UTC),
            teams={i: TeamState(i, n) for n, i in teams},
            topic_names={i: n for n, i in topics},
        )

        self.model = RuleListModel(self)
        self.list = RuleListView()
        self.list.setModel(self.model)
        self.add_button = QPushButton(tr("&Add"), objectName="addRule")
        self.duplicate_button = QPushButton(tr("D&uplicate"), objectName="duplicateRule")
        self.delete_button = QPushButton(tr("&Delete"), objectName="deleteRule")
        self.up_button = QPushButton(tr("Up"), objectName="ruleUp", toolTip=tr("Alt+Up"))
        self.down_button = QPushButton(tr("Down"), objectName="ruleDown", toolTip=tr("Alt+Down"))
        buttons = QHBoxLayout()
        for b in (self.add_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        hint = QLabel(
            tr(
                "Tried from the top; the first that matches acts. Space switches a rule on"
                " or off; Alt+Up and Alt+Down, or a drag, move it."
            ),
            objectName="muted",
            wordWrap=True,
        )
        self.status = QLabel(objectName="routingStatus", wordWrap=True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(tr("Rules"), objectName="sectionTitle"))
        left_layout.addWidget(self.list, 1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(hint)
        left_layout.addWidget(self.status)

        self.editor = RuleEditor(teams, topics, agents)
        self.try_panel = TryPanel(topics)
        self.replay_panel = ReplayPanel()
        self.teams_panel = TeamsAndHours()
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.editor)
        self.tabs = QTabWidget(objectName="routingTabs")
        self.tabs.addTab(scroll, tr("Rule"))
        self.tabs.addTab(self.try_panel, tr("Try it"))
        self.tabs.addTab(self.replay_panel, tr("Replay"))
        self.tabs.addTab(self.teams_panel, tr("Teams and hours"))

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.list.moveRequested.connect(self.move_rule)
        self.list.toggleRequested.connect(self._on_list_toggle_requested)
        self.list.deleteRequested.connect(self._on_list_delete_requested)
        self.model.enableRequested.connect(self.enable_rule)
        self.add_button.clicked.connect(self.add_rule)
        self.duplicate_button.clicked.connect(self.duplicate_rule)
        self.delete_button.clicked.connect(lambda: self._on_list_delete_requested(self._row()))
        self.up_button.clicked.connect(lambda: self._nudge(-1))
        self.down_button.clicked.connect(lambda: self._nudge(+1))
        self.editor.saveRequested.connect(self._on_editor_save_requested)
        self.editor.revertRequested.connect(self._load_editor_from_list)
        self.try_panel.tryRequested.connect(self._on_try_requested)
        self.replay_panel.replayRequested.connect(self._on_replay_requested)
        self.teams_panel.calendarChosen.connect(self.set_calendar)
        self.teams_panel.teamChosen.connect(self.set_team)
        hub.changed.connect(self._on_hub_changed)
        self._update_buttons()
        self.reload()

    # --- reading --------------------------------------------------------------------------------

    def reload(self) -> None:
        db = self.session.db
        self.ops.run(
            self,
            lambda: (rules_service.list_rules(db), routing_setup.routing_setup(db)),
            self._on_loaded,
            self._on_failed,
            what=tr("Reading the routing rules"),
            latest="rules",
        )

    @Slot(object)
    def _on_hub_changed(self, changes: Changes) -> None:
        if (
            changes.everything
            or changes.directory & {Directory.ROUTING, Directory.TEAMS}
            or changes.settings & _SETTINGS
        ):
            self.reload()

    def _on_loaded(self, loaded: tuple[list[RuleView], routing_setup.RoutingSetup]) -> None:
        views, setup = loaded
        first = not self.loaded
        self.loaded = True
        self.views, self.setup = views, setup
        current = self.editing
        with QSignalBlocker(self.list.selectionModel()):
            self.model.set_rules(views)
            row = self.model.row_of(current)
            if row is None and first and views:
                row = 0
            if row is not None:
                self.list.selectionModel().setCurrentIndex(
                    self.model.index(row),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect,
                )
        self._show_setup(setup)
        fresh = next((v for v in views if v.rule.id == current), None) if current else None
        if first and row is not None:
            self._load_editor(views[row])
        elif fresh is not None and fresh.version != self.editing_version:
            if self.editor.is_dirty():
                self.editor.warn_changed_by_other()
            else:
                self._load_editor(fresh)
        elif current is not None and fresh is None:
            self.status.setText(tr("The rule you had open was deleted by someone else."))
            self.editing = None
        self._update_buttons()

    def _show_setup(self, setup: routing_setup.RoutingSetup) -> None:
        zone = setup.zone
        if setup.calendar is None:
            words = tr(
                "No business hours are set: “inside / outside business hours” matches no"
                " ticket, and times count in UTC. Choose a calendar under Teams and hours."
            )
        else:
            words = tr("Business hours of “{calendar}”, in {zone}.").format(
                calendar=setup.calendar.name, zone=zone
            )
        self.editor.set_context(self._ctx, words)
        self.try_panel.set_zone(zone)
        self.teams_panel.show_setup(setup)

    def _on_failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc))

    # --- the list -------------------------------------------------------------------------------

    def _row(self) -> int:
        return self.list.currentIndex().row()

    def _on_list_current_changed(self, current: Any, previous: Any) -> None:
        if not current.isValid() or current.row() >= len(self.model.rules):
            return
        view = self.model.rules[current.row()]
        if view.rule.id == self.editing:
            return
        if self.editor.is_dirty() and not self._may_discard():
            with QSignalBlocker(self.list.selectionModel()):
                self.list.selectionModel().setCurrentIndex(
                    previous, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
            return
        self._load_editor(view)
        self._update_buttons()

    def _may_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            tr("Routing rules"),
            tr("Discard your changes to the rule you are editing?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def _load_editor(self, view: RuleView) -> None:
        self.editing, self.editing_version = view.rule.id, view.version
        self.editor.load(
            rule_to_json(view.rule), tr("Editing “{name}”").format(name=view.rule.name)
        )

    def _load_editor_from_list(self) -> None:
        view = next((v for v in self.views if v.rule.id == self.editing), None)
        if view is not None:
            self._load_editor(view)
        elif self.views and self._row() >= 0:
            self._load_editor(self.model.rules[self._row()])

    def _update_buttons(self) -> None:
        row, count = self._row(), self.model.rowCount()
        for b in (self.duplicate_button, self.delete_button):
            b.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    def _nudge(self, delta: int) -> None:
        row = self._row()
        if 0 <= row + delta < self.model.rowCount() and row >= 0:
            self.move_rule(row, row + delta)

    # --- writing --------------------------------------------------------------------------------

    def _write(self, work: Any, done: Any = None, what: str = "") -> None:
        self.ops.run(
            self,
            work,
            done or (lambda _r: None),
            self._on_write_failed,
            what=what,
            write=True,
        )

    def _on_write_failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc))
        self.reload()

    def move_rule(self, source: int, target: int) -> None:
        """Move a rule to another place in the order, here at once and then in the database."""
        ids = self.model.move(source, target)
        self.list.setCurrentIndex(self.model.index(target))
        self._update_buttons()
        db, me = self.session.db, self.session.agent_id
        name = self.model.rules[target].rule.name
        self.status.setText(tr("“{name}” is now rule {n}.").format(name=name, n=target + 1))
        self._write(lambda: rules_service.reorder_rules(db, me, ids), what=tr("Reordering rules"))

    def _on_list_toggle_requested(self, row: int) -> None:
        view = self.model.rules[row]
        if view.rule.id is not None:
            self.enable_rule(view.rule.id, not view.rule.enabled)

    def enable_rule(self, rule_id: int, on: bool) -> None:
        db, me = self.session.db, self.session.agent_id
        row = self.model.row_of(rule_id)
        if row is not None:  # at once, so a second Space does what the agent sees
            view = self.model.rules[row]
            self.model.rules[row] = replace(view, rule=replace(view.rule, enabled=on))
            self.model.dataChanged.emit(self.model.index(row), self.model.index(row))
        self._write(
            lambda: rules_service.enable_rule(db, me, rule_id, on),
            what=tr("Switching a rule on or off"),
        )

    def _on_list_delete_requested(self, row: int) -> None:
        if not 0 <= row < len(self.model.rules):
            return
        view = self.model.rules[row]
        answer = QMessageBox.question(
            self,
            tr("Delete the rule"),
            tr("Delete the rule “{name}”? Tickets already routed keep their team.").format(
                name=view.rule.name
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes or view.rule.id is None:
            return
        db, me, rule_id = self.session.db, self.session.agent_id, view.rule.id
        if self.editing == rule_id:
            self.editing = None
        self._write(lambda: rules_service.delete_rule(db, me, rule_id), what=tr("Deleting a rule"))

    def add_rule(self) -> None:
        """A new rule in the editor, saved (last in the order) when the admin saves it."""
        if self.editor.is_dirty() and not self._may_discard():
            return
        self.editing, self.editing_version = None, 0
        self.list.clearSelection()
        self.editor.load(new_rule_body(tr("New rule")), tr("A new rule, not saved yet"))
        self.tabs.setCurrentIndex(0)
        self.editor.name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.editor.name.selectAll()

    def duplicate_rule(self) -> None:
        """A copy of the selected rule, switched off, last in the order."""
        row = self._row()
        if row < 0:
            return
        rule = self.model.rules[row].rule
        name = tr("{name} (copy)").format(name=rule.name)[:NAME_MAX]
        copy = replace(rule, name=name, enabled=False, id=None)
        db, me = self.session.db, self.session.agent_id

        def done(view: RuleView) -> None:
            self.editing, self.editing_version = view.rule.id, view.version
            self._load_editor(view)
            self.status.setText(tr("Copied, switched off: “{name}”.").format(name=name))

        self._write(lambda: rules_service.add_rule(db, me, copy), done, tr("Copying a rule"))

    def _on_editor_save_requested(self, body: dict[str, Any]) -> None:
        db, me = self.session.db, self.session.agent_id
        rule_id, version = self.editing, self.editing_version
        if rule_id is None:
            work = lambda: rules_service.add_rule(db, me, body)  # noqa: E731
        else:
            work = lambda: rules_service.update_rule(db, me, rule_id, body, version)  # noqa: E731
        self.ops.run(
            self.editor,
            work,
            self._on_saved,
            self._on_save_failed,
            what=tr("Saving the rule"),
            write=True,
        )

    def _on_saved(self, view: RuleView) -> None:
        self.editing, self.editing_version = view.rule.id, view.version
        self.editor.saved(
            rule_to_json(view.rule), tr("Editing “{name}”").format(name=view.rule.name)
        )
        self.status.setText(tr("Saved “{name}”.").format(name=view.rule.name))

    def _on_save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ActionNotAllowed) and self.editing is not None:
            self.editor.show_problem(exc)
            dialog = RuleConflictDialog(self.editor.name.text(), exc.message, self)
            self.conflict_dialog = dialog

            def finished(result: int) -> None:
                self.conflict_dialog = None
                dialog.deleteLater()
                if result:
                    self.editing_version = -1  # whatever is stored is newer
                    self.editor.load(self.editor.body(), "")  # no longer dirty
                    self.reload()

            dialog.finished.connect(finished)
            dialog.open()
            return
        if isinstance(exc, NotFound):
            self.editing = None
        self.editor.show_problem(exc)

    def set_team(self, team_id: int, strategy: object) -> None:
        db, me = self.session.db, self.session.agent_id
        chosen = Strategy(strategy) if strategy else None
        self._write(
            lambda: rules_service.set_team_assignment(db, me, team_id, chosen),
            what=tr("Saving how the team assigns"),
        )

    def set_calendar(self, chosen: int | None) -> None:
        db, me = self.session.db, self.session.agent_id
        self._write(
            lambda: routing_setup.set_routing_calendar(db, me, chosen),
            what=tr("Saving the routing calendar"),
        )

    # --- try it and replay ------------------------------------------------------------------

    def edited_rules(self) -> list[Rule]:
        """The rules as they stand here: the saved ones, with the one being edited as it
        is in the editor (when it is a rule yet)."""
        rules = [v.rule for v in self.model.rules]
        edited = (
            self.editor.checked_rule() if self.editor.is_dirty() or self.editing is None else None
        )
        if edited is None:
            return rules
        if self.editing is None:
            return [*rules, edited]
        return [
            replace(edited, id=r.id, enabled=r.enabled) if r.id == self.editing else r
            for r in rules
        ]

    def _on_try_requested(self, sample: Facts) -> None:
        db, me, rules = self.session.db, self.session.agent_id, self.edited_rules()
        self.ops.run(
            self.try_panel,
            lambda: rules_service.try_rules(db, me, sample=sample, rules=rules),
            self.try_panel.show_trial,
            self.try_panel.show_problem,
            what=tr("Trying the rules"),
            latest="try",
        )

    def _on_replay_requested(self, days: int, edited: bool) -> None:
        db, me = self.session.db, self.session.agent_id
        rules = self.edited_rules() if edited else None
        self.ops.run(
            self.replay_panel,
            lambda: rules_service.replay_rules(db, me, 1_000, days=days, rules=rules),
            self.replay_panel.show_replay,
            self.replay_panel.show_problem,
            what=tr("Replaying the rules"),
            latest="replay",
        )

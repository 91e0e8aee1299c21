"""One routing rule being edited: its name, its conditions, what it does, whether the walk
stops there; the rule as a sentence above it, and each problem at its field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.domain.errors import FieldProblem, ValidationError
from desk.domain.model import Priority
from desk.domain.routing import RoutingContext
from desk.domain.routing_json import rule_from_json, rule_to_json
from desk.domain.routing_rules import ALWAYS, NAME_MAX, Rule
from desk.domain.routing_words import rule_sentence

from ..common import labels
from ..common.dialogs import combo, error_text, mark_invalid, with_error
from ..common.labels import tr
from .routing_conditions import ConditionTree

STRATEGIES = (
    (None, QT_TRANSLATE_NOOP("Desk", "Nobody (it waits in the team's queue)")),
    ("round_robin", QT_TRANSLATE_NOOP("Desk", "Round-robin among the team's available agents")),
    ("least_loaded", QT_TRANSLATE_NOOP("Desk", "The least loaded available agent")),
    (
        "least_loaded_weighted",
        QT_TRANSLATE_NOOP("Desk", "The least loaded, open tickets weighted by priority"),
    ),
    ("agent", QT_TRANSLATE_NOOP("Desk", "A named agent")),
)
#: The actions' slots, in the order a rule's `then` lists them.
SLOTS = ("set_team", "set_topic", "set_priority", "assign", "note")
#: Which slot a service's reference problem is about.
_REFERENCE_SLOTS = {"team": "set_team", "agent": "assign"}


def new_rule_body(name: str) -> dict[str, Any]:
    return rule_to_json(Rule(name, ALWAYS, ()))


class RuleEditor(QWidget):
    """Edits one rule's body; the owner saves it (`saveRequested`) and reports back with
    `saved()` or `show_problem()`."""

    #: The rule's body to save (desk.domain.routing_json's format).
    saveRequested = Signal(dict)
    #: Anything the admin changed (for the sentence, "try it" with the edited rules).
    changed = Signal()
    revertRequested = Signal()

    def __init__(
        self,
        teams: Sequence[tuple[str, int]],
        topics: Sequence[tuple[str, int]],
        agents: Sequence[tuple[str, int]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ruleEditor")
        self._loaded: dict[str, Any] = new_rule_body("")
        self._baseline: dict[str, Any] = self._loaded
        self._slots: list[str] = []
        self._ctx = RoutingContext(now=_epoch())
        self._agent_names = {i: n for n, i in agents}
        self.heading = QLabel(objectName="ruleHeading")
        self.sentence = QLabel(objectName="ruleSentence", wordWrap=True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_about_others = QLabel(objectName="fieldError", wordWrap=True)
        self.note_about_others.hide()

        self.name = QLineEdit(objectName="ruleName", maxLength=NAME_MAX)
        self.name.setPlaceholderText(tr("What the rule is for, e.g. VPN to Network"))
        self.conditions = ConditionTree(topics)
        self.team = _combo("ruleTeam", [(tr("Leave as it is"), None), *teams])
        self.topic = _combo("ruleTopic", [(tr("Leave as it is"), None), *topics])
        self.priority = _combo(
            "rulePriority",
            [(tr("Leave as it is"), None)]
            + [(labels.priority_label(p), p.name.lower()) for p in Priority],
        )
        self.assign = _combo("ruleAssign", [(tr(text), value) for value, text in STRATEGIES])
        self.agent = _combo("ruleAgent", agents)
        self.note = QLineEdit(objectName="ruleNote")
        self.note.setPlaceholderText(tr("An internal note on every ticket it routes (optional)"))
        self.stop = _combo(
            "ruleStop",
            [(tr("Stop: later rules are not tried"), True), (tr("Go on to the next rule"), False)],
        )
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}
        conditions_box = QGroupBox(tr("When"))
        conditions_layout = QVBoxLayout(conditions_box)
        conditions_layout.addWidget(self.conditions)
        actions_box = QGroupBox(tr("Then"))
        actions = QFormLayout(actions_box)
        actions.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        assign_row = QWidget()
        assign_line = QHBoxLayout(assign_row)
        assign_line.setContentsMargins(0, 0, 0, 0)
        assign_line.addWidget(self.assign, 2)
        assign_line.addWidget(self.agent, 1)
        for key, label, widget in (
            ("set_team", tr("Set the team"), self.team),
            ("set_topic", tr("Set the help topic"), self.topic),
            ("set_priority", tr("Set the priority"), self.priority),
            ("assign", tr("Assign to"), assign_row),
            ("note", tr("Add a note"), self.note),
            ("stop", tr("Afterwards"), self.stop),
        ):
            box, error = with_error(widget)
            actions.addRow(label, box)
            self.fields[key] = (widget, error)
        name_box, name_error = with_error(self.name)
        self.fields["name"] = (self.name, name_error)
        self.general_error = QLabel(objectName="fieldError", wordWrap=True)
        self.general_error.hide()

        self.save_button = QPushButton(tr("&Save rule"), objectName="saveRule")
        self.save_button.setToolTip(tr("Ctrl+S"))
        self.revert_button = QPushButton(tr("&Revert"), objectName="revertRule")
        self.save_button.clicked.connect(self.request_save)
        self.revert_button.clicked.connect(self.revertRequested.emit)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.request_save).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.general_error, 1)
        buttons.addStretch()
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        top = QFormLayout()
        top.addRow(tr("&Name"), name_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.sentence)
        layout.addWidget(self.note_about_others)
        layout.addLayout(top)
        layout.addWidget(conditions_box, 3)
        layout.addWidget(actions_box)
        layout.addLayout(buttons)
        self.name.textEdited.connect(lambda _t: self._on_edited("name"))
        self.note.textEdited.connect(lambda _t: self._on_edited("note"))
        for key, box in (
            ("set_team", self.team),
            ("set_topic", self.topic),
            ("set_priority", self.priority),
            ("assign", self.assign),
            ("assign", self.agent),
            ("stop", self.stop),
        ):
            box.activated.connect(lambda _i, key=key: self._on_edited(key))
        self.conditions.changed.connect(lambda: self._on_edited(None))
        self._sync_agent()

    # --- loading and reading ----------------------------------------------------------------

    def set_context(self, ctx: RoutingContext, calendar_words: str) -> None:
        self._ctx = ctx
        self.conditions.set_context(ctx, calendar_words)
        self._refresh_sentence()

    def load(self, body: dict[str, Any], heading: str) -> None:
        """Show a rule's body as the starting point (saved, or a new one)."""
        self._loaded = body
        self.heading.setText(heading)
        self.note_about_others.hide()
        self.name.setText(str(body.get("name", "")))
        self.conditions.set_condition(body.get("when") or {"all": []})
        found = {next(iter(a)): a for a in body.get("then", []) if isinstance(a, dict) and a}
        _set(self.team, found.get("set_team", {}).get("set_team"))
        _set(self.topic, found.get("set_topic", {}).get("set_topic"))
        _set(self.priority, found.get("set_priority", {}).get("set_priority"))
        assign = found.get("assign", {})
        _set(self.assign, assign.get("assign"))
        _set(self.agent, assign.get("agent"))
        self.note.setText(str(found.get("note", {}).get("note", "")))
        _set(self.stop, body.get("stop", True) is not False)
        self._sync_agent()
        self.clear_problems()
        self._refresh_sentence()
        self._baseline = self.body()  # as the editor shows it (a lone test in a group)

    def body(self) -> dict[str, Any]:
        """The rule as edited, in the stored format (not checked)."""
        then: list[dict[str, Any]] = []
        self._slots: list[str] = []
        for key, box in (
            ("set_team", self.team),
            ("set_topic", self.topic),
            ("set_priority", self.priority),
        ):
            if box.currentData() is not None:
                then.append({key: box.currentData()})
                self._slots.append(key)
        strategy = self.assign.currentData()
        if strategy is not None:
            then.append(
                {"assign": strategy}
                | ({"agent": self.agent.currentData()} if strategy == "agent" else {})
            )
            self._slots.append("assign")
        if self.note.text().strip():
            then.append({"note": self.note.text().strip()})
            self._slots.append("note")
        body = dict(self._loaded)
        body.update(
            name=self.name.text().strip(),
            when=self.conditions.condition(),
            then=then,
            stop=bool(self.stop.currentData()),
        )
        return body

    def is_dirty(self) -> bool:
        return _comparable(self.body()) != _comparable(self._baseline)

    def checked_rule(self) -> Rule | None:
        """The rule as edited, if it is a rule (else None, and the problems shown)."""
        try:
            return rule_from_json(self.body())
        except ValidationError as exc:
            self.show_problem(exc)
            return None

    def warn_changed_by_other(self) -> None:
        self.note_about_others.setText(
            tr(
                "Someone else changed this rule while you were editing it. Saving will ask"
                " whether to reload it."
            )
        )
        self.note_about_others.show()

    # --- saving ---------------------------------------------------------------------------------

    def request_save(self) -> None:
        if self.checked_rule() is None:
            return
        self.clear_problems()
        self.save_button.setEnabled(False)
        self.saveRequested.emit(self.body())

    def saved(self, body: dict[str, Any], heading: str) -> None:
        self.save_button.setEnabled(True)
        self.load(body, heading)

    def show_problem(self, exc: BaseException) -> None:
        """Each problem at its field: the name, the test it is about, the action."""
        self.save_button.setEnabled(True)
        self.clear_problems()
        if not isinstance(exc, ValidationError):
            self._general(error_text(exc))
            return
        self.body()  # which action is at which index
        rest = self.conditions.show_problems(exc.problems)
        unplaced: list[str] = []
        first: QWidget | None = None
        for problem in rest:
            key = self._slot_of(problem)
            if key is None:
                unplaced.append(problem.message)
                continue
            widget, error = self.fields[key]
            if not error.isVisible():
                error.setText(problem.message)
                error.show()
                mark_invalid(widget, True)
                first = first or widget
        if unplaced:
            self._general(" ".join(unplaced))
        item = self.conditions.first_problem_item()
        if item is not None:
            self.conditions.tree.setCurrentItem(item)
            first = first or self.conditions.stack.currentWidget()
        if first is not None:
            target = first.field() if hasattr(first, "field") else first
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _slot_of(self, problem: FieldProblem) -> str | None:
        field = problem.field
        if field in ("name", "stop"):
            return field
        if field.startswith("then["):
            index = field[5:].split("]", 1)[0]
            if index.isdigit() and int(index) < len(self._slots):
                return self._slots[int(index)]
        return _REFERENCE_SLOTS.get(field) or ("set_topic" if field == "topic" else None)

    def clear_problems(self) -> None:
        for widget, error in self.fields.values():
            error.hide()
            mark_invalid(widget, False)
        self.general_error.hide()
        self.conditions.show_problems(())

    def _general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.show()

    # --- as the admin types ---------------------------------------------------------------------

    def _on_edited(self, key: str | None) -> None:
        if key is not None and key in self.fields:
            widget, error = self.fields[key]
            error.hide()
            mark_invalid(widget, False)
        self._sync_agent()
        self._refresh_sentence()
        self.changed.emit()

    def _sync_agent(self) -> None:
        self.agent.setVisible(self.assign.currentData() == "agent")

    def _refresh_sentence(self) -> None:
        try:
            rule = rule_from_json(self.body())
        except ValidationError:
            self.sentence.setText(tr("The rule is not finished: fill in what is marked."))
            return

        def name(kind: str, i: int) -> str:
            return self._agent_names.get(i, f"#{i}") if kind == "agent" else f"#{i}"

        self.sentence.setText(rule_sentence(rule, self._ctx, name))


def _combo(name: str, items: Sequence[tuple[str, Any]]) -> QComboBox:
    box = combo(items)
    box.setObjectName(name)
    return box


def _set(box: QComboBox, value: object) -> None:
    with QSignalBlocker(box):
        box.setCurrentIndex(max(0, box.findData(value)))


def _comparable(body: dict[str, Any]) -> object:
    return repr(sorted((k, repr(v)) for k, v in body.items()))


def _epoch() -> datetime:
    return datetime(2000, 1, 1, tzinfo=UTC)

"""Administration › SLA plans: per priority the first-response and resolution targets (in
business hours of the plan's calendar), the "at risk" share, whether pending pauses the
clocks, the escalation on a breach, which help topics use the plan and whether it is the
desk's default; with a live preview of what it promises a ticket created now.

A page of the Administration window: `SlaPlansPage.create(session, hub)`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk.domain.calendars import BusinessCalendar
from desk.domain.changes import Changes
from desk.domain.errors import ValidationError
from desk.domain.model import Priority, TicketStatus
from desk.domain.sla import Clock, Escalation, EscalationKind, SlaPlan, Targets
from desk.services import sla

from ..common import due_labels, labels
from ..common.change_hub import ChangeHub
from ..common.labels import full_time, tr
from ..common.session import DeskSession
from .service_level_page import ID_ROLE, ServiceLevelPage

ALWAYS_OPEN = BusinessCalendar.always_open("UTC", name="24/7")

_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d+(?:[.,]\d+)?)\s*h(?:ours?)?)?\s*(?:(?P<m>\d+)\s*m(?:in(?:utes?)?)?)?\s*$"
)
_CLOCK = re.compile(r"^\s*(\d+):([0-5]\d)\s*$")


def parse_duration(text: str) -> timedelta | None:
    """ "4 h", "1 h 30 min", "90 min", "1:30", "2.5 h"; empty: no target."""
    text = text.strip()
    if not text:
        return None
    if match := _CLOCK.match(text):
        value = timedelta(hours=int(match[1]), minutes=int(match[2]))
    elif text.replace(".", "", 1).replace(",", "", 1).isdigit():
        value = timedelta(hours=float(text.replace(",", ".")))
    elif (match := _DURATION.match(text)) and (match["h"] or match["m"]):
        value = timedelta(
            hours=float((match["h"] or "0").replace(",", ".")), minutes=int(match["m"] or 0)
        )
    else:
        raise ValidationError.single(
            "targets",
            tr("“{text}” is not a time such as 4 h, 1 h 30 min or 90 min.").format(text=text),
        )
    if value <= timedelta(0):
        raise ValidationError.single("targets", tr("A target is a time longer than zero."))
    if value > timedelta(days=3650):
        raise ValidationError.single("targets", tr("A target of more than ten years is not one."))
    return value


def duration_text(value: timedelta | None) -> str:
    return "" if value is None else due_labels.duration(value)


class SlaPlansPage(ServiceLevelPage):
    """The list of plans on the left, the chosen one's editor and preview on the right."""

    @staticmethod
    def title() -> str:
        return tr("SLA plans")

    def __init__(
        self, session: DeskSession, hub: ChangeHub | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, hub, parent)
        self.setObjectName("plansPage")
        self.levels: sla.ServiceLevels | None = None
        self.editing: SlaPlan | None = None

        self.list = QListWidget(objectName="planList")
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.new_button = QPushButton(tr("New plan"), objectName="newPlan")
        self.new_button.clicked.connect(self.new_plan)

        form = QFormLayout()
        self.name = QLineEdit(objectName="planName")
        form.addRow(tr("Name"), self.with_error("name", self.name))
        self.calendar = QComboBox(objectName="planCalendar")
        self.calendar.currentIndexChanged.connect(self.update_preview)
        form.addRow(tr("Business hours"), self.with_error("calendar", self.calendar))

        grid = QGridLayout()
        grid.addWidget(QLabel(tr("Priority")), 0, 0)
        grid.addWidget(QLabel(tr("First response within")), 0, 1)
        grid.addWidget(QLabel(tr("Resolution within")), 0, 2)
        self.targets: dict[tuple[Priority, Clock], QLineEdit] = {}
        for row, priority in enumerate(sorted(Priority, reverse=True), start=1):
            grid.addWidget(QLabel(labels.priority_label(priority)), row, 0)
            for column, clock in enumerate(Clock, start=1):
                field = QLineEdit(objectName=f"target_{priority.name.lower()}_{clock}")
                field.setPlaceholderText(tr("no target"))
                field.textEdited.connect(lambda _t, p=priority, c=clock: self.check_target(p, c))
                self.targets[(priority, clock)] = field
                grid.addWidget(
                    self.with_error(f"target:{priority.name}:{clock}", field), row, column
                )
        targets_box = QWidget()
        targets_box.setLayout(grid)
        form.addRow(tr("Targets"), targets_box)
        self.targets_error = self.error_line("targets")
        form.addRow("", self.targets_error)

        self.at_risk = QSpinBox(objectName="atRisk")
        self.at_risk.setRange(0, 99)
        self.at_risk.setSuffix(" %")
        self.at_risk.setSpecialValueText(tr("never"))
        # As wide as its longest value, not the page: a count, not a line of text.
        self.at_risk.setSizePolicy(
            QSizePolicy.Policy.Fixed, self.at_risk.sizePolicy().verticalPolicy()
        )
        self.at_risk.valueChanged.connect(self.update_preview)
        form.addRow(tr("At risk when used"), self.with_error("at_risk_percent", self.at_risk))
        self.pause_pending = QCheckBox(tr("Pending pauses the clocks (waiting on the customer)"))
        self.pause_pending.setObjectName("pausePending")
        form.addRow(tr("Pauses"), self.pause_pending)
        self.raise_on_breach = QCheckBox(tr("Raise the priority one step"))
        self.move_on_breach = QComboBox(objectName="moveOnBreach")
        escalation = QHBoxLayout()
        escalation.addWidget(self.raise_on_breach)
        escalation.addWidget(QLabel(tr("and move to")))
        escalation.addWidget(self.move_on_breach, 1)
        form.addRow(tr("On a resolution breach"), escalation)
        self.is_default = QCheckBox(tr("The desk's default plan (tickets whose topic has none)"))
        self.is_default.setObjectName("defaultPlan")
        form.addRow(tr("Default"), self.is_default)
        self.topics = QListWidget(objectName="planTopics")
        self.topics.setMaximumHeight(120)
        form.addRow(tr("Help topics using it"), self.topics)

        self.preview_priority = QComboBox(objectName="previewPriority")
        for priority in sorted(Priority, reverse=True):
            self.preview_priority.addItem(labels.priority_label(priority), priority)
        self.preview_priority.currentIndexChanged.connect(self.update_preview)
        self.preview = QLabel(objectName="planPreview", wordWrap=True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        preview_row = QHBoxLayout()
        preview_row.addWidget(QLabel(tr("Preview: a ticket created now at")))
        preview_row.addWidget(self.preview_priority)
        preview_row.addStretch(1)

        self.save_button = QPushButton(tr("Save plan"), objectName="primary")
        self.save_button.clicked.connect(self.save)

        right = QWidget(objectName="planEditor")
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(form)
        right_layout.addLayout(preview_row)
        right_layout.addWidget(self.preview)
        self.versions = self.versions_list("planVersions")
        right_layout.addWidget(QLabel(tr("Versions"), objectName="sectionHeading"))
        right_layout.addWidget(self.versions)
        right_layout.addStretch(1)
        self.list_and_editor(self.list, self.new_button, right)
        for field in self.targets.values():
            field.textEdited.connect(self.update_preview)
        self._fill_choices()
        self.new_plan()
        self.reload()

    def check_target(self, priority: Priority, clock: Clock) -> bool:
        try:
            parse_duration(self.targets[(priority, clock)].text())
        except ValidationError as exc:
            self.show_error(f"target:{priority.name}:{clock}", exc.message)
            return False
        self.show_error(f"target:{priority.name}:{clock}", None)
        return True

    # --- reading ---------------------------------------------------------------------

    def stale(self, changes: Changes) -> bool:
        return super().stale(changes) or bool(changes.directory)

    def show_levels(self, levels: sla.ServiceLevels) -> None:
        self.levels = levels
        self._fill_choices()
        chosen = self.editing.id if self.editing is not None else None
        default = tr("{plan} (default)")
        names = [
            (default.format(plan=p.name) if p.id == levels.default_plan_id else p.name, p.id)
            for p in levels.plans
        ]
        self.list_names(self.list, names, chosen)
        plans = {p.id: p for p in levels.plans}
        if chosen in plans:
            self.edit(plans[chosen])
        else:
            self._show_links(None)

    def _fill_choices(self) -> None:
        current = self.calendar.currentData()
        self.calendar.blockSignals(True)
        self.calendar.clear()
        self.calendar.addItem(tr("24/7 (every hour counts, UTC)"), None)
        for calendar in self.levels.calendars if self.levels else ():
            self.calendar.addItem(f"{calendar.name} ({calendar.zone})", calendar.id)
        self.calendar.setCurrentIndex(max(0, self.calendar.findData(current)))
        self.calendar.blockSignals(False)
        team = self.move_on_breach.currentData()
        self.move_on_breach.clear()
        self.move_on_breach.addItem(tr("the same team"), None)
        for t in self._session.directory.teams:
            self.move_on_breach.addItem(t.name, t.id)
        self.move_on_breach.setCurrentIndex(max(0, self.move_on_breach.findData(team)))

    def _on_list_current_item_changed(self, item: QListWidgetItem | None, _previous) -> None:
        if item is None or self.levels is None:
            return
        plans = {p.id: p for p in self.levels.plans}
        if (plan := plans.get(item.data(ID_ROLE))) is not None:
            self.edit(plan)

    # --- editing ---------------------------------------------------------------------

    def new_plan(self) -> None:
        hours = timedelta(hours=1)
        self.edit(
            SlaPlan(
                None,
                tr("New plan"),
                {
                    Priority.URGENT: Targets(hours, 4 * hours),
                    Priority.HIGH: Targets(2 * hours, 8 * hours),
                    Priority.NORMAL: Targets(4 * hours, 24 * hours),
                    Priority.LOW: Targets(8 * hours, 40 * hours),
                },
            ),
            new=True,
        )
        self.list.clearSelection()
        self.name.setFocus()
        self.name.selectAll()

    def edit(self, plan: SlaPlan, *, new: bool = False) -> None:
        self.editing = None if new else plan
        self.clear_errors()
        self.name.setText(plan.name)
        self.calendar.setCurrentIndex(max(0, self.calendar.findData(plan.calendar_id)))
        for (priority, clock), field in self.targets.items():
            field.setText(duration_text(plan.target(clock, priority)))
        self.at_risk.setValue(plan.at_risk_percent or 0)
        self.pause_pending.setChecked(TicketStatus.PENDING in plan.pause)
        escalations = plan.escalations_on(Clock.RESOLUTION)
        self.raise_on_breach.setChecked(
            any(e.kind == EscalationKind.RAISE_PRIORITY for e in escalations)
        )
        team = next((e.team_id for e in escalations if e.kind == EscalationKind.MOVE_TO_TEAM), None)
        self.move_on_breach.setCurrentIndex(max(0, self.move_on_breach.findData(team)))
        self._show_links(None if new else plan.id)
        infos = self.levels.plan_versions if self.levels is not None else {}
        self.show_versions(self.versions, () if new else infos.get(plan.id or 0, ()))
        self.message.setText(
            tr("A new plan.") if new else tr("Version {v}.").format(v=plan.version)
        )
        self.update_preview()

    def _show_links(self, plan_id: int | None) -> None:
        levels = self.levels
        self.is_default.setChecked(
            levels is not None and plan_id is not None and levels.default_plan_id == plan_id
        )
        self.topics.clear()
        own = levels.topic_plans if levels else {}
        for topic in self._session.directory.categories:
            item = QListWidgetItem(topic.display_name)
            item.setData(ID_ROLE, topic.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            uses = plan_id is not None and own.get(topic.id) == plan_id  # type: ignore[arg-type]
            item.setCheckState(Qt.CheckState.Checked if uses else Qt.CheckState.Unchecked)
            other = own.get(topic.id)  # type: ignore[arg-type]
            if other is not None and other != plan_id and levels is not None:
                names = {p.id: p.name for p in levels.plans}
                item.setToolTip(tr("Uses “{plan}” now").format(plan=names.get(other, "")))
            self.topics.addItem(item)

    def plan_fields(self) -> sla.PlanFields:
        """The editor's plan; a target that is not a time is said at its field."""
        problems = []
        targets: dict[Priority, Targets] = {}
        values: dict[tuple[Priority, Clock], timedelta | None] = {}
        for (priority, clock), field in self.targets.items():
            try:
                values[(priority, clock)] = parse_duration(field.text())
            except ValidationError as exc:
                problems.append((f"target:{priority.name}:{clock}", exc.message))
        if problems:
            raise _FieldProblems(problems)
        for priority in Priority:
            first = values[(priority, Clock.FIRST_RESPONSE)]
            resolution = values[(priority, Clock.RESOLUTION)]
            if first is not None or resolution is not None:
                targets[priority] = Targets(first, resolution)
        # The editor offers what a resolution breach does; a first-response escalation
        # set up otherwise is kept as it is.
        escalations: list[Escalation] = list(
            self.editing.escalations_on(Clock.FIRST_RESPONSE) if self.editing else ()
        )
        if self.raise_on_breach.isChecked():
            escalations.append(Escalation(Clock.RESOLUTION, EscalationKind.RAISE_PRIORITY))
        if (team := self.move_on_breach.currentData()) is not None:
            escalations.append(
                Escalation(Clock.RESOLUTION, EscalationKind.MOVE_TO_TEAM, team_id=team)
            )
        return sla.PlanFields(
            name=self.name.text(),
            targets=targets,
            calendar_id=self.calendar.currentData(),
            at_risk_percent=self.at_risk.value() or None,
            pause=frozenset({TicketStatus.PENDING})
            if self.pause_pending.isChecked()
            else frozenset(),
            escalations=tuple(escalations),
        )

    def chosen_calendar(self) -> BusinessCalendar:
        wanted = self.calendar.currentData()
        for calendar in self.levels.calendars if self.levels else ():
            if calendar.id == wanted:
                return calendar
        return ALWAYS_OPEN

    def update_preview(self, *_args: object) -> None:
        """ "A High ticket created now: first response due Tue 10:15 (…)" from the editor."""
        try:
            fields = self.plan_fields()
            plan = SlaPlan(
                None,
                fields.name.strip() or tr("New plan"),
                fields.targets,
                calendar_id=fields.calendar_id,
                at_risk_percent=fields.at_risk_percent,
                pause=fields.pause,
            )
        except (ValidationError, _FieldProblems):
            self.preview.setText(tr("Fix the targets to see the preview."))
            return
        priority = self.preview_priority.currentData()
        clocks = sla.preview_plan(plan, self.chosen_calendar(), priority, datetime.now(UTC))
        lines = []
        for clock, view in (
            (Clock.FIRST_RESPONSE, clocks.first_response),
            (Clock.RESOLUTION, clocks.resolution),
        ):
            name = tr("First response") if clock == Clock.FIRST_RESPONSE else tr("Resolution")
            if view is None or view.due is None:
                lines.append(tr("{clock}: no target").format(clock=name))
                continue
            lines.append(
                tr("{clock}: due {due}").format(clock=name, due=full_time(view.due))
                + (
                    tr(", at risk from {at}").format(at=full_time(view.at_risk))
                    if view.at_risk is not None
                    else ""
                )
            )
            lines.append("    " + view.explanation)
        self.preview.setText("\n".join(lines))

    # --- saving ----------------------------------------------------------------------

    def save(self) -> None:
        self.clear_errors()
        try:
            fields = self.plan_fields()
        except _FieldProblems as problems:
            for key, message in problems.problems:
                self.show_error(key, message)
            self.errors[problems.problems[0][0]][0].setFocus()
            return
        db, me = self._session.db, self._session.agent_id
        editing = self.editing
        default = self.is_default.isChecked()
        was_default = (
            self.levels is not None
            and editing is not None
            and self.levels.default_plan_id == editing.id
        )
        own = dict(self.levels.topic_plans) if self.levels else {}
        ticked = {
            self.topics.item(n).data(ID_ROLE)
            for n in range(self.topics.count())
            if self.topics.item(n).checkState() == Qt.CheckState.Checked
        }
        self.save_button.setEnabled(False)

        def work() -> SlaPlan:
            if editing is None or editing.id is None:
                saved = sla.create_plan(db, me, fields)
            else:
                saved = sla.update_plan(db, me, editing.id, editing.version, fields)
            assert saved.id is not None
            for topic in ticked:
                if own.get(topic) != saved.id:
                    sla.set_topic_plan(db, me, topic, saved.id)
            for topic, plan_id in own.items():
                if plan_id == saved.id and topic not in ticked:
                    sla.set_topic_plan(db, me, topic, None)
            if default and not was_default:
                sla.set_default_plan(db, me, saved.id)
            elif was_default and not default:
                sla.set_default_plan(db, me, None)
            return saved

        self._ops.run(
            self, work, self._on_saved, self.show_problem, what=tr("Saving the plan"), write=True
        )

    def _on_saved(self, plan: SlaPlan) -> None:
        self.save_button.setEnabled(True)
        self.editing = plan
        self.message.setText(
            tr("Saved. Open tickets' due times are brought up to it in the background.")
        )
        db = self._session.db
        self._ops.run(
            None, lambda: sla.recompute_open_tickets(db), what=tr("Recomputing due times")
        )
        self.reload()


class _FieldProblems(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems

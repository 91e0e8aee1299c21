"""Trying routing before it is switched on: "try it" on a typed sample ticket (which rules
match and what would happen, and why), and "replay" over the last days' tickets (where
they would have gone, beside where they went)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.domain.calendars import zone_info
from desk.domain.errors import ValidationError
from desk.domain.model import Channel, Level, Priority
from desk.domain.routing_rules import Facts
from desk.services.routing_rules import Replay, Trial

from ..common import labels
from ..common.dialogs import combo, error_text, mark_invalid, with_error
from ..common.labels import tr


class TryPanel(QWidget):
    """A sample ticket to try the rules on, and what they would do with it."""

    #: The sample, when the admin presses Try (Enter in a field, or the button).
    tryRequested = Signal(object)

    def __init__(self, topics: Sequence[tuple[str, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tryPanel")
        self.zone = "UTC"
        self._zone_set = False
        self.subject = QLineEdit(objectName="trySubject")
        self.subject.setPlaceholderText(tr("e.g. VPN drops every few minutes"))
        self.description = QPlainTextEdit(objectName="tryDescription")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(54)
        self.channel = _combo("tryChannel", [(labels.channel_label(c), c) for c in Channel])
        self.topic = _combo("tryTopic", [(tr("None"), None), *topics])
        self.organisation = QLineEdit(objectName="tryOrganisation")
        self.email = QLineEdit(objectName="tryEmail", placeholderText="jane@contoso.com")
        self.priority = _combo("tryPriority", [(labels.priority_label(p), p) for p in Priority])
        self.priority.setCurrentIndex(self.priority.findData(Priority.NORMAL))
        self.impact = _combo("tryImpact", [(labels.level_label(x), x) for x in Level])
        self.impact.setCurrentIndex(self.impact.findData(Level.MEDIUM))
        self.received = QDateTimeEdit(objectName="tryReceived", calendarPopup=True)
        self.received.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.received.setDateTime(QDateTime.currentDateTime())
        self.zone_label = QLabel(objectName="muted")
        self.try_button = QPushButton(tr("&Try the rules"), objectName="tryButton")
        self.try_button.clicked.connect(self.request)
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}
        form = QFormLayout()
        received_row = QWidget()
        line = QHBoxLayout(received_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.received)
        line.addWidget(self.zone_label, 1)
        for key, label, widget in (
            ("subject", tr("Subject"), self.subject),
            ("description", tr("Description"), self.description),
            ("channel", tr("Channel"), self.channel),
            ("category", tr("Help topic"), self.topic),
            ("organisation", tr("Organisation"), self.organisation),
            ("email", tr("Email"), self.email),
            ("priority", tr("Priority"), self.priority),
            ("impact", tr("Impact"), self.impact),
            ("received_at", tr("Received"), received_row),
        ):
            box, error = with_error(widget)
            form.addRow(label, box)
            self.fields[key] = (widget, error)
        self.explanation = QLabel(objectName="trialExplanation", wordWrap=True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tried = QListWidget(objectName="trialRules")
        self.tried.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.error = QLabel(objectName="fieldError", wordWrap=True)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addStretch()
        buttons.addWidget(self.try_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(tr("What would happen"), objectName="sectionTitle"))
        layout.addWidget(self.explanation)
        layout.addWidget(self.tried, 1)
        for edit in (self.subject, self.organisation, self.email):
            edit.returnPressed.connect(self.request)

    def set_zone(self, zone: str) -> None:
        """Times typed here are the desk's wall clock in `zone`; it starts at now there."""
        if zone != self.zone or not self._zone_set:
            now = datetime.now(UTC).astimezone(zone_info(zone)).replace(tzinfo=None)
            self.received.setDateTime(QDateTime(now.replace(second=0, microsecond=0)))
        self.zone, self._zone_set = zone, True
        self.zone_label.setText(tr("desk time, {zone}").format(zone=zone))

    def sample(self) -> Facts:
        wall = self.received.dateTime().toPython().replace(second=0, microsecond=0)
        received = wall.replace(tzinfo=zone_info(self.zone)).astimezone(UTC)
        return Facts(
            subject=self.subject.text(),
            description=self.description.toPlainText(),
            channel=self.channel.currentData(),
            topic_id=self.topic.currentData(),
            organisation=self.organisation.text().strip(),
            email=self.email.text().strip(),
            priority=self.priority.currentData(),
            impact=self.impact.currentData(),
            received_at=received,
        )

    def request(self) -> None:
        self.clear_problems()
        self.try_button.setEnabled(False)
        self.tryRequested.emit(self.sample())

    def show_trial(self, trial: Trial) -> None:
        self.try_button.setEnabled(True)
        self.explanation.setText(trial.explanation)
        self.tried.clear()
        if not trial.tried:
            self.tried.addItem(tr("No rule is switched on."))
        for tried in trial.tried:
            if tried.matched:
                text = tr("✓ {name}: matches, {why}").format(name=tried.rule_name, why=tried.why)
            else:
                text = tr("✗ {name}: does not match").format(name=tried.rule_name)
            self.tried.addItem(text)

    def show_problem(self, exc: BaseException) -> None:
        self.try_button.setEnabled(True)
        self.clear_problems()
        unplaced = []
        problems = exc.problems if isinstance(exc, ValidationError) else ()
        for problem in problems:
            if problem.field in self.fields:
                widget, error = self.fields[problem.field]
                error.setText(problem.message)
                error.show()
                mark_invalid(widget, True)
            else:
                unplaced.append(problem.message)
        if not isinstance(exc, ValidationError):
            unplaced.append(error_text(exc))
        if unplaced:
            self.error.setText(" ".join(unplaced))
            self.error.show()

    def clear_problems(self) -> None:
        for widget, error in self.fields.values():
            error.hide()
            mark_invalid(widget, False)
        self.error.hide()


class ReplayPanel(QWidget):
    """Run the rules over the last days' tickets: where they would have gone, and went."""

    #: Replay these days, with the rules as edited (True) or as saved.
    replayRequested = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayPanel")
        self.days = QSpinBox(objectName="replayDays", minimum=1, maximum=365, value=30)
        self.days.setSuffix(tr(" days"))
        self.which = _combo(
            "replayRules",
            [(tr("the rules as edited here"), True), (tr("the rules as saved"), False)],
        )
        self.replay_button = QPushButton(tr("&Replay"), objectName="replayButton")
        self.replay_button.clicked.connect(self.request)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Tickets of the last")))
        top.addWidget(self.days)
        top.addWidget(QLabel(tr("(at most 1,000), with")))
        top.addWidget(self.which, 1)
        top.addWidget(self.replay_button)
        self.summary = QLabel(objectName="replaySummary", wordWrap=True)
        self.table = QTableWidget(0, 3, objectName="replayTable")
        self.table.setHorizontalHeaderLabels(
            [tr("Team or agent"), tr("Would have gone"), tr("Went")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def request(self) -> None:
        self.replay_button.setEnabled(False)
        self.summary.setText(tr("Replaying…"))
        self.replayRequested.emit(self.days.value(), bool(self.which.currentData()))

    def show_replay(self, replay: Replay) -> None:
        self.replay_button.setEnabled(True)
        matched = replay.tickets - replay.unmatched
        self.summary.setText(
            tr(
                "{tickets} tickets: {matched} matched a rule, {unmatched} matched none;"
                " {waiting} would have waited with nobody available."
            ).format(
                tickets=f"{replay.tickets:,}",
                matched=f"{matched:,}",
                unmatched=f"{replay.unmatched:,}",
                waiting=f"{replay.waiting:,}",
            )
        )
        rows: list[tuple[str, Any, Any, bool]] = [(tr("Teams"), "", "", True)]
        for name in sorted(set(replay.by_team) | set(replay.actual_by_team), key=str.casefold):
            rows.append(
                (name, replay.by_team.get(name, 0), replay.actual_by_team.get(name, 0), False)
            )
        rows.append((tr("Agents"), "", "", True))
        for name in sorted(set(replay.by_agent) | set(replay.actual_by_agent), key=str.casefold):
            rows.append(
                (name, replay.by_agent.get(name, 0), replay.actual_by_agent.get(name, 0), False)
            )
        assigned = sum(replay.by_agent.values())
        rows.append(
            (tr("Nobody (unassigned)"), replay.tickets - assigned, replay.actual_unassigned, False)
        )
        self.table.setRowCount(len(rows))
        for n, (name, would, went, heading) in enumerate(rows):
            for column, value in enumerate((name, would, went)):
                item = QTableWidgetItem(str(value))
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if heading:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(n, column, item)

    def show_problem(self, exc: BaseException) -> None:
        self.replay_button.setEnabled(True)
        self.summary.setText(error_text(exc))


def _combo(name: str, items: Sequence[tuple[str, Any]]) -> QComboBox:
    box = combo(items)
    box.setObjectName(name)
    return box


def desk_time(moment: datetime, zone: str) -> datetime:
    """A moment as the desk's wall clock reads it."""
    return moment.astimezone(zone_info(zone))

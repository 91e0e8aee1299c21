"""Teams and hours: the calendar routing counts time in (its zone and business hours),
and how each team gives out the tickets no rule assigns ("assign automatically")."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desk.services.routing_setup import RoutingSetup

from ..common.labels import tr
from .routing_editor import STRATEGIES


class TeamsAndHours(QWidget):
    """The routing calendar and each team's way of assigning; the owner saves them."""

    #: The calendar chosen (its id; None: the default SLA plan's).
    calendarChosen = Signal(object)
    #: A team's way of assigning chosen: the team's id and the strategy (None: nobody).
    teamChosen = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamsPanel")
        self.calendar = QComboBox(objectName="routingCalendar")
        self.calendar.activated.connect(
            lambda _i: self.calendarChosen.emit(self.calendar.currentData())
        )
        self.calendar_words = QLabel(objectName="muted", wordWrap=True)
        self.team_boxes: dict[int, QComboBox] = {}
        self.teams_form = QFormLayout()
        hours = QFormLayout()
        hours.addRow(
            QLabel(
                tr(
                    "Routing counts times of day, weekdays and business hours in this"
                    " calendar's time zone, whatever the computer's."
                ),
                wordWrap=True,
            )
        )
        hours.addRow(tr("Routing calendar"), self.calendar)
        hours.addRow(self.calendar_words)
        layout = QVBoxLayout(self)
        layout.addLayout(hours)
        layout.addSpacing(12)
        layout.addWidget(
            QLabel(
                tr(
                    "How each team gives out tickets that reach it with no rule assigning"
                    " them, and tickets transferred to it:"
                ),
                wordWrap=True,
            )
        )
        layout.addLayout(self.teams_form)
        layout.addStretch(1)

    def show_setup(self, setup: RoutingSetup) -> None:
        if setup.calendar is None:
            words = tr(
                "No business hours: no calendar is chosen here and the default SLA plan has"
                " none. “Inside / outside business hours” then matches no ticket, and times"
                " of day count in UTC."
            )
        else:
            words = tr("Business hours of “{calendar}”, in {zone}.").format(
                calendar=setup.calendar.name, zone=setup.zone
            )
        self.calendar_words.setText(words)
        with QSignalBlocker(self.calendar):
            self.calendar.clear()
            self.calendar.addItem(tr("The default SLA plan's calendar"), None)
            for c in setup.calendars:
                self.calendar.addItem(f"{c.name} ({c.zone})", c.id)
            self.calendar.setCurrentIndex(max(0, self.calendar.findData(setup.chosen_calendar_id)))
        while self.teams_form.rowCount():
            self.teams_form.removeRow(0)
        self.team_boxes = {}
        for team in setup.teams:
            box = QComboBox(objectName=f"teamAssign{team.team_id}")
            for value, text in STRATEGIES:
                if value != "agent":
                    box.addItem(tr(text), value)
            box.setCurrentIndex(max(0, box.findData(team.strategy and str(team.strategy))))
            box.activated.connect(
                lambda _i, t=team.team_id, b=box: self.teamChosen.emit(t, b.currentData())
            )
            self.team_boxes[team.team_id] = box
            self.teams_form.addRow(team.name, box)

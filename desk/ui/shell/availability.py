"""The agent's availability in the status bar: available, away (until a date, returning
by itself) or off shift. Clicking it (or File › My availability…) opens a small dialog;
what it shows follows the change feed, so a change made in another of the agent's
windows, or "away until" running out, shows here too."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QObject, QTime, QTimer
from PySide6.QtWidgets import QComboBox, QDateEdit, QStatusBar, QToolButton, QWidget

from desk.domain.model import Agent, Availability, effective_availability
from desk.services import directory

from ..common import labels
from ..common.dialogs import FormDialog
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession

AWAY_UNTIL = "away_until_date"  # the dialog's choice "away until a date"


class AvailabilityDialog(FormDialog):
    """Choose available, away, away until a date, or off shift."""

    def __init__(self, agent: Agent, parent: QWidget | None = None) -> None:
        super().__init__(
            tr("My availability"),
            tr("Routing gives new tickets only to agents who are available."),
            tr("Save"),
            parent,
        )
        self.setObjectName("availabilityDialog")
        box = QComboBox(objectName="availabilityChoice")
        box.addItem(labels.availability_label(Availability.AVAILABLE), Availability.AVAILABLE)
        box.addItem(labels.availability_label(Availability.AWAY), Availability.AWAY)
        box.addItem(tr("Away until a date (leave)"), AWAY_UNTIL)
        box.addItem(labels.availability_label(Availability.OFF_SHIFT), Availability.OFF_SHIFT)
        now = datetime.now(UTC)
        state = effective_availability(agent.availability, agent.away_until, now)
        current = AWAY_UNTIL if state == Availability.AWAY and agent.away_until else state
        box.setCurrentIndex(max(0, box.findData(current)))
        self.choice = self.add_field("availability", tr("I am"), box)
        until = QDateEdit(objectName="awayUntil", calendarPopup=True)
        until.setDisplayFormat("ddd d MMM yyyy")
        until.setMinimumDate(QDate.currentDate().addDays(1))
        back = agent.away_until.astimezone() if agent.away_until else None
        until.setDate(
            QDate(back.year, back.month, back.day) if back else QDate.currentDate().addDays(1)
        )
        until.setToolTip(tr("You are available again from the start of this day."))
        self.until = self.add_field("away_until", tr("Back on"), until)
        box.currentIndexChanged.connect(self._on_choice_changed)
        self._on_choice_changed()

    def _on_choice_changed(self, *_args: object) -> None:
        self.set_field_visible("away_until", self.choice.currentData() == AWAY_UNTIL)

    def chosen(self) -> tuple[Availability, datetime | None]:
        choice = self.choice.currentData()
        if choice != AWAY_UNTIL:
            return Availability(choice), None
        back = QDateTime(self.until.date(), QTime(0, 0)).toPython().astimezone()
        return Availability.AWAY, back.astimezone(UTC)


class AvailabilityControl(QObject):
    """The status bar's button, and the dialog it opens."""

    def __init__(self, session: DeskSession, ops: Ops, status: QStatusBar, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self._ops, self._parent = ops, parent
        self.button = QToolButton(objectName="availability")
        self.button.setAutoRaise(True)
        self.button.setToolTip(tr("Your availability: click to change it"))
        self.button.clicked.connect(self.choose)
        status.insertPermanentWidget(0, self.button)
        self.dialog: AvailabilityDialog | None = None
        #: When "away until" runs out, the button says so without a change arriving.
        self._expiry = QTimer(self, singleShot=True)
        self._expiry.timeout.connect(self._show)
        self._show()

    def set_session(self, session: DeskSession) -> None:
        """The directory changed (perhaps this agent's availability): show it."""
        self.session = session
        self._show()

    def _show(self) -> None:
        agent = self.session.agent
        now = datetime.now(UTC)
        state = effective_availability(agent.availability, agent.away_until, now)
        self.button.setText("● " + labels.availability_words(agent, now))
        self.button.setProperty("state", str(state))
        self.button.style().unpolish(self.button)
        self.button.style().polish(self.button)
        self._expiry.stop()
        if state == Availability.AWAY and agent.away_until is not None:
            left = agent.away_until - now
            self._expiry.start(int(min(left, timedelta(days=1)).total_seconds() * 1000) + 1000)

    def choose(self) -> AvailabilityDialog:
        dialog = AvailabilityDialog(self.session.agent, self._parent)
        self.dialog = dialog
        db, me = self.session.db, self.session.agent_id

        def submitted(_values: dict[str, Any]) -> None:
            availability, until = dialog.chosen()
            self._ops.run(
                dialog,
                lambda: directory.set_availability(db, me, availability, until),
                self._on_saved(dialog),
                dialog.show_problem,
                what=tr("Saving your availability"),
                write=True,
            )

        def finished(_result: int) -> None:
            self.dialog = None
            dialog.deleteLater()

        dialog.submitted.connect(submitted)
        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def _on_saved(self, dialog: AvailabilityDialog):
        def done(agent: Agent) -> None:
            # Shown at once; the change feed brings the same to the agent's other windows.
            self.session = replace(self.session, agent=agent)
            self._show()
            dialog.accept()

        return done

"""The open ticket's SLA clocks: first response and resolution, each with its due time, the
business time left and how the due time was reached ("created Fri 16:40; 20 min on Fri;
closed Sat–Sun; due Mon 09:40"), the plan and calendar it counts in, and, for
supervisors, "Set due time…".

It reads `explain_due_times` in the background when a ticket opens, when the change hub
names the ticket or a plan or calendar, and each minute while a clock runs (the time left
moves on without a write).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.domain.changes import Changes
from desk.domain.queues import DueState
from desk.domain.sla import Clock
from desk.domain.sla_clock import ClockState
from desk.services import sla
from desk.services.sla import ClockView, TicketClocks

from ..common import due_labels
from ..common.change_hub import ChangeHub
from ..common.dialogs import FormDialog, combo
from ..common.labels import full_time, tr
from ..common.ops import Ops
from ..common.session import DeskSession

TICK_MS = 60_000


def clock_label(clock: Clock) -> str:
    return tr("First response") if clock == Clock.FIRST_RESPONSE else tr("Resolution")


def clock_state(view: ClockView, now: datetime) -> DueState:
    """The colour a clock gets: as the queue table's Due column colours a row."""
    if view.state == ClockState.PAUSED:
        return DueState.PAUSED
    if view.state != ClockState.RUNNING or view.due is None:
        return DueState.NONE
    if view.due <= now:
        return DueState.OVERDUE
    if view.at_risk is not None and view.at_risk <= now:
        return DueState.AT_RISK
    return DueState.ON_TRACK


def clock_summary(view: ClockView, now: datetime) -> str:
    """ "Due Tue 2 Dec 2026, 10:15 · 2 h 10 min left", "Met", "Paused: 1 h 5 min left"."""
    left = view.remaining
    manual = tr(" (set by hand)") if view.manual else ""
    match view.state:
        case ClockState.NO_TARGET:
            return tr("No target at this priority")
        case ClockState.MET:
            if view.breached_at is not None:
                return tr("Met late")
            return tr("Met")
        case ClockState.STOPPED:
            return tr("Stopped while the ticket is resolved or closed")
        case ClockState.PAUSED:
            if left is not None:
                return tr("Paused: {time} left when it resumes").format(
                    time=due_labels.duration(left)
                )
            return tr("Paused")
    if view.due is None:
        return ""
    due = tr("Due {time}").format(time=full_time(view.due)) + manual
    if left is None:
        return due
    if left < timedelta(0) or view.due <= now:
        return tr("{due} · {time} overdue").format(due=due, time=due_labels.duration(left))
    return tr("{due} · {time} left").format(due=due, time=due_labels.duration(left))


class ClocksPanel(QFrame):
    """The service level of the open ticket, under its fields."""

    #: The agent asked to set a clock's due time by hand (the panel opens the dialog).
    setDueRequested = Signal()
    failed = Signal(object)

    def __init__(
        self, session: DeskSession, ops: Ops, hub: ChangeHub | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clocksPanel")
        self._session = session
        self._ops = ops
        self.ticket_id: int | None = None
        self.clocks: TicketClocks | None = None
        #: Reads started (tests: a change elsewhere does not re-read this ticket's clocks).
        self.reads = 0
        self.dialog: SetDueDialog | None = None
        self.heading = QLabel(objectName="clocksHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.set_due_button = QPushButton(tr("Set due time…"), objectName="setDueButton")
        self.set_due_button.setToolTip(tr("Set a clock's due time by hand (Ctrl+Shift+D)"))
        self.set_due_button.clicked.connect(self.set_due)
        # How each due time was reached, a few lines per clock: on asking, so the open
        # ticket keeps its room on a small screen (the summary's tooltip has it too).
        self.how_button = QPushButton(tr("How?"), objectName="clocksHowButton", checkable=True)
        self.how_button.setToolTip(tr("Show how each due time was reached"))
        self.how_button.toggled.connect(self._on_how_button_toggled)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.heading, 1)
        top.addWidget(self.how_button)
        top.addWidget(self.set_due_button)
        self.rows: dict[Clock, tuple[QLabel, QLabel]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 6, 14, 6)
        layout.setSpacing(2)
        layout.addLayout(top)
        for clock in Clock:
            summary = QLabel(objectName="clockSummary")
            summary.setTextFormat(Qt.TextFormat.RichText)
            why = QLabel(objectName="clockExplanation", wordWrap=True)
            why.setTextFormat(Qt.TextFormat.PlainText)
            why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(summary)
            layout.addWidget(why)
            self.rows[clock] = (summary, why)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self.reload)
        if hub is not None:
            hub.changed.connect(self._on_hub_changed)
        self.set_session(session)
        self.hide()

    def set_session(self, session: DeskSession) -> None:
        self._session = session
        self.set_due_button.setVisible(session.supervises)

    def show_ticket(self, ticket_id: int | None) -> None:
        if ticket_id != self.ticket_id:
            self.clocks = None
            self.hide()
        self.ticket_id = ticket_id
        self.reload()

    def reload(self) -> None:
        ticket_id = self.ticket_id
        if ticket_id is None:
            self._tick.stop()
            self.hide()
            return
        self.reads += 1
        db = self._session.db
        self._ops.run(
            self,
            lambda: sla.explain_due_times(db, ticket_id),
            lambda clocks: self._on_read(ticket_id, clocks),
            self.failed.emit,
            what=tr("Reading the ticket's clocks"),
            latest="clocks",
        )

    def _on_hub_changed(self, changes: Changes) -> None:
        if self.ticket_id is None:
            return
        if (
            changes.everything
            or self.ticket_id in changes.tickets
            or self.ticket_id in changes.entries
            or sla.SLA_CHANGED in changes.settings
        ):
            self.reload()

    def _on_read(self, ticket_id: int, clocks: TicketClocks) -> None:
        if ticket_id != self.ticket_id:
            return
        self.clocks = clocks
        self.show_clocks(clocks, datetime.now(UTC))

    def _on_how_button_toggled(self, _shown: bool) -> None:
        if self.clocks is not None:
            self.show_clocks(self.clocks, datetime.now(UTC))

    def show_clocks(self, clocks: TicketClocks, now: datetime) -> None:
        views = {Clock.FIRST_RESPONSE: clocks.first_response, Clock.RESOLUTION: clocks.resolution}
        if clocks.plan_name is None and not any(v and v.manual for v in views.values()):
            # Nothing is promised: the room goes to the thread (Ticket › Set due time…
            # still sets one by hand).
            self._tick.stop()
            self.hide()
            return
        self.heading.setText(
            tr("Service level: {plan} · counted in {calendar}").format(
                plan=clocks.plan_name or tr("no plan"),
                calendar=clocks.calendar_name or tr("every hour"),
            )
        )
        running = explained = False
        for clock, (summary, why) in self.rows.items():
            view = views[clock]
            if view is None:
                summary.hide()
                why.hide()
                continue
            state = clock_state(view, now)
            running = running or view.state == ClockState.RUNNING
            colour = due_labels.due_colour(state, None)
            text = clock_summary(view, now)
            style = f' style="color:{colour.name()}"' if colour is not None else ""
            summary.setText(
                f"<b>{_escape(clock_label(clock))}</b>: <span{style}>{_escape(text)}</span>"
            )
            summary.setProperty("dueState", str(state))
            summary.setToolTip(full_explanation(view.explanation))
            why.setText(short_explanation(view.explanation))
            why.setToolTip(full_explanation(view.explanation))
            summary.show()
            why.setVisible(bool(view.explanation) and self.how_button.isChecked())
            explained = explained or bool(view.explanation)
        self.how_button.setVisible(explained)
        if running:
            self._tick.start()
        else:
            self._tick.stop()
        self.show()

    # --- setting a due time by hand -------------------------------------------------------

    def set_due(self) -> SetDueDialog | None:
        """Ctrl+Shift+D: set a clock's due time by hand, or give it back to the plan."""
        if self.ticket_id is None or not self._session.supervises:
            return None
        ticket_id = self.ticket_id
        dialog = SetDueDialog(self.clocks, self.window())
        session = self._session

        def submit(values: dict[str, Any]) -> None:
            clock, due = values["clock"], values["due"]
            self._ops.run(
                dialog,
                lambda: sla.set_due_time(session.db, session.agent_id, ticket_id, clock, due),
                lambda _r: dialog.accept(),
                dialog.show_problem,
                what=tr("Setting the due time"),
                write=True,
            )

        dialog.submitted.connect(submit)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: SetDueDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()


class SetDueDialog(FormDialog):
    """Which clock, and when it is due; or "Use the plan's due time" to clear a hand-set one.
    A due time set here is never moved by a recompute."""

    def __init__(self, clocks: TicketClocks | None, parent: QWidget | None = None) -> None:
        super().__init__(
            tr("Set due time"),
            tr(
                "A due time set by hand stays as it is whatever the plan, priority or "
                "calendar does; clear it to go back to the plan's."
            ),
            tr("Set"),
            parent,
        )
        self._clocks = clocks
        self.clock_box = combo(
            [(clock_label(Clock.RESOLUTION), Clock.RESOLUTION),
             (clock_label(Clock.FIRST_RESPONSE), Clock.FIRST_RESPONSE)]
        )  # fmt: skip
        self.add_field("clock", tr("Clock"), self.clock_box)
        # The box before the time: Tab steps through the time's parts before leaving it.
        self.use_plan = QCheckBox(tr("Use the plan's due time (clear the one set by hand)"))
        self.add_field("plan", "", self.use_plan)
        self.when = QDateTimeEdit(objectName="dueEdit")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.add_field("due", tr("Due"), self.when)
        self.use_plan.toggled.connect(self.when.setDisabled)
        self.clock_box.currentIndexChanged.connect(self._on_clock_box_current_index_changed)
        self._on_clock_box_current_index_changed()

    def _view(self) -> ClockView | None:
        if self._clocks is None:
            return None
        clock = self.clock_box.currentData()
        return (
            self._clocks.first_response
            if clock == Clock.FIRST_RESPONSE
            else self._clocks.resolution
        )

    def _on_clock_box_current_index_changed(self, *_args: object) -> None:
        view = self._view()
        due = view.due if view is not None and view.due is not None else None
        if due is None:
            due = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=4)
        self.when.setDateTime(QDateTime(due.astimezone()))
        self.use_plan.setChecked(False)
        self.use_plan.setEnabled(view is not None and view.manual)

    def values(self) -> dict[str, Any]:
        due = None
        if not self.use_plan.isChecked():
            due = self.when.dateTime().toPython().astimezone(UTC)
        return {"clock": self.clock_box.currentData(), "due": due}


#: Steps of an explanation shown under a clock; the rest is in its tooltip.
SHORT_STEPS = 5


def short_explanation(text: str) -> str:
    """The first two steps and the last three: a ticket open for months has a step per
    week; how it started and how it stands now are what the agent reads."""
    steps = [s for s in text.split("; ") if s]
    if len(steps) <= SHORT_STEPS:
        return "; ".join(steps)
    hidden = len(steps) - 4
    return "; ".join([*steps[:2], tr("… {count} more steps …").format(count=hidden), *steps[-2:]])


def full_explanation(text: str, limit: int = 40) -> str:
    """One step a line, at most `limit` lines (the middle of a very long one left out)."""
    steps = [s for s in text.split("; ") if s]
    if len(steps) > limit:
        steps = [*steps[: limit // 2], "…", *steps[-limit // 2 :]]
    return "\n".join(steps)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

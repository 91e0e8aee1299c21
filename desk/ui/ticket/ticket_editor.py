"""The selected ticket's fields and the actions its status allows."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.domain.errors import ValidationError
from desk.domain.model import Priority, TicketStatus
from desk.domain.priority import priority_for
from desk.domain.thread import EventType
from desk.domain.validation import format_phone
from desk.services.tickets import TicketEdit
from desk.services.views import TicketDetail

from ..common import labels
from ..common.dialogs import error_text, levels_combo, mark_invalid, with_error
from ..common.keys import EDITOR_SAVE
from ..common.labels import tr
from ..common.session import DeskSession


def _status_action(current: TicketStatus, target: TicketStatus) -> str:
    if target == TicketStatus.OPEN:
        return {
            TicketStatus.NEW: tr("Start work"),
            TicketStatus.PENDING: tr("Resume"),
        }.get(current, tr("Reopen…"))
    return {
        TicketStatus.PENDING: tr("Pending…"),
        TicketStatus.RESOLVED: tr("Resolve…"),
        TicketStatus.CLOSED: tr("Close…"),
    }[target]


class Chip(QLabel):
    """A small coloured label: the status or the priority."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chip")

    def show_value(self, text: str, colour: str) -> None:
        self.setText(text)
        self.setStyleSheet(f"QLabel#chip {{ color: {colour}; border-color: {colour}; }}")


class EditBar(QFrame):
    """Over the editor while the agent has unsaved changes and someone else changed the
    ticket: what they changed, and whether to take their version or keep typing (saving
    then still meets the version check, and its conflict dialog)."""

    #: Show the ticket as it is now (the agent's unsaved changes go).
    reloadRequested = Signal()
    #: Keep the agent's changes; the bar goes.
    keepRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editBar")
        self.message = QLabel(objectName="editBarMessage", wordWrap=True)
        self.reload_button = QPushButton(tr("&Reload"))
        self.keep_button = QPushButton(tr("&Keep mine"))
        for button in (self.reload_button, self.keep_button):
            button.setObjectName("small")
        self.reload_button.clicked.connect(self.reloadRequested)
        self.keep_button.clicked.connect(self.keepRequested)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.message, 1)
        row.addWidget(self.reload_button)
        row.addWidget(self.keep_button)
        self.hide()

    def say(self, lines: list[str]) -> None:
        self.message.setText("\n".join(lines))
        self.show()


class TicketEditor(QWidget):
    claimRequested = Signal()
    assignRequested = Signal()
    releaseRequested = Signal()
    transferRequested = Signal()
    #: The status to move to (the owner asks for a note or score where needed).
    statusRequested = Signal(object)
    #: The edit and the version it was made on.
    saveRequested = Signal(object, int)

    def __init__(self, session: DeskSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._detail: TicketDetail | None = None
        self._loading = False
        self._writable = True  # False while the database is read-only or cannot be used

        self.number = QLabel(objectName="ticketNumber")
        #: "Priya is viewing", "Priya is replying…": other agents on this ticket.
        self.presence = QLabel(objectName="presenceLine")
        self.presence.hide()
        self.edit_bar = EditBar()
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_chip = Chip()
        self.priority_chip = Chip()
        self.created = QLabel(objectName="muted")
        self.subject = QLineEdit(objectName="subjectEdit")
        self.subject.setPlaceholderText(tr("Subject"))
        self.customer = QLabel(objectName="customerLine")
        self.customer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.customer.setWordWrap(True)

        self.category = QComboBox()
        # Long help-topic paths must not dictate the panel's width.
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.category.setMinimumContentsLength(16)
        self.impact = levels_combo()
        self.urgency = levels_combo()
        self.priority = QComboBox()
        for priority in Priority:
            self.priority.addItem(labels.priority_label(priority), priority)
        self.override = QLabel(tr("override"), objectName="overrideBadge")
        self.asset = QLineEdit()
        self.asset.setPlaceholderText(tr("Asset or model number"))
        self.team = QLabel()
        self.assignee = QLabel()
        self.csat = QLabel(objectName="csat")

        self.transfer_button = QPushButton(tr("Transfer…"))
        self.claim_button = QPushButton(tr("Claim"))
        self.assign_button = QPushButton(tr("Assign…"))
        self.release_button = QPushButton(tr("Release"))
        for button in (
            self.transfer_button,
            self.claim_button,
            self.assign_button,
            self.release_button,
        ):
            button.setObjectName("small")
            button.hide()  # until a ticket says which apply: a narrow window has room for those
        self.transfer_button.clicked.connect(self.transferRequested)
        self.claim_button.clicked.connect(self.claimRequested)
        self.assign_button.clicked.connect(self.assignRequested)
        self.release_button.clicked.connect(self.releaseRequested)

        self.errors: dict[str, QLabel] = {}
        self.general_error = QLabel(objectName="fieldError", wordWrap=True)
        self.general_error.hide()
        self.status_buttons: dict[TicketStatus, QPushButton] = {}
        self.status_row = QHBoxLayout()
        self.status_row.setSpacing(6)
        self.revert_button = QPushButton(tr("Revert"))
        self.save_button = QPushButton(tr("Save"), objectName="primary")
        self.save_button.setShortcut(QKeySequence(EDITOR_SAVE.keys[0]))
        self.revert_button.clicked.connect(self.revert)
        self.save_button.clicked.connect(self.save)

        for widget in (self.subject, self.asset):
            widget.textEdited.connect(self._on_field_edited)
        for box in (self.category, self.impact, self.urgency):
            box.currentIndexChanged.connect(self._on_field_edited)
        self.impact.currentIndexChanged.connect(self._on_levels_changed)
        self.urgency.currentIndexChanged.connect(self._on_levels_changed)
        self.priority.currentIndexChanged.connect(self._on_priority_changed)

        self._build()
        self.set_session(session)

    # --- layout -----------------------------------------------------------------------------

    def _field(self, key: str, widget: QWidget) -> QWidget:
        box, self.errors[key] = with_error(widget)
        return box

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch(1)
        return box

    def _build(self) -> None:
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.number)
        header.addWidget(self.status_chip)
        header.addWidget(self.priority_chip)
        header.addStretch(1)
        header.addWidget(self.presence)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        rows = [
            (
                tr("Help topic"),
                self._field("category_id", self.category),
                tr("Impact"),
                self._field("impact", self.impact),
            ),
            (
                tr("Team"),
                self._row(self.team, self.transfer_button),
                tr("Urgency"),
                self._field("urgency", self.urgency),
            ),
            (
                tr("Assignee"),
                self._row(
                    self.assignee, self.claim_button, self.assign_button, self.release_button
                ),
                tr("Priority"),
                self._row(self.priority, self.override),
            ),
            (tr("Asset"), self._field("asset", self.asset), "", None),
            (tr("Satisfaction"), self.csat, "", None),
        ]
        for n, (left, left_widget, right, right_widget) in enumerate(rows):
            grid.addWidget(QLabel(left, objectName="fieldLabel"), n, 0)
            grid.addWidget(left_widget, n, 1)
            if right_widget is not None:  # nothing on the right: the row hides whole
                grid.addWidget(QLabel(right, objectName="fieldLabel"), n, 2)
                grid.addWidget(right_widget, n, 3)
        self.csat_label = grid.itemAtPosition(len(rows) - 1, 0).widget()

        actions = QHBoxLayout()
        actions.addLayout(self.status_row)
        actions.addStretch(1)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(self.edit_bar)
        layout.addLayout(header)
        layout.addWidget(self._field("subject", self.subject))
        layout.addWidget(self.customer)
        layout.addWidget(self.created)
        line = QFrame(frameShape=QFrame.Shape.HLine, objectName="rule")
        layout.addWidget(line)
        layout.addLayout(grid)
        layout.addWidget(self.general_error)
        layout.addLayout(actions)

    # --- showing a ticket --------------------------------------------------------------------

    def set_session(self, session: DeskSession) -> None:
        self._session = session
        self._loading = True
        current = self.category.currentData()
        self.category.clear()
        self.category.addItem(tr("(none)"), None)
        for category in session.directory.categories:
            self.category.addItem(category.display_name, category.id)
        self.category.setCurrentIndex(max(0, self.category.findData(current)))
        self._loading = False

    @property
    def detail(self) -> TicketDetail | None:
        return self._detail

    @property
    def ticket_id(self) -> int | None:
        return self._detail.ticket.id if self._detail else None

    def show_presence(self, text: str) -> None:
        """Who else is on this ticket, in the header ("" hides it)."""
        self.presence.setText(text)
        self.presence.setToolTip(text)
        self.presence.setVisible(bool(text))

    def show_detail(self, detail: TicketDetail) -> None:
        if self._detail is None or detail.ticket.id != self._detail.ticket.id:
            self.show_presence("")
        self.edit_bar.hide()
        self._detail = detail
        ticket = detail.ticket
        self._loading = True
        self.number.setText(ticket.number)
        self.status_chip.show_value(
            labels.status_label(ticket.status), labels.STATUS_COLOURS[ticket.status].name()
        )
        self.priority_chip.show_value(
            labels.priority_label(ticket.priority), labels.PRIORITY_COLOURS[ticket.priority].name()
        )
        self.created.setText(
            tr("Created {when} via {channel}").format(
                when=labels.full_time(ticket.created_at),
                channel=labels.channel_label(ticket.channel).lower(),
            )
        )
        self.subject.setText(ticket.subject)
        customer = detail.customer
        parts = [f"<b>{html.escape(customer.name)}</b>"]
        parts += [html.escape(p) for p in (customer.organisation, customer.email or "") if p]
        if phone := format_phone(customer.phone):  # a number is not broken across lines
            parts.append(html.escape(phone).replace(" ", "&nbsp;"))
        self.customer.setText(" · ".join(parts))
        self.category.setCurrentIndex(max(0, self.category.findData(ticket.category_id)))
        self.impact.setCurrentIndex(self.impact.findData(ticket.impact))
        self.urgency.setCurrentIndex(self.urgency.findData(ticket.urgency))
        self.priority.setCurrentIndex(self.priority.findData(ticket.priority))
        self.asset.setText(ticket.asset)
        self.team.setText(detail.team.name if detail.team else tr("No team"))
        self.assignee.setText(detail.assignee.name if detail.assignee else tr("Unassigned"))
        score = satisfaction_text(detail)
        self.csat.setText(score)
        for widget in (self.csat_label, self.csat):
            widget.setVisible(bool(score))
        self._loading = False
        self._show_actions()
        self._update_override()
        self.clear_problems()
        self._set_dirty(False)

    def _show_actions(self) -> None:
        assert self._detail is not None
        ticket = self._detail.ticket
        me = self._session.agent_id
        active = ticket.status.is_active
        self.claim_button.setVisible(active and ticket.assignee_id is None)
        self.assign_button.setVisible(active and self._session.supervises)
        self.release_button.setVisible(
            ticket.assignee_id is not None
            and (ticket.assignee_id == me or self._session.supervises)
        )
        self.transfer_button.setVisible(active)
        for button in self.status_buttons.values():
            self.status_row.removeWidget(button)
            button.hide()  # deleted later: until then it stayed on screen where it was
            button.deleteLater()
        self.status_buttons = {}
        for target in self._detail.allowed_statuses:
            button = QPushButton(_status_action(ticket.status, target))
            button.setObjectName("statusAction")
            button.clicked.connect(lambda _checked=False, t=target: self.statusRequested.emit(t))
            self.status_row.addWidget(button)
            self.status_buttons[target] = button
        self._show_writable()

    # --- editing --------------------------------------------------------------------------------

    def edit(self) -> TicketEdit:
        """The fields as typed; unchanged ones are left out."""
        assert self._detail is not None
        ticket = self._detail.ticket
        subject = self.subject.text()
        asset = self.asset.text()
        priority = self.priority.currentData()
        kwargs: dict[str, object] = {}
        if subject != ticket.subject:
            kwargs["subject"] = subject
        if asset != ticket.asset:
            kwargs["asset"] = asset
        if self.category.currentData() != ticket.category_id:
            kwargs["category_id"] = self.category.currentData()
        if self.impact.currentData() != ticket.impact:
            kwargs["impact"] = self.impact.currentData()
        if self.urgency.currentData() != ticket.urgency:
            kwargs["urgency"] = self.urgency.currentData()
        if priority != ticket.priority or self._overridden() != ticket.priority_overridden:
            kwargs["priority"] = priority
        return TicketEdit(**kwargs)  # type: ignore[arg-type]

    @property
    def dirty(self) -> bool:
        return self._detail is not None and self.edit() != TicketEdit()

    def save(self) -> None:
        if self._detail is None or not self.dirty:
            return
        self.clear_problems()
        self.save_button.setEnabled(False)
        self.saveRequested.emit(self.edit(), self._detail.ticket.version)

    def revert(self) -> None:
        if self._detail is not None:
            self.show_detail(self._detail)

    def show_problem(self, exc: BaseException) -> None:
        """A failed save: the message at its field; the typed values stay."""
        self.clear_problems()
        self._set_dirty(self.dirty)
        if isinstance(exc, ValidationError):
            for problem in exc.problems:
                label = self.errors.get(problem.field, self.general_error)
                label.setText(problem.message)
                label.show()
                mark_invalid(self._inputs().get(problem.field), True)
            return
        self.general_error.setText(error_text(exc))
        self.general_error.show()

    def clear_problems(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.hide()
        for widget in self._inputs().values():
            mark_invalid(widget, False)

    def _inputs(self) -> dict[str, QWidget]:
        return {
            "subject": self.subject,
            "asset": self.asset,
            "category_id": self.category,
            "impact": self.impact,
            "urgency": self.urgency,
        }

    def _overridden(self) -> bool:
        matrix = priority_for(self.impact.currentData(), self.urgency.currentData())
        return self.priority.currentData() != matrix

    def _update_override(self) -> None:
        self.override.setVisible(self._overridden())

    def set_writable(self, writable: bool, _why: str = "") -> None:
        """Offer the actions and edits that save only while the database takes them."""
        self._writable = writable
        self._show_writable()
        self._set_dirty(self.dirty)

    def _show_writable(self) -> None:
        writable = self._writable
        for button in (
            self.transfer_button,
            self.claim_button,
            self.assign_button,
            self.release_button,
            *self.status_buttons.values(),
        ):
            button.setEnabled(writable)
        for line in (self.subject, self.asset):
            line.setReadOnly(not writable)
        for box in (self.category, self.impact, self.urgency, self.priority):
            box.setEnabled(writable)

    def _set_dirty(self, dirty: bool) -> None:
        self.save_button.setEnabled(dirty and self._writable)
        self.revert_button.setEnabled(dirty)

    def _on_field_edited(self, *_args: object) -> None:
        if not self._loading:
            self._set_dirty(self.dirty)

    def _on_levels_changed(self, *_args: object) -> None:
        if self._loading or self._detail is None:
            return
        # The priority follows impact × urgency unless someone chose it by hand.
        if not self._detail.ticket.priority_overridden:
            matrix = priority_for(self.impact.currentData(), self.urgency.currentData())
            self._loading = True
            self.priority.setCurrentIndex(self.priority.findData(matrix))
            self._loading = False
        self._update_override()
        self._set_dirty(self.dirty)

    def _on_priority_changed(self, *_args: object) -> None:
        if not self._loading:
            self._update_override()
            self._set_dirty(self.dirty)


def stars(score: int) -> str:
    return f"{'★' * score}{'☆' * (5 - score)}"


def satisfaction_text(detail: TicketDetail) -> str:
    """The customer's score: this closure's, or the one given before the last reopen;
    empty while there is none to tell."""
    score = detail.ticket.csat
    if score is not None:
        return tr("{stars}  {score} of 5").format(stars=stars(score), score=score)
    before = next(
        (
            e.data.get("csat")
            for e in reversed(detail.thread)
            if e.event == EventType.REOPENED and e.data.get("csat")
        ),
        None,
    )
    if before is not None and detail.ticket.status != TicketStatus.CLOSED:
        return tr("{score} of 5 before it was reopened").format(score=before)
    if detail.ticket.status == TicketStatus.CLOSED:
        return tr("Not given")
    return ""  # nothing to say until the ticket is closed

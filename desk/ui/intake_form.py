"""Phone and walk-in intake: log the request before the caller hangs up.

Keyboard first: the form opens on the caller lookup; typing a name, phone number (any
common format) or email lists matching callers; Enter picks the highlighted one and
moves to the subject; Ctrl+Enter saves. A known caller's open tickets are shown so the
agent can add to one instead of logging a duplicate.
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desk.domain.errors import FieldProblem, ValidationError
from desk.domain.model import Channel, Level, Priority
from desk.domain.priority import LEVELS_FOR_PRIORITY, priority_for
from desk.domain.search import looks_like_phone
from desk.domain.ticket import format_number
from desk.domain.validation import format_phone
from desk.services import queries
from desk.services.intake import IntakeRequest, NewCaller, log_ticket
from desk.services.tickets import add_customer_message
from desk.services.views import CallerMatch

from . import labels
from .dialogs import error_text, mark_invalid
from .labels import tr
from .session import DeskSession
from .tasks import TaskRunner

LOOKUP_DELAY_MS = 120
MATCH_ROLE = Qt.ItemDataRole.UserRole + 1
NEW_CALLER = "new"


class LookupBox(QLineEdit):
    """The caller lookup: Up and Down move through the matches without leaving the box."""

    moved = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.moved.emit(1 if event.key() == Qt.Key.Key_Down else -1)
            return
        super().keyPressEvent(event)


class IntakeForm(QDialog):
    #: A ticket was logged or added to (its id); the window refreshes its queues.
    ticketLogged = Signal(int)

    def __init__(
        self, session: DeskSession, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("intakeForm")
        self.setWindowTitle(tr("New ticket"))
        self.setModal(False)
        self.resize(980, 700)
        self._session = session
        self._runner = runner
        self._caller: CallerMatch | None = None
        self._lookup_generation = 0
        self._started = time.monotonic()
        self._saved_number = ""
        self._saving = False

        self._build()
        self._wire()
        self.reset()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.lookup = LookupBox(objectName="callerLookup")
        self.lookup.setPlaceholderText(tr("Caller: type a name, phone number or email"))
        self.matches = QListWidget(objectName="callerMatches")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setMinimumHeight(150)
        self.recent_title = QLabel(tr("Their &recent tickets"), objectName="fieldLabel")
        self.caller_card = QLabel(objectName="callerCard")
        self.caller_card.setWordWrap(True)
        self.caller_card.setTextFormat(Qt.TextFormat.RichText)
        self.recent = QListWidget(objectName="recentTickets")
        self.recent.setMinimumHeight(120)
        self.recent_title.setBuddy(self.recent)
        for listing in (self.matches, self.recent):
            listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            listing.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.add_to_button = QPushButton(
            tr("&Add to this ticket instead"), objectName="addToTicket"
        )
        self.add_to_button.setEnabled(False)

        self.new_name = QLineEdit()
        self.new_email = QLineEdit()
        self.new_phone = QLineEdit()
        self.new_organisation = QLineEdit()
        self.new_name.setPlaceholderText(tr("Full name"))
        self.new_email.setPlaceholderText(tr("name@example.com"))
        self.new_phone.setPlaceholderText(tr("+1 415 555 0132"))
        self.new_caller_box = QFrame(objectName="newCaller")
        new_form = QFormLayout(self.new_caller_box)
        new_form.setContentsMargins(10, 8, 10, 8)
        self.errors: dict[str, QLabel] = {}
        heading = QLabel(tr("New caller"), objectName="sectionTitle")
        new_form.addRow(heading)
        for key, label, widget in (
            ("name", tr("Name"), self.new_name),
            ("email", tr("Email"), self.new_email),
            ("phone", tr("Phone"), self.new_phone),
            ("organisation", tr("Organisation"), self.new_organisation),
        ):
            new_form.addRow(label, self._with_error(key, widget))

        self.subject = QLineEdit(objectName="intakeSubject")
        self.subject.setPlaceholderText(tr("What is the problem, in a few words"))
        self.description = QPlainTextEdit(objectName="intakeDescription")
        self.description.setPlaceholderText(tr("What the caller says, in their words"))
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(110)
        self.category = QComboBox(objectName="intakeCategory")
        self.category.setEditable(True)
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.category.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.category.completer().setCompletionMode(
            self.category.completer().CompletionMode.PopupCompletion
        )
        self.channel = QComboBox()
        for channel in (
            Channel.PHONE,
            Channel.WALK_IN,
            Channel.EMAIL,
            Channel.WEB,
            Channel.CHAT,
            Channel.SOCIAL,
        ):
            self.channel.addItem(labels.channel_label(channel), channel)
        self.impact = self._levels()
        self.urgency = self._levels()
        self.priority = QComboBox()
        self.priority.addItem(tr("From impact × urgency"), None)
        for priority in Priority:
            self.priority.addItem(labels.priority_label(priority), priority)
        self.priority_live = QLabel(objectName="priorityLive")
        self.asset = QLineEdit()
        self.asset.setPlaceholderText(tr("Optional"))
        self.assign_to_me = QCheckBox(tr("Assign to me"))
        self.timer_label = QLabel(objectName="callTimer")
        self.general_error = QLabel(objectName="fieldError")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.save_button = QPushButton(tr("Log ticket  (Ctrl+Enter)"), objectName="primary")
        self.cancel_button = QPushButton(tr("Close"))

        # The saved state: the number, big, ready to read back.
        self.saved_title = QLabel(objectName="savedTitle")
        self.saved_number = QLabel(objectName="savedNumber")
        self.saved_number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.saved_number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved_detail = QLabel(objectName="muted")
        self.saved_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.copy_button = QPushButton(tr("Copy number  (Ctrl+C)"))
        self.next_button = QPushButton(tr("Next caller  (Enter)"), objectName="primary")
        self.copied = QLabel(objectName="muted")
        self.copied.setAlignment(Qt.AlignmentFlag.AlignCenter)

        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(QLabel(tr("Caller"), objectName="sectionTitle"))
        left.addWidget(self.lookup)
        left.addWidget(self.matches)
        left.addWidget(self.caller_card)
        left.addWidget(self.new_caller_box)
        left.addWidget(self.recent_title)
        left.addWidget(self.recent)
        left.addWidget(self.add_to_button)
        left.addStretch(1)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.addWidget(QLabel(tr("Help topic"), objectName="fieldLabel"), 0, 0)
        grid.addWidget(self._with_error("category_id", self.category), 0, 1, 1, 3)
        grid.addWidget(QLabel(tr("Channel"), objectName="fieldLabel"), 1, 0)
        grid.addWidget(self.channel, 1, 1)
        grid.addWidget(QLabel(tr("Asset"), objectName="fieldLabel"), 1, 2)
        grid.addWidget(self._with_error("asset", self.asset), 1, 3)
        grid.addWidget(QLabel(tr("Impact"), objectName="fieldLabel"), 2, 0)
        grid.addWidget(self.impact, 2, 1)
        grid.addWidget(QLabel(tr("Urgency"), objectName="fieldLabel"), 2, 2)
        grid.addWidget(self.urgency, 2, 3)
        grid.addWidget(QLabel(tr("Priority"), objectName="fieldLabel"), 3, 0)
        grid.addWidget(self.priority, 3, 1)
        grid.addWidget(self.priority_live, 3, 2, 1, 2)

        right = QVBoxLayout()
        right.setSpacing(6)
        title_row = QHBoxLayout()
        title_row.addWidget(QLabel(tr("Request"), objectName="sectionTitle"))
        title_row.addStretch(1)
        title_row.addWidget(self.timer_label)
        right.addLayout(title_row)
        right.addWidget(QLabel(tr("Subject"), objectName="fieldLabel"))
        right.addWidget(self._with_error("subject", self.subject))
        right.addWidget(QLabel(tr("Description"), objectName="fieldLabel"))
        right.addWidget(self._with_error("description", self.description), 1)
        right.addLayout(grid)
        right.addWidget(self.assign_to_me)
        right.addWidget(self.general_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        right.addLayout(buttons)

        form_page = QWidget()
        columns = QHBoxLayout(form_page)
        columns.setContentsMargins(16, 14, 16, 14)
        columns.setSpacing(18)
        left_box = QWidget(objectName="intakeCallerColumn")
        left_box.setLayout(left)
        left_box.setFixedWidth(380)
        columns.addWidget(left_box)
        columns.addLayout(right, 1)

        saved_page = QWidget(objectName="savedPage")
        saved = QVBoxLayout(saved_page)
        saved.addStretch(2)
        saved.addWidget(self.saved_title, alignment=Qt.AlignmentFlag.AlignCenter)
        saved.addWidget(self.saved_number)
        saved.addWidget(self.saved_detail)
        saved.addSpacing(16)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.next_button)
        actions.addStretch(1)
        saved.addLayout(actions)
        saved.addWidget(self.copied)
        saved.addStretch(3)

        self.pages = QStackedWidget()
        self.pages.addWidget(form_page)
        self.pages.addWidget(saved_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        QWidget.setTabOrder(self.lookup, self.new_name)
        for first, second in (
            (self.new_name, self.new_email),
            (self.new_email, self.new_phone),
            (self.new_phone, self.new_organisation),
            (self.new_organisation, self.subject),
            (self.subject, self.description),
            (self.description, self.category),
            (self.category, self.channel),
            (self.channel, self.asset),
            (self.asset, self.impact),
            (self.impact, self.urgency),
            (self.urgency, self.priority),
            (self.priority, self.assign_to_me),
            (self.assign_to_me, self.save_button),
        ):
            QWidget.setTabOrder(first, second)

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel(objectName="fieldError")
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        self.errors[key] = error
        return box

    @staticmethod
    def _levels() -> QComboBox:
        box = QComboBox()
        for level in Level:
            box.addItem(labels.level_label(level), level)
        return box

    def _wire(self) -> None:
        # Enter belongs to the field it is typed in (pick a caller, next field); only
        # Ctrl+Enter saves. A dialog's auto-default button would save half a ticket.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.subject.returnPressed.connect(self.description.setFocus)
        self._lookup_timer = QTimer(self, singleShot=True, interval=LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self._look_up)
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._show_timer)
        self.lookup.textEdited.connect(self._on_lookup_text_edited)
        self.lookup.returnPressed.connect(self._on_lookup_return_pressed)
        self.lookup.moved.connect(self._on_lookup_moved)
        self.matches.itemClicked.connect(lambda item: self._pick(item))
        self.recent.currentItemChanged.connect(self._on_recent_current_item_changed)
        self.add_to_button.clicked.connect(self.add_to_selected)
        self.category.currentIndexChanged.connect(self._on_category_changed)
        for box in (self.impact, self.urgency, self.priority):
            box.currentIndexChanged.connect(self._show_priority)
        self.channel.currentIndexChanged.connect(self._show_timer)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.close)
        self.copy_button.clicked.connect(self.copy_number)
        self.next_button.clicked.connect(self.reset)
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(keys), self, activated=self._on_save_shortcut)
        QShortcut(QKeySequence.StandardKey.Copy, self.pages.widget(1), activated=self.copy_number)

    # --- the form's life ------------------------------------------------------------------------

    def start(self) -> None:
        """Open (or bring back) the form; a form already being filled keeps its contents."""
        if self.pages.currentIndex() == 1:
            self.reset()
        self.show()
        self.raise_()
        self.activateWindow()
        self.lookup.setFocus()

    def reset(self) -> None:
        """Empty and ready for the next caller; the call timer starts again."""
        self._caller = None
        self._saving = False
        self._lookup_generation += 1
        for line in (
            self.lookup,
            self.new_name,
            self.new_email,
            self.new_phone,
            self.new_organisation,
            self.subject,
            self.asset,
        ):
            line.clear()
        self.description.clear()
        self.matches.clear()
        self.recent.clear()
        self._fill_categories()
        self.channel.setCurrentIndex(0)
        self.impact.setCurrentIndex(self.impact.findData(Level.MEDIUM))
        self.urgency.setCurrentIndex(self.urgency.findData(Level.MEDIUM))
        self.priority.setCurrentIndex(0)
        self.assign_to_me.setChecked(False)
        self.clear_problems()
        self._show_caller()
        self._show_priority()
        self.save_button.setEnabled(True)
        self.pages.setCurrentIndex(0)
        self._started = time.monotonic()
        self._clock.start()
        self._show_timer()
        self.copied.clear()
        self.lookup.setFocus()

    def _fill_categories(self) -> None:
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(tr("(choose a help topic)"), None)
        for category in self._session.directory.categories:
            if category.parent_id is not None or not any(
                c.parent_id == category.id for c in self._session.directory.categories
            ):
                self.category.addItem(category.display_name, category.id)
        self.category.setCurrentIndex(0)
        self.category.blockSignals(False)

    def call_seconds(self) -> int:
        return int(time.monotonic() - self._started)

    def _show_timer(self, *_args: object) -> None:
        phone = self.channel.currentData() == Channel.PHONE
        self.timer_label.setVisible(phone)
        seconds = self.call_seconds()
        self.timer_label.setText(
            tr("On the call {minutes}:{seconds:02d}").format(
                minutes=seconds // 60, seconds=seconds % 60
            )
        )

    # --- caller lookup ---------------------------------------------------------------------------

    def _on_lookup_text_edited(self, _text: str) -> None:
        if self._caller is not None or self.new_caller_box.isVisible():
            self._caller = None  # typing again means looking for someone else
            self._show_caller()
        self._lookup_timer.start()

    def _look_up(self) -> None:
        text = self.lookup.text().strip()
        self._lookup_generation += 1
        generation = self._lookup_generation
        if not text:
            self._show_matches([], "")
            return
        db = self._session.db
        self._runner.run(
            lambda: queries.lookup_callers(db, text),
            lambda found: self._on_matches(generation, text, found),
            self._show_error,
            what=tr("Looking up the caller"),
        )

    def _on_matches(self, generation: int, text: str, found: list[CallerMatch]) -> None:
        if generation == self._lookup_generation:
            self._show_matches(found, text)

    def lookup_done(self) -> bool:
        """No lookup waiting or running (for tests and the benchmark)."""
        return not self._lookup_timer.isActive() and self._runner.pending == 0

    def _show_matches(self, found: list[CallerMatch], text: str) -> None:
        self.matches.clear()
        for match in found:
            customer = match.customer
            open_count = len(match.open_tickets)
            bits = [customer.organisation, customer.email or "", format_phone(customer.phone)]
            line = f"{customer.name}\n" + " · ".join(b for b in bits if b)
            if open_count:
                line += "  · " + tr("{count} open").format(count=open_count)
            item = QListWidgetItem(line)
            item.setData(MATCH_ROLE, match)
            self.matches.addItem(item)
        new_item = QListWidgetItem(
            tr("+ New caller “{text}”").format(text=text) if text else tr("+ New caller")
        )
        new_item.setData(MATCH_ROLE, NEW_CALLER)
        self.matches.addItem(new_item)
        self.matches.setCurrentRow(0)

    def _on_lookup_moved(self, step: int) -> None:
        if self.matches.count():
            row = max(0, min(self.matches.count() - 1, self.matches.currentRow() + step))
            self.matches.setCurrentRow(row)

    def _on_lookup_return_pressed(self) -> None:
        if self._lookup_timer.isActive():
            self._lookup_timer.stop()
            self._look_up()
            return  # Enter again once the matches are there
        item = self.matches.currentItem()
        if item is not None:
            self._pick(item)

    def _pick(self, item: QListWidgetItem) -> None:
        match = item.data(MATCH_ROLE)
        if match == NEW_CALLER:
            self._start_new_caller(self.lookup.text().strip())
            return
        self._caller = match
        self._show_caller()
        self.subject.setFocus()

    def _start_new_caller(self, typed: str) -> None:
        self._caller = None
        self._show_caller(new=True)
        if "@" in typed:
            self.new_email.setText(typed)
        elif looks_like_phone(typed):
            self.new_phone.setText(typed)
        else:
            self.new_name.setText(typed)
        (self.new_email if self.new_name.text() else self.new_name).setFocus()

    def _show_caller(self, *, new: bool = False) -> None:
        """Looking up: the matches. A caller picked: their card and recent tickets.
        A new caller: the fields to type them in."""
        caller = self._caller
        self.new_caller_box.setVisible(new)
        self.matches.setVisible(caller is None and not new)
        for widget in (self.recent_title, self.recent, self.add_to_button):
            widget.setVisible(caller is not None)
        self.recent.clear()
        self.add_to_button.setEnabled(False)
        if caller is None:
            self.caller_card.setVisible(False)
            return
        customer = caller.customer
        lines = [f"<b style='font-size:14pt'>{html.escape(customer.name)}</b>"]
        if customer.organisation:
            lines.append(html.escape(customer.organisation))
        contact = " · ".join(
            html.escape(b) for b in (customer.email or "", format_phone(customer.phone)) if b
        )
        if contact:
            lines.append(contact)
        self.caller_card.setText("<br>".join(lines))
        self.caller_card.setVisible(True)
        for row in caller.recent:
            text = f"{row.number}  {row.subject}\n{labels.status_label(row.status)} · {labels.when(row.updated_at)}"
            item = QListWidgetItem(text)
            item.setData(MATCH_ROLE, row)
            if not row.status.is_active:
                item.setForeground(labels.STATUS_COLOURS[row.status])
            self.recent.addItem(item)
        if not caller.recent:
            placeholder = QListWidgetItem(tr("No tickets yet."))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(placeholder)

    def _on_recent_current_item_changed(
        self, current: QListWidgetItem | None, _previous: object
    ) -> None:
        row = current.data(MATCH_ROLE) if current is not None else None
        can_add = row is not None and row.status.is_active
        self.add_to_button.setEnabled(can_add)
        if can_add:
            self.add_to_button.setText(tr("&Add to {number} instead").format(number=row.number))
        else:
            self.add_to_button.setText(tr("&Add to this ticket instead"))

    def select_recent(self, ticket_id: int) -> None:
        for n in range(self.recent.count()):
            row = self.recent.item(n).data(MATCH_ROLE)
            if row is not None and row.id == ticket_id:
                self.recent.setCurrentRow(n)
                return

    # --- triage -----------------------------------------------------------------------------------

    def _on_category_changed(self, _index: int) -> None:
        category_id = self.category.currentData()
        category = next(
            (c for c in self._session.directory.categories if c.id == category_id), None
        )
        if category is None:
            return
        impact, urgency = LEVELS_FOR_PRIORITY[category.default_priority]
        self.impact.setCurrentIndex(self.impact.findData(impact))
        self.urgency.setCurrentIndex(self.urgency.findData(urgency))
        self._show_priority()

    def chosen_priority(self) -> Priority:
        override = self.priority.currentData()
        return (
            override
            if override is not None
            else priority_for(self.impact.currentData(), self.urgency.currentData())
        )

    def _show_priority(self, *_args: object) -> None:
        priority = self.chosen_priority()
        colour = labels.PRIORITY_COLOURS[priority].name()
        override = tr(" (override)") if self.priority.currentData() is not None else ""
        self.priority_live.setText(
            f"<span style='color:{colour}; font-weight:600'>● {html.escape(labels.priority_label(priority))}</span>{override}"
        )

    # --- saving -------------------------------------------------------------------------------------

    def request(self) -> IntakeRequest:
        caller = self._caller
        new_caller = None
        if caller is None:
            new_caller = NewCaller(
                self.new_name.text(),
                self.new_email.text(),
                self.new_phone.text(),
                self.new_organisation.text(),
            )
        channel = self.channel.currentData()
        return IntakeRequest(
            subject=self.subject.text(),
            description=self.description.toPlainText(),
            channel=channel,
            customer_id=caller.customer.id if caller else None,
            new_caller=new_caller,
            category_id=self.category.currentData(),
            impact=self.impact.currentData(),
            urgency=self.urgency.currentData(),
            priority=self.priority.currentData(),
            asset=self.asset.text(),
            assign_to_me=self.assign_to_me.isChecked(),
            call_seconds=self.call_seconds() if channel == Channel.PHONE else None,
        )

    def _on_save_shortcut(self) -> None:
        if self.pages.currentIndex() == 0:
            self.save()

    def save(self) -> None:
        if self._saving:
            return
        self.clear_problems()
        if self._caller is None and not self.new_caller_box.isVisible():
            self._start_new_caller(self.lookup.text().strip())
        request = self.request()
        self._saving = True
        self.save_button.setEnabled(False)
        db, me = self._session.db, self._session.agent_id
        self._runner.run(
            lambda: log_ticket(db, me, request),
            lambda ticket: self._on_saved(ticket.id, added=False),
            self._on_save_failed,
            what=tr("Logging the ticket"),
        )

    def add_to_selected(self) -> None:
        """Log what the caller says on their open ticket instead of a new one."""
        item = self.recent.currentItem()
        row = item.data(MATCH_ROLE) if item is not None else None
        if row is None or not row.status.is_active or self._saving:
            return
        self.clear_problems()
        subject, body = self.subject.text().strip(), self.description.toPlainText().strip()
        text = "\n\n".join(part for part in (subject, body) if part)
        if not text:
            self.show_problem(
                ValidationError(
                    [FieldProblem("description", tr("Say what the caller told you first."))]
                )
            )
            return
        self._saving = True
        db, me = self._session.db, self._session.agent_id
        self._runner.run(
            lambda: add_customer_message(db, me, row.id, text),
            lambda _ticket: self._on_saved(row.id, added=True),
            self._on_save_failed,
            what=tr("Adding to the ticket"),
        )

    def _on_saved(self, ticket_id: int, *, added: bool) -> None:
        self._saving = False
        self._clock.stop()
        self._saved_number = format_number(ticket_id)
        self.saved_title.setText(
            tr("Added to the caller's ticket") if added else tr("Ticket logged")
        )
        self.saved_number.setText(self._saved_number)
        self.saved_detail.setText(tr("Read the number back to the caller."))
        self.copied.clear()
        self.pages.setCurrentIndex(1)
        self.next_button.setFocus()
        self.ticketLogged.emit(ticket_id)

    def _on_save_failed(self, exc: BaseException) -> None:
        """Nothing typed is lost: the form keeps everything and says what went wrong."""
        self._saving = False
        self.save_button.setEnabled(True)
        self.show_problem(exc)

    def show_problem(self, exc: BaseException) -> None:
        self.clear_problems()
        if isinstance(exc, ValidationError):
            unplaced = []
            for problem in exc.problems:
                label = self.errors.get(problem.field)
                if label is None:
                    unplaced.append(problem.message)
                    continue
                label.setText(problem.message)
                label.show()
            inputs = self._inputs()
            for problem in exc.problems:
                mark_invalid(inputs.get(problem.field), True)
            first = next((p.field for p in exc.problems if p.field in inputs), None)
            if first is not None:
                inputs[first].setFocus()
            if unplaced:
                self.general_error.setText(" ".join(unplaced))
                self.general_error.show()
            return
        self.general_error.setText(
            tr("Not saved: {reason} Everything you typed is still here; try again.").format(
                reason=error_text(exc)
            )
        )
        self.general_error.show()

    def _show_error(self, exc: BaseException) -> None:
        self.general_error.setText(error_text(exc))
        self.general_error.show()

    def clear_problems(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.hide()
        for widget in self._inputs().values():
            mark_invalid(widget, False)

    def _inputs(self) -> dict[str, QWidget]:
        return {
            "name": self.new_name,
            "email": self.new_email,
            "phone": self.new_phone,
            "organisation": self.new_organisation,
            "subject": self.subject,
            "description": self.description,
            "asset": self.asset,
            "category_id": self.category,
        }

    def copy_number(self) -> None:
        if self._saved_number:
            QGuiApplication.clipboard().setText(self._saved_number)
            self.copied.setText(
                tr("{number} copied to the clipboard.").format(number=self._saved_number)
            )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.pages.currentIndex() == 1 and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.reset()
            return
        if (
            event.key() == Qt.Key.Key_Escape
            and self.pages.currentIndex() == 0
            and self._has_input()
        ):
            return  # Escape must not throw away a half-logged call
        super().keyPressEvent(event)

    def _has_input(self) -> bool:
        return bool(self.subject.text() or self.description.toPlainText() or self.new_name.text())

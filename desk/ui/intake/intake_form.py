"""Phone and walk-in intake: log the request before the caller hangs up.

Keyboard first: the form opens on the caller lookup (`CallerPanel`); Enter picks the
highlighted caller and moves to the subject; Enter in the subject moves on to the
description; only Ctrl+Enter saves. A known caller's open tickets are shown so the agent
can add to one instead of logging a duplicate.
"""

from __future__ import annotations

import html
import itertools
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desk.domain.errors import FieldProblem, ValidationError
from desk.domain.model import Channel, Level, Priority
from desk.domain.priority import LEVELS_FOR_PRIORITY, priority_for
from desk.domain.queues import QueueRow
from desk.domain.search import fold
from desk.domain.ticket import format_number
from desk.services import desk_settings
from desk.services.intake import IntakeRequest, log_ticket
from desk.services.tickets import add_customer_message

from ..common import labels
from ..common.desk_dialog import DeskDialog
from ..common.dialogs import error_text, levels_combo, mark_invalid, with_error
from ..common.labels import tr
from ..common.session import DeskSession
from ..common.tasks import TaskRunner
from .caller_panel import CallerPanel

CHANNELS = (
    Channel.PHONE,
    Channel.WALK_IN,
    Channel.EMAIL,
    Channel.WEB,
    Channel.CHAT,
    Channel.SOCIAL,
)


class IntakeForm(DeskDialog):
    """Enter moves on through the form (and picks the caller); Ctrl+Enter logs."""

    enter_presses_primary = False

    #: A ticket was logged, or added to (its id, and True if added to); the window says
    #: which (the views hear of the write from the change hub).
    ticketLogged = Signal(int, bool)

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
        self._started = time.monotonic()
        self._saved_number = ""
        self._saving = False
        #: Ctrl+Enter came while the caller's Enter was waiting for the lookup.
        self._save_waiting = False
        self.caller = CallerPanel(session, runner)
        self.errors: dict[str, QLabel] = {}
        self._build()
        self._wire()
        self.reset()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.subject = QLineEdit(
            objectName="intakeSubject", placeholderText=tr("What is the problem, in a few words")
        )
        self.description = QPlainTextEdit(objectName="intakeDescription")
        self.description.setPlaceholderText(tr("What the caller says, in their words"))
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(110)
        self.category = QComboBox(objectName="intakeCategory")
        self.category.setEditable(True)  # type to find a help topic
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.category.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.category.completer().setCompletionMode(
            self.category.completer().CompletionMode.PopupCompletion
        )
        self.channel = QComboBox()
        for channel in CHANNELS:
            self.channel.addItem(labels.channel_label(channel), channel)
        self.impact, self.urgency = levels_combo(), levels_combo()
        self.priority = QComboBox()
        self.priority.addItem(tr("From impact × urgency"), None)
        for priority in Priority:
            self.priority.addItem(labels.priority_label(priority), priority)
        self.priority_live = QLabel(objectName="priorityLive")
        self.asset = QLineEdit(placeholderText=tr("Optional"))
        self.assign_to_me = QCheckBox(tr("Assign to me"))
        self.timer_label = QLabel(objectName="callTimer")
        self.general_error = QLabel(objectName="fieldError", wordWrap=True)
        self.general_error.hide()
        self.save_button = QPushButton(tr("Log ticket  (Ctrl+Enter)"), objectName="primary")
        self.cancel_button = QPushButton(tr("Close"))

        self.pages = QStackedWidget()
        self.pages.addWidget(self._form_page())
        self.pages.addWidget(self._saved_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        chain = [
            self.caller.new_organisation,
            self.subject,
            self.description,
            self.category,
            self.channel,
        ]
        chain += [
            self.asset,
            self.impact,
            self.urgency,
            self.priority,
            self.assign_to_me,
            self.save_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        # Enter belongs to the field it is typed in (pick a caller, next field); only
        # Ctrl+Enter saves. A dialog's auto-default button would save half a ticket.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)

    def _form_page(self) -> QWidget:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        cells = [
            (0, 0, QLabel(tr("Help topic"), objectName="fieldLabel"), 1),
            (0, 1, self._with_error("category_id", self.category), 3),
            (1, 0, QLabel(tr("Channel"), objectName="fieldLabel"), 1),
            (1, 1, self.channel, 1),
            (1, 2, QLabel(tr("Asset"), objectName="fieldLabel"), 1),
            (1, 3, self._with_error("asset", self.asset), 1),
            (2, 0, QLabel(tr("Impact"), objectName="fieldLabel"), 1),
            (2, 1, self.impact, 1),
            (2, 2, QLabel(tr("Urgency"), objectName="fieldLabel"), 1),
            (2, 3, self.urgency, 1),
            (3, 0, QLabel(tr("Priority"), objectName="fieldLabel"), 1),
            (3, 1, self.priority, 1),
            (3, 2, self.priority_live, 2),
        ]
        for row, column, widget, span in cells:
            grid.addWidget(widget, row, column, 1, span)

        title_row = QHBoxLayout()
        title_row.addWidget(QLabel(tr("Request"), objectName="sectionTitle"))
        title_row.addStretch(1)
        title_row.addWidget(self.timer_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addLayout(title_row)
        right.addWidget(QLabel(tr("Subject"), objectName="fieldLabel"))
        right.addWidget(self._with_error("subject", self.subject))
        right.addWidget(QLabel(tr("Description"), objectName="fieldLabel"))
        right.addWidget(self._with_error("description", self.description), 1)
        right.addLayout(grid)
        right.addWidget(self.assign_to_me)
        right.addWidget(self.general_error)
        right.addLayout(buttons)

        page = QWidget()
        columns = QHBoxLayout(page)
        columns.setContentsMargins(16, 14, 16, 14)
        columns.setSpacing(18)
        self.caller.setFixedWidth(380)
        columns.addWidget(self.caller)
        columns.addLayout(right, 1)
        return page

    def _saved_page(self) -> QWidget:
        """The number, big, ready to read back to the caller."""
        self.saved_title = QLabel(objectName="savedTitle")
        self.saved_number = QLabel(objectName="savedNumber", alignment=Qt.AlignmentFlag.AlignCenter)
        self.saved_number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved_detail = QLabel(objectName="muted", alignment=Qt.AlignmentFlag.AlignCenter)
        self.copy_button = QPushButton(tr("Copy number  (Ctrl+C)"))
        self.next_button = QPushButton(tr("Next caller  (Enter)"), objectName="primary")
        self.copied = QLabel(objectName="muted", alignment=Qt.AlignmentFlag.AlignCenter)
        page = QWidget(objectName="savedPage")
        saved = QVBoxLayout(page)
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
        return page

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        box, self.errors[key] = with_error(widget)
        return box

    def _wire(self) -> None:
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._show_timer)
        self.caller.picked.connect(self.subject.setFocus)
        self.caller.enterDeferred.connect(self.subject.setFocus)
        self.caller.enterApplied.connect(self._on_caller_enter_applied)
        self.caller.addRequested.connect(self.add_to)
        self.caller.failed.connect(self._show_general)
        self.subject.returnPressed.connect(self.description.setFocus)
        self.category.currentIndexChanged.connect(self._on_category_changed)
        for box in (self.impact, self.urgency, self.priority):
            box.currentIndexChanged.connect(self._show_priority)
        self.channel.currentIndexChanged.connect(self._show_timer)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.close)
        self.copy_button.clicked.connect(self.copy_number)
        self.next_button.clicked.connect(self.reset)
        # Ctrl+Enter is every dialog's (DeskDialog.press_primary, below); Ctrl+S as well here.
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.press_primary)
        QShortcut(QKeySequence.StandardKey.Copy, self.pages.widget(1), activated=self.copy_number)
        QShortcut(QKeySequence("Alt+A"), self.pages.widget(0), activated=self._on_add_shortcut)
        topic = self.category.lineEdit()
        topic.textEdited.connect(self._on_topic_text_edited)
        # Leaving the field says what is wrong at once. Not the line edit's editingFinished
        # nor a focus-out event: neither comes when Tab leaves with the completer showing.
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._on_app_focus_changed)

    def _on_caller_enter_applied(self) -> None:
        if self._save_waiting:
            self._save_waiting = False
            self.save()

    # --- the form's life ------------------------------------------------------------------------

    def start(self) -> None:
        """Open (or bring back) the form; a form already being filled keeps its contents."""
        if self.pages.currentIndex() == 1:
            self.reset()
        self.show()
        self.raise_()
        self.activateWindow()
        self.caller.lookup.setFocus()
        db = self._session.db
        self._runner.run(  # an admin may have changed it since the form was last open
            lambda: desk_settings.phone_region(db),
            self.caller.show_phone_region,
            lambda _exc: None,  # only a hint: the lookup and saving say what is wrong
            what=tr("Reading the desk's country for phone numbers"),
        )

    def reset(self) -> None:
        """Empty and ready for the next caller; the call timer starts again."""
        self._saving = self._save_waiting = False
        self.caller.reset()
        self.subject.clear()
        self.asset.clear()
        self.description.clear()
        self._fill_categories()
        self.channel.setCurrentIndex(0)
        self.impact.setCurrentIndex(self.impact.findData(Level.MEDIUM))
        self.urgency.setCurrentIndex(self.urgency.findData(Level.MEDIUM))
        self.priority.setCurrentIndex(0)
        self.assign_to_me.setChecked(False)
        self.clear_problems()
        self._show_priority()
        self.save_button.setEnabled(True)
        self.pages.setCurrentIndex(0)
        self._started = time.monotonic()
        self._clock.start()
        self._show_timer()
        self.copied.clear()
        self.caller.lookup.setFocus()

    def set_session(self, session: DeskSession) -> None:
        """The directory changed (a new help topic): the next call offers it."""
        self._session = session
        self.caller.set_session(session)

    def _fill_categories(self) -> None:
        """Help topics an agent picks: the leaves, not the headings above them."""
        topics = self._session.directory.categories
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(tr("(choose a help topic)"), None)
        for category in topics:
            if not any(c.parent_id == category.id for c in topics):
                self.category.addItem(category.display_name, category.id)
        self.category.setCurrentIndex(0)
        self.category.blockSignals(False)

    def call_seconds(self) -> int:
        return int(time.monotonic() - self._started)

    def _show_timer(self, *_args: object) -> None:
        self.timer_label.setVisible(self.channel.currentData() == Channel.PHONE)
        seconds = self.call_seconds()
        self.timer_label.setText(
            tr("On the call {minutes}:{seconds:02d}").format(
                minutes=seconds // 60, seconds=seconds % 60
            )
        )

    # --- triage ---------------------------------------------------------------------------------

    def _on_category_changed(self, _index: int) -> None:
        category = next(
            (c for c in self._session.directory.categories if c.id == self.category.currentData()),
            None,
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
        known = self.caller.caller
        channel = self.channel.currentData()
        return IntakeRequest(
            subject=self.subject.text(),
            description=self.description.toPlainText(),
            channel=channel,
            customer_id=known.customer.id if known else None,
            new_caller=None if known else self.caller.new_caller(),
            category_id=self.category.currentData(),
            impact=self.impact.currentData(),
            urgency=self.urgency.currentData(),
            priority=self.priority.currentData(),
            asset=self.asset.text(),
            assign_to_me=self.assign_to_me.isChecked(),
            call_seconds=self.call_seconds() if channel == Channel.PHONE else None,
        )

    def _on_add_shortcut(self) -> None:
        row = self.caller.selected_open_ticket()
        if row is not None:
            self.add_to(row)
        else:
            self._show_general(self.caller.offer_open_ticket())

    # --- the help topic, as typed -----------------------------------------------------------------

    def resolve_topic(self) -> str | None:
        """Make the chosen help topic the one typed: the only topic whose name holds the
        text is taken; otherwise what is wrong, to say at the field (nothing is dropped)."""
        box = self.category
        text = box.currentText().strip()
        if text == box.itemText(box.currentIndex()):
            return None
        if not text:
            box.setCurrentIndex(0)  # cleared: no help topic
            return None
        typed = fold(text)
        names = {n: fold(box.itemText(n)) for n in range(1, box.count())}
        found = [n for n, name in names.items() if name == typed] or [
            n for n, name in names.items() if typed in name
        ]
        if len(found) == 1:
            box.setCurrentIndex(found[0])
            return None
        if not found:
            return tr(
                "No help topic is called “{text}”. Pick one from the list, or clear the field."
            ).format(text=text)
        return tr("“{text}” fits {count} help topics: pick one from the list.").format(
            text=text, count=len(found)
        )

    def _on_topic_text_edited(self, _text: str) -> None:
        self.errors["category_id"].hide()  # a field error goes as the field is corrected
        mark_invalid(self.category, False)

    def _on_app_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        topic = (self.category, self.category.lineEdit())
        if old in topic and new not in topic and new is not self.category.completer().popup():
            problem = self.resolve_topic()
            if problem:
                self._show_topic_problem(problem)

    def _show_topic_problem(self, problem: str) -> None:
        self.errors["category_id"].setText(problem)
        self.errors["category_id"].show()
        mark_invalid(self.category, True)

    def press_primary(self) -> None:
        """Ctrl+Enter (and Ctrl+S): log the call, while the form is being filled in."""
        if self.pages.currentIndex() == 0:
            self.save()

    def save(self) -> None:
        if self._saving:
            return
        if self.caller.enter_waiting:
            self._save_waiting = True  # saved once the caller is known, not before
            return
        self.clear_problems()
        topic_problem = self.resolve_topic()
        if topic_problem:
            self._show_topic_problem(topic_problem)
            self.category.setFocus()
            return
        if self.caller.caller is None and not self.caller.is_new:
            self.caller.start_new_caller(self.caller.lookup.text().strip())
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

    def add_to(self, row: QueueRow) -> None:
        """Log what the caller says on their open ticket instead of a new one."""
        if self._saving:
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
        self.ticketLogged.emit(ticket_id, added)

    def _on_save_failed(self, exc: BaseException) -> None:
        """Nothing typed is lost: the form keeps everything and says what went wrong."""
        self._saving = False
        self.save_button.setEnabled(True)
        self.show_problem(exc)

    # --- problems -------------------------------------------------------------------------------------

    def _inputs(self) -> dict[str, QWidget]:
        own = {
            "subject": self.subject,
            "description": self.description,
            "asset": self.asset,
            "category_id": self.category,
        }
        return self.caller.inputs() | own

    def _labels(self) -> dict[str, QLabel]:
        return self.caller.errors | self.errors

    def show_problem(self, exc: BaseException) -> None:
        self.clear_problems()
        if not isinstance(exc, ValidationError):
            self._show_general(
                tr("Not saved: {reason} Everything you typed is still here; try again.").format(
                    reason=error_text(exc)
                )
            )
            return
        labels_, inputs = self._labels(), self._inputs()
        unplaced = []
        for problem in exc.problems:
            if problem.field not in labels_:
                unplaced.append(problem.message)
                continue
            labels_[problem.field].setText(problem.message)
            labels_[problem.field].show()
            mark_invalid(inputs.get(problem.field), True)
        if exc.for_field("email") and self.caller.is_new:
            self.caller.check_new_email()  # whose address it is, and the offer to use them
        first = next((p.field for p in exc.problems if p.field in inputs), None)
        if first is not None:
            inputs[first].setFocus()
        if unplaced:
            self._show_general(" ".join(unplaced))

    def _show_general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.show()

    def clear_problems(self) -> None:
        for label in (*self._labels().values(), self.general_error):
            label.hide()
        for widget in self._inputs().values():
            mark_invalid(widget, False)

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
        super().keyPressEvent(event)

    def has_typed_input(self) -> bool:
        # Escape must not throw away a half-logged call without asking; the number shown
        # after logging is nothing to lose.
        return self.pages.currentIndex() == 0 and self._has_input()

    def _has_input(self) -> bool:
        return bool(
            self.subject.text() or self.description.toPlainText() or self.caller.new_name.text()
        )

"""Who is calling: lookup as you type, the caller's recent tickets, or a new caller typed in."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.domain.queues import QueueRow
from desk.domain.search import looks_like_phone
from desk.domain.validation import DEFAULT_PHONE_REGION, example_phone, format_phone
from desk.services import queries
from desk.services.intake import NewCaller
from desk.services.views import CallerMatch

from ..common import labels
from ..common.dialogs import error_text, mark_invalid, with_error
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from ..common.tasks import TaskRunner

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


class CallerPanel(QWidget):
    """Looking up: the matches. A caller picked: their card and recent tickets, any open
    one of which can take the call instead of a new ticket. A new caller: their fields."""

    #: A known caller was picked (the form moves on to the subject). Not emitted for an
    #: Enter applied late (`enterApplied`): the focus has moved on already.
    picked = Signal()
    #: Enter was pressed before the lookup answered: it is applied when the matches come,
    #: and the keys typed meanwhile belong to the next field (the form moves on to it).
    enterDeferred = Signal()
    #: The Enter kept by `enterDeferred` has been applied (or the lookup failed).
    enterApplied = Signal()
    #: The agent asked to log the call on this open ticket of the caller's.
    addRequested = Signal(object)
    #: The lookup failed (the message).
    failed = Signal(str)

    def __init__(
        self, session: DeskSession, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("intakeCallerColumn")
        self._session = session
        self._runner = runner
        # The latest lookup wins: an answer to text typed over comes late and is dropped.
        self._ops = Ops(runner, self)
        self._caller: CallerMatch | None = None
        #: The text the listed matches were found for (None: the list is not an answer yet).
        self._shown_for: str | None = None
        #: The text of the lookup running now, if one is.
        self._looking_for: str | None = None
        #: An Enter that came before the matches for the text it was pressed on.
        self._enter_waiting = False

        self.lookup = LookupBox(objectName="callerLookup")
        self.lookup.setPlaceholderText(tr("Caller: type a name, phone number or email"))
        self.matches = QListWidget(objectName="callerMatches")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setMinimumHeight(150)
        self.caller_card = QLabel(objectName="callerCard")
        self.caller_card.setWordWrap(True)
        self.caller_card.setTextFormat(Qt.TextFormat.RichText)
        self.recent_title = QLabel(tr("Their &recent tickets"), objectName="fieldLabel")
        self.recent = QListWidget(objectName="recentTickets")
        self.recent.setMinimumHeight(120)
        self.recent_title.setBuddy(self.recent)
        for listing in (self.matches, self.recent):
            listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            listing.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Alt+A is the form's shortcut, not a mnemonic: a disabled button's mnemonic lets
        # the key through, and the subject would get an "a".
        self.add_to_button = QPushButton(
            tr("Add to this ticket instead  (Alt+A)"), objectName="addToTicket"
        )
        self.add_to_button.setAutoDefault(False)
        self.add_to_button.setEnabled(False)

        self.new_name = QLineEdit(placeholderText=tr("Full name"))
        self.new_email = QLineEdit(placeholderText=tr("name@example.com"))
        self.new_phone = QLineEdit(placeholderText=example_phone(DEFAULT_PHONE_REGION))
        self.new_organisation = QLineEdit()
        # The email of someone Desk knows: the offer to take them as the caller.
        self.use_known_button = QPushButton(objectName="useKnownCaller")
        self.use_known_button.setAutoDefault(False)
        self.use_known_button.hide()
        self._known_by_email: CallerMatch | None = None
        self.new_caller_box = QFrame(objectName="newCaller")
        self.errors: dict[str, QLabel] = {}
        new_form = QFormLayout(self.new_caller_box)
        new_form.setContentsMargins(10, 8, 10, 8)
        new_form.addRow(QLabel(tr("New caller"), objectName="sectionTitle"))
        for key, label, widget in (
            ("name", tr("Name"), self.new_name),
            ("email", tr("Email"), self.new_email),
            ("phone", tr("Phone"), self.new_phone),
            ("organisation", tr("Organisation"), self.new_organisation),
        ):
            new_form.addRow(label, self._with_error(key, widget))
            if key == "email":
                new_form.addRow("", self.use_known_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(QLabel(tr("Caller"), objectName="sectionTitle"))
        for widget in (
            self.lookup,
            self.matches,
            self.caller_card,
            self.new_caller_box,
            self.recent_title,
            self.recent,
            self.add_to_button,
        ):
            layout.addWidget(widget)
        layout.addStretch(1)
        QWidget.setTabOrder(self.lookup, self.new_name)
        QWidget.setTabOrder(self.new_name, self.new_email)
        QWidget.setTabOrder(self.new_email, self.use_known_button)
        QWidget.setTabOrder(self.use_known_button, self.new_phone)
        QWidget.setTabOrder(self.new_phone, self.new_organisation)

        self._timer = QTimer(self, singleShot=True, interval=LOOKUP_DELAY_MS)
        self._timer.timeout.connect(self._look_up)
        self.lookup.textEdited.connect(self._on_lookup_text_edited)
        self.lookup.returnPressed.connect(self._on_lookup_return_pressed)
        self.lookup.moved.connect(self._on_lookup_moved)
        self.matches.itemClicked.connect(self._pick)
        self.recent.currentItemChanged.connect(self._on_recent_current_item_changed)
        self.add_to_button.clicked.connect(self._on_add_to_button_clicked)
        self.new_email.editingFinished.connect(self.check_new_email)
        self.new_email.textEdited.connect(self._on_new_email_text_edited)
        self.use_known_button.clicked.connect(self._on_use_known_button_clicked)

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        box, self.errors[key] = with_error(widget)
        return box

    # --- what the form asks -------------------------------------------------------------------

    @property
    def caller(self) -> CallerMatch | None:
        return self._caller

    @property
    def is_new(self) -> bool:
        return self.new_caller_box.isVisible()

    def new_caller(self) -> NewCaller:
        return NewCaller(
            self.new_name.text(),
            self.new_email.text(),
            self.new_phone.text(),
            self.new_organisation.text(),
        )

    def inputs(self) -> dict[str, QWidget]:
        return {
            "name": self.new_name,
            "email": self.new_email,
            "phone": self.new_phone,
            "organisation": self.new_organisation,
        }

    def show_phone_region(self, region: str) -> None:
        """Hint at a number as the desk's country writes it (the desk's setting)."""
        self.new_phone.setPlaceholderText(example_phone(region))

    def set_session(self, session: DeskSession) -> None:
        self._session = session

    def lookup_done(self) -> bool:
        """No lookup waiting or running (for tests and the benchmark)."""
        return not self._timer.isActive() and self._runner.pending == 0

    def reset(self) -> None:
        self._caller = None
        self._ops.supersede(self, "lookup")
        self._shown_for = self._looking_for = None
        self._enter_waiting = False
        self._forget_email_owner()
        for line in (self.lookup, *self.inputs().values()):
            assert isinstance(line, QLineEdit)
            line.clear()
        self.matches.clear()
        self._show_caller()

    # --- looking up ---------------------------------------------------------------------------

    def _on_lookup_text_edited(self, _text: str) -> None:
        if self._caller is not None or self.is_new:
            self._caller = None  # typing again means looking for someone else
            self._show_caller()
        self._enter_waiting = False  # ... and an Enter waiting was for the text before
        self._timer.start()

    def _look_up(self) -> None:
        text = self.lookup.text().strip()
        if not text:
            self._ops.supersede(self, "lookup")
            self._looking_for = None
            self._show_matches([], "")
            return
        self._looking_for = text
        db = self._session.db
        self._ops.run(
            self,
            lambda: queries.lookup_callers(db, text),
            lambda found: self._on_matches(text, found),
            self._on_lookup_failed,
            what=tr("Looking up the caller"),
            latest="lookup",  # the agent typed on: an answer to an older question goes
        )

    def _on_matches(self, text: str, found: list[CallerMatch]) -> None:
        self._looking_for = None
        self._show_matches(found, text)

    def _on_lookup_failed(self, exc: BaseException) -> None:
        self._looking_for = None
        self.failed.emit(error_text(exc))
        if self._enter_waiting:
            self._enter_waiting = False  # nothing to pick from; saving starts a new caller
            self.enterApplied.emit()

    def _show_matches(self, found: list[CallerMatch], text: str) -> None:
        self._shown_for = text
        self.matches.clear()
        for match in found:
            customer = match.customer
            bits = [customer.organisation, customer.email or "", format_phone(customer.phone)]
            line = f"{customer.name}\n" + " · ".join(b for b in bits if b)
            if match.open_tickets:
                line += "  · " + tr("{count} open").format(count=len(match.open_tickets))
            item = QListWidgetItem(line)
            item.setData(MATCH_ROLE, match)
            self.matches.addItem(item)
        new_item = QListWidgetItem(
            tr("+ New caller “{text}”").format(text=text) if text else tr("+ New caller")
        )
        new_item.setData(MATCH_ROLE, NEW_CALLER)
        self.matches.addItem(new_item)
        self.matches.setCurrentRow(0)
        if self._enter_waiting:
            # What the Enter would have done had the answer been quicker; the focus has
            # moved on already (`enterDeferred`), so the keys typed since stay where they are.
            self._enter_waiting = False
            item = self.matches.currentItem()
            if item is not None:
                self._pick(item, take_focus=False)
            self.enterApplied.emit()

    def _on_lookup_moved(self, step: int) -> None:
        if self.matches.count():
            row = max(0, min(self.matches.count() - 1, self.matches.currentRow() + step))
            self.matches.setCurrentRow(row)

    def _on_lookup_return_pressed(self) -> None:
        text = self.lookup.text().strip()
        if not text and self._shown_for is None:
            return  # nothing typed, nothing listed
        if self._shown_for == text and not self._timer.isActive():
            item = self.matches.currentItem()
            if item is not None:
                self._pick(item)
            return
        # The matches listed (if any) are for what was typed before: an Enter now is kept
        # and applied to the answer for this text, never to an older list.
        self._enter_waiting = True
        if self._timer.isActive() or self._looking_for != text:
            self._timer.stop()
            self._look_up()
        if self._enter_waiting:
            self.enterDeferred.emit()

    @property
    def enter_waiting(self) -> bool:
        """An Enter is waiting for the lookup's answer (the form waits with saving too)."""
        return self._enter_waiting

    def _pick(self, item: QListWidgetItem, *, take_focus: bool = True) -> None:
        match = item.data(MATCH_ROLE)
        if match == NEW_CALLER:
            self.start_new_caller(self.lookup.text().strip(), take_focus=take_focus)
            return
        self._caller = match
        self._show_caller()
        if take_focus:
            self.picked.emit()

    def start_new_caller(self, typed: str, *, take_focus: bool = True) -> None:
        """Type the caller in, starting from what was typed in the lookup."""
        self._caller = None
        self._show_caller(new=True)
        self._forget_email_owner()
        if "@" in typed:
            self.new_email.setText(typed)
            self.check_new_email()  # typed as a new caller, yet perhaps someone's already
        elif looks_like_phone(typed):
            self.new_phone.setText(typed)
        else:
            self.new_name.setText(typed)
        if take_focus:
            (self.new_email if self.new_name.text() else self.new_name).setFocus()

    # --- a new caller's email that someone has already ------------------------------------

    def check_new_email(self) -> None:
        """Say at the field if the typed address is a known customer's, and offer them."""
        email = self.new_email.text().strip()
        self._ops.supersede(self, "email")
        if not self.is_new or "@" not in email:
            return
        db = self._session.db
        self._ops.run(
            self,
            lambda: queries.caller_by_email(db, email),
            self._on_email_owner,
            lambda _exc: None,  # saving checks the address again and says what is wrong
            what=tr("Looking up the caller's email"),
            latest="email",
        )

    def _on_email_owner(self, found: CallerMatch | None) -> None:
        if not self.is_new:
            return
        self._known_by_email = found
        if found is None:
            self.use_known_button.hide()
            return
        customer = found.customer
        who = (
            f"{customer.name} ({customer.organisation})" if customer.organisation else customer.name
        )
        self.errors["email"].setText(
            tr(
                "This address belongs to {who}. Use them as the caller, or type another address."
            ).format(who=who)
        )
        self.errors["email"].show()
        mark_invalid(self.new_email, True)
        self.use_known_button.setText(tr("&Use {name} as the caller").format(name=customer.name))
        self.use_known_button.show()

    def _on_new_email_text_edited(self, _text: str) -> None:
        self._forget_email_owner()  # a field error goes as the field is corrected

    def _forget_email_owner(self) -> None:
        self._ops.supersede(self, "email")
        self._known_by_email = None
        self.use_known_button.hide()
        self.errors["email"].hide()
        mark_invalid(self.new_email, False)

    def _on_use_known_button_clicked(self) -> None:
        match = self._known_by_email
        if match is None:
            return
        self._forget_email_owner()
        self._caller = match
        self._show_caller()
        self.picked.emit()

    # --- the caller ---------------------------------------------------------------------------

    def _show_caller(self, *, new: bool = False) -> None:
        caller = self._caller
        self.new_caller_box.setVisible(new)
        self.matches.setVisible(caller is None and not new)
        for widget in (self.recent_title, self.recent, self.add_to_button):
            widget.setVisible(caller is not None)
        self.recent.clear()
        self.add_to_button.setEnabled(False)
        self.caller_card.setVisible(caller is not None)
        if caller is None:
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

    def selected_open_ticket(self) -> QueueRow | None:
        item = self.recent.currentItem()
        row = item.data(MATCH_ROLE) if item is not None else None
        return row if isinstance(row, QueueRow) and row.status.is_active else None

    def offer_open_ticket(self) -> str:
        """Alt+A with no open ticket chosen: choose the caller's newest open one (Alt+A
        again adds to it) and say so, or say why there is none to add to."""
        caller = self._caller
        if caller is None:
            return tr("Find the caller first: Alt+A adds the call to one of their open tickets.")
        for n in range(self.recent.count()):
            row = self.recent.item(n).data(MATCH_ROLE)
            if isinstance(row, QueueRow) and row.status.is_active:
                self.recent.setCurrentRow(n)
                self.recent.setFocus()
                return tr(
                    "Add to {number}? Press Alt+A again, or choose another of their tickets"
                    " with Up and Down."
                ).format(number=row.number)
        return tr("{name} has no open ticket to add to: log this call as a new ticket.").format(
            name=caller.customer.name
        )

    def select_recent(self, ticket_id: int) -> None:
        for n in range(self.recent.count()):
            row = self.recent.item(n).data(MATCH_ROLE)
            if isinstance(row, QueueRow) and row.id == ticket_id:
                self.recent.setCurrentRow(n)
                return

    def _on_recent_current_item_changed(self, *_args: object) -> None:
        row = self.selected_open_ticket()
        self.add_to_button.setEnabled(row is not None)
        if row is not None:
            self.add_to_button.setText(
                tr("Add to {number} instead  (Alt+A)").format(number=row.number)
            )
        else:
            self.add_to_button.setText(tr("Add to this ticket instead  (Alt+A)"))

    def _on_add_to_button_clicked(self) -> None:
        row = self.selected_open_ticket()
        if row is not None:
            self.addRequested.emit(row)

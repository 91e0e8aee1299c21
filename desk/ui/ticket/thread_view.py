"""The conversation: customer messages, replies, internal notes and events, and the composer."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.domain.model import Channel, Level, Priority, TicketStatus
from desk.domain.thread import (
    EntryKind,
    EventType,
    ThreadEntry,
    event_params,
    event_suffixes,
    event_template,
)

from ..common import labels
from ..common.desk_dialog import DeskDialog
from ..common.drafts import DeskDrafts, Draft
from ..common.keys import COMPOSER_SEND
from ..common.labels import tr
from ..common.style import is_dark


@dataclass(frozen=True)
class ThreadColours:
    """The thread's colours: HTML in a text browser takes no stylesheet."""

    muted: str
    note_badge: str
    boxes: dict[EntryKind, tuple[str, str]]  # (background, border) of each kind of entry


LIGHT_THREAD = ThreadColours(
    "#6b7785",
    "#8a6d00",
    {
        EntryKind.CUSTOMER: ("#f3f5f8", "#dde2e8"),
        EntryKind.REPLY: ("#eaf2fd", "#c9dcf7"),
        EntryKind.NOTE: ("#fff7d6", "#f0dc8c"),
    },
)
DARK_THREAD = ThreadColours(
    "#98a2ae",
    "#e0c45c",
    {
        EntryKind.CUSTOMER: ("#2a3038", "#3a424c"),
        EntryKind.REPLY: ("#1f3150", "#2f4a75"),
        EntryKind.NOTE: ("#3a3320", "#6e5f2a"),
    },
)


def _translated_value(key: str, value: str, event: EventType) -> str:
    """Statuses, priorities, levels and channels in the user's words."""
    try:
        if event == EventType.STATUS_CHANGED and key in ("from", "to"):
            return labels.status_label(TicketStatus(value)).lower()
        if event == EventType.PRIORITY_CHANGED and key in ("from", "to"):
            return labels.priority_label(Priority[value.upper()]).lower()
        if event in (EventType.IMPACT_CHANGED, EventType.URGENCY_CHANGED) and key in ("from", "to"):
            return labels.level_label(Level[value.upper()]).lower()
        if key == "channel":
            return labels.channel_label(Channel(value)).lower()
        if event in (EventType.DUE_SET, EventType.SLA_BREACHED):
            if key == "clock":  # "first_response" is "first response" in the thread
                return tr("first response") if value == "first_response" else tr("resolution")
            if key in ("to", "due") and value:
                return labels.full_time(datetime.fromisoformat(value))
    except (KeyError, ValueError):
        pass
    if value == "none":
        return tr("none")
    return value


def _routing_words(text: str) -> str:
    return tr(text, "Routing")


def event_text(entry: ThreadEntry) -> str:
    assert entry.event is not None
    params = {k: _translated_value(k, v, entry.event) for k, v in event_params(entry.data).items()}
    if entry.event in (EventType.ROUTED, EventType.ROUTING_WAITING):
        # Routing's words (the rules and their checks, ~40 ms of modules) load with the
        # first routed entry shown, not with the window.
        from desk.domain.routing import Step
        from desk.domain.routing_words import (
            STEP_TEMPLATES,
            explain_fired,
            fired_from_data,
            step_text,
        )

        # Stored as data (which rule, what matched, what it did): worded here, in the
        # reader's language; an entry from before keeps its stored English.
        fired = fired_from_data(entry.data.get("fired"))
        if fired is not None:
            params["explanation"] = explain_fired(fired, _routing_words)
        why, why_data = entry.data.get("why"), entry.data.get("why_data")
        if isinstance(why, str) and why in STEP_TEMPLATES and isinstance(why_data, dict):
            waiting = step_text(Step(why, why_data), _routing_words)
            params["because"] = waiting.split(": ", 1)[-1]
    text = tr(event_template(entry.event, entry.data), "Events").format_map(params)
    for suffix in event_suffixes(entry.event, entry.data):
        text += tr(suffix, "Events").format_map(params)
    return text


def _body(text: str) -> str:
    # Customers' words are text, never markup: escape everything, keep line breaks.
    return html.escape(text).replace("\n", "<br>")


#: The newest entries drawn at once when a thread opens (up to FIRST_CHARS of text);
#: the older ones follow in slices of SLICE while the event loop is idle, newest first,
#: so a 2,000-entry thread is on screen as soon as a short one.
FIRST_SLICE = 20
FIRST_CHARS = 20_000
SLICE = 20
#: A message longer than this shows its start and a link to the whole of it (a mail
#: thread pasted in whole would otherwise be pages of the thread to scroll past).
CLIP_CHARS = 4_000
WHOLE_MESSAGE = "desk-whole-message:"


def entry_html(entry: ThreadEntry, colours: ThreadColours = LIGHT_THREAD) -> str:
    muted = colours.muted
    when = html.escape(labels.full_time(entry.created_at))
    who = html.escape(entry.author_name)
    if entry.kind == EntryKind.EVENT:
        extra = ""
        reason = str(entry.data.get("reason") or entry.data.get("note") or "")
        if reason:
            extra = f"<br><span style='color:{muted}'>“{_body(reason)}”</span>"
        return (
            f"<p style='color:{muted}; margin:2px 0 8px 14px; font-size:small'>"
            f"● <b>{who}</b> {html.escape(event_text(entry))} · {when}{extra}</p>"
        )
    background, border = colours.boxes[entry.kind]
    kind = {
        EntryKind.CUSTOMER: tr("Customer"),
        EntryKind.REPLY: tr("Reply"),
        EntryKind.NOTE: tr("Internal note — not seen by the customer"),
    }[entry.kind]
    badge_colour = colours.note_badge if entry.kind == EntryKind.NOTE else muted
    body = _body(clipped(entry.body))
    if len(entry.body) > CLIP_CHARS:
        whole = tr("Show the whole message ({count} characters)").format(
            count=f"{len(entry.body):,}"
        )
        body += f"…<br><a href='{WHOLE_MESSAGE}{entry.id}'>{html.escape(whole)}</a>"
    return (
        f"<table width='100%' cellspacing='0' cellpadding='10' "
        f"style='margin:4px 0 10px 0; background-color:{background}; "
        f"border-width:1px; border-style:solid; border-color:{border}'>"
        f"<tr><td><b>{who}</b> <span style='color:{badge_colour}'>· {kind}</span>"
        f"<span style='color:{muted}'> · {when}</span>"
        f"<div style='margin-top:6px'>{body}</div></td></tr></table>"
    )


def clipped(text: str) -> str:
    """The start of a long message, ended at a line or a word where there is one near."""
    if len(text) <= CLIP_CHARS:
        return text
    start = text[:CLIP_CHARS]
    for mark in ("\n", " "):
        end = start.rfind(mark, CLIP_CHARS * 4 // 5)
        if end > 0:
            return start[:end]
    return start


def first_slice(entries: Sequence[ThreadEntry]) -> int:
    """Where the entries drawn at once begin: the newest FIRST_SLICE, fewer when they
    are long (never none)."""
    start, chars = len(entries), 0
    while start > 0 and len(entries) - start < FIRST_SLICE and chars < FIRST_CHARS:
        start -= 1
        chars += min(len(entries[start].body), CLIP_CHARS)
    return start


class ThreadView(QTextBrowser):
    """The thread, oldest first, scrolled to the newest entry. The newest entries are drawn
    first and the older ones added above them while Desk is idle; a reader's place is kept
    meanwhile. A message too long to read in the thread opens whole in a window of its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setObjectName("threadView")
        self.anchorClicked.connect(self._on_link)
        self._entries: tuple[ThreadEntry, ...] = ()
        self._colours = LIGHT_THREAD
        #: Entries not drawn yet: the oldest ones, drawn in slices above the rest.
        self._undrawn = 0
        self._older = QTimer(self, singleShot=True, interval=0)
        self._older.timeout.connect(self._draw_older)

    def show_entries(self, entries: Sequence[ThreadEntry], *, keep_place: bool = False) -> None:
        """Show the thread scrolled to its newest entry; with `keep_place` (the same
        ticket, re-read because it changed), an agent reading further up stays where they
        are, while one at the bottom follows the new entries."""
        bar = self.verticalScrollBar()
        at_bottom = self.at_bottom()
        place = bar.value()
        before, entries = self._entries, tuple(entries)
        colours = DARK_THREAD if is_dark(self.palette()) else LIGHT_THREAD
        self._entries = entries
        if (
            keep_place and before and colours == self._colours and entries[: len(before)] == before
        ):  # new entries at the end: only they are drawn, nothing above them moves
            self._append(entries[len(before) :])
            if at_bottom:
                bar.setValue(bar.maximum())
            return
        self._colours = colours
        self._older.stop()
        if keep_place and not at_bottom:  # the reader's place is in the whole thread
            self._undrawn = 0
            self.setHtml(self._html(entries))
            bar.setValue(place)
            return
        self._undrawn = first_slice(entries)
        self.setHtml(
            self._html(entries[self._undrawn :])
            or f"<p style='color:{colours.muted}'>{tr('Nothing yet.')}</p>"
        )
        self.moveCursor(QTextCursor.MoveOperation.End)
        bar.setValue(bar.maximum())
        if self._undrawn:
            self._older.start()

    def drawn_all(self) -> bool:
        """Whether every entry is in the document (the older ones come while idle)."""
        return self._undrawn == 0

    def _html(self, entries: Sequence[ThreadEntry]) -> str:
        return "".join(entry_html(e, self._colours) for e in entries)

    def _append(self, entries: Sequence[ThreadEntry]) -> None:
        if entries:
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertHtml(self._html(entries))

    def _draw_older(self) -> None:
        """The next older slice, above what is drawn; what the reader sees stays put."""
        start = max(0, self._undrawn - SLICE)
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        cursor.insertHtml(self._html(self._entries[start : self._undrawn]))
        self._undrawn = start
        self.document().documentLayout().documentSize()  # the scroll range, laid out now
        bar.setValue(bar.maximum() - from_bottom)
        if self._undrawn:
            self._older.start()

    def _on_link(self, url: QUrl) -> None:
        link = url.toString()
        if link.startswith(WHOLE_MESSAGE):
            entry_id = int(link.removeprefix(WHOLE_MESSAGE))
            entry = next((e for e in self._entries if e.id == entry_id), None)
            if entry is not None:
                WholeMessageDialog(entry, self).open()

    def at_bottom(self) -> bool:
        """Whether the newest entry is in sight (give or take the document's late layout)."""
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 12

    @property
    def entries(self) -> Sequence[ThreadEntry]:
        return self._entries

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the theme changed: redraw in its colours
            self.show_entries(self._entries, keep_place=True)


class WholeMessageDialog(DeskDialog):
    """One long message, whole, to read or to select and copy."""

    def __init__(self, entry: ThreadEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(
            tr("{who} · {when}").format(
                who=entry.author_name, when=labels.full_time(entry.created_at)
            )
        )
        self.text = QPlainTextEdit(entry.body, readOnly=True, objectName="wholeMessage")
        self.text.setTabChangesFocus(True)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.set_primary(close)
        self.resize(720, 560)


class Composer(QWidget):
    """Reply to the customer or add an internal note; Ctrl+Enter sends. Drafts survive crashes."""

    #: (text, internal) — the owner sends it and calls `sent()` or `failed()`.
    sendRequested = Signal(str, bool)
    #: The agent went into the composer (it took the focus): a reply may be starting.
    replyStarting = Signal()
    #: Whether the agent is replying now: the composer has the focus and some text.
    replyingChanged = Signal(bool)

    def __init__(self, drafts: DeskDrafts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drafts = drafts
        self._ticket_id: int | None = None
        #: Why nothing can be sent now (the database is read-only or gone), or "".
        self._refusal = ""
        self.reply_button = QToolButton(text=tr("Reply to customer"), checkable=True, checked=True)
        self.note_button = QToolButton(text=tr("Internal note"), checkable=True)
        for button in (self.reply_button, self.note_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setObjectName("composerMode")
        self._mode = QButtonGroup(self)
        self._mode.addButton(self.reply_button)
        self._mode.addButton(self.note_button)
        self._mode.buttonToggled.connect(self._on_mode_toggled)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("composer")
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.editor.installEventFilter(self)
        self._replying = False
        self.send_button = QPushButton(tr("Send reply"))
        self.send_button.setObjectName("primary")
        self.send_button.clicked.connect(self.send)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self._autosave = QTimer(self, singleShot=True, interval=400)
        self._autosave.timeout.connect(self.save_draft)
        for keys in COMPOSER_SEND.keys:
            QShortcut(QKeySequence(keys), self.editor, activated=self.send)

        modes = QHBoxLayout()
        modes.setSpacing(4)
        modes.addWidget(self.reply_button)
        modes.addWidget(self.note_button)
        modes.addStretch(1)
        self.hint = QLabel(tr("Ctrl+Enter to send"), objectName="hint")
        self.hint.setMinimumWidth(1)  # it gives way in a narrow window; the buttons do not
        modes.addWidget(self.hint)
        modes.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(modes)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)
        self._on_mode_toggled()

    @property
    def internal(self) -> bool:
        return self.note_button.isChecked()

    def set_internal(self, internal: bool) -> None:
        (self.note_button if internal else self.reply_button).setChecked(True)

    def set_ticket(self, ticket_id: int | None) -> None:
        if self._ticket_id is not None:
            self.save_draft()
        self._ticket_id = ticket_id
        draft = self._drafts.load(ticket_id) if ticket_id is not None else None
        self.editor.blockSignals(True)
        self.editor.setPlainText(draft.text if draft else "")
        self.editor.blockSignals(False)
        self.set_internal(draft.internal if draft else False)
        self.error.hide()
        self._say_replying()

    def save_draft(self) -> None:
        if self._ticket_id is not None:
            self._drafts.save(self._ticket_id, Draft(self.editor.toPlainText(), self.internal))

    def set_writable(self, writable: bool, reason: str = "") -> None:
        """While the database takes no writes, the agent can still type (it is kept as a
        draft) but sending says why it cannot be done instead of trying."""
        if writable and self._refusal and self.error.text() == self._refusal:
            self.error.hide()  # the reason no longer holds
        self._refusal = "" if writable else reason
        self.send_button.setEnabled(writable)
        self.send_button.setToolTip(self._refusal)

    def send(self) -> None:
        text = self.editor.toPlainText()
        if self._refusal:
            self.save_draft()
            self.error.setText(self._refusal)
            self.error.show()
            return
        if not text.strip():
            self.failed(tr("Write something first."))
            return
        self.error.hide()
        self.send_button.setEnabled(False)
        self.sendRequested.emit(text, self.internal)

    def sent(self) -> None:
        if self._ticket_id is not None:
            self._drafts.discard(self._ticket_id)
        self.editor.blockSignals(True)
        self.editor.clear()
        self.editor.blockSignals(False)
        self._say_replying()
        self.send_button.setEnabled(not self._refusal)
        # The mode stays: after a note the next one is a note too, never a reply by surprise.

    def failed(self, message: str) -> None:
        """Sending did not work: the text stays (and stays saved), the reason is shown."""
        self.save_draft()
        self.error.setText(message)
        self.error.show()
        self.send_button.setEnabled(not self._refusal)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A narrow window keeps the buttons and drops the hint (Help › Keyboard shortcuts has it).
        needed = sum(
            w.sizeHint().width() + 4
            for w in (self.reply_button, self.note_button, self.hint, self.send_button)
        )
        self.hint.setVisible(event.size().width() >= needed + 24)

    def _on_editor_text_changed(self) -> None:
        self._autosave.start()
        self._say_replying()

    @property
    def replying(self) -> bool:
        return self._replying

    def _say_replying(self) -> None:
        replying = self.editor.hasFocus() and bool(self.editor.toPlainText().strip())
        if replying != self._replying:
            self._replying = replying
            self.replyingChanged.emit(replying)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor:
            if event.type() == QEvent.Type.FocusIn:
                self.replyStarting.emit()
                self._say_replying()
            elif event.type() == QEvent.Type.FocusOut:
                self._say_replying()
        return super().eventFilter(watched, event)

    def _on_mode_toggled(self, *_args: object) -> None:
        internal = self.internal
        self.send_button.setText(tr("Add note") if internal else tr("Send reply"))
        self.editor.setPlaceholderText(
            tr("Write an internal note for other agents…")
            if internal
            else tr("Write a reply to the customer…")
        )
        self.editor.setProperty("internal", internal)
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)
        self._autosave.start()

"""The window an agent lives in: queues, the queue table, and the selected ticket."""

from __future__ import annotations

import html
import logging
import platform
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desk import __version__
from desk.domain.changes import Changes
from desk.domain.errors import DatabaseError, DeskError
from desk.domain.model import TicketStatus
from desk.domain.queues import SortKey
from desk.domain.ticket import format_number
from desk.services import desk_settings
from desk.services.views import TicketDetail

from ..common import labels
from ..common.change_hub import ChangeHub
from ..common.dialogs import error_text
from ..common.drafts import DraftStore
from ..common.error_report import ErrorReporter
from ..common.labels import tr
from ..common.ops import Ops
from ..common.presence_keeper import PresenceKeeper
from ..common.session import DeskSession
from ..common.style import ThemeChooser
from ..common.tasks import TaskRunner
from ..queues.queue_list import QueueList
from ..queues.queue_model import COLUMN, SORT_KEYS, TICKET_ID_ROLE, QueueModel, ServiceQueueSource
from ..ticket.actions import TicketActions
from ..ticket.open_ticket import OpenTicket
from ..ticket.thread_view import Composer, ThreadView
from ..ticket.ticket_editor import TicketEditor
from .database_status import DatabaseBanner, DatabaseMonitor, DatabaseStatus
from .session_keeper import SessionKeeper
from .window_actions import ACTIONS, MENUS, TOOLBAR, VIEW_MENU

log = logging.getLogger(__name__)

ROW_HEIGHT = 28
DEFAULT_WIDTHS = [104, 250, 130, 82, 78, 118, 80, 150, 76, 90, 90]
# Widths that let the window work from about 860 px up (tests/ui/test_window_keys.py).
SEARCH_MIN_WIDTH, SEARCH_MAX_WIDTH = 220, 520
QUEUES_MIN_WIDTH = 140
TABLE_MIN_WIDTH = 230  # the Number column (104), the start of the Subject, the scroll bar


class MainWindow(QMainWindow):
    #: File › Connect to a database…: the owner shows the connection dialog.
    connectRequested = Signal()
    #: The banner's "Reopen the file": the owner opens the same database again.
    reopenRequested = Signal()

    # Built from window_actions.ACTIONS, one `<name>_action` each.
    new_action: QAction
    refresh_action: QAction
    find_action: QAction
    claim_action: QAction
    assign_action: QAction
    release_action: QAction
    transfer_action: QAction
    reply_action: QAction
    note_action: QAction
    pending_action: QAction
    resolve_action: QAction
    close_action: QAction
    reopen_action: QAction
    connect_action: QAction
    desk_settings_action: QAction
    quit_action: QAction
    shortcuts_action: QAction
    about_action: QAction

    def __init__(
        self,
        session: DeskSession,
        settings: QSettings,
        drafts: DraftStore,
        runner: TaskRunner | None = None,
        *,
        hub: ChangeHub | None = None,
        theme: ThemeChooser | None = None,
        errors: ErrorReporter | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.runner = runner or TaskRunner(self)
        self.ops = Ops(self.runner, self)
        #: Every change, this window's and other agents': each view decides what to re-read.
        if hub is None:  # a window on its own (tests): it hears its database itself
            hub = ChangeHub(self)
            hub.watch(session.db)  # type: ignore[arg-type]
        self.hub = hub
        self.session_keeper = SessionKeeper(session, self.ops, hub, self)
        self.theme = theme
        self.errors = errors
        #: The About box while it is open.
        self.about_box: QMessageBox | None = None
        #: Help › Keyboard shortcuts, once it has been opened.
        self.shortcuts_dialog: QDialog | None = None
        self.ticket_actions = TicketActions(session, self.ops, self)
        #: Whether the database can be used: the banner, the light and the writing actions.
        self.monitor = DatabaseMonitor(
            session.db,
            self.runner,
            self,
            local=session.backend == "sqlite",
            where=session.database_description,
        )
        self.banner = DatabaseBanner(session.database_description)
        self._writable = True
        #: The one error box on screen, if any: later errors update it rather than stack.
        self.error_box: QMessageBox | None = None
        self._errors_in_box = 0
        self.setWindowTitle(tr("Desk — {name}").format(name=session.agent.name))
        #: The next queue to arrive is another queue (not a new sort): show its first ticket.
        self._first_row_when_loaded = True
        self._shown_queue: str | None = None
        self.intake = None

        self.queues = QueueList(session, ops=self.ops, hub=hub)
        self.queue_model = QueueModel(
            ServiceQueueSource(session.db), self.runner, self, ops=self.ops, hub=hub
        )
        self.table = self._make_table()
        self.queue_title = QLabel(objectName="queueTitle")
        self.queue_total = QLabel(objectName="muted")

        self.editor = TicketEditor(session)
        self.thread = ThreadView()
        # Drafts are this desk's and this agent's: ticket ids repeat across databases.
        self.composer = Composer(
            drafts.for_desk(desk_settings.desk_id(session.db), session.agent_id)
        )
        self.presence = PresenceKeeper(session.db, session.agent_id, self)  # type: ignore[arg-type]
        self.open_ticket = OpenTicket(
            session, self.editor, self.thread, self.composer, self.ops, hub, self.presence, self
        )
        self.detail_stack = QStackedWidget()
        self.placeholder = QLabel(tr("Select a ticket to see it here."), objectName="placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.search = QLineEdit(objectName="searchBox")
        self.search.setPlaceholderText(
            tr("Find a ticket: number, subject, customer, email or phone")
        )
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._on_search_return_pressed)

        self.busy = QLabel(tr("Working…"), objectName="busy")
        self.busy.hide()
        self.connection = QLabel(objectName="connection")
        self.database = ElidedLabel(session.database_description, "muted")
        self.agent = QLabel(objectName="muted")

        self._build_layout()
        self._add_banner()
        self._build_actions()
        self._wire()
        self._show_agent()
        self.monitor.announce()
        self._restore_layout()
        self.show_queue(self.queues.current_key() or "mine")

    # --- building ---------------------------------------------------------------------------

    def _make_table(self) -> QTableView:
        table = QueueTable(objectName="queueTable")
        table.setModel(self.queue_model)
        configure_queue_table(table)
        return table

    def _build_layout(self) -> None:
        queue_header = QHBoxLayout()
        queue_header.setContentsMargins(12, 10, 12, 6)
        queue_header.setSpacing(10)
        queue_header.addWidget(self.queue_title)
        queue_header.addWidget(self.queue_total)
        queue_header.addStretch(1)
        centre = QWidget(objectName="centre")
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addLayout(queue_header)
        centre_layout.addWidget(self.table)

        conversation = QWidget(objectName="conversation")
        conversation_layout = QVBoxLayout(conversation)
        conversation_layout.setContentsMargins(14, 6, 14, 12)
        conversation_layout.setSpacing(8)
        conversation_layout.addWidget(self.thread, 1)
        conversation_layout.addWidget(self.composer)
        self.composer.editor.setFixedHeight(96)
        self.detail_splitter = QSplitter(Qt.Orientation.Vertical, objectName="detailSplitter")
        self.detail_splitter.addWidget(self.editor)
        self.detail_splitter.addWidget(conversation)
        self.detail_splitter.setStretchFactor(1, 1)
        self.detail_splitter.setChildrenCollapsible(False)
        self.detail_stack.addWidget(self.placeholder)
        self.detail_stack.addWidget(self.detail_splitter)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.main_splitter.addWidget(self.queues)
        self.main_splitter.addWidget(centre)
        self.main_splitter.addWidget(self.detail_stack)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setStretchFactor(2, 2)
        self.main_splitter.setChildrenCollapsible(False)
        self.queues.setMinimumWidth(QUEUES_MIN_WIDTH)
        # However narrow the window, the table keeps the Number and some of the Subject.
        self.table.setMinimumWidth(TABLE_MIN_WIDTH)
        self.setCentralWidget(self.main_splitter)

        status = self.statusBar()
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.agent)
        status.addPermanentWidget(self.database)
        status.addPermanentWidget(self.connection)

    def _add_banner(self) -> None:
        """The database banner above everything else in the window, hidden while all is well."""
        content = self.takeCentralWidget()
        frame = QWidget(objectName="bannerFrame")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(content, 1)
        self.setCentralWidget(frame)

    def _build_actions(self) -> None:
        """Actions, menus and toolbar from the tables in `window_actions`."""
        self.actions_by_name: dict[str, QAction] = {}
        for spec in ACTIONS:
            action = QAction(tr(spec.label), self)
            if spec.shortcuts:
                action.setShortcuts([QKeySequence(keys) for keys in spec.shortcuts])
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setStatusTip(tr(spec.tip) if spec.tip else tr(spec.label).replace("…", ""))
            action.triggered.connect(lambda _checked=False, spec=spec: spec.handler(self))
            if spec.visible_when is not None:
                action.setVisible(spec.visible_when(self))
            self.addAction(action)
            self.actions_by_name[spec.name] = action
            setattr(self, f"{spec.name}_action", action)

        menus = self.menuBar()
        for title, names in MENUS:
            menu = menus.addMenu(tr(title))
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(self.actions_by_name[name])
            if title == VIEW_MENU and self.theme is not None:
                menu.addSeparator()
                menu.addMenu(self.theme.menu(menu))

        # The buttons overflow into a » menu when the window is narrow; the find box sits
        # beside them, outside their toolbar, so it never goes into that menu.
        buttons = QToolBar(objectName="toolbarButtons")
        buttons.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in TOOLBAR:
            if name is None:
                buttons.addSeparator()
            else:
                buttons.addAction(self.actions_by_name[name])
        buttons.widgetForAction(self.new_action).setObjectName("newTicketButton")
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.search.setMaximumWidth(SEARCH_MAX_WIDTH)
        row = QWidget(objectName="toolbarRow")
        row.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(8)
        row_layout.addWidget(buttons)
        row_layout.addWidget(self.search, 1)
        toolbar = QToolBar(tr("Main"), objectName="mainToolbar")
        toolbar.setMovable(False)
        toolbar.toggleViewAction().setVisible(False)  # the find box cannot be hidden away
        toolbar.addWidget(row)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        #: What saves to the database: off while it is read-only or cannot be used.
        self.write_actions = [self.actions_by_name[spec.name] for spec in ACTIONS if spec.writes]

    def _wire(self) -> None:
        self.queues.queueChosen.connect(self.show_queue)
        self.queue_model.loaded.connect(self._on_queue_model_loaded)
        self.queue_model.loadFailed.connect(self._on_failure)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_action_states)
        self.queue_model.modelReset.connect(self._update_action_states)
        self.runner.busyChanged.connect(self.busy.setVisible)
        self.runner.unhandledError.connect(lambda _what, exc: self._on_failure(exc))
        self.session_keeper.sessionChanged.connect(self._on_session_keeper_session_changed)
        self.queues.countsFailed.connect(self._on_failure)
        self.open_ticket.shown.connect(self._on_open_ticket_shown)
        self.open_ticket.failed.connect(self._on_failure)
        self.ticket_actions.message.connect(self._on_message)
        self.ticket_actions.failed.connect(self._show_error)
        self.ticket_actions.databaseFailed.connect(self._on_database_failure)
        self.monitor.statusChanged.connect(self.banner.show_status)
        self.monitor.statusChanged.connect(self._on_monitor_status_changed)
        self.monitor.writableChanged.connect(self._on_monitor_writable_changed)
        self.monitor.writableChanged.connect(self.editor.set_writable)
        self.monitor.writableChanged.connect(self.composer.set_writable)
        self.monitor.recovered.connect(self.refresh)
        self.banner.reopenRequested.connect(self.reopenRequested.emit)
        self.banner.connectRequested.connect(self.connectRequested.emit)
        self.banner.retryRequested.connect(self.monitor.check_now)
        self.ticket_actions.reloadRequested.connect(self._on_reload_requested)
        self.editor.claimRequested.connect(lambda: self.ticket_actions.claim(self._current()))
        self.editor.releaseRequested.connect(lambda: self.ticket_actions.release(self._current()))
        self.editor.assignRequested.connect(self._assign_current)
        self.editor.transferRequested.connect(self._transfer_current)
        self.editor.statusRequested.connect(self._status_current)
        self.editor.saveRequested.connect(self._on_editor_save_requested)
        self.composer.sendRequested.connect(self._on_composer_send_requested)

    # --- queues -------------------------------------------------------------------------------

    def show_queue(self, key: str) -> None:
        query = self.queues.query_for(key)
        column = self.table.horizontalHeader().sortIndicatorSection()
        order = self.table.horizontalHeader().sortIndicatorOrder()
        if 0 <= column < len(SORT_KEYS):
            query = replace(
                query, sort=SORT_KEYS[column], descending=order == Qt.SortOrder.DescendingOrder
            )
        self._shown_queue = key
        self._first_row_when_loaded = True  # another queue: its first ticket is shown
        self.queue_title.setText(
            self.queues.currentItem().text() if self.queues.currentItem() else ""
        )
        self.queue_model.show(query)

    def refresh(self) -> None:
        """F5: every view re-reads everything it shows, through the hub as any change
        does (an open ticket being edited keeps the agent's typing and says what moved)."""
        if self.monitor.status.problem is not None:
            self.monitor.check_now()  # it refreshes everything when the database is back
            return
        self.hub.deliver_now(Changes(everything=True))

    def refresh_counts(self) -> None:
        self.queues.recount()

    def _on_session_keeper_session_changed(self, session: DeskSession) -> None:
        # The directory changed (a new team, a renamed agent, a new help topic): the
        # session is frozen, so each part that shows the directory gets the new one.
        self.session = session
        self.queues.set_session(session)
        self.editor.set_session(session)
        self.ticket_actions.set_session(session)
        self.open_ticket.set_session(session)
        if self.intake is not None:
            self.intake.set_session(session)

    def _on_queue_model_loaded(self) -> None:
        total = self.queue_model.total
        self.queue_total.setText(
            tr("{count} tickets").format(count=f"{total:,}") if total != 1 else tr("1 ticket")
        )
        first = self._first_row_when_loaded or self.editor.ticket_id is None
        self._first_row_when_loaded = False
        if self.table.currentIndex().isValid():
            return
        reading = self.queue_model.row_of(self.editor.ticket_id or 0)
        if not first and reading is not None:
            # Sorted again: the ticket being read stays the current one, wherever it went.
            select_ticket_row(self.table, reading)
            self.table.scrollTo(self.table.currentIndex())
        elif first and total:
            select_ticket_row(self.table, 0)
        self._update_action_states()

    def _on_search_return_pressed(self) -> None:
        text = self.search.text().strip()
        if text:
            self.queues.show_search(text)

    def focus_search(self) -> None:
        """Ctrl+F: the find box takes the keys, its text selected to be typed over."""
        if not self.toolbar.isVisible():
            self.toolbar.show()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- the selected ticket --------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.queue_model.index(r, 0).data(TICKET_ID_ROLE) for r in rows]
        return [i for i in ids if i is not None] or self._current()

    def _current(self) -> list[int]:
        ticket_id = self.editor.ticket_id
        return [ticket_id] if ticket_id is not None else []

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ticket_id = current.data(TICKET_ID_ROLE) if current.isValid() else None
        if ticket_id is None or ticket_id == self.editor.ticket_id:
            return
        if self.editor.dirty and not self._confirm_discard():
            return
        self.load_ticket(ticket_id)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            tr("Unsaved changes"),
            tr("Discard your unsaved changes to {number}?").format(
                number=self.editor.detail.number if self.editor.detail else ""
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def load_ticket(self, ticket_id: int) -> None:
        self.open_ticket.load(ticket_id)

    def _on_open_ticket_shown(self, _detail: TicketDetail) -> None:
        self.detail_stack.setCurrentWidget(self.detail_splitter)
        self._update_action_states()

    def selection_allows(self, allowed: Callable[[TicketDetail], bool]) -> bool:
        """Whether an action may be offered for the selected tickets: never for none; for
        the one being read, if `allowed` says so; for several, yes (each is then checked,
        and refusals are reported ticket by ticket)."""
        # Counted from the selection's ranges: this runs at every change of selection, and
        # a selection of a whole long queue must not fetch every row to ask.
        selection = self.table.selectionModel().selection()
        rows = sum(span.height() for span in selection)
        detail = self.editor.detail
        if rows == 0:  # the ticket being read, if any
            return detail is not None and allowed(detail)
        if rows > 1 or detail is None:
            return True
        only = selection[0].topLeft().data(TICKET_ID_ROLE)
        return only != detail.ticket.id or allowed(detail)

    def _update_action_states(self, *_args: object) -> None:
        for spec in ACTIONS:
            if spec.writes or spec.enabled_when is not None:
                enabled = (not spec.writes or self._writable) and (
                    spec.enabled_when is None or spec.enabled_when(self)
                )
                self.actions_by_name[spec.name].setEnabled(enabled)

    def _on_reload_requested(self, ticket_id: int) -> None:
        # The conflict dialog's "Reload": the agent lets their edit go for the saved one.
        if self.editor.ticket_id == ticket_id:
            self.editor.revert()
            self.load_ticket(ticket_id)

    # --- acting ---------------------------------------------------------------------------------

    def claim_selected(self) -> None:
        if ids := self.selected_ids():
            self.ticket_actions.claim(ids)

    def release_selected(self) -> None:
        if ids := self.selected_ids():
            self.ticket_actions.release(ids)

    def assign_selected(self) -> None:
        if ids := self.selected_ids():
            self.ticket_actions.assign(ids, self._team_of_current())

    def _assign_current(self) -> None:
        if ids := self._current():
            self.ticket_actions.assign(ids, self._team_of_current())

    def _team_of_current(self) -> int | None:
        detail = self.editor.detail
        return detail.ticket.team_id if detail else None

    def transfer_selected(self) -> None:
        if ids := self.selected_ids():
            self.ticket_actions.transfer(ids, self._team_of_current() if len(ids) == 1 else None)

    def _transfer_current(self) -> None:
        if ids := self._current():
            self.ticket_actions.transfer(ids, self._team_of_current())

    def status_selected(self, target: TicketStatus) -> None:
        ids = self.selected_ids()
        if ids == self._current():
            self._status_current(target)
        elif ids:
            self.ticket_actions.change_status(ids, target)

    def _status_current(self, target: TicketStatus) -> None:
        detail = self.editor.detail
        if detail is None:
            return
        assert detail.ticket.id is not None
        if target == TicketStatus.OPEN and not detail.ticket.status.is_active:
            self.ticket_actions.reopen([detail.ticket.id], detail.ticket.version)
        else:
            self.ticket_actions.change_status([detail.ticket.id], target, detail.ticket.version)

    def reopen_selected(self) -> None:
        ids = self.selected_ids()
        if ids == self._current():
            self._status_current(TicketStatus.OPEN)
        elif ids:
            self.ticket_actions.reopen(ids)

    def compose(self, *, internal: bool) -> None:
        if self.editor.ticket_id is None:
            return
        self.composer.set_internal(internal)
        self.composer.editor.setFocus()

    def _on_composer_send_requested(self, text: str, internal: bool) -> None:
        ticket_id = self.editor.ticket_id
        if ticket_id is None:
            return
        self.ticket_actions.send(
            ticket_id, text, internal, self.composer.sent, self.composer.failed
        )

    def _on_editor_save_requested(self, edit: object, version: int) -> None:
        ticket_id = self.editor.ticket_id
        if ticket_id is None:
            return
        self.ticket_actions.save(ticket_id, edit, version, self.editor.show_problem)  # type: ignore[arg-type]

    def open_intake(self) -> None:
        from ..intake.intake_form import IntakeForm

        if self.intake is None:
            self.intake = IntakeForm(self.session, self.runner, self)
            self.intake.ticketLogged.connect(self._on_intake_ticket_logged)
        self.intake.start()

    def _on_intake_ticket_logged(self, ticket_id: int, added: bool) -> None:
        # Only the status bar's word: the views heard the write from the hub.
        said = tr("Added to {number}.") if added else tr("Logged {number}.")
        self._on_message(said.format(number=format_number(ticket_id)))

    def edit_desk_settings(self) -> None:
        from ..admin.desk_settings_dialog import edit_desk_settings

        edit_desk_settings(self.session, self.runner, self, self._on_message)

    # --- status and errors ------------------------------------------------------------------------

    def _show_agent(self) -> None:
        agent = self.session.agent
        self.agent.setText(
            tr("Signed in as {name} ({role})").format(
                name=agent.name, role=labels.role_label(agent.role).lower()
            )
        )

    def _on_monitor_status_changed(self, status: DatabaseStatus) -> None:
        if status.gone:
            light, state = tr("● File missing"), "down"
        elif status.problem is not None:
            light, state = tr("● Not connected"), "down"
        elif status.read_only:
            light, state = tr("● Read-only"), "readonly"
        else:
            light, state = tr("● Connected"), "ok"
        self.connection.setText(light)
        self.connection.setProperty("state", state)
        self.connection.style().unpolish(self.connection)
        self.connection.style().polish(self.connection)

    def _on_monitor_writable_changed(self, writable: bool, _why: str) -> None:
        self._writable = writable
        self._update_action_states()

    def _on_database_failure(self, exc: BaseException) -> None:
        """An action the database refused: the banner says why the database cannot be used;
        the status bar says that this action was not done. No dialog for each one."""
        self.statusBar().showMessage(
            tr("Not saved: {reason}").format(reason=error_text(exc)), 12000
        )

    def _on_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def _on_failure(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseError):  # the monitor has heard too: the banner says it
            self.statusBar().showMessage(error_text(exc), 12000)
            return
        if not isinstance(exc, DeskError):
            if self.errors is not None:  # what happened, and where the log is
                self.errors.report(exc)
                return
            log.error("unexpected failure", exc_info=exc)
        self._show_error(error_text(exc))

    def _show_error(self, text: str) -> None:
        self.statusBar().showMessage(text, 12000)
        self.last_error = text
        if self.error_box is not None and self.error_box.isVisible():
            # One box at a time: the newest error replaces the one shown, with a count.
            self._errors_in_box += 1
            self.error_box.setText(text)
            self.error_box.setInformativeText(
                tr("The latest of {count} problems.").format(count=self._errors_in_box)
            )
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, tr("Desk"), text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("errorBox")
        box.finished.connect(lambda _r: self._on_error_box_finished(box))
        self.error_box = box
        self._errors_in_box = 1
        box.open()

    def _on_error_box_finished(self, box: QMessageBox) -> None:
        if self.error_box is box:
            self.error_box = None
        box.deleteLater()

    def show_shortcuts(self) -> None:
        """Help › Keyboard shortcuts (F1): the list of keys, beside the window."""
        from .shortcuts_help import ShortcutsDialog

        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        self.shortcuts_dialog.activateWindow()

    def about(self) -> None:
        """The About box: Desk's, Qt's and the database server's versions."""
        db = self.session.db
        self.runner.run(
            db.server_version, self._show_about, lambda exc: self._show_about(error_text(exc))
        )

    def _show_about(self, server: str) -> None:
        text = tr(
            "<b>Desk {version}</b><br>The help desk client.<br><br>"
            "Qt {qt}<br>Python {python}<br>Database: {server}<br>{where}"
        ).format(
            version=__version__,
            qt=_qt_version(),
            python=platform.python_version(),
            server=html.escape(server),
            where=html.escape(self.session.database_description),
        )
        box = QMessageBox(QMessageBox.Icon.NoIcon, tr("About Desk"), text, parent=self)
        box.setObjectName("aboutBox")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.finished.connect(box.deleteLater)
        box.destroyed.connect(self._on_about_box_destroyed)
        self.about_box = box
        box.open()

    def _on_about_box_destroyed(self) -> None:
        self.about_box = None

    # --- layout memory ------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        s = self.settings
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("window/mainSplitter", self.main_splitter.restoreState),
            ("window/detailSplitter", self.detail_splitter.restoreState),
            ("window/queueColumns", self.table.horizontalHeader().restoreState),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray | bytes):
                restore(QByteArray(value))
        if not isinstance(s.value("window/geometry"), QByteArray | bytes):
            self.resize(1500, 900)
        if not isinstance(s.value("window/mainSplitter"), QByteArray | bytes):
            self.main_splitter.setSizes(self.default_pane_widths(self.width()))

    def default_pane_widths(self, width: int) -> list[int]:
        """Queues, table and ticket for a window `width` wide: the queues take what their
        names need, the table three fifths of the rest, the ticket at least its minimum."""
        queues = max(QUEUES_MIN_WIDTH, min(200, width // 7))
        rest = width - queues - 2 * self.main_splitter.handleWidth()
        ticket = max(self.detail_stack.minimumSizeHint().width(), int(rest * 0.4))
        return [queues, max(TABLE_MIN_WIDTH, rest - ticket), ticket]

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/mainSplitter", self.main_splitter.saveState())
        s.setValue("window/detailSplitter", self.detail_splitter.saveState())
        s.setValue("window/queueColumns", self.table.horizontalHeader().saveState())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.monitor.stop()
        self.composer.save_draft()
        self.save_layout()
        self.open_ticket.leave()
        # The hub serves this window's database alone: a change still on its way (this
        # window saying it left its ticket) must not make closed views read again.
        self.hub.stop()
        self.runner.wait(3000)
        super().closeEvent(event)


def _qt_version() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return f"{qVersion()} (PySide6 {pyside_version})"


class QueueTable(QTableView):
    """The queue table. Rows are chosen whole, so choosing a row by a cell already in
    sight scrolls up or down only: a long subject never scrolls the Number column out of
    a narrow table. Moving (Left, Right) to a column out of sight still brings it in."""

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        header = self.horizontalHeader()
        left = header.sectionViewportPosition(index.column())
        in_sight = left < self.viewport().width() and left + header.sectionSize(index.column()) > 0
        across = self.horizontalScrollBar().value()
        super().scrollTo(index, hint)
        if in_sight:
            self.horizontalScrollBar().setValue(across)


class ElidedLabel(QLabel):
    """A label that gives way in a narrow window: its middle cut to "…" (a long path keeps
    its start and its file name), the whole text in its tooltip."""

    def __init__(self, text: str = "", name: str = "") -> None:
        super().__init__(objectName=name)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(60, super().minimumSizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        room = self.contentsRect()
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideMiddle, room.width()
        )
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            room,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )


def configure_queue_table(table: QTableView) -> None:
    """The queue table's settings that keep it fast at any length: fixed row heights,
    no resizing to contents, sorting by re-querying the model (no proxy)."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setSortingEnabled(True)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
    rows.setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for column, width in enumerate(DEFAULT_WIDTHS):
        table.setColumnWidth(column, width)
    header.setSortIndicator(COLUMN[SortKey.UPDATED], Qt.SortOrder.DescendingOrder)


def select_ticket_row(table: QTableView, row: int) -> None:
    """Make `row` the one selected ticket, as a click does."""
    index = table.model().index(row, 1)
    table.selectionModel().setCurrentIndex(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )

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
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from desk.domain.errors import DatabaseError, DeskError
from desk.domain.model import TicketStatus
from desk.domain.permissions import Permission, can
from desk.domain.queues import SortKey
from desk.domain.ticket import format_number
from desk.services import desk_settings, queries
from desk.services.views import TicketDetail

from . import labels
from .actions import TicketActions
from .database_status import DatabaseBanner, DatabaseMonitor, DatabaseStatus
from .dialogs import error_text
from .drafts import DraftStore
from .error_report import ErrorReporter
from .labels import tr
from .queue_list import QueueList
from .queue_model import COLUMN, SORT_KEYS, TICKET_ID_ROLE, QueueModel, ServiceQueueSource
from .session import DeskSession
from .style import ThemeChooser
from .tasks import TaskRunner
from .thread_view import Composer, ThreadView
from .ticket_editor import TicketEditor

log = logging.getLogger(__name__)

AUTO_REFRESH_MS = 30_000
ROW_HEIGHT = 28
DEFAULT_WIDTHS = [104, 250, 130, 82, 78, 118, 80, 150, 76, 90, 90]


class MainWindow(QMainWindow):
    #: File › Connect to a database…: the owner shows the connection dialog.
    connectRequested = Signal()
    #: The banner's "Reopen the file": the owner opens the same database again.
    reopenRequested = Signal()

    def __init__(
        self,
        session: DeskSession,
        settings: QSettings,
        drafts: DraftStore,
        runner: TaskRunner | None = None,
        *,
        theme: ThemeChooser | None = None,
        errors: ErrorReporter | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.runner = runner or TaskRunner(self)
        self.theme = theme
        self.errors = errors
        #: The About box while it is open.
        self.about_box: QMessageBox | None = None
        self.ticket_actions = TicketActions(session, self.runner, self)
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
        self._loading_ticket: int | None = None
        self._shown_queue: str | None = None
        self.intake = None

        self.queues = QueueList(session)
        self.queue_model = QueueModel(ServiceQueueSource(session.db), self.runner, self)
        self.table = self._make_table()
        self.queue_title = QLabel(objectName="queueTitle")
        self.queue_total = QLabel(objectName="muted")

        self.editor = TicketEditor(session)
        self.thread = ThreadView()
        # Drafts are this desk's and this agent's: ticket ids repeat across databases.
        self.composer = Composer(
            drafts.for_desk(desk_settings.desk_id(session.db), session.agent_id)
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
        self.database = QLabel(session.database_description, objectName="muted")
        self.agent = QLabel(objectName="muted")

        self._build_layout()
        self._add_banner()
        self._build_actions()
        self._wire()
        self._show_agent()
        self.monitor.announce()
        self._restore_layout()

        self._refresh_timer = QTimer(self, interval=AUTO_REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._refresh_timer.start()
        self.show_queue(self.queues.current_key() or "mine")
        self.refresh_counts()

    # --- building ---------------------------------------------------------------------------

    def _make_table(self) -> QTableView:
        table = QTableView(objectName="queueTable")
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
        self.queues.setMinimumWidth(170)
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

    def _action(
        self, text: str, shortcut: str | None, slot: Callable[[], object], tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(tip or text.replace("…", ""))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_action = a(
            tr("New ticket"), "Ctrl+N", self.open_intake, tr("Log a walk-in or phone request")
        )
        self.refresh_action = a(tr("Refresh"), "F5", self.refresh)
        self.find_action = a(tr("Find"), "Ctrl+F", self._focus_search)
        self.claim_action = a(
            tr("Claim"), "Ctrl+Shift+C", lambda: self.ticket_actions.claim(self.selected_ids())
        )
        self.assign_action = a(tr("Assign…"), "Ctrl+Shift+A", self._assign_selected)
        self.release_action = a(
            tr("Release"), None, lambda: self.ticket_actions.release(self.selected_ids())
        )
        self.transfer_action = a(tr("Transfer…"), "Ctrl+Shift+T", self._transfer_selected)
        self.reply_action = a(tr("Reply"), "Ctrl+R", lambda: self._compose(internal=False))
        self.note_action = a(
            tr("Internal note"), "Ctrl+Shift+N", lambda: self._compose(internal=True)
        )
        self.pending_action = a(
            tr("Set pending…"), None, lambda: self._status_selected(TicketStatus.PENDING)
        )
        self.resolve_action = a(
            tr("Resolve…"), "Ctrl+Shift+E", lambda: self._status_selected(TicketStatus.RESOLVED)
        )
        self.close_action = a(
            tr("Close…"), None, lambda: self._status_selected(TicketStatus.CLOSED)
        )
        self.reopen_action = a(tr("Reopen…"), None, self._reopen_selected)
        self.connect_action = a(
            tr("Connect to a database…"),
            None,
            self.connectRequested.emit,
            tr("Switch between the local database and a shared server"),
        )
        self.desk_settings_action = a(
            tr("Desk settings…"),
            None,
            self._edit_desk_settings,
            tr("Settings every agent of this desk shares, such as the country for phone numbers"),
        )
        self.desk_settings_action.setVisible(can(self.session.agent, Permission.MANAGE_DESK))
        self.quit_action = a(tr("Quit"), "Ctrl+Q", self.close)
        self.about_action = a(tr("About Desk"), None, self.about)

        menus = self.menuBar()
        file_menu = menus.addMenu(tr("&File"))
        file_menu.addActions([self.new_action, self.refresh_action])
        file_menu.addSeparator()
        file_menu.addAction(self.connect_action)
        file_menu.addAction(self.desk_settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        ticket_menu = menus.addMenu(tr("&Ticket"))
        ticket_menu.addActions(
            [self.claim_action, self.assign_action, self.release_action, self.transfer_action]
        )
        ticket_menu.addSeparator()
        ticket_menu.addActions([self.reply_action, self.note_action])
        ticket_menu.addSeparator()
        ticket_menu.addActions(
            [self.pending_action, self.resolve_action, self.close_action, self.reopen_action]
        )
        view_menu = menus.addMenu(tr("&View"))
        view_menu.addActions([self.find_action, self.refresh_action])
        if self.theme is not None:
            view_menu.addSeparator()
            view_menu.addMenu(self.theme.menu(view_menu))
        help_menu = menus.addMenu(tr("&Help"))
        help_menu.addAction(self.about_action)

        toolbar = QToolBar(tr("Main"), objectName="mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.new_action)
        toolbar.widgetForAction(self.new_action).setObjectName("newTicketButton")
        toolbar.addSeparator()
        toolbar.addActions([self.claim_action, self.assign_action, self.transfer_action])
        toolbar.addSeparator()
        toolbar.addActions([self.reply_action, self.note_action, self.resolve_action])
        toolbar.addSeparator()
        toolbar.addAction(self.refresh_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.search.setMinimumWidth(360)
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)
        self.assign_action.setVisible(self.session.supervises)
        #: What saves to the database: off while it is read-only or cannot be used.
        self.write_actions = [
            self.new_action,
            self.claim_action,
            self.assign_action,
            self.release_action,
            self.transfer_action,
            self.reply_action,
            self.note_action,
            self.pending_action,
            self.resolve_action,
            self.close_action,
            self.reopen_action,
        ]

    def _wire(self) -> None:
        self.queues.queueChosen.connect(self.show_queue)
        self.queue_model.loaded.connect(self._on_queue_model_loaded)
        self.queue_model.loadFailed.connect(self._on_failure)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.runner.busyChanged.connect(self.busy.setVisible)
        self.runner.unhandledError.connect(lambda _what, exc: self._on_failure(exc))
        self.ticket_actions.ticketsChanged.connect(self._on_tickets_changed)
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
        self.queue_title.setText(
            self.queues.currentItem().text() if self.queues.currentItem() else ""
        )
        self.queue_model.show(query)

    def refresh(self) -> None:
        """Counts, the queue's rows, and the open ticket (unless it is being edited)."""
        if self.monitor.status.problem is not None:
            self.monitor.check_now()  # it refreshes everything when the database is back
            return
        self.refresh_counts()
        self.queue_model.refresh()
        ticket_id = self.editor.ticket_id
        if ticket_id is not None and not self.editor.dirty:
            self.load_ticket(ticket_id)

    def refresh_counts(self) -> None:
        db, wanted = self.session.db, self.queues.count_queries()
        self.runner.run(
            lambda: queries.queue_counts(db, wanted),
            self._on_counts,
            self._on_failure,
            what=tr("Counting"),
        )

    def _on_counts(self, counts: dict[str, int]) -> None:
        self.queues.show_counts(counts)

    def _on_queue_model_loaded(self) -> None:
        total = self.queue_model.total
        self.queue_total.setText(
            tr("{count} tickets").format(count=f"{total:,}") if total != 1 else tr("1 ticket")
        )
        if self.table.currentIndex().isValid():
            return
        if total:
            select_ticket_row(self.table, 0)

    def _on_search_return_pressed(self) -> None:
        text = self.search.text().strip()
        if text:
            self.queues.show_search(text)
            self.refresh_counts()

    def _focus_search(self) -> None:
        self.search.setFocus()
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
        self._loading_ticket = ticket_id
        db = self.session.db
        self.runner.run(
            lambda: queries.get_ticket(db, ticket_id),
            self._on_ticket_loaded,
            self._on_failure,
            what=tr("Opening the ticket"),
        )

    def _on_ticket_loaded(self, detail: TicketDetail) -> None:
        if detail.ticket.id != self._loading_ticket:
            return  # the agent has moved on
        same = detail.ticket.id == self.editor.ticket_id
        self.editor.show_detail(detail)
        self.thread.show_entries(detail.thread)
        if not same:
            self.composer.set_ticket(detail.ticket.id)
        self.detail_stack.setCurrentWidget(self.detail_splitter)
        self._update_action_states(detail)

    def _update_action_states(self, detail: TicketDetail) -> None:
        ticket = detail.ticket
        active = ticket.status.is_active
        self.claim_action.setEnabled(active and ticket.assignee_id is None)
        self.transfer_action.setEnabled(active)
        self.resolve_action.setEnabled(TicketStatus.RESOLVED in detail.allowed_statuses)
        self.close_action.setEnabled(TicketStatus.CLOSED in detail.allowed_statuses)
        self.pending_action.setEnabled(TicketStatus.PENDING in detail.allowed_statuses)
        self.reopen_action.setEnabled(not active)
        if not self._writable:
            for action in self.write_actions:
                action.setEnabled(False)

    def _on_tickets_changed(self, ids: list[int]) -> None:
        self.queue_model.update_tickets(ids)
        self.refresh_counts()
        if self.editor.ticket_id in ids:
            self.load_ticket(self.editor.ticket_id)

    def _on_reload_requested(self, ticket_id: int) -> None:
        self.queue_model.update_tickets([ticket_id])
        if self.editor.ticket_id == ticket_id:
            self.load_ticket(ticket_id)

    # --- acting ---------------------------------------------------------------------------------

    def _assign_selected(self) -> None:
        if ids := self.selected_ids():
            self.ticket_actions.assign(ids, self._team_of_current())

    def _assign_current(self) -> None:
        if ids := self._current():
            self.ticket_actions.assign(ids, self._team_of_current())

    def _team_of_current(self) -> int | None:
        detail = self.editor.detail
        return detail.ticket.team_id if detail else None

    def _transfer_selected(self) -> None:
        if ids := self.selected_ids():
            self.ticket_actions.transfer(ids, self._team_of_current() if len(ids) == 1 else None)

    def _transfer_current(self) -> None:
        if ids := self._current():
            self.ticket_actions.transfer(ids, self._team_of_current())

    def _status_selected(self, target: TicketStatus) -> None:
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

    def _reopen_selected(self) -> None:
        ids = self.selected_ids()
        if ids == self._current():
            self._status_current(TicketStatus.OPEN)
        elif ids:
            self.ticket_actions.reopen(ids)

    def _compose(self, *, internal: bool) -> None:
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
        from .intake_form import IntakeForm

        if self.intake is None:
            self.intake = IntakeForm(self.session, self.runner, self)
            self.intake.ticketLogged.connect(self._on_intake_ticket_logged)
        self.intake.start()

    def _on_intake_ticket_logged(self, ticket_id: int, added: bool) -> None:
        self.refresh_counts()
        self.queue_model.refresh()
        said = tr("Added to {number}.") if added else tr("Logged {number}.")
        self._on_message(said.format(number=format_number(ticket_id)))

    def _edit_desk_settings(self) -> None:
        from .desk_settings_dialog import edit_desk_settings

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
        for action in self.write_actions:
            action.setEnabled(writable)
        if writable and self.editor.detail is not None:
            self._update_action_states(self.editor.detail)

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
            width = max(self.width(), 1200)
            self.main_splitter.setSizes([200, int((width - 200) * 0.6), int((width - 200) * 0.4)])

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
        self._refresh_timer.stop()
        self.runner.wait(3000)
        super().closeEvent(event)


def _qt_version() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return f"{qVersion()} (PySide6 {pyside_version})"


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

"""The window an agent lives in: the queues, the queue pane and the ticket pane side by
side under the toolbar, the database banner above them and the status bar below.

The window lays the features out and wires them to each other; what each one does lives
in its own package (ui/queues, ui/ticket, ui/intake, ui/admin), the actions in
`window_actions`, what the window says in `status`, its layout memory in `layout_memory`.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QVBoxLayout, QWidget

from desk.domain.changes import Changes
from desk.domain.ticket import format_number

from ..common.change_hub import ChangeHub
from ..common.drafts import DraftStore
from ..common.error_report import ErrorReporter
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from ..common.style import ThemeChooser
from ..common.tasks import TaskRunner
from ..queues.queue_list import QueueList
from ..queues.queue_model import QueueModel, ServiceQueueSource
from ..queues.queue_pane import QueuePane
from ..ticket.actions import TicketActions
from ..ticket.ticket_pane import TicketPane
from . import window_actions
from .availability import AvailabilityControl
from .dashboard_door import DashboardDoor
from .database_status import DatabaseBanner, DatabaseMonitor
from .help_windows import HelpWindows
from .layout_memory import QUEUES_MIN_WIDTH, LayoutMemory, agent_prefix
from .selected_tickets import SelectedTickets
from .session_keeper import SessionKeeper
from .sla_windows import SlaWindows
from .status import DeskStatusBar, WindowProblems


class MainWindow(QMainWindow):
    #: File › Connect to a database…: the owner shows the connection dialog.
    connectRequested = Signal()
    #: The banner's "Reopen the file": the owner opens the same database again.
    reopenRequested = Signal()
    #: File › Sign out / switch agent: the owner closes this window down to the sign-in.
    signOutRequested = Signal()

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
    change_password_action: QAction
    sign_out_action: QAction
    administration_action: QAction
    routing_rules_action: QAction
    availability_action: QAction
    dashboard_action: QAction
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
        self.runner = runner or TaskRunner(self)
        self.ops = Ops(self.runner, self)
        #: Every change, this window's and other agents': each view decides what to re-read.
        if hub is None:  # a window on its own (tests): it hears its database itself
            hub = ChangeHub(self)
            hub.watch(session.db)  # type: ignore[arg-type]
        self.hub = hub
        self.intake = None
        self.administration = None
        self.dashboards = DashboardDoor(self)  # View › Dashboard (supervisors)
        self.setWindowTitle(tr("Desk — {name}").format(name=session.agent.name))
        self.session_keeper = SessionKeeper(session, self.ops, hub, self)
        self.ticket_actions = TicketActions(session, self.ops, self)
        #: Whether the database can be used: the banner, the light and the writing actions.
        self.monitor = DatabaseMonitor(
            session.db,
            self.runner,
            self,
            local=session.backend == "sqlite",
            where=session.database_description,
        )
        if session.backend != "sqlite":
            self.monitor.follow(hub)
        self._writable = True
        self.banner = DatabaseBanner(session.database_description)
        self.status = DeskStatusBar(session.database_description)
        self.setStatusBar(self.status)
        self.problems = WindowProblems(self.status, errors, self)
        self.availability = AvailabilityControl(session, self.ops, self.status, self)
        self.session_keeper.sessionChanged.connect(self.availability.set_session)
        self.help = HelpWindows(self.runner, self)

        # The frame and the splitter first, the panes built inside them: a widget is
        # styled again, with all of its children, each time it joins a parent (the
        # application's style sheet), which a window built bottom-up paid five times over.
        self._build_frame()
        splitter = self.main_splitter
        self.queues = QueueList(session, splitter, ops=self.ops, hub=hub)
        self.queue_model = QueueModel(
            ServiceQueueSource(session.db), self.runner, self, ops=self.ops, hub=hub
        )
        self.queue_pane = QueuePane(self.queue_model, lambda: self.ticket_pane.ticket_id, splitter)
        self.ticket_pane = TicketPane(session, drafts, self.ticket_actions, self.ops, hub, splitter)
        self.queue_pane.table.setDragEnabled(session.supervises)  # onto the dashboard
        self.selected = SelectedTickets(self.queue_pane, self.ticket_pane, self.ticket_actions)
        self._lay_out_panes()
        self.actions_by_name = window_actions.build_actions(self)
        window_actions.build_menus(self, self.actions_by_name, theme)
        self.toolbar, self.search = window_actions.build_toolbar(self.actions_by_name)
        self.addToolBar(self.toolbar)
        #: What saves to the database: off while it is read-only or cannot be used.
        self.write_actions = [
            self.actions_by_name[s.name] for s in window_actions.ACTIONS if s.writes
        ]
        self._wire()
        self.sla_window = SlaWindows(self)  # notifications, the sweep, Service levels…
        self.status.show_agent(session.agent, self.sign_out_action)
        self.monitor.announce()
        self.layout_memory = LayoutMemory(
            settings,
            self,
            self.main_splitter,
            self.detail_splitter,
            self.table.horizontalHeader(),
            agent_prefix(session),
        )
        self.layout_memory.restore()
        self.show_queue(self.queues.current_key() or "mine")

    # The parts the tests and the actions' predicates reach through the window.
    table = property(lambda self: self.queue_pane.table)
    editor = property(lambda self: self.ticket_pane.editor)
    thread = property(lambda self: self.ticket_pane.thread)
    composer = property(lambda self: self.ticket_pane.composer)
    open_ticket = property(lambda self: self.ticket_pane.open_ticket)
    detail_stack = property(lambda self: self.ticket_pane)
    detail_splitter = property(lambda self: self.ticket_pane.splitter)
    connection = property(lambda self: self.status.connection)
    database = property(lambda self: self.status.database)
    about_box = property(lambda self: self.help.about_box)
    shortcuts_dialog = property(lambda self: self.help.shortcuts_dialog)
    dashboard = property(lambda self: self.dashboards.dashboard)

    def _build_frame(self) -> None:
        # The database banner above everything else in the window, hidden while all is well.
        frame = QWidget(objectName="bannerFrame")
        self.setCentralWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, frame, objectName="mainSplitter")
        layout.addWidget(self.main_splitter, 1)

    def _lay_out_panes(self) -> None:
        self.main_splitter.addWidget(self.queues)
        self.main_splitter.addWidget(self.queue_pane)
        self.main_splitter.addWidget(self.ticket_pane)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setStretchFactor(2, 2)
        self.main_splitter.setChildrenCollapsible(False)
        self.queues.setMinimumWidth(QUEUES_MIN_WIDTH)

    def _wire(self) -> None:
        problems = self.problems
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.queues.queueChosen.connect(self.show_queue)
        self.queues.countsFailed.connect(problems.failure)
        self.queue_model.loadFailed.connect(problems.failure)
        self.queue_pane.ticketChosen.connect(self.ticket_pane.open)
        self.queue_pane.selectionChanged.connect(self._update_action_states)
        self.ticket_pane.shown.connect(self._update_action_states)
        self.ticket_pane.failed.connect(problems.failure)
        self.runner.busyChanged.connect(self.status.busy.setVisible)
        self.runner.unhandledError.connect(lambda _what, exc: problems.failure(exc))
        self.session_keeper.sessionChanged.connect(self._on_session_keeper_session_changed)
        self.ticket_actions.message.connect(problems.message)
        self.ticket_actions.failed.connect(problems.show_error)
        self.ticket_actions.databaseFailed.connect(problems.database_failure)
        self.monitor.statusChanged.connect(self.banner.show_status)
        self.monitor.statusChanged.connect(self.status.show_status)
        self.monitor.writableChanged.connect(self._on_monitor_writable_changed)
        self.monitor.writableChanged.connect(self.ticket_pane.set_writable)
        self.monitor.recovered.connect(self.refresh)
        self.banner.reopenRequested.connect(self.reopenRequested.emit)
        self.banner.connectRequested.connect(self.connectRequested.emit)
        self.banner.retryRequested.connect(self.monitor.check_now)

    # --- what the actions and the panes ask of the window -----------------------------------

    def show_queue(self, key: str) -> None:
        item = self.queues.currentItem()
        self.queue_pane.show_queue(self.queues.query_for(key), item.text() if item else "")

    def refresh(self) -> None:
        """F5: every view re-reads everything it shows, through the hub as any change
        does (an open ticket being edited keeps the agent's typing and says what moved)."""
        if self.monitor.status.problem is not None:
            self.monitor.check_now()  # it refreshes everything when the database is back
            return
        self.hub.deliver_now(Changes(everything=True))

    def focus_search(self) -> None:
        """Ctrl+F: the find box takes the keys, its text selected to be typed over."""
        if not self.toolbar.isVisible():
            self.toolbar.show()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_search_return_pressed(self) -> None:
        if text := self.search.text().strip():
            self.queues.show_search(text)

    def load_ticket(self, ticket_id: int) -> None:
        self.ticket_pane.load(ticket_id)

    def open_intake(self) -> None:
        from ..intake.intake_form import IntakeForm

        if self.intake is None:
            self.intake = IntakeForm(self.session, self.runner, self)
            self.intake.ticketLogged.connect(self._on_intake_ticket_logged)
        self.intake.start()

    def _on_intake_ticket_logged(self, ticket_id: int, added: bool) -> None:
        # Only the status bar's word: the views heard the write from the hub.
        said = tr("Added to {number}.") if added else tr("Logged {number}.")
        self.problems.message(said.format(number=format_number(ticket_id)))

    def open_reports(self) -> None:
        from ..reports.reports_window import open_reports_window

        open_reports_window(self.session, self.ops, self.hub, self).openTicket.connect(
            self.load_ticket
        )

    def edit_desk_settings(self) -> None:
        from ..admin.desk_settings_dialog import edit_desk_settings

        edit_desk_settings(self.session, self.runner, self, self.problems.message)

    def change_password(self) -> None:
        from ..signin.password_dialogs import change_my_password

        change_my_password(self.session, self.runner, self, self.problems.message)

    def open_administration(self, page: str | None = None) -> None:
        from ..admin.admin_window import show_administration

        self.administration = show_administration(
            self.administration, self.session, self.ops, self.hub, self, page
        )

    def _on_session_keeper_session_changed(self, session: DeskSession) -> None:
        # The directory changed (a new team, a renamed agent, a new help topic): the
        # session is frozen, so each part that shows the directory gets the new one.
        self.session = session
        self.queues.set_session(session)
        self.ticket_actions.set_session(session)
        self.ticket_pane.set_session(session)
        if self.intake is not None:
            self.intake.set_session(session)
        self.sla_window.set_session(session)
        self.dashboards.set_session(session)

    def _on_monitor_writable_changed(self, writable: bool, _why: str) -> None:
        self._writable = writable
        self._update_action_states()

    def _update_action_states(self, *_args: object) -> None:
        window_actions.update_action_states(self, self.actions_by_name, self._writable)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.monitor.stop()
        self.sla_window.stop()
        self.ticket_pane.leave()
        self.layout_memory.save()
        # The hub serves this window's database alone: a change still on its way (this
        # window saying it left its ticket) must not make closed views read again.
        self.hub.stop()
        self.runner.wait(3000)
        super().closeEvent(event)


def close_owned_windows(window: QWidget) -> None:
    """Close every window `window` opened (intake form, help, a dialog left open): at a
    sign-out none of them may stay on screen for the next agent."""
    for widget in QApplication.topLevelWidgets():
        if widget is window or not widget.isVisible():
            continue
        owner = widget.parentWidget()
        while owner is not None and owner is not window:
            owner = owner.parentWidget()
        if owner is window:
            widget.close()

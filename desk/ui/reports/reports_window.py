"""The Reports window (supervisors and admins): a range and filters at the top, the
reports below as tabs, each a chart over its table.

Run (F5, Ctrl+R, or Enter in a field) works every report off the GUI thread, with a
progress bar; Cancel (or Escape) stops the statement running (SQLite's interrupt,
PostgreSQL's cancel request). A click on a bar, or Enter on the one the arrow keys chose,
lists its tickets; a ticket chosen there opens in the main window. Export writes the
report on screen as CSV or PDF, or every ticket of the range as CSV, streamed with
progress. When tickets change after a run the window says so and a new run counts them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.domain.changes import Changes
from desk.domain.reports import Group, ReportCancelled
from desk.services import report_facts, reports
from desk.services import report_tables as tables
from desk.services.reports import ReportRequest, ReportRun

from ..common.change_hub import ChangeHub
from ..common.charts import ChartView
from ..common.dialogs import error_text
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from .filter_bar import ReportFilterBar
from .pages import Drill, ReportPage
from .pdf import write_pdf
from .table_model import ReportTableModel
from .ticket_list import TicketListDialog

#: The tabs, in order: (report name, its steps of progress).
TABS = (
    ("volume", 3),
    ("times", 4),
    ("compliance", 1),
    ("reopens", 1),
    ("backlog", 1),
    ("satisfaction", 0),  # the same figures as reopens: counted once
    ("agents", 3),
)
#: Tables of this many columns or fewer fill the width.
STRETCHED_COLUMNS = 9
STEPS = sum(steps for _name, steps in TABS) + 1  # and the backfill


class _Relay(QObject):
    """Progress from the worker thread, delivered on the GUI thread (queued)."""

    progressed = Signal(int, int)


class ReportTab(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.page: ReportPage | None = None
        self.chart = ChartView()
        self.chart.setObjectName(f"chart_{name}")
        self.model = ReportTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setMinimumSectionSize(70)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setSizes([320, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(splitter)

    def show_page(self, page: ReportPage) -> None:
        self.page = page
        self.chart.set_data(page.chart)
        self.model.set_table(page.table)
        header = self.table.horizontalHeader()
        if len(page.table.columns) <= STRETCHED_COLUMNS:  # spread over the width
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        else:  # the backlog's column per agent: as wide as each needs, then scroll
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            self.table.resizeColumnsToContents()  # a few hundred rows at most


class ReportsWindow(QWidget):
    """`openTicket(id)`: a ticket chosen from a bar's list, for the main window."""

    openTicket = Signal(int)

    def __init__(
        self,
        session: DeskSession,
        ops: Ops,
        hub: ChangeHub | None = None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.session = session
        self.ops = ops
        self.setWindowTitle(tr("Reports — Desk"))
        self.resize(1180, 820)
        self._run: ReportRun | None = None
        self._request: ReportRequest | None = None
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_relay_progressed)
        #: The last list of a bar's tickets (tests reach it here).
        self.ticket_list: TicketListDialog | None = None

        self.filters = ReportFilterBar(session.directory, today)
        self.filters.runRequested.connect(self.run_reports)
        self.run_button = QPushButton(tr("&Run"))
        self.run_button.setObjectName("primary")
        self.run_button.setToolTip(tr("Work out the reports (F5)"))
        self.run_button.clicked.connect(self.run_reports)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, STEPS)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.status = QLabel(tr("Choose a range and press Run."))
        self.status.setWordWrap(True)
        self.csv_button = QPushButton(tr("Export &CSV…"))
        self.csv_button.setToolTip(tr("The report on screen as a spreadsheet"))
        self.csv_button.clicked.connect(self.export_csv)
        self.tickets_csv_button = QPushButton(tr("Export &tickets CSV…"))
        self.tickets_csv_button.setToolTip(tr("Every ticket created in the range, one row each"))
        self.tickets_csv_button.clicked.connect(self.export_tickets_csv)
        self.pdf_button = QPushButton(tr("Export &PDF…"))
        self.pdf_button.setToolTip(tr("The report on screen, chart and table, for printing"))
        self.pdf_button.clicked.connect(self.export_pdf)
        for button in (self.csv_button, self.tickets_csv_button, self.pdf_button):
            button.setEnabled(False)

        bar = QHBoxLayout()
        bar.addWidget(self.run_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.progress)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.csv_button)
        bar.addWidget(self.tickets_csv_button)
        bar.addWidget(self.pdf_button)

        self.tabs = QTabWidget()
        self.tab_by_name: dict[str, ReportTab] = {}
        for name, _steps in TABS:
            tab = ReportTab(name)
            tab.chart.barClicked.connect(self._bar_handler(tab))
            self.tab_by_name[name] = tab
            self.tabs.addTab(tab, tr(tables.REPORTS[name].title))

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

        for keys in ("F5", "Ctrl+R"):
            QShortcut(QKeySequence(keys), self, activated=self.run_reports)
        QShortcut(QKeySequence("Escape"), self, activated=self._on_escape)
        QShortcut(QKeySequence("Ctrl+W"), self, activated=self.close)
        if hub is not None:
            hub.changed.connect(self._on_hub_changed)

    # --- running ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._run is not None

    def run_reports(self) -> None:
        if self._run is not None:
            return
        try:
            request = reports.request(**self.filters.values())
        except Exception as exc:  # a bad range: said where the user is
            self.status.setText(error_text(exc))
            return
        group = self.filters.group.currentData()
        db, actor = self.session.db, self.session.agent_id
        run = ReportRun()
        relay = self._relay

        def work() -> dict[str, Any]:
            offset = 0

            def at(done: int, _total: int) -> None:
                relay.progressed.emit(offset + done, STEPS)

            run.progress = at
            report_facts.backfill_if_writable(db, should_stop=lambda: run.cancelled)
            run.check()
            offset = 1
            relay.progressed.emit(offset, STEPS)
            found: dict[str, Any] = {}
            for name, steps in TABS:
                if name == "satisfaction":
                    found[name] = found["reopens"]
                    continue
                found[name] = tables.REPORTS[name].run(db, actor, request, group, run)
                offset += steps
            return found

        self._run, self._request = run, request
        self._set_running(True)
        self.status.setText(tr("Working out the reports…"))
        self.ops.run(
            self,
            work,
            self._on_reports_done,
            self._on_reports_failed,
            what=tr("Running the reports"),
            latest="reports",
        )

    def cancel(self) -> None:
        if self._run is not None:
            self._run.cancel()
            self.status.setText(tr("Cancelling…"))

    def _on_escape(self) -> None:
        if self._run is not None:
            self.cancel()

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        self.progress.setValue(0)
        shown = not running and any(t.page is not None for t in self.tab_by_name.values())
        for button in (self.csv_button, self.pdf_button, self.tickets_csv_button):
            button.setEnabled(shown)

    def _on_relay_progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _on_reports_done(self, found: dict[str, Any]) -> None:
        self._run = None
        subtitle = self.filters.description()
        for name, report in found.items():
            title = tables.REPORTS[name].title
            self.tab_by_name[name].show_page(ReportPage.of(name, title, report, subtitle))
        self._set_running(False)
        self.status.setText(tr("Reports for {what}.").format(what=subtitle))

    def _on_reports_failed(self, exc: BaseException) -> None:
        self._run = None
        self._set_running(False)
        if isinstance(exc, ReportCancelled):
            self.status.setText(tr("Cancelled. The reports shown are from the run before."))
        else:
            self.status.setText(error_text(exc))

    def _on_hub_changed(self, changes: Changes) -> None:
        if replace(changes, presence=frozenset()).is_empty:
            return  # only who is on which ticket: no figure here counts that
        if self._request is not None and self._run is None:
            self.status.setText(
                tr("Tickets have changed since these reports were worked out: Run counts them.")
            )

    # --- a bar's tickets ----------------------------------------------------------------

    def _bar_handler(self, tab: ReportTab) -> Callable[[int, int], None]:
        return lambda series, index: self.list_tickets(tab, series, index)

    def list_tickets(self, tab: ReportTab, series: int, index: int) -> None:
        page, request = tab.page, self._request
        if page is None or request is None or (series, index) not in page.drills:
            return
        drill: Drill = page.drills[(series, index)]
        db, actor = self.session.db, self.session.agent_id

        def work():
            return reports.tickets_behind(
                db, actor, request, drill.figure, drill.first, drill.last, drill.key_name, drill.key
            )

        self.status.setText(tr("Finding the tickets…"))
        self.ops.run(
            self,
            work,
            lambda found: self._show_tickets(drill.title, found),
            lambda exc: self.status.setText(error_text(exc)),
            what=tr("Listing a report's tickets"),
            latest="tickets",
        )

    def _show_tickets(self, title: str, found: list) -> None:
        self.status.setText(tr("{title}: {n} tickets.").format(title=title, n=len(found)))
        dialog = TicketListDialog(title, found, self)
        dialog.openTicket.connect(self.openTicket)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ticket_list = dialog
        dialog.show()

    # --- export -------------------------------------------------------------------------

    @property
    def current_tab(self) -> ReportTab:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, ReportTab)
        return tab

    def _save_path(self, title: str, suffix: str, kind: str) -> str:
        suggested = f"{self.current_tab.name}-{date.today().isoformat()}.{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, kind)
        if path and not path.lower().endswith(f".{suffix}"):
            path += f".{suffix}"
        return path

    def export_csv(self) -> None:
        page = self.current_tab.page
        if page is None:
            return
        path = self._save_path(tr("Export CSV"), "csv", tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            with tables.open_csv(path) as out:
                rows = tables.write_table_csv(page.table, out)
        except OSError as exc:
            said = tr("Could not write {path}: {why}").format(path=path, why=exc.strerror)
            QMessageBox.warning(self, tr("Export CSV"), said)
            return
        self.status.setText(tr("Wrote {n} rows to {path}.").format(n=f"{rows:,}", path=path))

    def export_pdf(self) -> None:
        page = self.current_tab.page
        if page is None:
            return
        path = self._save_path(tr("Export PDF"), "pdf", tr("PDF files (*.pdf)"))
        if not path:
            return
        sheets = write_pdf(path, [page])
        self.status.setText(tr("Wrote {n} page(s) to {path}.").format(n=sheets, path=path))

    def export_tickets_csv(self) -> None:
        request = self._request
        if request is None or self._run is not None:
            return
        path = self._save_path(tr("Export tickets CSV"), "csv", tr("CSV files (*.csv)"))
        if not path:
            return
        db, actor, relay = self.session.db, self.session.agent_id, self._relay
        run = ReportRun(lambda done, total: relay.progressed.emit(done, max(total, 1)))

        def work() -> int:
            partial = path + ".part"
            try:
                with tables.open_csv(partial) as out:
                    written = tables.export_tickets_csv(db, actor, request, out, run)
                os.replace(partial, path)  # a half-written file is never left as the export
                return written
            finally:
                if os.path.exists(partial):
                    os.remove(partial)

        self._run = run
        self._set_running(True)
        self.status.setText(tr("Writing the tickets to {path}…").format(path=path))

        def done(rows: int) -> None:
            self._run = None
            self._set_running(False)
            self.status.setText(tr("Wrote {n} rows to {path}.").format(n=f"{rows:,}", path=path))

        def failed(exc: BaseException) -> None:
            self._run = None
            self._set_running(False)
            if isinstance(exc, ReportCancelled):
                self.status.setText(tr("Export cancelled: nothing was written."))
            else:
                self.status.setText(error_text(exc))

        self.ops.run(self, work, done, failed, what=tr("Exporting tickets"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._run is not None:
            self._run.cancel()
        super().closeEvent(event)

    def set_session(self, session: DeskSession) -> None:
        self.session = session
        self.filters.set_directory(session.directory)


def open_reports_window(
    session: DeskSession, ops: Ops, hub: ChangeHub | None, parent: QWidget | None
) -> ReportsWindow:
    window = ReportsWindow(session, ops, hub, parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window


__all__ = ["Group", "ReportsWindow", "open_reports_window"]

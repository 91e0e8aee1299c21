"""The tickets behind a bar of a report: a list, Enter or a double-click opens one in
the main window."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.domain.model import TicketStatus
from desk.services.reports import TICKET_LIST_LIMIT, ReportTicket

from ..common.desk_dialog import DeskDialog
from ..common.labels import full_time, status_label, tr

_Index = QModelIndex | QPersistentModelIndex


class ReportTicketModel(QAbstractTableModel):
    def __init__(self, tickets: list[ReportTicket], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tickets = tickets
        self._headers = [
            tr("Ticket"),
            tr("Subject"),
            tr("Status"),
            tr("Team"),
            tr("Assignee"),
            tr("Created"),
        ]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.tickets)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        t = self.tickets[index.row()]
        return (
            t.number,
            t.subject,
            status_label(TicketStatus(t.status)),
            t.team,
            t.assignee,
            full_time(t.created_at),
        )[index.column()]


class TicketListDialog(DeskDialog):
    """`title`'s tickets; `openTicket(id)` when one is chosen (the dialog stays open)."""

    openTicket = Signal(int)

    def __init__(self, title: str, tickets: list[ReportTicket], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(900, 440)
        layout = QVBoxLayout(self)
        count = len(tickets)
        if count >= TICKET_LIST_LIMIT:
            said = tr("The newest {n} tickets. Narrow the report to see the others.")
        else:
            said = tr("{n} tickets.") if count != 1 else tr("1 ticket.")
        self.summary = QLabel(f"<b>{escape(title)}</b>: {escape(said.format(n=f'{count:,}'))}")
        layout.addWidget(self.summary)
        self.table = QTableView()
        self.table.setModel(ReportTicketModel(tickets, self))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 90), (2, 90), (3, 150), (4, 130), (5, 170)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(
            tr("Open ticket"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        self.open_button.clicked.connect(self.open_current)
        self.open_button.setEnabled(bool(tickets))
        self.set_primary(self.open_button)
        layout.addWidget(buttons)
        if tickets:
            self.table.selectRow(0)

    def first_field(self) -> QWidget | None:
        return self.table

    def open_current(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            model = self.table.model()
            assert isinstance(model, ReportTicketModel)
            self.openTicket.emit(model.tickets[rows[0].row()].id)

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.open_current()

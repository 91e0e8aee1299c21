"""Someone saved the ticket first: who changed what, and an offer to reload."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desk.domain.errors import ChangeByOther, ConflictError

from ..common import labels
from ..common.desk_dialog import DeskDialog
from ..common.labels import tr


class ConflictDialog(DeskDialog):
    """Someone saved the ticket first: who changed what, and an offer to reload."""

    def __init__(self, conflict: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            tr("{number} was changed by someone else").format(number=conflict.ticket_number)
        )
        self.setMinimumWidth(480)
        heading = QLabel(
            tr(
                "<b>{number} changed while you were editing it.</b> Nothing of yours was saved."
            ).format(number=conflict.ticket_number)
        )
        heading.setWordWrap(True)
        changes = QLabel(self.describe(conflict.changes))
        changes.setWordWrap(True)
        changes.setTextFormat(Qt.TextFormat.RichText)
        changes.setObjectName("conflictChanges")
        advice = QLabel(tr("Reload the ticket to see the changes, then make yours again."))
        advice.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.reload_button = buttons.addButton(
            tr("Reload the ticket"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.set_primary(self.reload_button)
        buttons.addButton(tr("Keep my edits for now"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(changes)
        layout.addWidget(advice)
        layout.addWidget(buttons)

    @staticmethod
    def describe(changes: Sequence[ChangeByOther]) -> str:
        if not changes:
            return tr("Someone else saved it after you opened it.")
        items = "".join(
            f"<li><b>{html.escape(c.who)}</b>, {html.escape(labels.full_time(c.at))}: {html.escape(c.what)}</li>"
            for c in changes
        )
        return f"<ul style='margin-left:-20px'>{items}</ul>"

"""Another admin saved the same agent, team or topic first: who changed what, and the
choice between reloading and keeping what was typed."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desk.domain.errors import RecordConflict

from ..common import labels
from ..common.desk_dialog import DeskDialog
from ..common.labels import tr


class AdminConflictDialog(DeskDialog):
    """Accepted: reload (the edit dialog reopens on the record as it is now); rejected:
    keep the typed values, and a second Save puts them over the other change."""

    def __init__(self, conflict: RecordConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminConflict")
        self.setWindowTitle(tr("Changed by someone else"))
        self.setMinimumWidth(480)
        heading = QLabel(
            tr("<b>{what} changed while you were editing.</b> Nothing of yours was saved.").format(
                what=html.escape(conflict.what[:1].upper() + conflict.what[1:])
            )
        )
        heading.setWordWrap(True)
        if conflict.changes:
            items = "".join(
                f"<li><b>{html.escape(c.who)}</b>, {html.escape(labels.full_time(c.at))}: "
                f"{html.escape(c.what)}</li>"
                for c in conflict.changes
            )
            text = f"<ul style='margin-left:-20px'>{items}</ul>"
        else:
            text = tr("Someone else saved it after you opened it.")
        changes = QLabel(text, objectName="conflictChanges", wordWrap=True)
        changes.setTextFormat(Qt.TextFormat.RichText)
        advice = QLabel(
            tr(
                "Reload to start again from their version, or keep your edits: saving again "
                "then puts yours over theirs."
            ),
            wordWrap=True,
        )
        buttons = QDialogButtonBox()
        self.reload_button = buttons.addButton(tr("Reload"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_button = buttons.addButton(
            tr("Keep my edits"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.set_primary(self.reload_button)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(changes)
        layout.addWidget(advice)
        layout.addWidget(buttons)

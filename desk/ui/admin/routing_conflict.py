"""Someone saved the routing rule first: what to do with the admin's edits."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ..common.desk_dialog import DeskDialog
from ..common.labels import tr


class RuleConflictDialog(DeskDialog):
    """Someone saved the rule first: reload it, or keep the edits for now."""

    def __init__(self, name: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleConflict")
        self.setWindowTitle(tr("“{name}” was changed by someone else").format(name=name))
        self.setMinimumWidth(460)
        heading = QLabel(
            tr(
                "<b>“{name}” changed while you were editing it.</b> Nothing of yours was saved."
            ).replace("{name}", name)
        )
        heading.setWordWrap(True)
        detail = QLabel(message, wordWrap=True)
        advice = QLabel(
            tr("Reload the rule to see their version, then make your changes again."),
            wordWrap=True,
        )
        buttons = QDialogButtonBox()
        self.reload_button = buttons.addButton(
            tr("Reload the rule"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.set_primary(self.reload_button)
        buttons.addButton(tr("Keep my edits for now"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (heading, detail, advice, buttons):
            layout.addWidget(widget)

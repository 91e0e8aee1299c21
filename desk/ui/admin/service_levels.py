"""Administration › Auto-close: resolved tickets closing by themselves. The business hours
and SLA plan pages are in calendar_page.py and plan_page.py; all three are pages of the
Administration window (pages.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk.domain.changes import Changes
from desk.services import sla

from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.session import DeskSession
from .service_level_page import ServiceLevelPage


class AutoClosePage(ServiceLevelPage):
    """Resolved tickets close by themselves after N days (0: never), business or calendar."""

    @staticmethod
    def title() -> str:
        return tr("Auto-close")

    def __init__(
        self, session: DeskSession, hub: ChangeHub | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, hub, parent)
        self.setObjectName("autoClosePage")
        intro = QLabel(
            tr(
                "A resolved ticket closes by itself once it has waited this long, with an "
                "event in its thread; a customer's reply before then reopens it instead."
            ),
            objectName="dialogIntro",
            wordWrap=True,
        )
        self.days = QSpinBox(objectName="autoCloseDays")
        self.days.setRange(0, 365)
        self.days.setSpecialValueText(tr("never"))
        # As wide as its longest value, not the page: a count, not a line of text.
        self.days.setSizePolicy(QSizePolicy.Policy.Fixed, self.days.sizePolicy().verticalPolicy())
        self.days.setSuffix(tr(" days"))
        box = self.with_error("days", self.days)
        self.business = QCheckBox(tr("Count business days of the default plan's calendar"))
        self.business.setObjectName("autoCloseBusiness")
        self.save_button = QPushButton(tr("Save"), objectName="primary")
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(tr("Close resolved tickets after"), box)
        form.addRow("", self.business)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(self.save_row())
        self.reload()

    def stale(self, changes: Changes) -> bool:
        return changes.everything or bool(
            {sla.AUTO_CLOSE_DAYS, sla.AUTO_CLOSE_BUSINESS} & changes.settings
        )

    def show_levels(self, levels: sla.ServiceLevels) -> None:
        self.days.setValue(levels.auto_close_days)
        self.business.setChecked(levels.auto_close_business_days)

    def save(self) -> None:
        db, me = self._session.db, self._session.agent_id
        days, business = self.days.value(), self.business.isChecked()
        self.clear_errors()
        self._ops.run(
            self,
            lambda: sla.set_auto_close(db, me, days, business),
            lambda _r: self.message.setText(tr("Saved.")),
            self.show_problem,
            what=tr("Saving auto-close"),
            write=True,
        )

"""The Reports window's question: a range of days (or a preset), how to group and break
the figures down, and the filters (team, agent, help topic, channel, organisation)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from desk.domain.model import Channel
from desk.domain.reports import Breakdown, Grain, Group
from desk.services.views import DeskDirectory

from ..common.labels import channel_label, tr

#: The presets: a name and the range it means on a given day (None: the dates typed).
PRESETS = (
    ("last_7", lambda d: (d - timedelta(days=6), d)),
    ("last_30", lambda d: (d - timedelta(days=29), d)),
    ("this_month", lambda d: (d.replace(day=1), d)),
    ("last_month", lambda d: _last_month(d)),
    ("this_year", lambda d: (d.replace(month=1, day=1), d)),
    ("last_12_months", lambda d: (d.replace(year=d.year - 1) + timedelta(days=1), d)),
    ("custom", None),
)


def _last_month(d: date) -> tuple[date, date]:
    end = d.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def _preset_labels() -> dict[str, str]:
    return {
        "last_7": tr("Last 7 days"),
        "last_30": tr("Last 30 days"),
        "this_month": tr("This month"),
        "last_month": tr("Last month"),
        "this_year": tr("This year"),
        "last_12_months": tr("Last 12 months"),
        "custom": tr("Custom range"),
    }


def _combo(items: list[tuple[str, Any]]) -> QComboBox:
    box = QComboBox()
    for text, value in items:
        box.addItem(text, value)
    return box


class ReportFilterBar(QWidget):
    """`runRequested` when Enter is pressed in a field."""

    runRequested = Signal()

    def __init__(
        self, directory: DeskDirectory, today: date | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._today = today or date.today()
        labels = _preset_labels()
        self.preset = _combo([(labels[name], name) for name, _ in PRESETS])
        self.first = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.last = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.grain = _combo(
            [(tr("Day"), Grain.DAY), (tr("Week"), Grain.WEEK), (tr("Month"), Grain.MONTH)]
        )
        self.breakdown = _combo(
            [
                (tr("Nothing"), Breakdown.NONE),
                (tr("Channel"), Breakdown.CHANNEL),
                (tr("Help topic"), Breakdown.TOPIC),
                (tr("Team"), Breakdown.TEAM),
            ]
        )
        self.group = _combo([(tr("Agent"), Group.AGENT), (tr("Team"), Group.TEAM)])
        self.team = QComboBox()
        self.agent = QComboBox()
        self.topic = QComboBox()
        self.channel = _combo(
            [(tr("Any channel"), None)] + [(channel_label(c), c) for c in Channel]
        )
        self.organisation = QLineEdit(placeholderText=tr("Any organisation"))
        self.organisation.setClearButtonEnabled(True)
        self.set_directory(directory)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        fields = (
            (tr("&Range"), self.preset),
            (tr("&From"), self.first),
            (tr("&To"), self.last),
            (tr("&Grouped by"), self.grain),
            (tr("&Broken down by"), self.breakdown),
            (tr("&People by"), self.group),
            (tr("T&eam"), self.team),
            (tr("&Agent"), self.agent),
            (tr("Help t&opic"), self.topic),
            (tr("&Channel"), self.channel),
            (tr("Or&ganisation"), self.organisation),
        )
        for i, (text, field) in enumerate(fields):
            label = QLabel(text)
            label.setBuddy(field)
            row, col = divmod(i, 6)
            grid.addWidget(label, row * 2, col)
            grid.addWidget(field, row * 2 + 1, col)
        for col in range(6):
            grid.setColumnStretch(col, 1)

        self.preset.currentIndexChanged.connect(self._on_preset_current_index_changed)
        self.first.dateChanged.connect(self._on_date_changed)
        self.last.dateChanged.connect(self._on_date_changed)
        self.organisation.returnPressed.connect(self.runRequested)
        self._setting = False
        self.preset.setCurrentIndex(1)  # the last 30 days
        self._on_preset_current_index_changed(1)

    def set_directory(self, directory: DeskDirectory) -> None:
        def fill(box: QComboBox, anything: str, items: list[tuple[str, int | None]]) -> None:
            current = box.currentData()
            box.clear()
            box.addItem(anything, None)
            for text, value in items:
                box.addItem(text, value)
            box.setCurrentIndex(max(0, box.findData(current)))

        fill(self.team, tr("Any team"), [(t.name, t.id) for t in directory.teams])
        fill(self.agent, tr("Any agent"), [(a.name, a.id) for a in directory.agents])
        fill(self.topic, tr("Any help topic"), [(c.name, c.id) for c in directory.categories])

    # --- the range ----------------------------------------------------------------------

    def set_range(self, first: date, last: date) -> None:
        """Dates typed in by hand: the preset becomes "Custom range"."""
        self.first.setDate(QDate(first.year, first.month, first.day))
        self.last.setDate(QDate(last.year, last.month, last.day))

    def _on_preset_current_index_changed(self, index: int) -> None:
        rule = PRESETS[index][1]
        if rule is None:
            return
        first, last = rule(self._today)
        self._setting = True
        try:
            self.set_range(first, last)
        finally:
            self._setting = False

    def _on_date_changed(self, _date: QDate) -> None:
        if not self._setting:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(len(PRESETS) - 1)
            self.preset.blockSignals(False)

    # --- what was asked -----------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What `desk.services.reports.request` takes."""
        return {
            "first": self.first.date().toPython(),
            "last": self.last.date().toPython(),
            "team_id": self.team.currentData(),
            "agent_id": self.agent.currentData(),
            "topic_id": self.topic.currentData(),
            "channel": self.channel.currentData(),
            "organisation": self.organisation.text().strip() or None,
            "grain": self.grain.currentData(),
            "breakdown": self.breakdown.currentData(),
        }

    def description(self) -> str:
        """The range and the filters in words (the PDF's subtitle)."""
        v = self.values()
        parts = [tr("{first} to {last}").format(first=v["first"], last=v["last"])]
        for box in (self.team, self.agent, self.topic, self.channel):
            if box.currentData() is not None:
                parts.append(box.currentText())
        if v["organisation"]:
            parts.append(v["organisation"])
        return " · ".join(parts)

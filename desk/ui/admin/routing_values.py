"""The editors of one routing test's values (topics, channels, words, a pattern, times…)
and the names of the tests, for the condition tree (`routing_conditions`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSignalBlocker, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from desk.domain.errors import ValidationError
from desk.domain.model import Channel, Level, Priority
from desk.domain.routing_rules import check_pattern
from desk.domain.routing_words import WEEKDAYS

from ..common import labels
from ..common.labels import tr

BODY = Qt.ItemDataRole.UserRole
GROUPS = ("all", "any")
#: The tests a condition can make, in the order the kind list offers them.
KINDS: tuple[tuple[str, str], ...] = (
    ("topic", QT_TRANSLATE_NOOP("Desk", "Help topic (or below)")),
    ("channel", QT_TRANSLATE_NOOP("Desk", "Channel")),
    ("customer", QT_TRANSLATE_NOOP("Desk", "Customer")),
    ("organisation", QT_TRANSLATE_NOOP("Desk", "Organisation")),
    ("email_domain", QT_TRANSLATE_NOOP("Desk", "Email domain")),
    ("words", QT_TRANSLATE_NOOP("Desk", "Words in the text")),
    ("pattern", QT_TRANSLATE_NOOP("Desk", "Pattern in the text")),
    ("priority", QT_TRANSLATE_NOOP("Desk", "Priority")),
    ("impact", QT_TRANSLATE_NOOP("Desk", "Impact")),
    ("time", QT_TRANSLATE_NOOP("Desk", "Time of day")),
    ("weekday", QT_TRANSLATE_NOOP("Desk", "Weekday")),
    ("business_hours", QT_TRANSLATE_NOOP("Desk", "Business hours")),
)
GROUP_KINDS = (
    ("all", QT_TRANSLATE_NOOP("Desk", "All of these")),
    ("any", QT_TRANSLATE_NOOP("Desk", "Any of these")),
)
WHERE = (
    ("either", QT_TRANSLATE_NOOP("Desk", "in the subject or description")),
    ("subject", QT_TRANSLATE_NOOP("Desk", "in the subject")),
    ("description", QT_TRANSLATE_NOOP("Desk", "in the description")),
)


def new_body(kind: str) -> dict[str, Any]:
    """What a test starts as when the admin adds it or changes its kind."""
    starts: dict[str, Any] = {
        "words": {"words": [], "in": "either"},
        "pattern": {"pattern": "", "in": "either"},
        "time": {"time": ["09:00", "17:00"]},
        "business_hours": {"business_hours": False},
    }
    return dict(starts.get(kind, {kind: []}))


def kind_of(body: dict[str, Any]) -> str:
    return next(k for k in body if k != "in")


# --- the editors of one test's values ----------------------------------------------------


class ValuePage(QWidget):
    """Edits the values of one kind of test."""

    changed = Signal()

    def load(self, body: dict[str, Any]) -> None:  # pragma: no cover - each page has one
        raise NotImplementedError

    def store(self, body: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    def field(self) -> QWidget:
        return self


class ChecklistPage(ValuePage):
    def __init__(self, key: str, choices: Sequence[tuple[str, Any]]) -> None:
        super().__init__()
        self.key = key
        self.list = QListWidget(objectName=f"{key}Choices")
        self.list.setMaximumHeight(150)
        for text, value in choices:
            item = QListWidgetItem(text)
            item.setData(BODY, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)

    def load(self, body: dict[str, Any]) -> None:
        chosen = set(body.get(self.key) or [])
        with QSignalBlocker(self.list):
            for n in range(self.list.count()):
                item = self.list.item(n)
                on = item.data(BODY) in chosen
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def store(self, body: dict[str, Any]) -> dict[str, Any]:
        chosen = [
            self.list.item(n).data(BODY)
            for n in range(self.list.count())
            if self.list.item(n).checkState() == Qt.CheckState.Checked
        ]
        return {self.key: chosen}

    def field(self) -> QWidget:
        return self.list


class TextListPage(ValuePage):
    """Values typed one after another, separated by commas."""

    def __init__(self, key: str, placeholder: str, *, where: bool = False, numbers: bool = False):
        super().__init__()
        self.key, self.numbers = key, numbers
        self.edit = QLineEdit(objectName=f"{key}Values", placeholderText=placeholder)
        self.edit.textEdited.connect(lambda _t: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        self.where: QComboBox | None = None
        if where:
            self.where = _where_combo(self.changed.emit)
            layout.addWidget(self.where)

    def load(self, body: dict[str, Any]) -> None:
        self.edit.setText(", ".join(str(v) for v in body.get(self.key) or []))
        if self.where is not None:
            _choose(self.where, body.get("in", "either"))

    def store(self, body: dict[str, Any]) -> dict[str, Any]:
        values: list[Any] = [v.strip() for v in self.edit.text().split(",") if v.strip()]
        if self.numbers:
            values = [int(v.lstrip("#")) if v.lstrip("#").isdigit() else v for v in values]
        stored: dict[str, Any] = {self.key: values}
        if self.where is not None:
            stored["in"] = self.where.currentData()
        return stored

    def field(self) -> QWidget:
        return self.edit


class PatternPage(ValuePage):
    """A regular expression, checked as it is typed: a bad one says where it goes wrong."""

    problem = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit(objectName="patternValue")
        self.edit.setPlaceholderText(tr("A regular expression, e.g. vpn|tunnel, any case"))
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.where = _where_combo(self.changed.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.where)

    def _on_edit_text_edited(self, text: str) -> None:
        self.changed.emit()

    def load(self, body: dict[str, Any]) -> None:
        self.edit.setText(str(body.get("pattern") or ""))
        _choose(self.where, body.get("in", "either"))

    def store(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"pattern": self.edit.text(), "in": self.where.currentData()}

    def field(self) -> QWidget:
        return self.edit


class TimePage(ValuePage):
    def __init__(self) -> None:
        super().__init__()
        self.start = QTimeEdit(objectName="timeStart", displayFormat="HH:mm")
        self.end = QTimeEdit(objectName="timeEnd", displayFormat="HH:mm")
        for edit in (self.start, self.end):
            edit.timeChanged.connect(lambda _t: self.changed.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("from")))
        layout.addWidget(self.start)
        layout.addWidget(QLabel(tr("until")))
        layout.addWidget(self.end)
        layout.addStretch(1)

    def load(self, body: dict[str, Any]) -> None:
        start, end = (body.get("time") or ["09:00", "17:00"])[:2]
        for edit, value in ((self.start, start), (self.end, end)):
            with QSignalBlocker(edit):
                edit.setTime(QTime.fromString(str(value), "HH:mm"))

    def store(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"time": [self.start.time().toString("HH:mm"), self.end.time().toString("HH:mm")]}

    def field(self) -> QWidget:
        return self.start


class HoursPage(ValuePage):
    def __init__(self) -> None:
        super().__init__()
        self.choice = QComboBox(objectName="businessHours")
        self.choice.addItem(tr("outside business hours"), False)
        self.choice.addItem(tr("inside business hours"), True)
        self.choice.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.calendar = QLabel(objectName="muted", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.choice)
        layout.addWidget(self.calendar)

    def load(self, body: dict[str, Any]) -> None:
        with QSignalBlocker(self.choice):
            _choose(self.choice, body.get("business_hours") is not False)

    def store(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"business_hours": bool(self.choice.currentData())}

    def field(self) -> QWidget:
        return self.choice


class GroupPage(ValuePage):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(tr("A group holds tests and groups: add them with the buttons above."))
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        layout.addWidget(hint)

    def load(self, body: dict[str, Any]) -> None:
        pass

    def store(self, body: dict[str, Any]) -> dict[str, Any]:
        return body


def _where_combo(changed: Callable[[], None]) -> QComboBox:
    box = QComboBox(objectName="where")
    for value, text in WHERE:
        box.addItem(tr(text), value)
    box.currentIndexChanged.connect(lambda _i: changed())
    return box


def _choose(box: QComboBox, value: object) -> None:
    with QSignalBlocker(box):
        box.setCurrentIndex(max(0, box.findData(value)))


def value_pages(topics: Sequence[tuple[str, int]]) -> dict[str, ValuePage]:
    """One editor per kind of test (and one for a group), by kind."""
    return {
        "topic": ChecklistPage("topic", topics),
        "channel": ChecklistPage("channel", [(labels.channel_label(c), str(c)) for c in Channel]),
        "customer": TextListPage("customer", tr("Customer numbers, e.g. 12, 40"), numbers=True),
        "organisation": TextListPage("organisation", tr("Organisations, e.g. Contoso, Fabrikam")),
        "email_domain": TextListPage("email_domain", tr("Domains, e.g. contoso.com")),
        "words": TextListPage("words", tr("Words or phrases, e.g. vpn, remote access"), where=True),
        "pattern": PatternPage(),
        "priority": ChecklistPage(
            "priority", [(labels.priority_label(p), p.name.lower()) for p in Priority]
        ),
        "impact": ChecklistPage("impact", [(labels.level_label(x), x.name.lower()) for x in Level]),
        "time": TimePage(),
        "weekday": ChecklistPage("weekday", [(tr(d), n) for n, d in enumerate(WEEKDAYS)]),
        "business_hours": HoursPage(),
        "group": GroupPage(),
    }


def pattern_problem(text: str) -> str | None:
    try:
        check_pattern(text, "pattern")
    except ValidationError as exc:
        return exc.problems[0].message
    return None

"""A rule's conditions as a tree: groups (all / any, nested) and tests, each edited below
the tree, each problem shown at the test it is about ("when.all[2].pattern").

The tree holds the rule's JSON body (desk.domain.routing_json's format) in its items, so
what is saved, what is checked and what is shown are the same value; the editors of each
kind of test's values are in `routing_values`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.domain.errors import FieldProblem, ValidationError
from desk.domain.routing import RoutingContext
from desk.domain.routing_json import condition_from_json
from desk.domain.routing_words import condition_sentence

from ..common.dialogs import mark_invalid
from ..common.labels import tr
from .routing_values import (
    BODY,
    GROUP_KINDS,
    GROUPS,
    KINDS,
    GroupPage,
    HoursPage,
    PatternPage,
    ValuePage,
    kind_of,
    new_body,
    pattern_problem,
    value_pages,
)

# --- the tree ----------------------------------------------------------------------------


class ConditionTree(QWidget):
    """The conditions of one rule: a tree of groups and tests and the editor of the one
    selected. `changed` whenever the admin changes anything."""

    changed = Signal()

    def __init__(self, topics: Sequence[tuple[str, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = RoutingContext(now=_EPOCH)
        self._problems: dict[int, str] = {}  # id(item) -> its problem
        self.tree = QTreeWidget(objectName="conditionTree")
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumHeight(120)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.add_test = QPushButton(tr("Add &test"), objectName="addTest")
        self.add_group = QPushButton(tr("Add &group"), objectName="addGroup")
        self.remove = QPushButton(tr("Remo&ve"), objectName="removeCondition")
        self.add_test.clicked.connect(lambda: self._add({"words": [], "in": "either"}))
        self.add_group.clicked.connect(lambda: self._add({"any": []}))
        self.remove.clicked.connect(self._on_remove_clicked)
        buttons = QHBoxLayout()
        for b in (self.add_test, self.add_group, self.remove):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.kind = QComboBox(objectName="conditionKind")
        self.kind.activated.connect(self._on_kind_activated)
        self.pages = value_pages(topics)
        self.stack = QStackedWidget(objectName="conditionValues")
        for page in self.pages.values():
            self.stack.addWidget(page)
            page.changed.connect(self._on_page_changed)
        self.error = QLabel(objectName="fieldError", wordWrap=True)
        self.error.hide()
        form = QFormLayout()
        form.addRow(tr("Test"), self.kind)
        values = QVBoxLayout()
        values.setSpacing(2)
        values.addWidget(self.stack)
        values.addWidget(self.error)
        form.addRow(tr("Values"), values)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addLayout(form)
        self.set_condition({"all": []})

    # --- what it holds ----------------------------------------------------------------------

    def set_context(self, ctx: RoutingContext, calendar_words: str) -> None:
        """Names for the sentences (teams, topics), and which calendar business hours are."""
        self._ctx = ctx
        hours = self.pages["business_hours"]
        assert isinstance(hours, HoursPage)
        hours.calendar.setText(calendar_words)
        self._refresh_texts()

    def set_condition(self, body: dict[str, Any]) -> None:
        """Show a rule's `when`; a single test is shown inside an "all" group."""
        if kind_of(body) not in GROUPS:
            body = {"all": [body]}
        with QSignalBlocker(self.tree):
            self.tree.clear()
            self._problems.clear()
            root = self._item(body, None)
            self.tree.addTopLevelItem(root)
            self.tree.expandAll()
        self.tree.setCurrentItem(root)
        self._on_tree_current_item_changed(root, None)
        self._refresh_texts()

    def _item(self, body: dict[str, Any], parent: QTreeWidgetItem | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent) if parent is not None else QTreeWidgetItem()
        kind = kind_of(body)
        if kind in GROUPS:
            item.setData(0, BODY, {kind: None})
            for inner in body[kind] or []:
                self._item(inner if isinstance(inner, dict) and inner else {"all": []}, item)
        else:
            item.setData(0, BODY, dict(body))
        return item

    def condition(self) -> dict[str, Any]:
        """The `when` of the rule as shown."""
        return self._body_of(self.tree.topLevelItem(0))

    def _body_of(self, item: QTreeWidgetItem) -> dict[str, Any]:
        body = dict(item.data(0, BODY))
        kind = kind_of(body)
        if kind in GROUPS:
            return {kind: [self._body_of(item.child(n)) for n in range(item.childCount())]}
        return body

    def path_of(self, item: QTreeWidgetItem) -> str:
        """Where a problem with this item is reported: "when", "when.all[2]", …"""
        parent = item.parent()
        if parent is None:
            return "when"
        return (
            f"{self.path_of(parent)}.{kind_of(parent.data(0, BODY))}[{parent.indexOfChild(item)}]"
        )

    def items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            found.append(item)
            for n in range(item.childCount()):
                walk(item.child(n))

        if self.tree.topLevelItemCount():
            walk(self.tree.topLevelItem(0))
        return found

    # --- problems at the test they are about ---------------------------------------------

    def show_problems(self, problems: Sequence[FieldProblem]) -> list[FieldProblem]:
        """Mark each problem's test; return the problems that are not about a condition."""
        self._problems.clear()
        paths = {self.path_of(item): item for item in self.items()}
        others = []
        for problem in problems:
            item = _deepest(paths, problem.field)
            if item is None:
                others.append(problem)
            elif id(item) not in self._problems:
                self._problems[id(item)] = problem.message
        self._refresh_texts()
        self._show_current_problem()
        return others

    def first_problem_item(self) -> QTreeWidgetItem | None:
        return next((i for i in self.items() if id(i) in self._problems), None)

    def problem_of(self, item: QTreeWidgetItem) -> str | None:
        return self._problems.get(id(item))

    def _show_current_problem(self) -> None:
        item = self.tree.currentItem()
        message = self._problems.get(id(item)) if item is not None else None
        page = self.stack.currentWidget()
        if isinstance(page, PatternPage) and item is not None and not message:
            message = pattern_problem(page.edit.text())
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        if isinstance(page, ValuePage):
            mark_invalid(page.field(), bool(message))

    # --- the admin's edits --------------------------------------------------------------------

    def _on_tree_current_item_changed(self, item: QTreeWidgetItem | None, _old: object) -> None:
        if item is None:
            return
        body = item.data(0, BODY)
        kind = kind_of(body)
        with QSignalBlocker(self.kind):
            self.kind.clear()
            for value, text in GROUP_KINDS if kind in GROUPS else KINDS:
                self.kind.addItem(tr(text), value)
            self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        page = self.pages["group" if kind in GROUPS else kind]
        with QSignalBlocker(page):
            page.load(body)
        self._show_page(page)
        self.remove.setEnabled(item.parent() is not None)
        self._show_current_problem()

    def _show_page(self, page: ValuePage) -> None:
        # The value area as tall as the test shown, not as the tallest test there is.
        for other in self.pages.values():
            ignored = QSizePolicy.Policy.Ignored
            policy = QSizePolicy.Policy.Preferred if other is page else ignored
            other.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.stack.setCurrentWidget(page)
        self.stack.adjustSize()

    def _on_kind_activated(self, _index: int) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        kind = self.kind.currentData()
        if kind in GROUPS:
            item.setData(0, BODY, {kind: None})
        elif kind != kind_of(item.data(0, BODY)):
            item.setData(0, BODY, new_body(kind))
        self._problems.pop(id(item), None)
        self._on_tree_current_item_changed(item, None)
        self._edited()

    def _on_page_changed(self) -> None:
        item = self.tree.currentItem()
        page = self.stack.currentWidget()
        if item is None or not isinstance(page, ValuePage) or isinstance(page, GroupPage):
            return
        item.setData(0, BODY, page.store(item.data(0, BODY)))
        self._problems.pop(id(item), None)
        self._edited()

    def _add(self, body: dict[str, Any]) -> None:
        current = self.tree.currentItem() or self.tree.topLevelItem(0)
        group = current if kind_of(current.data(0, BODY)) in GROUPS else current.parent()
        assert group is not None
        item = self._item(body, group)
        group.setExpanded(True)
        self.tree.setCurrentItem(item)
        self._edited()
        self.kind.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_remove_clicked(self) -> None:
        item = self.tree.currentItem()
        if item is None or item.parent() is None:
            return
        parent = item.parent()
        parent.removeChild(item)
        self.tree.setCurrentItem(parent)
        self._edited()

    def _edited(self) -> None:
        self._refresh_texts()
        self._show_current_problem()
        self.changed.emit()

    def _refresh_texts(self) -> None:
        red = QBrush(QColor("#d13438"))
        for item in self.items():
            item.setText(0, self._text_of(item))
            problem = self._problems.get(id(item)) or self._unfinished(item)
            item.setForeground(0, red if problem else QBrush())
            item.setToolTip(0, problem or "")

    def _unfinished(self, item: QTreeWidgetItem) -> str | None:
        """What is wrong with a test as it stands (before any save is tried)."""
        body = item.data(0, BODY)
        if kind_of(body) in GROUPS:
            return None
        try:
            condition_from_json(body)
        except ValidationError as exc:
            return exc.problems[0].message
        return None

    def _text_of(self, item: QTreeWidgetItem) -> str:
        body = item.data(0, BODY)
        kind = kind_of(body)
        if kind in GROUPS:
            return tr("All of these") if kind == "all" else tr("Any of these")
        label = tr(dict(KINDS)[kind]) if kind in dict(KINDS) else kind
        try:
            return condition_sentence(condition_from_json(body), self._ctx, _number)
        except ValidationError:
            return tr("{kind}: not finished").format(kind=label)


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _number(kind: str, i: int) -> str:
    return f"#{i}"


def _deepest(paths: dict[str, QTreeWidgetItem], field: str) -> QTreeWidgetItem | None:
    """The item whose path is the longest start of `field` ("when.all[1].pattern" is
    about "when.all[1]")."""
    best: tuple[int, QTreeWidgetItem] | None = None
    for path, item in paths.items():
        about = field == path or field.startswith((path + ".", path + "["))
        if about and (best is None or len(path) > best[0]):
            best = (len(path), item)
    return best[1] if best else None

"""Help › Keyboard shortcuts: every key the window knows, read from the tables its actions
are built from, so the list is never out of date."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..common.desk_dialog import DeskDialog
from ..common.labels import tr
from .window_actions import ACTIONS, MENUS, PART_KEYS


def key_text(keys: Iterable[str]) -> str:
    """Keys as this platform writes them, alternatives joined: "Ctrl+Return, Ctrl+Enter"."""
    return ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


def shortcut_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(where, [(what, keys)]) for every action with keys, by menu, then each part's keys."""
    specs = {spec.name: spec for spec in ACTIONS}
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    listed: set[str] = set()
    for title, names in MENUS:
        rows = []
        for name in names:
            if name is None or name in listed or not specs[name].shortcuts:
                continue
            listed.add(name)
            rows.append((tr(specs[name].label).replace("…", ""), key_text(specs[name].shortcuts)))
        if rows:
            groups.append((tr(title).replace("&", ""), rows))
    elsewhere = [
        (tr(spec.label).replace("…", ""), key_text(spec.shortcuts))
        for spec in ACTIONS
        if spec.shortcuts and spec.name not in listed
    ]
    if elsewhere:
        groups.append((tr("Other"), elsewhere))
    for where, keys in PART_KEYS:
        groups.append((tr(where), [(tr(k.label), key_text(k.keys)) for k in keys]))
    return groups


class ShortcutsDialog(DeskDialog):
    """A list to look at while working: not modal, Escape or Close puts it away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(tr("Keyboard shortcuts"))
        intro = QLabel(tr("Every key Desk knows. The same keys are shown beside the menus."))
        intro.setWordWrap(True)
        intro.setObjectName("dialogIntro")
        self.keys = QTreeWidget(objectName="shortcutList")
        self.keys.setColumnCount(2)
        self.keys.setHeaderLabels([tr("Action"), tr("Keys")])
        self.keys.setRootIsDecorated(False)
        self.keys.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.keys.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.keys.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.keys.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.keys.header().setStretchLastSection(False)
        self._fill(shortcut_groups())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Desk's dialog keys: nothing to fill in, so Enter, Ctrl+Enter and Escape all close.
        self.set_primary(buttons.button(QDialogButtonBox.StandardButton.Close))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.keys, 1)
        layout.addWidget(buttons)
        self.resize(500, 720)

    def _fill(self, groups: Sequence[tuple[str, list[tuple[str, str]]]]) -> None:
        bold = self.keys.font()
        bold.setBold(True)
        for n, (where, rows) in enumerate(groups):
            if n:
                self.keys.addTopLevelItem(QTreeWidgetItem([""]))  # room between groups
            heading = QTreeWidgetItem([where])
            heading.setFont(0, bold)
            self.keys.addTopLevelItem(heading)
            heading.setFirstColumnSpanned(True)
            for what, keys in rows:
                self.keys.addTopLevelItem(QTreeWidgetItem([what, keys]))

    def rows(self) -> list[tuple[str, str]]:
        """What the list shows, line by line (for tests)."""
        items = [self.keys.topLevelItem(n) for n in range(self.keys.topLevelItemCount())]
        return [(item.text(0), item.text(1)) for item in items if item.text(0)]

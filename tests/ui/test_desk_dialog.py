"""A new dialog gets Desk's keyboard by being a DeskDialog: one made here from scratch, with
one of each kind of field, driven by real key presses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from desk.ui.common.desk_dialog import DeskDialog

from .test_dialog_keys import CTRL, KEYPAD, focused, press, type_text


class NewFeatureDialog(DeskDialog):
    """What a later feature might add: its own layout, no FormDialog, an extra button."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("A new dialog")
        self.pressed: list[str] = []
        self.title = QLineEdit()
        self.kind = QComboBox(editable=True)
        self.kind.addItems(["Laptop", "Printer"])
        self.count = QSpinBox()
        self.urgent = QCheckBox("Urgent")
        self.notes = QPlainTextEdit()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.help_button = buttons.addButton("Help", QDialogButtonBox.ButtonRole.HelpRole)
        self.save_button = buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.set_primary(self.save_button)
        self.save_button.clicked.connect(lambda: self.pressed.append("save"))
        self.help_button.clicked.connect(lambda: self.pressed.append("help"))
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        for label, widget in (
            ("Title", self.title),
            ("Kind", self.kind),
            ("Count", self.count),
            ("", self.urgent),
            ("Notes", self.notes),
        ):
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addWidget(buttons)  # made (and so in tab order) before the fields
        layout.addWidget(QLabel("Fill it in"))
        layout.addLayout(form)


@pytest.fixture
def dialog(qtbot, qapp) -> NewFeatureDialog:
    made = NewFeatureDialog()
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is made)
    return made


def test_focus_starts_in_the_first_field_and_only_save_is_default(dialog):
    assert focused() is dialog.title
    defaults = [b for b in dialog.findChildren(QPushButton) if b.isDefault() or b.autoDefault()]
    assert defaults == [dialog.save_button]
    type_text("Dock  dead")  # spaces go into the field
    assert dialog.title.text() == "Dock  dead" and dialog.pressed == []


@pytest.mark.parametrize("field", ["title", "kind", "count", "urgent"])
@pytest.mark.parametrize(
    "modifiers",
    [Qt.KeyboardModifier.NoModifier, KEYPAD, CTRL, CTRL | KEYPAD],
    ids=["Enter", "keypad Enter", "Ctrl+Enter", "keypad Ctrl+Enter"],
)
def test_enter_in_any_single_line_field_saves(dialog, field, modifiers):
    getattr(dialog, field).setFocus()
    key = Qt.Key.Key_Enter if modifiers & KEYPAD else Qt.Key.Key_Return
    press(key, modifiers)
    assert dialog.pressed == ["save"]


def test_in_the_notes_enter_is_a_new_line_and_ctrl_enter_saves(dialog):
    dialog.notes.setFocus()
    type_text("one")
    press(Qt.Key.Key_Return)
    type_text("two")
    assert dialog.pressed == [] and dialog.notes.toPlainText() == "one\ntwo"
    press(Qt.Key.Key_Return, CTRL)
    assert dialog.pressed == ["save"]


def test_enter_on_another_button_still_means_save_and_space_presses_that_button(dialog):
    dialog.help_button.setFocus()
    press(Qt.Key.Key_Space)
    assert dialog.pressed == ["help"]
    press(Qt.Key.Key_Return)
    assert dialog.pressed == ["help", "save"]


def test_enter_does_nothing_while_save_is_disabled(dialog):
    dialog.save_button.setEnabled(False)
    press(Qt.Key.Key_Return)
    assert dialog.pressed == [] and dialog.isVisible()


def test_escape_leaves_at_once_when_nothing_was_typed(qtbot, dialog):
    dialog.kind.setCurrentIndex(1)  # a choice, not typing
    dialog.urgent.setChecked(True)
    press(Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.discard_question is None


def test_escape_asks_when_typing_would_be_lost(qtbot, dialog):
    type_text("Dock dead")
    press(Qt.Key.Key_Escape)
    question = dialog.discard_question
    assert question is not None and question.isVisible() and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is question)
    QTest.keyClick(focused(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # &Discard
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_text_filled_in_by_the_program_is_not_typing(qtbot, dialog):
    dialog.title.setText("From the credential store")
    dialog.set_untouched(dialog.title)
    press(Qt.Key.Key_Escape)
    assert not dialog.isVisible()

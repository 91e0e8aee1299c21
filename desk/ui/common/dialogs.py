"""Dialogs that stay open until their action succeeds, with errors shown at the field.

All of them are `DeskDialog`s: the same keys (Enter, Ctrl+Enter, Escape) everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.domain.errors import DeskError, ValidationError
from desk.domain.model import Level

from . import labels
from .desk_dialog import DeskDialog, is_field
from .labels import tr


def error_text(exc: BaseException) -> str:
    """What to tell the person: our own messages as they are, anything else plainly."""
    if isinstance(exc, DeskError):
        return exc.message
    return tr("Something went wrong: {error}. The details are in the log.").format(error=exc)


class FormDialog(DeskDialog):
    """A titled form. Submitting emits `submitted(values)`; the owner runs the action and
    calls `accept()` on success or `show_problem(exc)` to keep the dialog open. A field's
    problem goes away as soon as the field is changed."""

    submitted = Signal(dict)
    #: Whether Cancel (and Escape) may abandon the action while it runs. Not for a write
    #: that is on its way: closing would look like "nothing happened" when it did.
    cancel_while_working = False

    def __init__(
        self, title: str, intro: str, submit_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._rows: dict[str, QVBoxLayout] = {}
        self._form = QFormLayout()
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        heading = QLabel(intro)
        heading.setWordWrap(True)
        heading.setObjectName("dialogIntro")
        self.general_error = QLabel()
        self.general_error.setObjectName("fieldError")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.submit_button = self.buttons.addButton(
            submit_text, QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.set_primary(self.submit_button)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self._form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)  # room to spare goes above the buttons, not between the lines
        layout.addWidget(self.buttons)

    def add_field(
        self, key: str, label: str, widget: QWidget, beside: QWidget | None = None
    ) -> QWidget:
        """A labelled field with room for its error below; `beside` (a Browse… button, say)
        sits to its right."""
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        column = QVBoxLayout()
        column.setSpacing(2)
        if beside is None:
            column.addWidget(widget)
        else:
            line = QHBoxLayout()
            line.addWidget(widget, 1)
            line.addWidget(beside)
            column.addLayout(line)
        column.addWidget(error)
        self._form.addRow(label, column)
        self._fields[key] = (widget, error)
        self._rows[key] = column
        for changed in _changed_signals(widget):
            changed.connect(lambda *_args, key=key: self.clear_problem(key))
        return widget

    def set_field_visible(self, key: str, visible: bool) -> None:
        self._form.setRowVisible(self._rows[key], visible)

    def field(self, key: str) -> Any:
        return self._fields[key][0]

    def first_field(self) -> QWidget | None:
        """The first field shown, in the order they were added."""
        for widget, _error in self._fields.values():
            if is_field(widget):
                return widget
            inner = next((w for w in widget.findChildren(QWidget) if is_field(w)), None)
            if inner is not None:
                return inner
        return super().first_field()

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, (widget, _error) in self._fields.items():
            if isinstance(widget, QLineEdit):
                result[key] = widget.text()
            elif isinstance(widget, QPlainTextEdit):
                result[key] = widget.toPlainText()
            elif isinstance(widget, QComboBox):
                result[key] = widget.currentData()
        return result

    def show_problem(self, exc: BaseException) -> None:
        self.set_working(False)
        for widget, error in self._fields.values():
            error.hide()
            mark_invalid(widget, False)
        self.general_error.hide()
        unplaced: list[str] = []
        first: QWidget | None = None
        if isinstance(exc, ValidationError):
            for problem in exc.problems:
                if problem.field in self._fields:
                    widget, error = self._fields[problem.field]
                    error.setText(problem.message)
                    error.show()
                    mark_invalid(widget, True)
                    first = first or widget
                else:
                    unplaced.append(problem.message)
        else:
            unplaced.append(error_text(exc))
        if unplaced:
            self.general_error.setText(" ".join(unplaced))
            self.general_error.show()
        if first is not None:  # the first field to fix, not the last one named
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_problem(self, key: str) -> None:
        """The field was changed: what was wrong with it may no longer be."""
        widget, error = self._fields[key]
        error.hide()
        mark_invalid(widget, False)

    def set_working(self, working: bool) -> None:
        self.submit_button.setEnabled(not working)
        if self.cancel_button is not None:
            self.cancel_button.setEnabled(not working or self.cancel_while_working)

    def can_cancel(self) -> bool:
        return self.cancel_button is None or self.cancel_button.isEnabled()

    def _on_buttons_accepted(self) -> None:
        self.set_working(True)
        self.submitted.emit(self.values())


def _changed_signals(widget: QWidget) -> list[Any]:
    """The signals that say a person changed the field (for a group, any part of it)."""
    if isinstance(widget, QLineEdit):
        return [widget.textEdited]
    if isinstance(widget, QPlainTextEdit):
        return [widget.textChanged]
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged, widget.editTextChanged]
    if isinstance(widget, QAbstractButton):
        return [widget.toggled]
    return [
        signal
        for child in widget.findChildren(QWidget)
        if isinstance(child, QLineEdit | QPlainTextEdit | QComboBox | QAbstractButton)
        for signal in _changed_signals(child)
    ]


def with_error(widget: QWidget) -> tuple[QWidget, QLabel]:
    """The field with a (hidden) line under it for what is wrong with it."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    error = QLabel(objectName="fieldError", wordWrap=True)
    error.hide()
    column.addWidget(error)
    return box, error


def levels_combo() -> QComboBox:
    """Low, medium, high: for impact and urgency."""
    box = QComboBox()
    for level in Level:
        box.addItem(labels.level_label(level), level)
    return box


def mark_invalid(widget: QWidget | None, invalid: bool) -> None:
    """A red border on a field with a problem (the stylesheet's [invalid="true"])."""
    if widget is not None and widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def combo(items: Sequence[tuple[str, Any]], current: Any = None) -> QComboBox:
    box = QComboBox()
    for text, data in items:
        box.addItem(text, data)
    if current is not None:
        index = box.findData(current)
        if index >= 0:
            box.setCurrentIndex(index)
    return box


def text_box(placeholder: str = "", height: int = 90) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box

"""Dialogs that stay open until their action succeeds, with errors shown at the field."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.domain.errors import ChangeByOther, ConflictError, DeskError, ValidationError
from desk.domain.model import Level

from . import labels
from .labels import tr


def error_text(exc: BaseException) -> str:
    """What to tell the person: our own messages as they are, anything else plainly."""
    if isinstance(exc, DeskError):
        return exc.message
    return tr("Something went wrong: {error}. The details are in the log.").format(error=exc)


class FormDialog(QDialog):
    """A titled form. Submitting emits `submitted(values)`; the owner runs the action and
    calls `accept()` on success or `show_problem(exc)` to keep the dialog open."""

    submitted = Signal(dict)

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
        self.submit_button.setObjectName("primary")
        self.submit_button.setDefault(True)
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
        return widget

    def set_field_visible(self, key: str, visible: bool) -> None:
        self._form.setRowVisible(self._rows[key], visible)

    def field(self, key: str) -> Any:
        return self._fields[key][0]

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
        if isinstance(exc, ValidationError):
            for problem in exc.problems:
                if problem.field in self._fields:
                    widget, error = self._fields[problem.field]
                    error.setText(problem.message)
                    error.show()
                    mark_invalid(widget, True)
                    widget.setFocus()
                else:
                    unplaced.append(problem.message)
        else:
            unplaced.append(error_text(exc))
        if unplaced:
            self.general_error.setText(" ".join(unplaced))
            self.general_error.show()

    def set_working(self, working: bool) -> None:
        self.submit_button.setEnabled(not working)

    def _on_buttons_accepted(self) -> None:
        self.set_working(True)
        self.submitted.emit(self.values())


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


class ConflictDialog(QDialog):
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
        self.reload_button.setObjectName("primary")
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

"""The keyboard every Desk dialog shares, so a new dialog gets it by being a `DeskDialog`.

- Focus starts in the first field a person fills (never on a button, so a space typed
  straight away goes into the field); a dialog with nothing to fill takes the focus itself.
- Enter in a single-line field, a combo box or anywhere but a multi-line text box, and
  Ctrl+Enter anywhere (also in a multi-line box, and on the keypad), press the primary
  button. It is the only default button: Qt's "auto default" would otherwise make any
  button that once had focus (Cancel, say) the one Enter presses.
- Escape (and the window's close button) cancel, but first ask "Discard what you typed?"
  when something typed in the dialog would be lost. Cancel itself is a deliberate click
  and does not ask; while Cancel is disabled (the dialog is saving), Escape does nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from .labels import tr

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: Widgets a person fills in; focus never starts on a button.
FIELD_TYPES = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


class DeskDialog(QDialog):
    """A dialog with Desk's keyboard (see the module's docstring). Call `set_primary` with
    the button Enter means; override `first_field` where the first field is not the first
    input in tab order."""

    #: Whether Enter in a one-line field presses the primary button. A form whose Enter
    #: moves on to the next field (the phone intake) says no, and keeps Ctrl+Enter.
    enter_presses_primary = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._primary: QPushButton | None = None
        self._untouched: dict[QWidget, str] = {}
        #: "Discard what you typed?" while it is asked (tests and screenshots reach it here).
        self.discard_question: QMessageBox | None = None
        # The shortcut map sees these before a multi-line box can take them as a new line.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.press_primary)

    # --- the primary button ---------------------------------------------------------------------

    @property
    def primary_button(self) -> QPushButton | None:
        return self._primary

    def set_primary(self, button: QPushButton) -> None:
        """The button Enter and Ctrl+Enter press; shown as the primary one."""
        self._primary = button
        if not button.objectName():
            button.setObjectName("primary")
        if not button.toolTip():
            button.setToolTip(tr("Enter, or Ctrl+Enter from anywhere in the dialog"))
        self._settle_buttons()

    def press_primary(self) -> None:
        button = self._primary
        if button is not None and button.isVisible() and button.isEnabled():
            button.click()

    def _settle_buttons(self) -> None:
        for button in self.findChildren(QPushButton):
            if button.window() is not self:
                continue  # a question asked over this dialog keeps its own buttons
            primary = button is self._primary
            button.setAutoDefault(primary)
            button.setDefault(primary)

    # --- where typing starts --------------------------------------------------------------------

    def first_field(self) -> QWidget | None:
        """The first visible, enabled field in tab order; None when there is nothing to fill."""
        widget: QWidget = self
        for _ in range(500):  # the focus chain is a ring; stop once round it
            widget = widget.nextInFocusChain()
            if widget is self:
                break
            if is_field(widget) and widget.window() is self:
                return widget
        return None

    def setVisible(self, visible: bool) -> None:
        showing = visible and not self.isVisible()
        if showing:
            self._settle_buttons()
        super().setVisible(visible)
        if showing:
            # After QDialog's own choice of focus, which prefers the default button.
            self._settle_buttons()
            chosen = self.focusWidget()  # a field the owner chose, a problem to fix, say
            if chosen is None or not is_field(chosen):
                (self.first_field() or self).setFocus(Qt.FocusReason.OtherFocusReason)
            self.set_untouched()

    # --- what would be lost ---------------------------------------------------------------------

    def set_untouched(self, widget: QWidget | None = None) -> None:
        """What the fields say now (or `widget` says) is not the person's typing: filled in
        when the dialog opened, or by Desk afterwards."""
        for field in [widget] if widget is not None else self._text_fields():
            self._untouched[field] = _text_of(field)

    def has_typed_input(self) -> bool:
        """Whether closing now would lose something the person typed."""
        return any(
            _text_of(field) != self._untouched.get(field, "") for field in self._text_fields()
        )

    def _text_fields(self) -> list[QWidget]:
        return [
            widget
            for widget in self.findChildren(QWidget)
            if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit)
            and not widget.isReadOnly()
            and widget.window() is self
            and not isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox)
        ]

    # --- cancelling -----------------------------------------------------------------------------

    def can_cancel(self) -> bool:
        """Whether Escape may close the dialog now (not while it is saving, say)."""
        return True

    def cancel_by_user(self) -> None:
        """Escape or the window's close button: leave, asking first if typing would be lost."""
        if not self.can_cancel() or self.discard_question is not None:
            return
        if not self.has_typed_input():
            self.reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            tr("Discard what you typed?"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("discardQuestion")
        box.setInformativeText(tr("If you close this dialog now, what you typed is lost."))
        discard = box.addButton(tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(tr("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(discard)
        box.setEscapeButton(keep)  # a second Escape goes back to the typing

        def on_finished(_result: int) -> None:
            self.discard_question = None
            box.deleteLater()
            if box.clickedButton() is discard:
                self.reject()
            else:  # back to typing here, whatever the window manager does next
                self.activateWindow()

        box.finished.connect(on_finished)
        self.discard_question = box
        box.open()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            self.cancel_by_user()
            return
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (
            event.key() in ENTER_KEYS
            and plain == Qt.KeyboardModifier.NoModifier
            and self.enter_presses_primary
        ):
            # Reaches the dialog from a line edit, a combo box, a check box or a button
            # (a multi-line box keeps Enter for a new line).
            self.press_primary()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if event.spontaneous() and self.isVisible():  # the window's close button
            event.ignore()
            self.cancel_by_user()
            return
        super().closeEvent(event)


def is_field(widget: QWidget) -> bool:
    """Something a person fills in that can take the focus now."""
    return (
        isinstance(widget, FIELD_TYPES)
        and not isinstance(widget, QAbstractButton)
        and not (isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit) and widget.isReadOnly())
        and widget.isVisible()
        and widget.isEnabled()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    return ""

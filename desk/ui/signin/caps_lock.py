"""Whether Caps Lock is on, for the warning under a password field.

Qt cannot ask the keyboard. On Windows the state is read from the system
(GetKeyState(VK_CAPITAL)) when the field gets the focus; everywhere, each letter typed
tells it: an upper-case letter without Shift, or a lower-case one with Shift, means
Caps Lock is on; and the Caps Lock key itself flips what is known.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent

VK_CAPITAL = 0x14


def _system_caps_lock() -> bool | None:
    if sys.platform != "win32":
        return None
    import ctypes

    return bool(ctypes.windll.user32.GetKeyState(VK_CAPITAL) & 1)  # type: ignore[attr-defined]


class CapsLockWatch(QObject):
    """Watches the keys typed into the widgets it is installed on."""

    #: Caps Lock went on (True) or off (False).
    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on = False

    def watch(self, widget: QObject) -> None:
        widget.installEventFilter(self)

    def _set(self, on: bool) -> None:
        if on != self.on:
            self.on = on
            self.changed.emit(on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            known = _system_caps_lock()
            if known is not None:
                self._set(known)
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_CapsLock:
                self._set(not self.on)
            else:
                text = event.text()
                if len(text) == 1 and text.lower() != text.upper():
                    shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                    self._set(text.isupper() != shift)
        return False

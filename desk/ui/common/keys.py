"""Keys that belong to a part of Desk rather than to a window action: the reply box, the
ticket's fields, every dialog, the intake form.

The parts take their keys from here and Help › Keyboard shortcuts lists them (through
`shell.window_actions.PART_KEYS`), so a part and the list of keys cannot disagree. They
live in common because the features that use them must not import the shell.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP


@dataclass(frozen=True, slots=True)
class KeySpec:
    """Keys that work in one part of the window, not through a window action."""

    keys: tuple[str, ...]
    label: str


#: The reply box: Ctrl+Enter sends (the Composer's shortcuts are made from this).
COMPOSER_SEND = KeySpec(
    ("Ctrl+Return", "Ctrl+Enter"), QT_TRANSLATE_NOOP("Desk", "Send the reply or note")
)
#: The ticket's fields: save them (the editor's Save button takes this key).
EDITOR_SAVE = KeySpec(("Ctrl+S",), QT_TRANSLATE_NOOP("Desk", "Save the ticket's fields"))

#: Every dialog: press its primary button from anywhere in it.
DIALOG_PRIMARY = KeySpec(
    ("Ctrl+Return", "Ctrl+Enter"), QT_TRANSLATE_NOOP("Desk", "The main button, from anywhere")
)
#: The intake form: log the ticket.
INTAKE_LOG = KeySpec(
    ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"), QT_TRANSLATE_NOOP("Desk", "Log the ticket")
)

#: The intake form: add the call to the caller's open ticket instead.
INTAKE_ADD = KeySpec(("Alt+A",), QT_TRANSLATE_NOOP("Desk", "Add to the caller's open ticket"))

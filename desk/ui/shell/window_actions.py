"""The main window's actions, declared once: each one's name, label, keys, what it does and
when it can be used; where it sits in the menus and the toolbar; and which keys belong to
which part of Desk (the reply box, the ticket's fields, every dialog, the intake form;
the keys themselves are declared in `common.keys`, where those parts take them from).

The window builds its actions, menus and toolbar from these tables, the composer and the
editor take their keys from them, and Help › Keyboard shortcuts lists them all, so the
program and its list of keys cannot disagree. (DeskDialog and the intake form declare
their own keys; tests/ui/test_window_keys.py checks they are the ones listed here.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSizePolicy, QToolBar, QWidget

from desk.domain.model import TicketStatus
from desk.domain.permissions import Permission, can

from ..common.keys import (
    COMPOSER_SEND,
    DIALOG_PRIMARY,
    EDITOR_SAVE,
    INTAKE_ADD,
    INTAKE_LOG,
    KeySpec,
)
from ..common.labels import tr
from ..common.style import ThemeChooser

if TYPE_CHECKING:
    from .main_window import MainWindow


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action of the window; the window keeps it as `<name>_action`."""

    name: str
    label: str  # source text, translated (context "Desk") when the action is built
    handler: Callable[[MainWindow], object]
    shortcuts: tuple[str, ...] = ()
    #: When it can be used; always when None. Re-checked as the selection changes.
    enabled_when: Callable[[MainWindow], bool] | None = None
    #: Whether it is offered at all (assigning to others is a supervisor's).
    visible_when: Callable[[MainWindow], bool] | None = None
    tip: str = ""  # the status bar's words; the label's when empty
    #: It saves to the database: off while the database is read-only or cannot be used.
    writes: bool = False


def _reading(w: MainWindow) -> bool:
    return w.editor.ticket_id is not None


def _may_reply(w: MainWindow) -> bool:
    # A closed ticket is reopened before anyone writes to the customer on it.
    detail = w.editor.detail
    return detail is not None and detail.ticket.status != TicketStatus.CLOSED


def _claimable(w: MainWindow) -> bool:
    return w.selected.allow(lambda d: d.ticket.status.is_active and d.ticket.assignee_id is None)


def _active(w: MainWindow) -> bool:
    return w.selected.allow(lambda d: d.ticket.status.is_active)


def _assigned(w: MainWindow) -> bool:
    return w.selected.allow(lambda d: d.ticket.assignee_id is not None)


def _done(w: MainWindow) -> bool:
    return w.selected.allow(lambda d: not d.ticket.status.is_active)


def _may_become(target: TicketStatus) -> Callable[[MainWindow], bool]:
    return lambda w: w.selected.allow(lambda d: target in d.allowed_statuses)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new",
        QT_TRANSLATE_NOOP("Desk", "New ticket"),
        lambda w: w.open_intake(),
        ("Ctrl+N",),
        tip=QT_TRANSLATE_NOOP("Desk", "Log a walk-in or phone request"),
        writes=True,
    ),
    ActionSpec("refresh", QT_TRANSLATE_NOOP("Desk", "Refresh"), lambda w: w.refresh(), ("F5",)),
    ActionSpec(
        "find",
        QT_TRANSLATE_NOOP("Desk", "Find"),
        lambda w: w.focus_search(),
        ("Ctrl+F",),
        tip=QT_TRANSLATE_NOOP("Desk", "Find a ticket by number, subject, customer, email or phone"),
    ),
    ActionSpec(
        "claim",
        QT_TRANSLATE_NOOP("Desk", "Claim"),
        lambda w: w.selected.claim(),
        ("Ctrl+Shift+C",),
        _claimable,
        writes=True,
    ),
    ActionSpec(
        "assign",
        QT_TRANSLATE_NOOP("Desk", "Assign…"),
        lambda w: w.selected.assign(),
        ("Ctrl+Shift+A",),
        _active,
        visible_when=lambda w: w.session.supervises,
        writes=True,
    ),
    ActionSpec(
        "release",
        QT_TRANSLATE_NOOP("Desk", "Release"),
        lambda w: w.selected.release(),
        (),
        _assigned,
        writes=True,
    ),
    ActionSpec(
        "transfer",
        QT_TRANSLATE_NOOP("Desk", "Transfer…"),
        lambda w: w.selected.transfer(),
        ("Ctrl+Shift+T",),
        _active,
        writes=True,
    ),
    ActionSpec(
        "reply",
        QT_TRANSLATE_NOOP("Desk", "Reply"),
        lambda w: w.ticket_pane.compose(internal=False),
        ("Ctrl+R",),
        _may_reply,
        tip=QT_TRANSLATE_NOOP("Desk", "Write a reply to the customer"),
        writes=True,
    ),
    ActionSpec(
        "note",
        QT_TRANSLATE_NOOP("Desk", "Internal note"),
        lambda w: w.ticket_pane.compose(internal=True),
        ("Ctrl+Shift+N",),
        _reading,
        tip=QT_TRANSLATE_NOOP("Desk", "Write a note for other agents"),
        writes=True,
    ),
    ActionSpec(
        "pending",
        QT_TRANSLATE_NOOP("Desk", "Set pending…"),
        lambda w: w.selected.change_status(TicketStatus.PENDING),
        (),
        _may_become(TicketStatus.PENDING),
        writes=True,
    ),
    ActionSpec(
        "resolve",
        QT_TRANSLATE_NOOP("Desk", "Resolve…"),
        lambda w: w.selected.change_status(TicketStatus.RESOLVED),
        ("Ctrl+Shift+E",),
        _may_become(TicketStatus.RESOLVED),
        writes=True,
    ),
    ActionSpec(
        "close",
        QT_TRANSLATE_NOOP("Desk", "Close…"),
        lambda w: w.selected.change_status(TicketStatus.CLOSED),
        (),
        _may_become(TicketStatus.CLOSED),
        writes=True,
    ),
    ActionSpec(
        "reopen",
        QT_TRANSLATE_NOOP("Desk", "Reopen…"),
        lambda w: w.selected.reopen(),
        (),
        _done,
        writes=True,
    ),
    ActionSpec(
        "set_due",
        QT_TRANSLATE_NOOP("Desk", "Set due time…"),
        lambda w: w.ticket_pane.clocks.set_due(),
        ("Ctrl+Shift+D",),
        _reading,
        visible_when=lambda w: w.session.supervises,
        tip=QT_TRANSLATE_NOOP("Desk", "Set a clock's due time by hand, or go back to the plan's"),
        writes=True,
    ),
    ActionSpec(
        "notifications",
        QT_TRANSLATE_NOOP("Desk", "Notifications"),
        lambda w: w.sla_window.show_notifications(),
        ("Ctrl+Shift+B",),
        tip=QT_TRANSLATE_NOOP("Desk", "Breaches of the tickets you work or supervise"),
    ),
    ActionSpec(
        "service_levels",
        QT_TRANSLATE_NOOP("Desk", "Service levels…"),
        lambda w: w.open_administration("Business hours"),
        visible_when=lambda w: can(w.session.agent, Permission.MANAGE_DESK),
        tip=QT_TRANSLATE_NOOP(
            "Desk", "Business hours, holidays, SLA plans and closing resolved tickets"
        ),
    ),
    ActionSpec(
        "connect",
        QT_TRANSLATE_NOOP("Desk", "Connect to a database…"),
        lambda w: w.connectRequested.emit(),
        tip=QT_TRANSLATE_NOOP("Desk", "Switch between the local database and a shared server"),
    ),
    ActionSpec(
        "desk_settings",
        QT_TRANSLATE_NOOP("Desk", "Desk settings…"),
        lambda w: w.edit_desk_settings(),
        visible_when=lambda w: can(w.session.agent, Permission.MANAGE_DESK),
        tip=QT_TRANSLATE_NOOP(
            "Desk",
            "Settings every agent of this desk shares, such as the country for phone numbers",
        ),
        writes=True,
    ),
    ActionSpec(
        "change_password",
        QT_TRANSLATE_NOOP("Desk", "Change my password…"),
        lambda w: w.change_password(),
        writes=True,
    ),
    ActionSpec(
        "sign_out",
        QT_TRANSLATE_NOOP("Desk", "Sign out / switch agent…"),
        lambda w: w.signOutRequested.emit(),
        ("Ctrl+Shift+L",),
        tip=QT_TRANSLATE_NOOP(
            "Desk", "Close the window down to the sign-in, for the next agent at this computer"
        ),
    ),
    ActionSpec(
        "administration",
        QT_TRANSLATE_NOOP("Desk", "Administration…"),
        lambda w: w.open_administration(),
        ("Ctrl+Shift+M",),
        visible_when=lambda w: can(w.session.agent, Permission.MANAGE_MEMBERS),
        tip=QT_TRANSLATE_NOOP("Desk", "Agents, teams, help topics, desk settings, the audit log"),
    ),
    ActionSpec(
        "routing_rules",
        QT_TRANSLATE_NOOP("Desk", "Routing rules…"),
        lambda w: w.open_administration("Routing rules"),
        visible_when=lambda w: can(w.session.agent, Permission.MANAGE_DESK),
        tip=QT_TRANSLATE_NOOP(
            "Desk", "Which team and agent new tickets go to, and how each team assigns"
        ),
    ),
    ActionSpec(
        "availability",
        QT_TRANSLATE_NOOP("Desk", "My availability…"),
        lambda w: w.availability.choose(),
        tip=QT_TRANSLATE_NOOP("Desk", "Available, away (until a date) or off shift"),
        writes=True,
    ),
    ActionSpec(
        "dashboard",
        QT_TRANSLATE_NOOP("Desk", "Dashboard"),
        lambda w: w.dashboards.open(),
        ("Ctrl+Shift+O",),
        visible_when=lambda w: w.session.supervises,
        tip=QT_TRANSLATE_NOOP(
            "Desk", "Every team's queues and every agent's load; reassign by dragging"
        ),
    ),
    ActionSpec(
        "reports",
        QT_TRANSLATE_NOOP("Desk", "Reports…"),
        lambda w: w.open_reports(),
        ("Ctrl+Shift+R",),
        visible_when=lambda w: can(w.session.agent, Permission.READ_REPORTS),
        tip=QT_TRANSLATE_NOOP(
            "Desk", "Volume, response times, SLA compliance, satisfaction, the agent table"
        ),
    ),
    ActionSpec("quit", QT_TRANSLATE_NOOP("Desk", "Quit"), lambda w: w.close(), ("Ctrl+Q",)),
    ActionSpec(
        "shortcuts",
        QT_TRANSLATE_NOOP("Desk", "Keyboard shortcuts"),
        lambda w: w.help.show_shortcuts(),
        ("F1", "Ctrl+/"),
        tip=QT_TRANSLATE_NOOP("Desk", "Every key Desk knows, in one list"),
    ),
    ActionSpec("about", QT_TRANSLATE_NOOP("Desk", "About Desk"), lambda w: w.help.about(w.session)),
)

ACTION_NAMES = frozenset(spec.name for spec in ACTIONS)

VIEW_MENU = QT_TRANSLATE_NOOP("Desk", "&View")  # where the theme chooser goes

#: The menus, in order: a title and its actions' names, None for a separator.
MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    (
        QT_TRANSLATE_NOOP("Desk", "&File"),
        (
            "new",
            "refresh",
            None,
            "availability",
            None,
            "connect",
            "desk_settings",
            None,
            "change_password",
            "sign_out",
            "quit",
        ),
    ),
    (
        QT_TRANSLATE_NOOP("Desk", "&Ticket"),
        (
            "claim",
            "assign",
            "release",
            "transfer",
            None,
            "reply",
            "note",
            None,
            "pending",
            "resolve",
            "close",
            "reopen",
            None,
            "set_due",
        ),
    ),
    (VIEW_MENU, ("find", "refresh", None, "dashboard", "reports", "notifications")),
    (
        QT_TRANSLATE_NOOP("Desk", "&Administration"),
        ("administration", None, "service_levels", "routing_rules"),
    ),
    (QT_TRANSLATE_NOOP("Desk", "&Help"), ("shortcuts", None, "about")),
)

#: The toolbar's buttons, None for a separator; the find box follows them.
TOOLBAR: tuple[str | None, ...] = (
    "new",
    None,
    "claim",
    "assign",
    "transfer",
    None,
    "reply",
    "note",
    "resolve",
    None,
    "refresh",
)

#: Keys that belong to a part of the window, by where they work, for the list of keys.
PART_KEYS: tuple[tuple[str, tuple[KeySpec, ...]], ...] = (
    (QT_TRANSLATE_NOOP("Desk", "In the reply box"), (COMPOSER_SEND,)),
    (QT_TRANSLATE_NOOP("Desk", "In the ticket's fields"), (EDITOR_SAVE,)),
    (
        QT_TRANSLATE_NOOP("Desk", "In the find box"),
        (KeySpec(("Return",), QT_TRANSLATE_NOOP("Desk", "Search")),),
    ),
    # Every dialog's keys (DeskDialog presses its primary button on these).
    (
        QT_TRANSLATE_NOOP("Desk", "In a dialog"),
        (
            DIALOG_PRIMARY,
            KeySpec(
                ("Return",),
                QT_TRANSLATE_NOOP("Desk", "The main button, from a one-line field or a list"),
            ),
            KeySpec(
                ("Escape",),
                QT_TRANSLATE_NOOP("Desk", "Cancel (asks first if something typed would be lost)"),
            ),
        ),
    ),
    # The intake form's own keys (tests/ui/test_window_keys.py checks the form has them).
    (
        QT_TRANSLATE_NOOP("Desk", "In the intake form"),
        (
            INTAKE_LOG,
            INTAKE_ADD,
            KeySpec(("Ctrl+C",), QT_TRANSLATE_NOOP("Desk", "Copy the logged ticket's number")),
        ),
    ),
)

# Widths that let the window work from about 860 px up (tests/ui/test_window_keys.py).
SEARCH_MIN_WIDTH, SEARCH_MAX_WIDTH = 220, 520


# --- building them ----------------------------------------------------------------------------


def build_actions(window: MainWindow) -> dict[str, QAction]:
    """The window's actions from ACTIONS, by name, each also kept as `<name>_action`."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(tr(spec.label), window)
        if spec.shortcuts:
            action.setShortcuts([QKeySequence(keys) for keys in spec.shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(tr(spec.tip) if spec.tip else tr(spec.label).replace("…", ""))
        action.triggered.connect(lambda _checked=False, spec=spec: spec.handler(window))
        if spec.visible_when is not None:
            action.setVisible(spec.visible_when(window))
        window.addAction(action)
        actions[spec.name] = action
        setattr(window, f"{spec.name}_action", action)
    return actions


def build_menus(
    window: MainWindow, actions: dict[str, QAction], theme: ThemeChooser | None
) -> None:
    """The menu bar from MENUS; the theme chooser at the end of the View menu."""
    for title, names in MENUS:
        menu = window.menuBar().addMenu(tr(title))
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[name])
        if all(not actions[n].isVisible() for n in names if n is not None):
            menu.menuAction().setVisible(False)  # Administration, for an agent
        if title == VIEW_MENU and theme is not None:
            menu.addSeparator()
            menu.addMenu(theme.menu(menu))
        # A menu of actions this agent is not offered (Administration, for an agent) goes.
        shown = [a for a in menu.actions() if not a.isSeparator() and a.isVisible()]
        menu.menuAction().setVisible(bool(shown))


def build_toolbar(actions: dict[str, QAction]) -> tuple[QToolBar, QLineEdit]:
    """The toolbar from TOOLBAR, and the find box beside its buttons."""
    # The buttons overflow into a » menu when the window is narrow; the find box sits
    # beside them, outside their toolbar, so it never goes into that menu.
    buttons = QToolBar(objectName="toolbarButtons")
    buttons.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for name in TOOLBAR:
        if name is None:
            buttons.addSeparator()
        else:
            buttons.addAction(actions[name])
    buttons.widgetForAction(actions["new"]).setObjectName("newTicketButton")
    search = QLineEdit(objectName="searchBox")
    search.setPlaceholderText(tr("Find a ticket: number, subject, customer, email or phone"))
    search.setClearButtonEnabled(True)
    search.setMinimumWidth(SEARCH_MIN_WIDTH)
    search.setMaximumWidth(SEARCH_MAX_WIDTH)
    row = QWidget(objectName="toolbarRow")
    row.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    row_layout = QHBoxLayout(row)
    row_layout.setContentsMargins(0, 0, 0, 0)
    row_layout.setSpacing(8)
    row_layout.addWidget(buttons)
    row_layout.addWidget(search, 1)
    toolbar = QToolBar(tr("Main"), objectName="mainToolbar")
    toolbar.setMovable(False)
    toolbar.toggleViewAction().setVisible(False)  # the find box cannot be hidden away
    toolbar.addWidget(row)
    return toolbar, search


def update_action_states(window: MainWindow, actions: dict[str, QAction], writable: bool) -> None:
    """Each action on or off for the selection, the open ticket and the database."""
    for spec in ACTIONS:
        if spec.writes or spec.enabled_when is not None:
            enabled = (not spec.writes or writable) and (
                spec.enabled_when is None or spec.enabled_when(window)
            )
            actions[spec.name].setEnabled(enabled)

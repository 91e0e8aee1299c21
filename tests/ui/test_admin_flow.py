"""From an empty desk, through the UI only: the first admin (the welcome), then in the
Administration window two teams, three agents (one a supervisor) and a nested help
topic with a default team, each by the keyboard; screenshots of each step.

Then each of them signs in at that computer in turn (File › Sign out between them) and
finds what their role lets them do, and nothing more."""

from __future__ import annotations

import argparse

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from desk.app import Paths
from desk.domain.model import Role
from desk.gui import DATABASE_SETTING, DeskApp, _acting_agent
from desk.services import queries
from desk.services.database import open_database
from desk.ui.common.error_report import ErrorReporter
from desk.ui.common.style import ThemeChooser
from desk.ui.common.tasks import TaskRunner

from .admin_steps import CTRL, SHIFT, go_to, open_administration, shot, wait_closed, wait_dialog
from .helpers import wait_idle
from .test_dialog_keys import focused, press, type_text
from .test_welcome_keys import SIGN_IN, WELCOME, fill_in_welcome, when_modal


def _add_team(qtbot, admin, page, name: str) -> None:
    page.tree.setFocus()
    press(Qt.Key.Key_N, CTRL)
    dialog = wait_dialog(qtbot, page)
    assert focused() is dialog.field("name")
    type_text(name)
    press(Qt.Key.Key_Tab)
    type_text(f"The {name} queue.")
    press(Qt.Key.Key_Return, CTRL)
    wait_closed(qtbot, page, admin)


def _add_agent(
    qtbot, admin, page, name: str, login: str, role_key: str, teams: list[int], shoot: str = ""
) -> None:
    page.tree.setFocus()
    press(Qt.Key.Key_N, CTRL)
    dialog = wait_dialog(qtbot, page)
    assert focused() is dialog.field("name")
    type_text(name)
    press(Qt.Key.Key_Tab)
    type_text(login)
    press(Qt.Key.Key_Tab)
    type_text(f"{login}@contoso.com")
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.field("role")
    if role_key:  # the combo finds the role by its first letter; Agent is the default
        type_text(role_key)
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.field("team")
    for row in range(max(teams, default=-1) + 1):
        press(Qt.Key.Key_Down) if row else press(Qt.Key.Key_Home)
        if row in teams:
            press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Tab)
    assert focused() is dialog.field("password")
    type_text("a long first password")
    if shoot:
        shot(dialog, shoot)
    press(Qt.Key.Key_Return)
    wait_closed(qtbot, page, admin)


def test_an_empty_desk_set_up_through_the_ui(qtbot, qapp, tmp_path, make_window):
    db = open_database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    try:
        seen = when_modal(qtbot, WELCOME, lambda dialog: fill_in_welcome(qtbot, dialog))
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        first = _acting_agent(
            db, argparse.Namespace(login=None, demo=False), settings, TaskRunner()
        )
        assert seen and first is not None and first.role == Role.ADMIN
        window = make_window(first.login, db)
        admin = open_administration(qtbot, window)

        teams = go_to(qtbot, admin, 2)
        _add_team(qtbot, admin, teams, "Service Desk")
        _add_team(qtbot, admin, teams, "Network")
        qtbot.waitUntil(lambda: teams.tree.topLevelItemCount() == 2)
        shot(admin, "flow-teams")

        agents = go_to(qtbot, admin, 1)
        # Teams are listed by name: Network (0), Service Desk (1).
        _add_agent(qtbot, admin, agents, "Sue Supervisor", "sue", "S", [1], "flow-add-agent")
        _add_agent(qtbot, admin, agents, "Sam Agent", "sam", "", [1])
        _add_agent(qtbot, admin, agents, "Nia Network", "nia", "", [0, 1])
        qtbot.waitUntil(lambda: agents.tree.topLevelItemCount() == 4)
        shot(admin, "flow-agents")

        topics = go_to(qtbot, admin, 3)
        topics.tree.setFocus()
        press(Qt.Key.Key_N, CTRL)
        dialog = wait_dialog(qtbot, topics)
        type_text("Network")
        press(Qt.Key.Key_Tab)
        press(Qt.Key.Key_Tab)  # under: the top
        assert focused() is dialog.field("team")
        type_text("N")  # Network
        press(Qt.Key.Key_Return)
        wait_closed(qtbot, topics, admin)
        qtbot.waitUntil(lambda: topics.tree.topLevelItemCount() == 1)
        topics.tree.setFocus()
        QTest.keyClick(topics.tree, Qt.Key.Key_Home)
        press(Qt.Key.Key_N, CTRL | SHIFT)  # under the chosen one
        dialog = wait_dialog(qtbot, topics)
        assert dialog.field("parent").currentText().strip() == "Network"
        assert dialog.field("team").currentText() == "Network"
        type_text("VPN")
        shot(dialog, "flow-add-subtopic")
        press(Qt.Key.Key_Return, CTRL)
        wait_closed(qtbot, topics, admin)
        qtbot.waitUntil(lambda: topics.tree.topLevelItem(0).childCount() == 1)
        shot(admin, "flow-topics")

        people = queries.directory(db)
        assert {(a.login, a.role) for a in people.agents} == {
            (first.login, Role.ADMIN),
            ("sue", Role.SUPERVISOR),
            ("sam", Role.AGENT),
            ("nia", Role.AGENT),
        }
        nia = next(a for a in people.agents if a.login == "nia")
        assert [t.name for t in people.teams_of(nia.id)] == ["Network", "Service Desk"]
        vpn = next(c for c in people.categories if c.name == "VPN")
        network = next(t for t in people.teams if t.name == "Network")
        assert vpn.display_name == "Network › VPN"
        parent = next(c for c in people.categories if c.id == vpn.parent_id)
        assert parent.default_team_id == network.id
        assert vpn.default_team_id == network.id  # a sub-topic starts with its parent's team
        # The main window heard it all: the admin's queue list has the two new teams.
        qtbot.waitUntil(
            lambda: (
                {"Service Desk", "Network"}
                <= {
                    window.queues.item(n).text().split("  ")[0]
                    for n in range(window.queues.count())
                }
            ),
            timeout=5000,
        )
        admin.close()
        window.close()
        _each_signs_in(qtbot, qapp, tmp_path, f"sqlite:///{tmp_path / 'new.sqlite3'}")
    finally:
        db.close()


#: What each role finds in the menus: administration, service levels, dashboard, reports.
ROLE_SEES = {
    "sam": (False, False, False, False),
    "nia": (False, False, False, False),
    "sue": (True, False, True, True),
    "pat": (True, True, True, True),
}


def _each_signs_in(qtbot, qapp, tmp_path, url: str) -> None:
    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    paths.create()
    settings = QSettings(str(paths.config / "desk.ini"), QSettings.Format.IniFormat)
    settings.setValue(DATABASE_SETTING, url)
    args = argparse.Namespace(db=None, demo=False, login=None, quit_after=None)
    desk = DeskApp(args, paths, settings, ThemeChooser(qapp, settings), ErrorReporter(None))
    passwords = {"pat": "short but longer"}
    try:
        previous = None
        for login, sees in ROLE_SEES.items():
            password = passwords.get(login, "a long first password")
            seen = when_modal(qtbot, SIGN_IN, _type_in(login, password, remembered=previous))
            if previous is None:
                assert desk.start()
            else:
                last = desk.window
                last.activateWindow()
                qtbot.waitUntil(last.isActiveWindow)
                press(Qt.Key.Key_L, CTRL | SHIFT)  # File › Sign out / switch agent…
                qtbot.waitUntil(lambda last=last: desk.window is not last, timeout=15_000)
            window = desk.window
            assert seen and window.session.agent.login == login
            wait_idle(qtbot, window)
            actions = (
                window.administration_action,
                window.service_levels_action,
                window.dashboard_action,
                window.reports_action,
            )
            assert tuple(a.isVisible() for a in actions) == sees, login
            assert window.claim_action.isVisible()  # everyone works tickets
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
            press(Qt.Key.Key_M, CTRL | SHIFT)  # Administration…, for those who have it
            if sees[0]:
                qtbot.waitUntil(lambda w=window: w.administration is not None)
                agents = window.administration.page("Agents")
                qtbot.waitUntil(lambda a=agents: a.directory is not None, timeout=10_000)
                # A supervisor reads the agents; only the admin adds one.
                assert agents.add_button.isVisible() == (login == "pat")
                window.administration.close()
            else:
                qtbot.wait(200)
                assert getattr(window, "administration", None) is None
            previous = login
    finally:
        if desk.window is not None:
            desk.window.close()
        desk.close()


def _type_in(login: str, password: str, *, remembered: str | None = None):
    def steps(dialog) -> None:
        if remembered is not None:
            assert dialog.login.text() == remembered and focused() is dialog.password
            press(Qt.Key.Key_Tab, SHIFT)
        assert focused() is dialog.login
        press(Qt.Key.Key_A, CTRL)
        type_text(login)
        press(Qt.Key.Key_Tab)
        type_text(password)
        press(Qt.Key.Key_Return)

    return steps

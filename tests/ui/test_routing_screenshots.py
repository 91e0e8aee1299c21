"""Screenshots of routing for people to look at: the rule list and the rule editor, a bad
pattern at its field, "try it", "replay", teams and hours, and the availability dialog
over the status bar. Saved to $DESK_SCREENSHOTS/routing (or a temporary folder)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desk.domain.model import Channel, Priority
from desk.domain.routing_rules import (
    AddNote,
    All,
    AnyOf,
    Assign,
    BusinessHours,
    ChannelIs,
    Pattern,
    Rule,
    SetPriority,
    SetTeam,
    Strategy,
    Topic,
    Words,
)
from desk.services import queries
from desk.services import routing_rules as rules
from desk.ui.admin.routing_page import RoutingRulesPage
from desk.ui.common.change_hub import ChangeHub
from desk.ui.common.style import apply_style
from desk.ui.shell.availability import AvailabilityDialog

from .helpers import session_for
from .test_screenshots import _distinct_colours

LEFT = Qt.MouseButton.LeftButton


def _save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def _some_rules(db) -> None:
    d = queries.directory(db)
    admin = next(a.id for a in d.agents if a.login == "admin")
    team = {t.name: t.id for t in d.teams}
    topic = {c.display_name: c.id for c in d.categories}
    network = next(i for n, i in topic.items() if n.startswith("Network"))
    chen = next(a.id for a in d.agents if a.login == "chen.wei")
    for rule in (
        Rule(
            "VPN to Network",
            AnyOf((Topic(frozenset({network})), Words(("vpn", "remote access")))),
            (SetTeam(team["Network"]), Assign(Strategy.LEAST_LOADED), AddNote("Check the tunnel.")),
        ),
        Rule(
            "Outages at night",
            All((Words(("outage", "down")), BusinessHours(False))),
            (SetPriority(Priority.URGENT), Assign(Strategy.AGENT, chen)),
            stop=False,
        ),
        Rule(
            "Printers",
            Pattern(r"print(er|ing)"),
            (SetTeam(team["Facilities"]), Assign(Strategy.ROUND_ROBIN)),
        ),
        Rule(
            "Chat and social to the Service Desk",
            ChannelIs(frozenset({Channel.CHAT, Channel.SOCIAL})),
            (SetTeam(team["Service Desk"]), Assign(Strategy.LEAST_LOADED_WEIGHTED)),
            enabled=False,
        ),
    ):
        rules.add_rule(db, admin, rule)


def test_routing_screenshots_show_something(qtbot, qapp, demo_db, make_window, tmp_path):
    apply_style(qapp)
    out = Path(os.environ.get("DESK_SCREENSHOTS", tmp_path)) / "routing"
    out.mkdir(parents=True, exist_ok=True)
    _some_rules(demo_db)
    hub = ChangeHub()
    hub.watch(demo_db)
    page = RoutingRulesPage(session_for(demo_db, "admin"), hub)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.loaded and page.model.rowCount() == 4, timeout=10_000)
    shots = [_save(page, out / "rule-list-and-editor.png")]

    # A bad pattern, at its field.
    QTest.mouseClick(
        page.list.viewport(),
        LEFT,
        Qt.KeyboardModifier.NoModifier,
        page.list.visualRect(page.model.index(2)).center(),
    )
    tree = page.editor.conditions
    tree.tree.setCurrentItem(tree.tree.topLevelItem(0).child(0))
    pattern = tree.pages["pattern"].edit
    QTest.mouseClick(pattern, LEFT)
    pattern.end(False)
    qtbot.keyClicks(pattern, "|scan(")
    shots.append(_save(page, out / "rule-editor-bad-pattern.png"))
    qtbot.keyClick(pattern, Qt.Key.Key_Backspace)

    page.tabs.setCurrentWidget(page.try_panel)
    panel = page.try_panel
    QTest.mouseClick(panel.subject, LEFT)
    qtbot.keyClicks(panel.subject, "VPN keeps dropping since this morning")
    qtbot.keyClick(panel.subject, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.tried.count() > 0, timeout=10_000)
    shots.append(_save(page, out / "try-it.png"))

    page.tabs.setCurrentWidget(page.replay_panel)
    page.replay_panel.days.setValue(365)
    QTest.mouseClick(page.replay_panel.replay_button, LEFT)
    qtbot.waitUntil(lambda: page.replay_panel.table.rowCount() > 3, timeout=15_000)
    shots.append(_save(page, out / "replay.png"))

    page.tabs.setCurrentWidget(page.teams_panel)
    shots.append(_save(page, out / "teams-and-hours.png"))
    hub.stop()
    page.ops.wait(5000)

    window = make_window("tom.becker")
    window.resize(1024, 700)
    QTest.mouseClick(window.availability.button, LEFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AvailabilityDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.keyClick(dialog.choice, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.choice, Qt.Key.Key_Down)
    shots.append(_save(dialog, out / "availability-dialog.png"))
    dialog.reject()
    shots.append(_save(window.statusBar(), out / "status-bar.png"))
    for shot in shots:
        assert _distinct_colours(shot) > 3, shot

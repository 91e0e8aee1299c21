"""Administration › Routing rules, driven by keys and the mouse: the rules reordered by
Alt+Up and by a drag, switched by Space, a bad pattern told at its field, "try it"
naming the rule that matches, replay, another admin's edit and the conflict it makes;
and the agent's availability from the status bar."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desk.domain.model import Availability, Priority
from desk.domain.routing_rules import Assign, Pattern, Rule, SetPriority, SetTeam, Strategy, Words
from desk.services import directory, queries, routing_setup
from desk.services import routing_rules as rules
from desk.ui.admin.routing_conflict import RuleConflictDialog
from desk.ui.admin.routing_page import RoutingRulesPage
from desk.ui.common.change_hub import ChangeHub
from desk.ui.shell.availability import AvailabilityDialog

from .helpers import session_for

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


def _admin(db) -> int:
    return next(a.id for a in queries.directory(db).agents if a.login == "admin")


def _team(db, name: str) -> int:
    return next(t.id for t in queries.directory(db).teams if t.name == name)


@pytest.fixture
def three_rules(demo_db):
    admin = _admin(demo_db)
    network = _team(demo_db, "Network")
    made = [
        rules.add_rule(
            demo_db, admin, Rule("VPN to Network", Words(("vpn",)), (SetTeam(network),))
        ),
        rules.add_rule(
            demo_db,
            admin,
            Rule("Urgent outages", Words(("outage",)), (SetPriority(Priority.URGENT),)),
        ),
        rules.add_rule(
            demo_db,
            admin,
            Rule("Printers", Pattern(r"print(er|ing)"), (Assign(Strategy.LEAST_LOADED),)),
        ),
    ]
    return [v.rule.id for v in made]


@pytest.fixture
def page(qtbot, qapp, demo_db):
    hub = ChangeHub()
    hub.watch(demo_db)
    page = RoutingRulesPage(session_for(demo_db, "admin"), hub)
    qtbot.addWidget(page)
    page.resize(1180, 760)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.loaded, timeout=10_000)
    yield page
    hub.stop()
    page.ops.wait(5000)


def _names(db) -> list[str]:
    return [v.rule.name for v in rules.list_rules(db)]


def _row_centre(page: RoutingRulesPage, row: int) -> QPoint:
    return page.list.visualRect(page.model.index(row)).center()


def test_alt_up_and_a_drag_reorder_the_rules(qtbot, page, demo_db, three_rules):
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    viewport = page.list.viewport()
    QTest.mouseClick(viewport, LEFT, Qt.KeyboardModifier.NoModifier, _row_centre(page, 2))
    assert page.list.currentIndex().row() == 2
    qtbot.keyClick(page.list, Qt.Key.Key_Up, ALT)
    qtbot.waitUntil(lambda: _names(demo_db) == ["VPN to Network", "Printers", "Urgent outages"])
    assert page.list.currentIndex().row() == 1  # the moved rule stays selected
    assert page.model.data(page.model.index(1)).startswith("2. Printers")

    # A drag: the first rule to the bottom.
    start, end = _row_centre(page, 0), _row_centre(page, 2) + QPoint(0, 4)
    QTest.mousePress(viewport, LEFT, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + (end - start) * step / 5)
    assert page.list.drop_row == 2
    QTest.mouseRelease(viewport, LEFT, Qt.KeyboardModifier.NoModifier, end)
    qtbot.waitUntil(lambda: _names(demo_db) == ["Printers", "Urgent outages", "VPN to Network"])
    assert [v.rule.name for v in page.model.rules] == _names(demo_db)


def test_space_switches_a_rule_off_and_on(qtbot, page, demo_db, three_rules):
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    page.list.setFocus()
    QTest.mouseClick(
        page.list.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, _row_centre(page, 1)
    )
    qtbot.keyClick(page.list, Qt.Key.Key_Space)

    def enabled() -> bool:
        return next(
            v for v in rules.list_rules(demo_db) if v.rule.id == three_rules[1]
        ).rule.enabled

    qtbot.waitUntil(lambda: not enabled())
    assert (
        page.model.data(page.model.index(1), Qt.ItemDataRole.CheckStateRole)
        == Qt.CheckState.Unchecked
    )
    qtbot.keyClick(page.list, Qt.Key.Key_Space)
    qtbot.waitUntil(enabled)


def test_a_bad_pattern_is_told_at_its_field_as_it_is_typed_and_on_saving(
    qtbot, page, demo_db, three_rules
):
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    QTest.mouseClick(
        page.list.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, _row_centre(page, 0)
    )
    editor = page.editor
    tree = editor.conditions
    QTest.mouseClick(tree.add_test, LEFT)
    assert tree.kind.hasFocus()
    qtbot.keyClicks(tree.kind, "Pat")  # the kind list, by its first letters
    assert tree.kind.currentData() == "pattern"
    pattern = tree.pages["pattern"].edit
    assert tree.stack.currentWidget() is tree.pages["pattern"]
    QTest.mouseClick(pattern, LEFT)
    qtbot.keyClicks(pattern, "vpn(")
    assert tree.error.isVisible()
    assert "at character 4" in tree.error.text()
    assert pattern.property("invalid") is True

    qtbot.keyClick(editor.name, Qt.Key.Key_S, CTRL)  # save: refused, nothing written
    assert tree.error.isVisible() and "at character 4" in tree.error.text()
    item = tree.tree.currentItem()
    assert tree.problem_of(item) and "at character 4" in tree.problem_of(item)
    assert rules.list_rules(demo_db)[0].version == 1

    qtbot.keyClick(pattern, Qt.Key.Key_Backspace)
    qtbot.keyClicks(pattern, "s?")
    assert not tree.error.isVisible()
    qtbot.keyClick(pattern, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: rules.list_rules(demo_db)[0].version == 2)
    saved = rules.list_rules(demo_db)[0]
    assert "matches “vpns?”" in saved.sentence


def test_try_it_names_the_rule_that_matches_and_what_would_happen(
    qtbot, page, demo_db, three_rules
):
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    page.tabs.setCurrentWidget(page.try_panel)
    panel = page.try_panel
    QTest.mouseClick(panel.subject, LEFT)
    qtbot.keyClicks(panel.subject, "Printer jams on floor 3")
    qtbot.keyClick(panel.subject, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.tried.count() == 3, timeout=10_000)
    lines = [panel.tried.item(n).text() for n in range(panel.tried.count())]
    assert lines[0].startswith("✗ VPN to Network")
    assert lines[2].startswith("✓ Printers: matches, subject matches “Printer”")
    assert panel.explanation.text().startswith("rule “Printers”: subject matches “Printer”")

    # An empty subject is told at the field.
    panel.subject.clear()
    QTest.mouseClick(panel.try_button, LEFT)
    qtbot.waitUntil(lambda: panel.fields["subject"][1].isVisible())


def test_try_it_uses_the_rule_as_edited_before_it_is_saved(qtbot, page, demo_db, three_rules):
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    QTest.mouseClick(
        page.list.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, _row_centre(page, 0)
    )
    values = page.editor.conditions.pages["words"].edit
    page.editor.conditions.tree.setCurrentItem(page.editor.conditions.tree.topLevelItem(0).child(0))
    QTest.mouseClick(values, LEFT)
    values.selectAll()
    qtbot.keyClicks(values, "tunnel")
    page.tabs.setCurrentWidget(page.try_panel)
    QTest.mouseClick(page.try_panel.subject, LEFT)
    qtbot.keyClicks(page.try_panel.subject, "The tunnel is down")
    qtbot.keyClick(page.try_panel.subject, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.try_panel.tried.count() > 0, timeout=10_000)
    assert page.try_panel.tried.item(0).text().startswith("✓ VPN to Network")


def test_replay_shows_where_tickets_would_have_gone_beside_where_they_went(
    qtbot, page, demo_db, three_rules
):
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    page.tabs.setCurrentWidget(page.replay_panel)
    page.replay_panel.days.setValue(365)
    QTest.mouseClick(page.replay_panel.replay_button, LEFT)
    table = page.replay_panel.table
    qtbot.waitUntil(lambda: table.rowCount() > 3, timeout=15_000)
    names = [table.item(n, 0).text() for n in range(table.rowCount())]
    assert "Teams" in names and "Agents" in names and "Network" in names
    assert "tickets:" in page.replay_panel.summary.text()


def test_another_admins_edit_shows_and_saving_over_it_asks(qtbot, page, demo_db, three_rules):
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    admin = _admin(demo_db)
    rules.add_rule(demo_db, admin, Rule("Added elsewhere", then=(SetPriority(Priority.LOW),)))
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=5000)

    QTest.mouseClick(
        page.list.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, _row_centre(page, 0)
    )
    QTest.mouseClick(page.editor.name, LEFT)
    qtbot.keyClicks(page.editor.name, " (mine)")
    first = rules.list_rules(demo_db)[0]
    rules.update_rule(
        demo_db, admin, first.rule.id, Rule("Theirs", first.rule.when, first.rule.then), 1
    )
    qtbot.waitUntil(page.editor.note_about_others.isVisible, timeout=5000)
    assert page.editor.name.text() == "VPN to Network (mine)"  # the typing is kept

    qtbot.keyClick(page.editor.name, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RuleConflictDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Reload the rule
    qtbot.waitUntil(lambda: page.editor.name.text() == "Theirs", timeout=5000)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert _names(demo_db)[0] == "Theirs"


def test_a_team_assigns_automatically_from_the_teams_tab(qtbot, page, demo_db):
    network = _team(demo_db, "Network")
    page.tabs.setCurrentWidget(page.teams_panel)
    box = page.teams_panel.team_boxes[network]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # round-robin

    def strategy() -> Strategy | None:
        teams = routing_setup.routing_setup(demo_db).teams
        return next(t.strategy for t in teams if t.team_id == network)

    qtbot.waitUntil(lambda: strategy() == Strategy.ROUND_ROBIN)


def test_an_agent_goes_away_until_a_date_from_the_status_bar(qtbot, make_window, demo_db):
    window = make_window("tom.becker")
    button = window.availability.button
    assert button.text() == "● Available"
    QTest.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AvailabilityDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.focusWidget() is dialog.choice
    qtbot.keyClick(dialog.choice, Qt.Key.Key_Down)  # Away
    qtbot.keyClick(dialog.choice, Qt.Key.Key_Down)  # Away until a date
    assert dialog.until.isVisible()
    qtbot.keyClick(dialog.choice, Qt.Key.Key_Return, CTRL)
    tom = lambda: next(a for a in queries.directory(demo_db).agents if a.login == "tom.becker")  # noqa: E731
    qtbot.waitUntil(lambda: tom().away_until is not None, timeout=5000)
    assert tom().availability == Availability.AWAY and tom().away_until > datetime.now(UTC)
    qtbot.waitUntil(lambda: button.text().startswith("● Away until "), timeout=5000)

    # Set from elsewhere (another of Tom's windows): this one follows.
    directory.set_availability(demo_db, tom().id, Availability.OFF_SHIFT)
    qtbot.waitUntil(lambda: button.text() == "● Off shift", timeout=5000)


def test_the_thread_words_a_routed_ticket_at_display_time_through_tr(demo_db, monkeypatch):
    from desk.services.intake import IntakeRequest, log_ticket
    from desk.ui.ticket import thread_view

    admin = _admin(demo_db)
    network = _team(demo_db, "Network")
    rules.add_rule(
        demo_db,
        admin,
        Rule("VPN to Network", Words(("vpn",)), (SetTeam(network), Assign(Strategy.LEAST_LOADED))),
    )
    customer = queries.lookup_callers(demo_db, "a")[0].customer.id
    ticket = log_ticket(demo_db, admin, IntakeRequest(subject="VPN down", customer_id=customer))
    routed = next(e for e in queries.get_ticket(demo_db, ticket.id).thread if e.event == "routed")
    english = thread_view.event_text(routed)
    assert english == "routed the ticket: " + routed.data["explanation"]

    real_tr = thread_view.tr
    said = {
        "rule “{name}”: {because}": "Regel „{name}“: {because}",
        "“{value}” in the subject": "„{value}“ im Betreff",
    }

    def german(text: str, context: str = "Desk") -> str:
        return said.get(text, text) if context == "Routing" else real_tr(text, context)

    monkeypatch.setattr(thread_view, "tr", german)
    assert thread_view.event_text(routed).startswith(
        "routed the ticket: Regel „VPN to Network“: „vpn“ im Betreff → Network"
    )
    # An entry from before keeps the English it stored.
    old = dataclasses.replace(routed, data={"explanation": "rule “Old”: x"})
    assert thread_view.event_text(old) == "routed the ticket: rule “Old”: x"


def test_a_supervisor_sees_who_is_away_or_off_shift_in_the_assign_dialog(qtbot, window, demo_db):
    from .helpers import first_ticket, open_ticket

    people = {a.login: a for a in queries.directory(demo_db).agents}
    back = datetime.now(UTC) + timedelta(days=3)
    directory.set_availability(demo_db, people["priya.shah"].id, Availability.AWAY, back)
    directory.set_availability(demo_db, people["tom.becker"].id, Availability.OFF_SHIFT)
    qtbot.waitUntil(
        lambda: (
            window.session.directory.agents != ()
            and any(
                a.login == "tom.becker" and a.availability == Availability.OFF_SHIFT
                for a in window.session.directory.agents
            )
        ),
        timeout=5000,
    )
    open_ticket(qtbot, window, first_ticket(demo_db, active=True))
    qtbot.keyClick(window, Qt.Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.ticket_actions.dialog is not None)
    agents = window.ticket_actions.dialog.field("assignee")
    names = [agents.itemText(n) for n in range(agents.count())]
    assert "Tom Becker — Off shift" in names
    assert any(n.startswith("Priya Shah — Away until ") for n in names)
    assert "Kwame Mensah — Available" in names
    window.ticket_actions.dialog.reject()


def test_administration_routing_rules_opens_its_page_for_admins_only(qtbot, make_window):
    agent = make_window("tom.becker")
    assert not agent.routing_rules_action.isVisible()
    titles = [a.text() for a in agent.menuBar().actions() if a.isVisible()]
    assert "&Administration" not in titles
    admin = make_window("admin")
    assert "&Administration" in [a.text() for a in admin.menuBar().actions() if a.isVisible()]
    admin.routing_rules_action.trigger()
    shown = admin.administration
    assert shown is not None and shown.isVisible()
    page = shown.page("Routing rules")
    assert shown.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.loaded, timeout=10_000)
    admin.routing_rules_action.trigger()  # again: the same window, raised
    assert admin.administration is shown
    shown.close()

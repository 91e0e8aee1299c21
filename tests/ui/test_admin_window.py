"""The Administration window with real keys and clicks: moving between pages, field
errors, the conflict dialog, deactivation and what it does to assignment, a team rename
reaching the queue, the topic tree refusing a loop, a supervisor's read-only view, the
audit log's filters, the ticket prefix, and another Desk's change showing at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from desk.domain.model import Role
from desk.domain.queues import SortKey
from desk.domain.ticket import set_number_prefix
from desk.services import administration, directory, queries
from desk.services.database import open_database
from desk.ui.admin.admin_page import ID_ROLE
from desk.ui.admin.conflict import AdminConflictDialog
from desk.ui.queues.queue_model import COLUMN

from .admin_steps import (
    CTRL,
    field_error,
    go_to,
    open_administration,
    row_texts,
    shot,
    wait_closed,
    wait_dialog,
)
from .helpers import wait_idle
from .test_dialog_keys import focused, press, type_text

POPUP = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")


def _select(qtbot, page, text: str) -> None:
    """Find the row by typing in the find box, then take the keys into the list."""
    page.search.setFocus()
    page.search.selectAll()
    type_text(text)
    press(Qt.Key.Key_Return)  # into the list, on the first row found
    qtbot.waitUntil(lambda: page.tree.currentItem() is not None)
    assert text.casefold() in page.tree.currentItem().text(0).casefold()


def _agent(db, login: str):
    return next(a for a in queries.directory(db).agents if a.login == login)


def test_pages_move_by_keys_and_every_page_is_there_for_an_admin(qtbot, make_window):
    window = make_window("admin")
    admin = open_administration(qtbot, window)
    titles = [admin.page_list.item(n).text() for n in range(admin.page_list.count())]
    assert titles == [
        "Agents",
        "Teams",
        "Help topics",
        "Desk settings",
        "Business hours",
        "SLA plans",
        "Auto-close",
        "Routing rules",
        "Audit log",
    ]
    press(Qt.Key.Key_PageDown, CTRL)
    assert admin.page_list.currentRow() == 1
    press(Qt.Key.Key_PageUp, CTRL)
    press(Qt.Key.Key_PageUp, CTRL)  # wraps round to the last
    assert admin.page_list.currentRow() == len(titles) - 1
    go_to(qtbot, admin, 3)
    assert focused() is admin.stack.currentWidget().tree  # the keys are in its tree
    for number, name in ((1, "agents"), (2, "teams"), (3, "topics"), (4, "settings"), (9, "audit")):
        go_to(qtbot, admin, number)
        wait_idle(qtbot, window)
        qtbot.wait(200)
        shot(admin, f"page-{number}-{name}")
    # Clicking a page in the list works as well.
    item = admin.page_list.item(1)
    QTest.mouseClick(
        admin.page_list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=admin.page_list.visualItemRect(item).center(),
    )
    assert admin.page_list.currentRow() == 1


def test_a_bad_login_shows_at_its_field_and_the_agent_is_added_once_it_is_fixed(
    qtbot, make_window, demo_db
):
    window = make_window("admin")
    admin = open_administration(qtbot, window)
    page = go_to(qtbot, admin, 1)
    press(Qt.Key.Key_N, CTRL)
    dialog = wait_dialog(qtbot, page)
    type_text("Rita Reyes")
    press(Qt.Key.Key_Tab)
    type_text("Rita Reyes")  # a space is not allowed in a login
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: field_error(dialog, "login") != "", timeout=10_000)
    assert "lower-case letters" in field_error(dialog, "login")
    assert dialog.isVisible() and focused() is dialog.field("login")
    shot(dialog, "dialog-add-agent-error")
    dialog.field("login").selectAll()
    type_text("rita")
    assert field_error(dialog, "login") == ""
    press(Qt.Key.Key_Return)
    wait_closed(qtbot, page, admin)
    qtbot.waitUntil(lambda: "Rita Reyes" in row_texts(page.tree), timeout=5000)
    assert _agent(demo_db, "rita").role == Role.AGENT


def _conflict_over_priya(qtbot, window, demo_db):
    """The admin edits Priya (Enter on her row) while another admin renames her, types a
    new email and presses Enter: the conflict dialog, in front."""
    other_admin = directory.create_agent(
        demo_db, _agent(demo_db, "admin").id, "ben", "Ben Admin", role=Role.ADMIN
    )
    admin = open_administration(qtbot, window)
    page = go_to(qtbot, admin, 1)
    _select(qtbot, page, "Priya")
    press(Qt.Key.Key_Return)  # Enter on an agent: edit
    dialog = wait_dialog(qtbot, page)
    # Meanwhile the other admin renames her.
    priya = _agent(demo_db, "priya.shah")
    administration.update_agent(
        demo_db,
        other_admin.id,
        priya.id,
        priya.version,
        name="Priya Shah-Khan",
        email=priya.email,
        role=priya.role,
        team_ids=[t.id for t in queries.directory(demo_db).teams_of(priya.id)],
    )
    dialog.field("email").setFocus()
    dialog.field("email").selectAll()
    type_text("priya@example.com")
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.conflict_dialog is not None, timeout=10_000)
    conflict = page.conflict_dialog
    assert isinstance(conflict, AdminConflictDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is conflict)
    return admin, page, dialog, conflict, priya


def test_two_admins_editing_one_agent_the_second_sees_who_changed_what(qtbot, make_window, demo_db):
    window = make_window("admin")
    admin, page, dialog, conflict, priya = _conflict_over_priya(qtbot, window, demo_db)
    changes = conflict.findChild(QLabel, "conflictChanges").text()
    assert "Ben Admin" in changes and "Priya" in changes
    shot(conflict, "dialog-conflict")
    QTest.mouseClick(conflict.keep_button, Qt.MouseButton.LeftButton)  # keep my edits
    qtbot.waitUntil(lambda: page.conflict_dialog is None)
    qtbot.waitUntil(lambda: dialog.property("version") == priya.version + 1, timeout=5000)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.field("email").setFocus()
    press(Qt.Key.Key_Return)  # saved over theirs, deliberately
    wait_closed(qtbot, page, admin)
    saved = _agent(demo_db, "priya.shah")
    assert saved.email == "priya@example.com" and saved.name == "Priya Shah"  # the typed name


def test_reload_after_a_conflict_reopens_the_form_on_the_other_admins_version(
    qtbot, make_window, demo_db
):
    window = make_window("admin")
    admin, page, first, conflict, priya = _conflict_over_priya(qtbot, window, demo_db)
    QTest.mouseClick(conflict.reload_button, Qt.MouseButton.LeftButton)
    # The form opens again on her as the other admin left her, nothing of the first kept.
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog is not first, timeout=5000)
    again = wait_dialog(qtbot, page)
    assert again.field("name").text() == "Priya Shah-Khan"
    assert again.field("email").text() == (priya.email or "")
    assert again.property("version") == priya.version + 1
    press(Qt.Key.Key_Escape)
    wait_closed(qtbot, page, admin)
    assert _agent(demo_db, "priya.shah").email == priya.email  # nothing of the first saved


def test_deactivating_an_agent_offers_their_open_tickets_back_and_hides_them_from_assign(
    qtbot, make_window, demo_db
):
    me = _agent(demo_db, "admin")
    counts = administration.admin_directory(demo_db, me.id).open_by_agent
    login = next(a.login for a in queries.directory(demo_db).agents if counts.get(a.id))
    agent = _agent(demo_db, login)
    window = make_window("admin")
    admin = open_administration(qtbot, window)
    page = go_to(qtbot, admin, 1)
    _select(qtbot, page, agent.name)
    QTest.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, page)
    assert f"{counts[agent.id]} open tickets" in dialog.findChild(QLabel, "dialogIntro").text()
    shot(dialog, "dialog-deactivate-agent")
    press(Qt.Key.Key_Return)
    wait_closed(qtbot, page, admin)
    qtbot.waitUntil(lambda: not _agent(demo_db, login).active)
    qtbot.waitUntil(lambda: page.active_button.text() == "Reactivate…", timeout=5000)
    assert page.release_button.isVisible()
    shot(admin, "page-agents-deactivated")
    QTest.mouseClick(page.release_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: administration.admin_directory(demo_db, me.id).open_by_agent.get(agent.id, 0) == 0,
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: not page.release_button.isVisible(), timeout=5000)
    # The Assign dialog of the main window no longer offers them.
    qtbot.waitUntil(
        lambda: not next(a for a in window.session.directory.agents if a.id == agent.id).active,
        timeout=5000,
    )
    assign = window.ticket_actions.assign([1])
    box = assign.field("assignee")
    offered = {box.itemData(n) for n in range(box.count())}
    assign.reject()
    assert agent.id not in offered and offered


@pytest.mark.parametrize(("number", "name"), [(2, "Facilities"), (3, "Printer")])
def test_a_team_or_topic_is_deactivated_and_reactivated_after_asking(
    qtbot, make_window, demo_db, number, name
):
    me = _agent(demo_db, "admin").id

    def active() -> bool:
        d = administration.admin_directory(demo_db, me)
        return next(r for r in (*d.teams, *d.topics) if r.name == name).active

    window = make_window("admin")
    admin = open_administration(qtbot, window)
    page = go_to(qtbot, admin, number)
    _select(qtbot, page, name)
    for verb, done, now_active in (
        ("Deactivate", "Deactivated", False),
        ("Reactivate", "Reactivated", True),
    ):
        qtbot.waitUntil(lambda verb=verb: page.active_button.text() == f"{verb}…", timeout=5000)
        QTest.mouseClick(page.active_button, Qt.MouseButton.LeftButton)
        dialog = wait_dialog(qtbot, page)
        assert dialog.windowTitle() == f"{verb} {name}?"
        press(Qt.Key.Key_Return)
        wait_closed(qtbot, page, admin)
        qtbot.waitUntil(lambda now_active=now_active: active() is now_active, timeout=5000)
        assert admin.statusBar().currentMessage() == f"{done} {name}."


def test_a_team_rename_reaches_the_queue_and_the_audit_log(qtbot, make_window, demo_db):
    window = make_window("admin")
    admin = open_administration(qtbot, window)
    page = go_to(qtbot, admin, 2)
    _select(qtbot, page, "Network")
    press(Qt.Key.Key_E, CTRL)
    dialog = wait_dialog(qtbot, page)
    assert focused() is dialog.field("name")
    dialog.field("name").selectAll()
    type_text("Networking")
    shot(dialog, "dialog-rename-team")
    press(Qt.Key.Key_Return)
    wait_closed(qtbot, page, admin)
    team = next(t for t in queries.directory(demo_db).teams if t.name == "Networking")
    qtbot.waitUntil(lambda: _stale(demo_db, team.id) == 0, timeout=10_000)
    qtbot.waitUntil(lambda: "Networking" in row_texts(page.tree), timeout=5000)
    audit = go_to(qtbot, admin, 9)
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(
        lambda: "Renamed the team Network to Networking" in audit.model.entries[0].summary,
        timeout=5000,
    )
    audit.text.setFocus()
    type_text("networking")
    qtbot.waitUntil(
        lambda: (
            audit.model.rowCount() >= 1
            and all(
                "Networking" in e.summary or "Networking" in str(e.after)
                for e in audit.model.entries
            )
        ),
        timeout=5000,
    )
    assert "Before:" in audit.detail.toPlainText() and '"Network"' in audit.detail.toPlainText()
    shot(admin, "page-audit-filtered")
    audit.since.setFocus()
    type_text("yesterday")
    qtbot.waitUntil(lambda: audit.problem.isVisible(), timeout=3000)
    assert "YYYY-MM-DD" in audit.problem.text()


def _stale(db, team_id: int) -> int:
    with db.read() as uow:
        return uow.teams.stale_ticket_names(team_id)


def test_moving_a_topic_inside_itself_is_refused_at_the_parent_field(qtbot, make_window, demo_db):
    window = make_window("admin")
    admin = open_administration(qtbot, window)
    page = go_to(qtbot, admin, 3)
    _select(qtbot, page, "Hardware")
    press(Qt.Key.Key_E, CTRL)
    dialog = wait_dialog(qtbot, page)
    parent = dialog.field("parent")
    parent.setFocus()
    index = next(n for n in range(parent.count()) if parent.itemText(n).strip() == "Printer")
    parent.setCurrentIndex(index)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: field_error(dialog, "parent") != "", timeout=10_000)
    assert "loop" in field_error(dialog, "parent") and "Hardware" in field_error(dialog, "parent")
    shot(dialog, "dialog-topic-loop")
    dialog.reject()
    wait_closed(qtbot, page, admin)
    # Alt+Down moves a topic down among its siblings.
    _select(qtbot, page, "Laptop")
    before = row_texts(page.tree, hidden_too=True)
    press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: row_texts(page.tree, hidden_too=True) != before, timeout=5000)
    after = row_texts(page.tree, hidden_too=True)
    assert after.index("Laptop") == before.index("Laptop") + 1


def test_a_supervisor_sees_the_lists_read_only_and_changes_team_members(
    qtbot, make_window, demo_db
):
    supervisor = next(a for a in queries.directory(demo_db).agents if a.role == Role.SUPERVISOR)
    window = make_window(supervisor.login)
    assert window.administration_action.isVisible()
    admin = open_administration(qtbot, window)
    titles = [admin.page_list.item(n).text() for n in range(admin.page_list.count())]
    assert "Audit log" not in titles
    agents = admin.stack.widget(0)
    assert not agents.add_button.isVisible() and not agents.edit_button.isVisible()
    page = go_to(qtbot, admin, 2)
    assert not page.add_button.isVisible() and page.members_button.isVisible()
    shot(admin, "page-teams-supervisor")
    _select(qtbot, page, "Facilities")
    press(Qt.Key.Key_M, CTRL)
    dialog = wait_dialog(qtbot, page)
    box = dialog.field("members")
    box.setFocus()
    row = next(n for n in range(box.count()) if box.item(n).checkState() == Qt.CheckState.Unchecked)
    box.setCurrentRow(row)
    press(Qt.Key.Key_Space)
    assert box.item(row).checkState() == Qt.CheckState.Checked
    added = box.item(row).data(Qt.ItemDataRole.UserRole)
    shot(dialog, "dialog-members")
    press(Qt.Key.Key_Return, CTRL)
    wait_closed(qtbot, page, admin)
    team_id = page.current_id()
    qtbot.waitUntil(lambda: added in {a.id for a in queries.directory(demo_db).members_of(team_id)})


def test_an_agent_has_no_administration(qtbot, make_window, demo_db):
    agent = next(a for a in queries.directory(demo_db).agents if a.role == Role.AGENT)
    window = make_window(agent.login)
    assert not window.administration_action.isVisible()
    assert "Administration…" not in [
        a.text() for a in window.menuBar().actions()[0].menu().actions() if a.isVisible()
    ]


@POPUP
def test_the_ticket_prefix_changes_every_number_shown(qtbot, make_window, demo_db):
    window = make_window("admin")
    admin = open_administration(qtbot, window)
    page = go_to(qtbot, admin, 4)
    qtbot.waitUntil(lambda: page.current is not None)
    try:
        page.change_button.setFocus()
        press(Qt.Key.Key_E, CTRL)
        qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
        dialog = page.dialog
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        dialog.prefix.setFocus()
        dialog.prefix.selectAll()
        type_text("9")
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: field_error(dialog, "ticket_prefix") != "", timeout=5000)
        shot(dialog, "dialog-settings-error")
        dialog.prefix.selectAll()
        type_text("IT-")
        dialog.desk_name.setFocus()
        dialog.desk_name.selectAll()
        type_text("Contoso IT")
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: page.dialog is None, timeout=5000)
        qtbot.waitUntil(lambda: page.prefix.text().startswith("IT-000123"), timeout=5000)
        assert page.desk_name.text() == "Contoso IT"
        model = window.queue_model
        # The main window's find box takes the number as the desk now writes it.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        press(Qt.Key.Key_F, CTRL)
        type_text("IT-000001")
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: (
                model.rowCount() > 0
                and str(model.index(0, COLUMN[SortKey.NUMBER]).data()).startswith("IT-")
            ),
            timeout=5000,
        )
        shot(admin, "page-settings-changed")
    finally:
        set_number_prefix("HD-")


def test_another_desks_change_shows_at_once(qtbot, make_window, demo_db):
    window = make_window("admin")
    admin = open_administration(qtbot, window)
    page = go_to(qtbot, admin, 2)
    other = open_database(str(demo_db.url))  # another workstation on the same desk
    try:
        directory.create_team(other, _agent(other, "admin").id, "Night Shift")
    finally:
        other.close()
    qtbot.waitUntil(lambda: "Night Shift" in row_texts(page.tree), timeout=5000)
    ids = [page.tree.topLevelItem(n).data(0, ID_ROLE) for n in range(page.tree.topLevelItemCount())]
    assert len(ids) == len(set(ids))

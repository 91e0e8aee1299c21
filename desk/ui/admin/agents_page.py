"""Administration › Agents: add, edit (name, email, role, teams), deactivate and
reactivate; never delete (their name stays on every ticket and event). A deactivated
agent's open tickets are counted here, with one button to give them back to their
teams' queues for reassignment."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QPushButton

from desk.domain.model import Agent, Role
from desk.services import administration
from desk.services import directory as people
from desk.services.administration import AdminDirectory

from ..common import labels
from ..common.dialogs import FormDialog, combo
from ..common.labels import tr
from . import agent_credentials as credentials
from .admin_page import AdminContext, AdminPage


def team_checklist(directory: AdminDirectory, checked: set[int]) -> QListWidget:
    """The active teams (and any the agent is in already), each with a check box."""
    box = QListWidget(objectName="teamChecklist")
    for team in directory.teams:
        if not team.active and team.id not in checked:
            continue
        item = QListWidgetItem(
            team.name if team.active else tr("{name} (deactivated)").format(name=team.name)
        )
        item.setData(Qt.ItemDataRole.UserRole, team.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if team.id in checked else Qt.CheckState.Unchecked)
        box.addItem(item)
    box.setMaximumHeight(min(160, 24 * max(2, box.count()) + 6))
    return box


def checked_ids(box: QListWidget) -> list[int]:
    return [
        box.item(n).data(Qt.ItemDataRole.UserRole)
        for n in range(box.count())
        if box.item(n).checkState() == Qt.CheckState.Checked
    ]


def _roles(current: Role = Role.AGENT) -> Any:
    return combo([(labels.role_label(r), r) for r in Role], current)


class AgentsPage(AdminPage):
    def __init__(self, context: AdminContext) -> None:
        super().__init__(
            context,
            [tr("Name"), tr("Login"), tr("Role"), tr("Teams"), tr("Open"), tr("Status")],
            "agentsPage",
        )
        self.add_button = self.button(tr("Add agent…"), self.add, "Ctrl+N", "addAgent")
        self.edit_button = self.button(tr("Edit…"), self.edit, "Ctrl+E", "editAgent")
        self.active_button = self.button(tr("Deactivate…"), self.toggle_active, "", "agentActive")
        # The account's sign-in: a new password (changed at the next sign-in), a lock
        # lifted, every "Keep me signed in" ended.
        self.reset_button = self.button(
            tr("Reset password…"), self.reset_password, "", "resetPassword"
        )
        self.unlock_button = self.button(tr("Unlock"), self.unlock, "", "unlockAgent")
        self.revoke_button = self.button(
            tr("End kept sign-ins…"), self.revoke_kept_sign_ins, "", "revokeSignIns"
        )
        self.account_buttons = (self.reset_button, self.unlock_button, self.revoke_button)
        self.toolbar.addStretch(1)
        self.release_button = QPushButton(objectName="releaseTickets")
        self.release_button.clicked.connect(lambda _c=False: self.release())
        self.release_button.hide()
        self.side.insertWidget(1, self.release_button)

    # --- showing -------------------------------------------------------------------------

    def fill(self, directory: AdminDirectory) -> None:
        rows = []
        for agent in directory.agents:
            assert agent.id is not None
            rows.append(
                (
                    agent.id,
                    [
                        agent.name,
                        agent.login,
                        labels.role_label(agent.role),
                        ", ".join(t.name for t in directory.teams_of(agent.id)),
                        str(directory.open_by_agent.get(agent.id, 0)),
                        tr("Active") if agent.active else tr("Deactivated"),
                    ],
                    None,
                    agent.active,
                )
            )
        self.refill(rows)

    def agent(self, agent_id: int | None = None) -> Agent | None:
        wanted = self.current_id() if agent_id is None else agent_id
        directory = self.directory
        if directory is None or wanted is None:
            return None
        return next((a for a in directory.agents if a.id == wanted), None)

    def record(self, directory: Any, record_id: int | None) -> Any:
        return next((a for a in directory.agents if a.id == record_id), None)

    def show_details(self, item_id: int | None) -> None:
        self.clear_details()
        self.release_button.hide()
        agent, directory = self.agent(item_id), self.directory
        if agent is None or directory is None or agent.id is None:
            return
        self.detail(tr("Name"), agent.name, "agentName")
        self.detail(tr("Login"), agent.login)
        self.detail(tr("Email"), agent.email or tr("(none)"))
        self.detail(tr("Role"), labels.role_label(agent.role))
        teams = ", ".join(t.name for t in directory.teams_of(agent.id)) or tr("(no team)")
        self.detail(tr("Teams"), teams)
        self.detail(tr("Status"), tr("Active") if agent.active else tr("Deactivated"))
        open_count = directory.open_by_agent.get(agent.id, 0)
        self.detail(tr("Open tickets"), f"{open_count:,}", "agentOpenTickets")
        if open_count and self.context.session.supervises:
            self.release_button.setText(
                tr("Release their open tickets ({count})").format(count=f"{open_count:,}")
            )
            self.release_button.setToolTip(
                tr("Give them back to their teams' queues, for someone else to take")
            )
            self.release_button.show()
        if not agent.active:
            self.detail(
                "",
                tr("{name} cannot be assigned work. Their history stays on every ticket.").format(
                    name=agent.name
                ),
            )

    def update_buttons(self) -> None:
        directory, agent = self.directory, self.agent()
        manage = directory is not None and directory.may_manage
        for button in (
            self.add_button,
            self.edit_button,
            self.active_button,
            *self.account_buttons,
        ):
            button.setVisible(manage)
        self.edit_button.setEnabled(agent is not None)
        self.active_button.setEnabled(agent is not None and agent.id != self.context.me)
        self.active_button.setText(
            tr("Reactivate…") if agent is not None and not agent.active else tr("Deactivate…")
        )
        for button in self.account_buttons:
            button.setEnabled(agent is not None)

    def activate(self) -> None:
        if self.edit_button.isVisible():
            self.edit()

    # --- changing ------------------------------------------------------------------------

    def add(self) -> FormDialog | None:
        directory = self.directory
        if directory is None:
            return None
        dialog = FormDialog(
            tr("Add an agent"),
            tr("They sign in with the login; the password can be changed later."),
            tr("Add agent"),
            self,
        )
        dialog.setObjectName("agentDialog")
        dialog.add_field("name", tr("Name"), QLineEdit(objectName="agentNameField"))
        dialog.add_field("login", tr("Login"), QLineEdit(objectName="agentLoginField"))
        dialog.add_field("email", tr("Email"), QLineEdit())
        dialog.add_field("role", tr("Role"), _roles())
        teams = dialog.add_field("team", tr("Teams"), team_checklist(directory, set()))
        password = QLineEdit(objectName="agentPasswordField")
        password.setEchoMode(QLineEdit.EchoMode.Password)
        dialog.add_field("password", tr("First password"), password)
        db, me = self.context.db, self.context.me

        def work(values: dict[str, Any]) -> Any:
            team_ids = checked_ids(teams)  # type: ignore[arg-type]
            return lambda: directory_create(db, me, values, team_ids)

        return self.open_form(
            dialog,
            work,
            lambda agent: self.say(tr("Added {name}.").format(name=agent.name)),
        )

    def edit(self) -> FormDialog | None:
        agent, directory = self.agent(), self.directory
        if agent is None or directory is None or agent.id is None:
            return None
        agent_id = agent.id
        dialog = FormDialog(
            tr("Edit {name}").format(name=agent.name),
            tr("Their login ({login}) stays; everything else can change.").format(
                login=agent.login
            ),
            tr("Save"),
            self,
        )
        dialog.setObjectName("agentDialog")
        name = QLineEdit(agent.name, objectName="agentNameField")
        dialog.add_field("name", tr("Name"), name)
        dialog.add_field("email", tr("Email"), QLineEdit(agent.email or ""))
        dialog.add_field("role", tr("Role"), _roles(agent.role))
        member_of = {t.id for t in directory.teams_of(agent_id) if t.id is not None}
        teams = dialog.add_field("teams", tr("Teams"), team_checklist(directory, member_of))
        db, me = self.context.db, self.context.me

        def work(values: dict[str, Any], version: int) -> Any:
            team_ids = checked_ids(teams)  # type: ignore[arg-type]
            renamed = values["name"].strip() != agent.name

            def save() -> Agent:
                saved = administration.update_agent(
                    db,
                    me,
                    agent_id,
                    version,
                    name=values["name"],
                    email=values["email"] or None,
                    role=values["role"],
                    team_ids=team_ids,
                )
                if renamed:  # their name on their tickets, in short batches
                    administration.spread_agent_name(db, agent_id)
                return saved

            return save

        return self.open_versioned(
            dialog,
            (agent_id, agent.version),
            work,
            lambda saved: self.say(tr("Saved {name}.").format(name=saved.name)),
            again=self.edit,
        )

    def toggle_active(self) -> FormDialog | None:
        agent, directory = self.agent(), self.directory
        if agent is None or directory is None or agent.id is None:
            return None
        agent_id, active = agent.id, not agent.active
        open_count = directory.open_by_agent.get(agent_id, 0)
        if active:
            intro = tr("{name} can be assigned work again.").format(name=agent.name)
        else:
            intro = tr(
                "{name} will not be offered for assignment, and routing skips them. Nothing "
                "is deleted: their history stays. They have {count} open tickets, which "
                "you can then give back to their teams' queues."
            ).format(name=agent.name, count=f"{open_count:,}")
        db, me = self.context.db, self.context.me
        return self.confirm_active(
            agent,
            intro,
            lambda at, on: administration.set_agent_active(db, me, agent_id, at, on),
            "agentActiveDialog",
        )

    def reset_password(self) -> None:
        agent = self.agent()
        if agent is not None:
            credentials.reset_password(
                self.context.session, self.context.ops.runner, agent, self, self.message.emit
            )

    def unlock(self) -> None:
        agent = self.agent()
        if agent is not None:
            credentials.unlock(
                self.context.session, self.context.ops.runner, agent, self.message.emit
            )

    def revoke_kept_sign_ins(self) -> None:
        agent = self.agent()
        if agent is not None:
            credentials.revoke_kept_sign_ins(
                self.context.session, self.context.ops.runner, agent, self, self.message.emit
            )

    def release(self) -> None:
        agent = self.agent()
        if agent is None or agent.id is None:
            return
        db, me, agent_id = self.context.db, self.context.me, agent.id
        self.release_button.setEnabled(False)

        def done(count: int) -> None:
            self.release_button.setEnabled(True)
            self.say(
                tr("{count} tickets of {name} are back in their teams' queues.").format(
                    count=f"{count:,}", name=agent.name
                )
            )

        def failed(exc: BaseException) -> None:
            self.release_button.setEnabled(True)
            self.say(str(exc), problem=True)

        self.context.ops.run(
            self,
            lambda: administration.release_open_tickets(db, me, agent_id),
            done,
            failed,
            what=tr("Giving tickets back to their teams"),
            write=True,
        )


def directory_create(db: Any, me: int, values: dict[str, Any], team_ids: list[int]) -> Agent:
    return people.create_agent(
        db,
        me,
        values["login"],
        values["name"],
        email=values["email"] or None,
        role=values["role"],
        password=values.get("password") or None,
        team_ids=team_ids,
    )

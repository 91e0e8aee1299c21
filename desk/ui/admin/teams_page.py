"""Administration › Teams: add, rename and describe, members, deactivate. A rename saves
the team at once; the name on its tickets then follows in short batches, with the
progress here, while everyone goes on working."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem

from desk.domain.model import Team
from desk.services import administration
from desk.services import directory as people
from desk.services.administration import AdminDirectory

from ..common.dialogs import FormDialog, text_box
from ..common.labels import tr
from .admin_page import AdminContext, AdminPage
from .agents_page import checked_ids


class _Progress(QObject):
    """A rename's progress, from the worker thread to the page (queued)."""

    moved = Signal(int, int)


class TeamsPage(AdminPage):
    def __init__(self, context: AdminContext) -> None:
        super().__init__(
            context,
            [tr("Team"), tr("Members"), tr("Open"), tr("Status"), tr("Description")],
            "teamsPage",
        )
        self.add_button = self.button(tr("Add team…"), self.add, "Ctrl+N", "addTeam")
        self.edit_button = self.button(tr("Rename or describe…"), self.edit, "Ctrl+E", "editTeam")
        self.members_button = self.button(tr("Members…"), self.members, "Ctrl+M", "teamMembers")
        self.active_button = self.button(tr("Deactivate…"), self.toggle_active, "", "teamActive")
        self.toolbar.addStretch(1)
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress_moved, Qt.ConnectionType.QueuedConnection)

    def fill(self, directory: AdminDirectory) -> None:
        self.refill(
            [
                (
                    team.id or 0,
                    [
                        team.name,
                        str(len(directory.members_of(team.id or 0))),
                        str(directory.open_by_team.get(team.id or 0, 0)),
                        tr("Active") if team.active else tr("Deactivated"),
                        team.description,
                    ],
                    None,
                    team.active,
                )
                for team in directory.teams
            ]
        )

    def team(self) -> Team | None:
        directory, wanted = self.directory, self.current_id()
        if directory is None or wanted is None:
            return None
        return next((t for t in directory.teams if t.id == wanted), None)

    def record(self, directory: Any, record_id: int | None) -> Any:
        return next((t for t in directory.teams if t.id == record_id), None)

    def show_details(self, item_id: int | None) -> None:
        self.clear_details()
        team, directory = self.team(), self.directory
        if team is None or directory is None or team.id is None:
            return
        self.detail(tr("Team"), team.name, "teamName")
        self.detail(tr("Description"), team.description or tr("(none)"))
        members = ", ".join(a.name for a in directory.members_of(team.id)) or tr("(nobody yet)")
        self.detail(tr("Members"), members, "teamMembersList")
        self.detail(tr("Open tickets"), f"{directory.open_by_team.get(team.id, 0):,}")
        self.detail(tr("Status"), tr("Active") if team.active else tr("Deactivated"))

    def update_buttons(self) -> None:
        directory, team = self.directory, self.team()
        manage = directory is not None and directory.may_manage
        for button in (self.add_button, self.edit_button, self.active_button):
            button.setVisible(manage)
        self.members_button.setVisible(directory is not None and directory.may_manage_members)
        for button in (self.edit_button, self.active_button, self.members_button):
            button.setEnabled(team is not None)
        self.active_button.setText(
            tr("Reactivate…") if team is not None and not team.active else tr("Deactivate…")
        )

    def activate(self) -> None:
        if self.edit_button.isVisible():
            self.edit()
        elif self.members_button.isVisible():
            self.members()

    # --- changing ------------------------------------------------------------------------

    def _team_form(self, title: str, intro: str, verb: str, team: Team | None) -> FormDialog:
        dialog = FormDialog(title, intro, verb, self)
        dialog.setObjectName("teamDialog")
        dialog.add_field(
            "name", tr("Name"), QLineEdit(team.name if team else "", objectName="teamNameField")
        )
        about = text_box(tr("What the team does, for whoever transfers to it"), 70)
        about.setPlainText(team.description if team else "")
        dialog.add_field("description", tr("Description"), about)
        return dialog

    def add(self) -> FormDialog:
        dialog = self._team_form(
            tr("Add a team"), tr("A team has its own queue."), tr("Add team"), None
        )
        db, me = self.context.db, self.context.me
        return self.open_form(
            dialog,
            lambda v: lambda: people.create_team(db, me, v["name"], v["description"]),
            lambda team: self.say(tr("Added the team {name}.").format(name=team.name)),
        )

    def edit(self) -> FormDialog | None:
        team = self.team()
        if team is None or team.id is None:
            return None
        team_id, old_name = team.id, team.name
        dialog = self._team_form(
            tr("Rename or describe {name}").format(name=team.name),
            tr("A new name shows on every ticket of the team within moments."),
            tr("Save"),
            team,
        )
        db, me = self.context.db, self.context.me

        def work(values: dict[str, Any], version: int) -> Any:
            return lambda: administration.update_team(
                db, me, team_id, version, name=values["name"], description=values["description"]
            )

        def saved(team: Team) -> None:
            if team.name == old_name:
                self.say(tr("Saved the team {name}.").format(name=team.name))
                return
            self.spread(team)

        return self.open_versioned(dialog, (team_id, team.version), work, saved, again=self.edit)

    def spread(self, team: Team) -> None:
        """Bring the new name to the team's tickets, in the background, saying how far."""
        assert team.id is not None
        db, team_id, progress = self.context.db, team.id, self._progress
        self.say(tr("Renamed to {name}; updating its tickets…").format(name=team.name))

        def done(report: administration.SpreadReport) -> None:
            self.say(
                tr("Renamed to {name}: {count} tickets show the new name.").format(
                    name=team.name, count=f"{report.tickets:,}"
                )
            )

        self.context.ops.run(
            self,
            lambda: administration.spread_team_name(
                db, team_id, on_batch=lambda a, b: progress.moved.emit(a, b)
            ),
            done,
            lambda exc: self.say(str(exc), problem=True),
            what=tr("Updating the team's name on its tickets"),
            write=True,
        )

    def _on_progress_moved(self, done: int, total: int) -> None:
        if total and done < total:
            self.message.emit(
                tr("Updating the team's name on its tickets: {percent}%…").format(
                    percent=done * 100 // total
                )
            )

    def members(self) -> FormDialog | None:
        team, directory = self.team(), self.directory
        if team is None or directory is None or team.id is None:
            return None
        team_id = team.id
        dialog = FormDialog(
            tr("Members of {name}").format(name=team.name),
            tr("Tick who works this team's queue. Space ticks the agent under the cursor."),
            tr("Save"),
            self,
        )
        dialog.setObjectName("membersDialog")
        box = QListWidget(objectName="memberChecklist")
        inside = {a.id for a in directory.members_of(team_id)}
        for agent in directory.agents:
            if not agent.active and agent.id not in inside:
                continue
            item = QListWidgetItem(f"{agent.name} ({agent.login})")
            item.setData(Qt.ItemDataRole.UserRole, agent.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = Qt.CheckState.Checked if agent.id in inside else Qt.CheckState.Unchecked
            item.setCheckState(checked)
            box.addItem(item)
        box.setCurrentRow(0)
        dialog.add_field("members", tr("Agents"), box)
        db, me = self.context.db, self.context.me

        def work(_values: dict[str, Any]) -> Any:
            ids = checked_ids(box)
            return lambda: administration.set_team_members(db, me, team_id, ids)

        return self.open_form(
            dialog,
            work,
            lambda _r: self.say(tr("Saved who is in {name}.").format(name=team.name)),
        )

    def toggle_active(self) -> FormDialog | None:
        team, directory = self.team(), self.directory
        if team is None or directory is None or team.id is None:
            return None
        team_id, active = team.id, not team.active
        if active:
            intro = tr("The team takes transfers and new tickets again.")
        else:
            intro = tr(
                "Nobody can transfer tickets to the team any more. Its queue stays for the "
                "{count} open tickets it has. Nothing is deleted."
            ).format(count=f"{directory.open_by_team.get(team_id, 0):,}")
        db, me = self.context.db, self.context.me
        return self.confirm_active(
            team,
            intro,
            lambda at, on: administration.set_team_active(db, me, team_id, at, on),
            "teamActiveDialog",
        )

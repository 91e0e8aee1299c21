"""Administration › Help topics: the tree (add, add under, rename, move under another,
up and down among its siblings, deactivate), each with its default team and priority.
A move that would put a topic inside itself is refused at the Parent field."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit

from desk.domain.model import Category, Priority
from desk.domain.topics import children_of
from desk.services import directory as people
from desk.services import help_topics
from desk.services.administration import AdminDirectory

from ..common import labels
from ..common.dialogs import FormDialog, combo, text_box
from ..common.labels import tr
from .admin_page import AdminContext, AdminPage


def _ordered(topics: tuple[Category, ...]) -> list[tuple[Category, int]]:
    """Each topic with its depth, parents first, siblings in their order."""
    out: list[tuple[Category, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for topic in children_of(topics, parent):
            out.append((topic, depth))
            walk(topic.id, depth + 1)

    walk(None, 0)
    return out


class TopicsPage(AdminPage):
    def __init__(self, context: AdminContext) -> None:
        super().__init__(
            context,
            [tr("Help topic"), tr("Default team"), tr("Priority"), tr("Status")],
            "topicsPage",
        )
        self.tree.setRootIsDecorated(True)
        self.add_button = self.button(tr("Add topic…"), self.add, "Ctrl+N", "addTopic")
        self.add_under_button = self.button(
            tr("Add under it…"), self.add_under, "Ctrl+Shift+N", "addSubTopic"
        )
        self.edit_button = self.button(tr("Edit or move…"), self.edit, "Ctrl+E", "editTopic")
        self.up_button = self.button(tr("Up"), lambda: self.move(-1), "Alt+Up", "topicUp")
        self.down_button = self.button(tr("Down"), lambda: self.move(1), "Alt+Down", "topicDown")
        self.active_button = self.button(tr("Deactivate…"), self.toggle_active, "", "topicActive")
        self.toolbar.addStretch(1)

    def fill(self, directory: AdminDirectory) -> None:
        teams = {t.id: t.name for t in directory.teams}
        self.refill(
            [
                (
                    topic.id or 0,
                    [
                        topic.name,
                        teams.get(topic.default_team_id, ""),
                        labels.priority_label(topic.default_priority),
                        tr("Active") if topic.active else tr("Deactivated"),
                    ],
                    topic.parent_id,
                    topic.active,
                )
                for topic, _depth in _ordered(directory.topics)
            ]
        )

    def topic(self) -> Category | None:
        directory, wanted = self.directory, self.current_id()
        if directory is None or wanted is None:
            return None
        return next((t for t in directory.topics if t.id == wanted), None)

    def record(self, directory: Any, record_id: int | None) -> Any:
        return next((t for t in directory.topics if t.id == record_id), None)

    def show_details(self, item_id: int | None) -> None:
        self.clear_details()
        topic, directory = self.topic(), self.directory
        if topic is None or directory is None:
            return
        team = next((t for t in directory.teams if t.id == topic.default_team_id), None)
        self.detail(tr("Help topic"), topic.display_name, "topicPath")
        self.detail(tr("Default team"), team.name if team else tr("(the caller's agent decides)"))
        self.detail(tr("Default priority"), labels.priority_label(topic.default_priority))
        self.detail(tr("Description"), topic.description or tr("(none)"))
        self.detail(tr("Status"), tr("Active") if topic.active else tr("Deactivated"))

    def update_buttons(self) -> None:
        directory, topic = self.directory, self.topic()
        manage = directory is not None and directory.may_manage
        buttons = (
            self.add_button,
            self.add_under_button,
            self.edit_button,
            self.up_button,
            self.down_button,
            self.active_button,
        )
        for button in buttons:
            button.setVisible(manage)
        for button in buttons[1:]:
            button.setEnabled(topic is not None)
        self.add_under_button.setEnabled(topic is not None and topic.active)
        self.active_button.setText(
            tr("Reactivate…") if topic is not None and not topic.active else tr("Deactivate…")
        )

    def activate(self) -> None:
        if self.edit_button.isVisible():
            self.edit()

    # --- changing ------------------------------------------------------------------------

    def _parents(self, current: int | None, moving: Category | None) -> QComboBox:
        """Every topic as a possible parent, indented by depth; the service refuses a loop
        (offering it says why it cannot be, rather than hiding it)."""
        directory = self.directory
        assert directory is not None
        items: list[tuple[str, Any]] = [(tr("(at the top)"), None)]
        for topic, depth in _ordered(directory.topics):
            if topic.active or topic.id == current:
                items.append(("    " * depth + topic.name, topic.id))
        box = combo(items, current)
        box.setObjectName("topicParentField")
        if current is None:
            box.setCurrentIndex(0)
        return box

    def _teams(self, current: int | None) -> QComboBox:
        directory = self.directory
        assert directory is not None
        items: list[tuple[str, Any]] = [(tr("(none)"), None)]
        items += [(t.name, t.id) for t in directory.teams if t.active or t.id == current]
        box = combo(items, current)
        box.setObjectName("topicTeamField")
        if current is None:
            box.setCurrentIndex(0)
        return box

    def _form(
        self, title: str, verb: str, topic: Category | None, parent: int | None
    ) -> FormDialog:
        dialog = FormDialog(
            title,
            tr(
                "New tickets on this topic get its team and priority unless the agent changes them."
            ),
            verb,
            self,
        )
        dialog.setObjectName("topicDialog")
        dialog.add_field(
            "name", tr("Name"), QLineEdit(topic.name if topic else "", objectName="topicNameField")
        )
        dialog.add_field("parent", tr("Under"), self._parents(parent, topic))
        dialog.add_field(
            "team", tr("Default team"), self._teams(topic.default_team_id if topic else None)
        )
        priority = combo(
            [(labels.priority_label(p), p) for p in Priority],
            topic.default_priority if topic else Priority.NORMAL,
        )
        priority.setObjectName("topicPriorityField")
        dialog.add_field("priority", tr("Default priority"), priority)
        about = text_box(tr("When to choose this topic"), 60)
        about.setPlainText(topic.description if topic else "")
        dialog.add_field("description", tr("Description"), about)
        return dialog

    def add(self, parent: int | None = None) -> FormDialog:
        directory = self.directory
        above = next((t for t in directory.topics if t.id == parent), None) if directory else None
        dialog = self._form(tr("Add a help topic"), tr("Add topic"), None, parent)
        if above is not None:  # a sub-topic starts with its parent's defaults
            team, priority = dialog.field("team"), dialog.field("priority")
            team.setCurrentIndex(max(0, team.findData(above.default_team_id)))
            priority.setCurrentIndex(max(0, priority.findData(above.default_priority)))
        db, me = self.context.db, self.context.me

        def work(values: dict[str, Any]) -> Any:
            return lambda: people.create_category(
                db,
                me,
                values["name"],
                parent_id=values["parent"],
                default_team_id=values["team"],
                default_priority=values["priority"],
            )

        return self.open_form(
            dialog,
            work,
            lambda topic: self.say(tr("Added {path}.").format(path=topic.display_name)),
        )

    def add_under(self) -> FormDialog | None:
        topic = self.topic()
        return None if topic is None else self.add(topic.id)

    def edit(self) -> FormDialog | None:
        topic = self.topic()
        if topic is None or topic.id is None:
            return None
        topic_id = topic.id
        dialog = self._form(
            tr("Edit {name}").format(name=topic.name), tr("Save"), topic, topic.parent_id
        )
        db, me = self.context.db, self.context.me

        def work(values: dict[str, Any], version: int) -> Any:
            return lambda: help_topics.update_topic(
                db,
                me,
                topic_id,
                version,
                name=values["name"],
                parent_id=values["parent"],
                default_team_id=values["team"],
                default_priority=values["priority"],
                description=values["description"],
            )

        return self.open_versioned(
            dialog,
            (topic_id, topic.version),
            work,
            lambda saved: self.say(tr("Saved {path}.").format(path=saved.display_name)),
            again=self.edit,
        )

    def move(self, offset: int) -> None:
        topic = self.topic()
        if topic is None or topic.id is None:
            return
        db, me, topic_id = self.context.db, self.context.me, topic.id
        self.context.ops.run(
            self,
            lambda: help_topics.move_topic_among_siblings(db, me, topic_id, offset),
            lambda _t: self.say(""),
            lambda exc: self.say(str(exc), problem=True),
            what=tr("Moving the help topic"),
            write=True,
        )

    def toggle_active(self) -> FormDialog | None:
        topic = self.topic()
        if topic is None or topic.id is None:
            return None
        topic_id, active = topic.id, not topic.active
        if active:
            intro = tr("Agents can choose the topic for new tickets again.")
        else:
            intro = tr(
                "Agents can no longer choose it for new tickets; tickets that have it keep it."
            )
        db, me = self.context.db, self.context.me
        return self.confirm_active(
            topic,
            intro,
            lambda at, on: help_topics.set_topic_active(db, me, topic_id, at, on),
            "topicActiveDialog",
        )

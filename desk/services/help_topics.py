"""The admin's help topic tree: edit, move under another topic, reorder, (de)activate.

A topic gives new tickets their team and priority; a move that would put a topic inside
itself is refused with the names of both, and so is a tree deeper than Desk shows."""

from __future__ import annotations

from dataclasses import replace

from desk.domain import validation
from desk.domain.audit import Entity
from desk.domain.errors import ValidationError
from desk.domain.model import Category, Priority
from desk.domain.permissions import Permission
from desk.domain.topics import check_parent, children_of
from desk.store.unit_of_work import SqlUnitOfWork

from . import audit
from .database import Database
from .tickets import acting_agent


def topic_snapshot(uow: SqlUnitOfWork, topic: Category) -> dict[str, object]:
    team = uow.teams.maybe(topic.default_team_id)
    return {
        "name": topic.name,
        "path": topic.display_name,
        "description": topic.description,
        "default_team": team.name if team else None,
        "default_priority": topic.default_priority.name.lower(),
        "active": topic.active,
    }


def update_topic(
    db: Database,
    actor_id: int,
    topic_id: int,
    version: int,
    *,
    name: str,
    parent_id: int | None,
    default_team_id: int | None,
    default_priority: Priority,
    description: str = "",
) -> Category:
    """Rename a topic, move it under another (None: to the top), change its defaults
    (admins). A stale `version` is a RecordConflict; a loop is a ValidationError."""
    topic_id = validation.clean_id("topic", "help topic", topic_id)
    version = validation.clean_count("version", "The version", version, low=1)
    name = validation.clean_text(
        "name", "The help topic's name", name, limit=validation.CATEGORY_NAME_MAX, required=True
    )
    parent_id = validation.clean_id("parent", "help topic", parent_id, optional=True)
    default_team_id = validation.clean_id("team", "team", default_team_id, optional=True)
    default_priority = validation.clean_choice("priority", "priority", Priority, default_priority)
    description = validation.clean_text("description", "The description", description, limit=400)
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        every = uow.categories.all(include_inactive=True)
        topic = next((t for t in every if t.id == topic_id), None)
        if topic is None:
            raise ValidationError.single("topic", "That help topic does not exist any more.")
        check_parent(every, topic_id, parent_id)
        if parent_id is not None and topic.active:
            parent = next(t for t in every if t.id == parent_id)
            if not parent.active:
                raise ValidationError.single(
                    "parent", f"“{parent.name}” is deactivated: an active topic cannot go under it."
                )
        if default_team_id is not None:
            uow.teams.get(default_team_id)
        before = topic_snapshot(uow, topic)
        updated = replace(
            topic,
            name=name,
            parent_id=parent_id,
            default_team_id=default_team_id,
            default_priority=default_priority,
            description=description,
        )
        if not uow.categories.update(updated, version):
            raise audit.conflict(
                uow, Entity.TOPIC, topic_id, version, f"the help topic {topic.display_name}"
            )
        saved = uow.categories.get(topic_id, include_inactive=True)
        moved = topic.parent_id != parent_id
        audit.record(
            uow,
            actor,
            "topic.move" if moved else "topic.edit",
            f"Moved the help topic {topic.display_name} to {saved.display_name}"
            if moved
            else f"Changed the help topic {saved.display_name}",
            entity_id=topic_id,
            version=saved.version,
            before=before,
            after=topic_snapshot(uow, saved),
        )
        uow.commit()
    return saved


def set_topic_active(
    db: Database, actor_id: int, topic_id: int, version: int, active: bool
) -> Category:
    """Deactivate a topic (no longer offered for new tickets; tickets keep it) or bring
    it back (admins). A topic with active sub-topics is deactivated after them."""
    topic_id = validation.clean_id("topic", "help topic", topic_id)
    version = validation.clean_count("version", "The version", version, low=1)
    if not isinstance(active, bool):
        raise ValidationError.single("active", "Say whether the topic is active: yes or no.")
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        every = uow.categories.all(include_inactive=True)
        topic = next((t for t in every if t.id == topic_id), None)
        if topic is None:
            raise ValidationError.single("topic", "That help topic does not exist any more.")
        if not active:
            live = [t for t in every if t.parent_id == topic_id and t.active]
            if live:
                raise ValidationError.single(
                    "active",
                    f"“{topic.name}” has active sub-topics ({', '.join(t.name for t in live[:3])}"
                    f"{'…' if len(live) > 3 else ''}): deactivate or move them first.",
                )
        elif topic.parent_id is not None:
            parent = next(t for t in every if t.id == topic.parent_id)
            if not parent.active:
                raise ValidationError.single(
                    "active", f"Reactivate “{parent.name}”, the topic it is under, first."
                )
        before = topic_snapshot(uow, topic)
        if not uow.categories.update(replace(topic, active=active), version):
            raise audit.conflict(
                uow, Entity.TOPIC, topic_id, version, f"the help topic {topic.display_name}"
            )
        saved = uow.categories.get(topic_id, include_inactive=True)
        audit.record(
            uow,
            actor,
            "topic.reactivate" if active else "topic.deactivate",
            f"{'Reactivated' if active else 'Deactivated'} the help topic {saved.display_name}",
            entity_id=topic_id,
            version=saved.version,
            before=before,
            after=topic_snapshot(uow, saved),
        )
        uow.commit()
    return saved


def move_topic_among_siblings(db: Database, actor_id: int, topic_id: int, offset: int) -> Category:
    """Move a topic up (offset -1) or down (+1) among the topics under the same parent
    (admins); the order is the one intake and the editor offer them in."""
    topic_id = validation.clean_id("topic", "help topic", topic_id)
    if isinstance(offset, bool) or offset not in (-1, 1):
        raise ValidationError.single("offset", "A topic moves one place up or down.")
    with db.write() as uow:
        actor = acting_agent(uow, actor_id, Permission.MANAGE_DESK)
        every = uow.categories.all(include_inactive=True)
        topic = next((t for t in every if t.id == topic_id), None)
        if topic is None:
            raise ValidationError.single("topic", "That help topic does not exist any more.")
        siblings = children_of(every, topic.parent_id)
        ids = [t.id for t in siblings]
        here = ids.index(topic_id)
        there = here + offset
        if 0 <= there < len(ids):
            ids[here], ids[there] = ids[there], ids[here]
            uow.categories.reorder([i for i in ids if i is not None])
            audit.record(
                uow,
                actor,
                "topic.reorder",
                f"Moved the help topic {topic.display_name} {'up' if offset < 0 else 'down'}",
                entity_id=topic_id,
                before={"order": [t.name for t in siblings]},
                after={"order": [next(t.name for t in siblings if t.id == i) for i in ids]},
            )
        moved = uow.categories.get(topic_id, include_inactive=True)
        uow.commit()
    return moved

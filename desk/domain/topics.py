"""The help topic tree: where a topic may go, and the order of siblings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import ValidationError
from .model import Category

#: How deep topics nest ("Hardware › Printer › Jams" is three).
DEPTH_MAX = 6


def check_parent(topics: Iterable[Category], topic_id: int | None, parent_id: int | None) -> None:
    """Refuse a parent that would make a loop (the topic itself or one inside it), or a
    tree deeper than DEPTH_MAX. `topic_id` None: a new topic."""
    if parent_id is None:
        return
    by_id: Mapping[int, Category] = {t.id: t for t in topics if t.id is not None}
    parent = by_id.get(parent_id)
    if parent is None:
        raise ValidationError.single("parent", "That parent topic does not exist any more.")
    if topic_id is not None:
        if parent_id == topic_id:
            raise ValidationError.single("parent", "A help topic cannot be under itself.")
        walk: Category | None = parent
        while walk is not None:
            if walk.id == topic_id:
                me = by_id.get(topic_id)
                name = me.name if me else "the topic"
                raise ValidationError.single(
                    "parent",
                    f"“{name}” cannot go under “{parent.display_name}”, which is inside it: "
                    "that would make a loop.",
                )
            walk = by_id.get(walk.parent_id) if walk.parent_id is not None else None
    depth_above = _depth(by_id, parent_id)
    depth_below = _height(by_id, topic_id) if topic_id is not None else 1
    if depth_above + depth_below > DEPTH_MAX:
        raise ValidationError.single(
            "parent", f"Help topics nest at most {DEPTH_MAX} deep; choose a higher parent."
        )


def _depth(by_id: Mapping[int, Category], topic_id: int) -> int:
    depth, walk = 0, by_id.get(topic_id)
    while walk is not None and depth <= DEPTH_MAX + 1:
        depth += 1
        walk = by_id.get(walk.parent_id) if walk.parent_id is not None else None
    return depth


def _height(by_id: Mapping[int, Category], topic_id: int) -> int:
    children = [t for t in by_id.values() if t.parent_id == topic_id]
    return 1 + max((_height(by_id, c.id) for c in children if c.id is not None), default=0)


def children_of(topics: Iterable[Category], parent_id: int | None) -> list[Category]:
    """The topics directly under `parent_id` (None: the top), in their order."""
    return sorted(
        (t for t in topics if t.parent_id == parent_id),
        key=lambda t: (t.position, t.name.casefold(), t.id or 0),
    )

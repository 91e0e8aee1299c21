"""The help topic tree's rules: no loops, a bounded depth, siblings in their order."""

from __future__ import annotations

import pytest

from desk.domain.errors import ValidationError
from desk.domain.model import Category
from desk.domain.topics import DEPTH_MAX, check_parent, children_of


def _topic(topic_id: int, name: str, parent: int | None, position: int = 0) -> Category:
    return Category(topic_id, name, parent, None, position=position)


TREE = [
    _topic(1, "Hardware", None),
    _topic(2, "Printer", 1),
    _topic(3, "Jams", 2),
    _topic(4, "Network", None, 1),
]


@pytest.mark.parametrize(("topic", "parent"), [(1, 1), (1, 2), (1, 3), (2, 3)])
def test_a_topic_cannot_go_under_itself_or_one_inside_it(topic, parent):
    with pytest.raises(ValidationError) as refused:
        check_parent(TREE, topic, parent)
    assert refused.value.for_field("parent")


@pytest.mark.parametrize(("topic", "parent"), [(3, None), (3, 4), (2, 4), (None, 3), (4, 3)])
def test_anywhere_else_is_allowed(topic, parent):
    check_parent(TREE, topic, parent)


def test_the_tree_is_no_deeper_than_desk_shows():
    chain = [_topic(n, f"T{n}", n - 1 if n > 1 else None) for n in range(1, DEPTH_MAX + 1)]
    check_parent(chain, None, None)
    with pytest.raises(ValidationError):
        check_parent(chain, None, DEPTH_MAX)  # one more level
    with pytest.raises(ValidationError):
        check_parent([*chain, _topic(99, "Top", None)], 1, 99)  # the whole chain one lower


def test_a_parent_that_is_gone_is_refused():
    with pytest.raises(ValidationError):
        check_parent(TREE, 3, 42)


def test_siblings_come_in_their_order():
    assert [t.name for t in children_of(TREE, None)] == ["Hardware", "Network"]
    assert [t.name for t in children_of(TREE, 1)] == ["Printer"]

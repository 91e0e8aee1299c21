"""PostgreSQL search in time slices: whatever the estimates, the newest matches, in order;
and few questions asked of the database for common and rare words alike."""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st

from desk.store.text_search import LEVELS, SLICE, Slices, newest_matches, slice_cover


def _slices_named(lexemes: list[str]) -> list[int]:
    shifts = dict(LEVELS)
    named = []
    for lexeme in lexemes:
        shift, first = shifts[lexeme[:2]], int(lexeme[2:])
        named += range(first << shift, (first + 1) << shift)
    return named


@given(lo=st.integers(0, 600), width=st.integers(0, 600))
def test_a_cover_names_each_slice_once_and_stays_short(lo: int, width: int):
    hi = lo + width
    cover = slice_cover(lo, hi)
    assert sorted(_slices_named(cover)) == list(range(lo, hi + 1))
    assert len(cover) <= 2 * (7 + 7) + width // 64 + 1  # up to 7 singles and 7 eights each side


class Table:
    """Matching row ids in memory, answering as the database would, and counting questions."""

    def __init__(self, matches: set[int], top_id: int, count_error: float = 1.0) -> None:
        self.ids = sorted(matches)
        self.top_id = top_id
        self.count_error = count_error
        self.asked: list[str] = []

    def _newest(self, first: int, end: int, n: int) -> list[int]:
        lo, hi = bisect.bisect_left(self.ids, first), bisect.bisect_left(self.ids, end)
        return self.ids[lo:hi][::-1][:n]

    def probe(self, lo: int, hi: int, n: int) -> list[int]:
        self.asked.append(f"probe {hi - lo + 1}")
        return self._newest(lo * SLICE, (hi + 1) * SLICE, n)

    def count(self) -> int:
        self.asked.append("count")
        return round(len(self.ids) * self.count_error)

    def below(self, hi: int, n: int) -> list[int]:
        self.asked.append("below")
        return self._newest(0, (hi + 1) * SLICE, n)

    def slices(self) -> Slices:
        return Slices(self.top_id, self.probe, self.count, self.below)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    top_id=st.integers(1, 120 * SLICE),
    limit=st.integers(1, 60),
    fetch_all=st.sampled_from([0, 5, 2000]),
    count_error=st.sampled_from([0.0, 0.1, 1.0, 3.0]),
)
def test_the_newest_matches_come_back_in_order_whatever_the_estimates(
    data: st.DataObject, top_id: int, limit: int, fetch_all: int, count_error: float
):
    # Matches bunched in a few places, as words come and go, and scattered elsewhere.
    centres = data.draw(st.lists(st.integers(1, top_id), max_size=4))
    spread = data.draw(st.integers(1, 3 * SLICE))
    bunched = {
        min(top_id, max(1, c + data.draw(st.integers(-spread, spread))))
        for c in centres
        for _ in range(data.draw(st.integers(0, 40)))
    }
    scattered = set(data.draw(st.lists(st.integers(1, top_id), max_size=30)))
    table = Table(bunched | scattered, top_id, count_error)
    got = newest_matches(table.slices(), limit, fetch_all)
    assert got == sorted(bunched | scattered, reverse=True)[:limit]


def test_a_common_word_is_answered_from_the_newest_slice_alone():
    top_id = 100 * SLICE + SLICE // 2
    table = Table(set(range(1, top_id + 1, 7)), top_id)
    assert len(newest_matches(table.slices(), 500)) == 500
    assert table.asked == ["probe 1"]


def test_a_rare_word_is_counted_then_fetched_in_one_go():
    top_id = 100 * SLICE + SLICE // 2
    table = Table({17, 5 * SLICE, 60 * SLICE + 3}, top_id)
    assert newest_matches(table.slices(), 500) == [60 * SLICE + 3, 5 * SLICE, 17]
    assert table.asked == ["probe 1", "count", "below"]


def test_an_uncommon_word_asks_for_as_many_slices_as_its_frequency_suggests():
    top_id = 100 * SLICE
    table = Table(set(range(1, top_id + 1, 400)), top_id)  # about 80 a slice, 8,200 in all
    assert len(newest_matches(table.slices(), 500)) == 500
    assert table.asked[:2] == ["probe 2", "count"]
    assert len(table.asked) <= 4

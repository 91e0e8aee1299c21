"""The queue's time columns: how a moment reads beside the moment now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desk.ui.common.labels import when

# A Wednesday afternoon, in this computer's zone, whatever that is.
NOW = datetime(2026, 12, 2, 15, 30).astimezone()


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (NOW.replace(hour=9, minute=5), "09:05"),  # today: the time
        (NOW - timedelta(days=1, hours=1), "Tue 14:30"),  # this week: the day and time
        (NOW - timedelta(days=6), "Thu 15:30"),
        (NOW - timedelta(days=7), "25 Nov"),  # this year: the day and month
        (NOW.replace(month=1, day=3), "3 Jan"),
        (NOW.replace(year=2025, month=11, day=12), "12 Nov 2025"),  # before: and the year
    ],
)
def test_a_moment_reads_as_compactly_as_it_can(moment: datetime, shown: str) -> None:
    assert when(moment.astimezone(UTC), NOW) == shown


def test_no_moment_reads_as_nothing() -> None:
    assert when(None, NOW) == ""

"""Properties of business-time arithmetic, on calendars that stress it."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.domain.calendars import BusinessCalendar
from desk.domain.opening_hours import Holiday, Span

LUNCH = "09:00-12:30, 13:30-17:00"


def calendars() -> dict[str, BusinessCalendar]:
    """Fresh values (their per-day tables are built anew)."""
    return {
        "London office": BusinessCalendar.weekly(
            "Europe/London",
            {d: LUNCH for d in range(5)},
            [
                Holiday(date(2026, 12, 25), "Christmas Day"),
                Holiday(date(2000, 12, 24), "Christmas Eve", (Span(780, 1440),), every_year=True),
                Holiday(date(2027, 5, 3), "May Day"),
            ],
        ),
        "New York nights": BusinessCalendar.weekly(
            "America/New_York", {0: "00:00-03:00, 22:00-24:00", 6: "00:30-02:30, 23:00-24:00"}
        ),
        "Lord Howe 24/7": BusinessCalendar.always_open("Australia/Lord_Howe"),
        "Havana split": BusinessCalendar.weekly(
            "America/Havana", {d: "00:00-01:00, 08:00-24:00" for d in range(7)}
        ),
    }


CALENDARS = calendars()
names = st.sampled_from(sorted(CALENDARS))
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=20 * 24 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)


@settings(max_examples=400, deadline=None)
@given(names, instants, durations)
def test_elapsed_undoes_due(name: str, start: datetime, duration: timedelta):
    cal = CALENDARS[name]
    due = cal.due(start, duration)
    assert due >= start and due.tzinfo is UTC
    assert cal.elapsed(start, due) == duration


@settings(max_examples=300, deadline=None)
@given(names, instants, durations, durations)
def test_due_is_monotonic_in_the_duration(name: str, start: datetime, a: timedelta, b: timedelta):
    cal = CALENDARS[name]
    shorter, longer = sorted((a, b))
    assert cal.due(start, shorter) <= cal.due(start, longer)


@settings(max_examples=300, deadline=None)
@given(names, instants, instants)
def test_due_of_elapsed_is_the_earliest_instant_with_that_much_business_time(
    name: str, a: datetime, b: datetime
):
    cal = CALENDARS[name]
    start, end = sorted((a, b))
    due = cal.due(start, cal.elapsed(start, end))
    assert due <= end and cal.elapsed(due, end) == timedelta(0)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(
        ["UTC", "Europe/London", "America/New_York", "America/Havana", "Australia/Lord_Howe"]
    ),
    instants,
    durations,
)
def test_always_open_is_wall_clock_arithmetic_in_utc(zone: str, start: datetime, duration):
    cal = BusinessCalendar.always_open(zone)
    assert cal.due(start, duration) == start + duration
    assert cal.elapsed(start, start + duration) == duration


def _answers() -> list[object]:
    answers: list[object] = []
    for cal in calendars().values():
        for start in (
            datetime(2026, 3, 27, 16, 5, tzinfo=UTC),
            datetime(2026, 10, 31, 23, tzinfo=UTC),
        ):
            for hours in (1, 9, 30, 100):
                due = cal.due(start, timedelta(hours=hours))
                answers.append((due, cal.elapsed(start, due + timedelta(hours=hours))))
    return answers


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")
@pytest.mark.parametrize(
    "machine_zone", ["Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu"]
)
def test_answers_do_not_depend_on_the_machines_time_zone(monkeypatch, machine_zone: str):
    expected = _answers()
    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        assert time.strftime("%Z") != "UTC" or machine_zone == "UTC"
        assert _answers() == expected
    finally:
        monkeypatch.undo()
        time.tzset()
    assert os.environ.get("TZ") != machine_zone

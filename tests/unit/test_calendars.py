"""Business-hours arithmetic, worked by hand: each case says how its answer was reached."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import ValidationError
from desk.domain.opening_hours import ALL_DAY, Holiday, Span, parse_spans

H = timedelta(hours=1)
MIN = timedelta(minutes=1)
WEEKDAYS = range(5)


def office(zone: str = "Europe/London", hours: str = "09:00-17:00", **kw) -> BusinessCalendar:
    return BusinessCalendar.weekly(zone, {d: hours for d in WEEKDAYS}, **kw)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def local(zone: str, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=BusinessCalendar.always_open(zone).tz, fold=fold)  # type: ignore[misc]


# --- opening hours --------------------------------------------------------------------------


def test_spans_parse_merge_and_allow_24_00():
    assert parse_spans("13:30-17:00, 09:00-12:30") == (Span(540, 750), Span(810, 1020))
    assert parse_spans("09:00-12:00, 11:00-13:00, 13:00-14:00") == (Span(540, 840),)
    assert parse_spans("00:00-24:00") == (ALL_DAY,)
    assert parse_spans("") == ()
    for bad in ("9-17", "17:00-09:00", "24:30-25:00", "08:61-09:00"):
        with pytest.raises(ValidationError) as caught:
            parse_spans(bad)
        assert caught.value.problems[0].field == "hours"


def test_a_calendar_never_open_or_in_an_unknown_zone_is_refused():
    with pytest.raises(ValidationError, match="open at some time"):
        BusinessCalendar.weekly("UTC", {})
    with pytest.raises(ValidationError) as caught:
        office("Mars/Olympus_Mons")
    assert caught.value.problems[0].field == "zone"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        office().due(datetime(2026, 11, 2, 9), H)


# --- hand-worked cases --------------------------------------------------------------------


def test_friday_afternoon_to_monday_morning():
    # London, Mon–Fri 09:00–17:00 (GMT in November, so local = UTC).
    # Fri 6 Nov 16:40 + 1 h: 20 min left on Friday, closed Sat–Sun, 40 min on Monday.
    cal = office()
    assert cal.due(utc(2026, 11, 6, 16, 40), H) == utc(2026, 11, 9, 9, 40)
    assert cal.elapsed(utc(2026, 11, 6, 16, 40), utc(2026, 11, 9, 9, 40)) == H


def test_a_due_time_that_fills_the_day_is_the_closing_time():
    # 09:00 + 8 h uses all of Monday: due Mon 17:00, not Tue 09:00.
    assert office().due(utc(2026, 11, 2, 9), 8 * H) == utc(2026, 11, 2, 17)


def test_lunch_break():
    # 09:00–12:30 and 13:30–17:00. Mon 11:45 + 2 h: 45 min to 12:30, lunch,
    # the other 1 h 15 min from 13:30: 14:45.
    cal = office(hours="09:00-12:30, 13:30-17:00")
    assert cal.due(utc(2026, 11, 2, 11, 45), 2 * H) == utc(2026, 11, 2, 14, 45)
    # Started during lunch: the clock starts at 13:30.
    assert cal.due(utc(2026, 11, 2, 12, 50), 30 * MIN) == utc(2026, 11, 2, 14)
    assert cal.elapsed(utc(2026, 11, 2, 12, 0), utc(2026, 11, 2, 14, 0)) == 60 * MIN


def test_opened_on_saturday_night():
    # Sat 7 Nov 23:10: closed until Mon 09:00; + 3 h is Mon 12:00. Nothing counts before.
    cal = office()
    assert cal.due(utc(2026, 11, 7, 23, 10), 3 * H) == utc(2026, 11, 9, 12)
    assert cal.elapsed(utc(2026, 11, 7, 23, 10), utc(2026, 11, 9, 9)) == timedelta(0)


def test_a_holiday_on_a_monday():
    # 31 Aug 2026 (Summer Bank Holiday, a Monday) closed. Fri 28 Aug 16:00 + 2 h:
    # 1 h on Friday, Sat–Mon closed, 1 h on Tuesday: Tue 1 Sep 10:00 BST = 09:00 UTC.
    cal = office(holidays=[Holiday(date(2026, 8, 31), "Summer Bank Holiday")])
    start = local("Europe/London", 2026, 8, 28, 16)
    assert cal.due(start, 2 * H) == utc(2026, 9, 1, 9)
    assert cal.elapsed(start, utc(2026, 9, 1, 9)) == 2 * H


def test_a_part_day_holiday():
    # Christmas Eve (Thu 24 Dec 2026) closes at 13:00 every year. Thu 11:00 + 4 h:
    # 2 h to 13:00, closed Fri 25 (Christmas, one-off), weekend, 2 h on Mon 28: 11:00.
    cal = office(
        holidays=[
            Holiday(
                date(2000, 12, 24), "Christmas Eve", (Span(13 * 60, 24 * 60),), every_year=True
            ),
            Holiday(date(2026, 12, 25), "Christmas Day"),
        ]
    )
    assert cal.due(utc(2026, 12, 24, 11), 4 * H) == utc(2026, 12, 28, 11)
    # The yearly holiday falls on 24 Dec 2027 too (a Friday): 09:00–13:00 only.
    assert cal.elapsed(utc(2027, 12, 24, 0), utc(2027, 12, 25, 0)) == 4 * H


def test_year_end():
    # Thu 31 Dec 2026 16:30 + 1 h, with 1 Jan 2027 (Friday) a holiday: 30 min on
    # Thursday, Fri–Sun closed, 30 min on Mon 4 Jan: 09:30.
    cal = office(holidays=[Holiday(date(2027, 1, 1), "New Year's Day")])
    assert cal.due(utc(2026, 12, 31, 16, 30), H) == utc(2027, 1, 4, 9, 30)
    # Across the year end, 24/7: 31 Dec 23:30 + 1 h is 1 Jan 00:30.
    always = BusinessCalendar.always_open("Europe/London")
    assert always.due(utc(2026, 12, 31, 23, 30), H) == utc(2027, 1, 1, 0, 30)


def test_london_spring_forward_in_business_hours():
    # Clocks go forward Sun 29 Mar 2026 01:00 GMT -> 02:00 BST. Fri 27 Mar 16:00 GMT
    # (16:00 UTC) + 2 h: 1 h on Friday, 1 h from Mon 09:00 BST (08:00 UTC): due
    # Mon 10:00 BST = 09:00 UTC. 65 h of wall-clock time, 2 h of business time.
    cal = office()
    assert cal.due(utc(2026, 3, 27, 16), 2 * H) == utc(2026, 3, 30, 9)


def test_london_fall_back_in_business_hours():
    # Clocks go back Sun 25 Oct 2026 02:00 BST -> 01:00 GMT. Fri 23 Oct 16:00 BST
    # (15:00 UTC) + 2 h: 1 h Friday, then Mon 09:00 GMT (09:00 UTC) + 1 h = 10:00 UTC.
    cal = office()
    assert cal.due(utc(2026, 10, 23, 15), 2 * H) == utc(2026, 10, 26, 10)


def test_new_york_night_desk_across_both_changes():
    # A desk open Sundays 00:00–04:00 New York time.
    cal = BusinessCalendar.weekly("America/New_York", {6: "00:00-04:00"})
    # Sun 8 Mar 2026: 02:00 EST jumps to 03:00 EDT, so the four wall hours are 3 real
    # ones: 05:00 UTC (00:00 EST) to 08:00 UTC (04:00 EDT).
    assert cal.elapsed(utc(2026, 3, 8, 0), utc(2026, 3, 9, 0)) == 3 * H
    # + 2 h from 00:00 EST: 05:00 + 2 h = 07:00 UTC (03:00 EDT; 02:xx never happened).
    assert cal.due(utc(2026, 3, 8, 5), 2 * H) == utc(2026, 3, 8, 7)
    # Sun 1 Nov 2026: 02:00 EDT falls back to 01:00 EST, so 00:00–04:00 is 5 h:
    # 04:00 UTC (00:00 EDT) to 09:00 UTC (04:00 EST).
    assert cal.elapsed(utc(2026, 11, 1, 0), utc(2026, 11, 2, 0)) == 5 * H
    # + 2 h from 00:30 EDT (04:30 UTC): 06:30 UTC, the second 01:30 (EST).
    due = cal.due(local("America/New_York", 2026, 11, 1, 0, 30), 2 * H)
    assert due == utc(2026, 11, 1, 6, 30)
    assert due.astimezone(cal.tz).utcoffset() == timedelta(hours=-5)


def test_opening_hours_inside_the_skipped_hour():
    # Open 01:30–02:30 on London's spring-forward Sunday: 01:30 never happens; the
    # desk opens at the change (01:00 UTC = 02:00 BST) and closes 02:30 BST (01:30 UTC).
    cal = BusinessCalendar.weekly("Europe/London", {6: "01:30-02:30"})
    assert cal.elapsed(utc(2026, 3, 29, 0), utc(2026, 3, 30, 0)) == 30 * MIN
    assert cal.due(utc(2026, 3, 29, 0), 10 * MIN) == utc(2026, 3, 29, 1, 10)


def test_always_open_across_midnight_and_dst():
    # 24/7 has no gap at midnight: 23:59:59.5 + 1 s is 00:00:00.5 the next day.
    cal = BusinessCalendar.always_open("Europe/London")
    start = utc(2026, 11, 2, 23, 59, 59) + timedelta(microseconds=500_000)
    assert cal.due(start, timedelta(seconds=1)) == utc(2026, 11, 3, 0, 0, 0, 500_000)
    # London's 23-hour day (29 Mar 2026) and 25-hour day (25 Oct 2026) are counted as
    # they are: a whole local day of business time is 23 h and 25 h of it.
    assert (
        cal.elapsed(local("Europe/London", 2026, 3, 29), local("Europe/London", 2026, 3, 30))
        == 23 * H
    )
    assert (
        cal.elapsed(local("Europe/London", 2026, 10, 25), local("Europe/London", 2026, 10, 26))
        == 25 * H
    )
    # Sat 28 Mar 23:00 GMT + 3 h = 02:00 UTC = 03:00 BST.
    assert cal.due(utc(2026, 3, 28, 23), 3 * H) == utc(2026, 3, 29, 2)
    # Cuba moves its clocks at midnight (00:00 -> 01:00 on 8 Mar 2026): still continuous.
    havana = BusinessCalendar.always_open("America/Havana")
    assert havana.elapsed(utc(2026, 3, 7, 12), utc(2026, 3, 9, 12)) == 48 * H


def test_elapsed_backwards_is_negative_and_is_open():
    cal = office()
    assert cal.elapsed(utc(2026, 11, 2, 12), utc(2026, 11, 2, 10)) == -2 * H
    assert cal.is_open(utc(2026, 11, 2, 9)) and not cal.is_open(utc(2026, 11, 2, 17))


def test_holidays_are_edited_by_replacing_the_value():
    cal = office()
    monday = date(2026, 11, 2)
    closed = cal.adding_holidays([Holiday(monday, "Staff day")])
    assert closed.elapsed(utc(2026, 11, 2), utc(2026, 11, 3)) == timedelta(0)
    assert cal.elapsed(utc(2026, 11, 2), utc(2026, 11, 3)) == 8 * H  # the old value is intact
    reopened = closed.without_holiday(monday)
    assert reopened == cal and reopened.elapsed(utc(2026, 11, 2), utc(2026, 11, 3)) == 8 * H


def test_a_far_start_and_a_long_duration_build_the_table_both_ways():
    cal = office()
    # 2026-11-02 first, then a date years before (the table grows backwards), then a
    # year of business time: 52 weeks of 40 h, no holidays, from Mon 2 Nov 2026 09:00
    # run out at the close of the 52nd Friday, 29 Oct 2027 17:00 BST (16:00 UTC).
    assert cal.due(utc(2026, 11, 2, 9), H) == utc(2026, 11, 2, 10)
    assert cal.due(utc(2019, 11, 4, 9), H) == utc(2019, 11, 4, 10)
    assert cal.due(utc(2026, 11, 2, 9), 52 * 40 * H) == utc(2027, 10, 29, 16)


def test_a_calendar_pickles_and_copies_without_its_cache():
    import copy
    import pickle

    cal = office(hours="09:00-12:30, 13:30-17:00")
    cal.due(utc(2026, 11, 2, 9), H)  # build the table
    for twin in (pickle.loads(pickle.dumps(cal)), copy.deepcopy(cal)):
        assert twin == cal and hash(twin) == hash(cal)
        assert twin.due(utc(2026, 11, 2, 12), H) == utc(2026, 11, 2, 14)


def test_zones_come_from_the_tzdata_package_not_the_system(monkeypatch):
    # As on Windows: no system zone database at all. The answers are the same.
    import zoneinfo

    from desk.domain.calendars import zone_info

    expected = office("Pacific/Chatham").due(utc(2026, 4, 3, 20), 10 * H)
    zone_info.cache_clear()
    zoneinfo.reset_tzpath(to=[])
    try:
        assert office("Pacific/Chatham").due(utc(2026, 4, 3, 20), 10 * H) == expected
    finally:
        zoneinfo.reset_tzpath()
        zone_info.cache_clear()

"""Holidays pre-filled from the `holidays` library, and imported only when asked for."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import ValidationError
from desk.domain.opening_hours import Holiday
from desk.domain.public_holidays import public_holidays, supported_regions, with_public_holidays


def test_a_country_and_region():
    found = {h.day: h.name for h in public_holidays("GB", "SCT", years=[2026])}
    assert found[date(2026, 12, 25)] == "Christmas Day"
    assert date(2026, 11, 30) in found  # St Andrew's Day: Scotland only
    english = {h.day for h in public_holidays("gb", "eng", years=[2026])}
    assert date(2026, 11, 30) not in english
    assert "SCT" in supported_regions()["GB"]


def test_unknown_country_or_region_names_the_field():
    with pytest.raises(ValidationError) as caught:
        public_holidays("XX", years=[2026])
    assert caught.value.problems[0].field == "country"
    with pytest.raises(ValidationError) as caught:
        public_holidays("GB", "ZZ", years=[2026])
    assert caught.value.problems[0].field == "subdivision"


def test_prefilled_then_edited():
    # Christmas Day 2026 is a Friday: closed. The administrator adds a day and takes
    # Boxing Day (observed, Mon 28 Dec) out again; their own entry for a date wins.
    office = BusinessCalendar.weekly(
        "Europe/London",
        {d: "09:00-17:00" for d in range(5)},
        [Holiday(date(2026, 12, 24), "Christmas Eve (ours)")],
    )
    cal = with_public_holidays(office, "GB", "ENG", years=[2026, 2027])
    assert cal.holiday_on(date(2026, 12, 25)).name == "Christmas Day"  # type: ignore[union-attr]
    day = datetime(2026, 12, 25, tzinfo=UTC)
    assert cal.elapsed(day, day + timedelta(days=1)) == timedelta(0)
    edited = cal.without_holiday(date(2026, 12, 28))
    monday = datetime(2026, 12, 28, tzinfo=UTC)
    assert edited.elapsed(monday, monday + timedelta(days=1)) == timedelta(hours=8)
    assert [h.name for h in edited.holidays_on(date(2026, 12, 24))] == ["Christmas Eve (ours)"]


def test_the_library_is_not_imported_with_the_domain():
    code = (
        "import sys\n"
        "import desk.domain.calendars, desk.domain.public_holidays, desk.domain.sla\n"
        "import desk.domain.sla_clock, desk.domain.sla_wording, desk.domain.sla_history\n"
        "assert 'holidays' not in sys.modules, 'holidays imported at start-up'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_names_do_not_depend_on_the_machines_locale(monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setenv("LANGUAGE", "de")
    names = {h.day: h.name for h in public_holidays("DE", years=[2026])}
    assert names[date(2026, 12, 25)] == "Christmas Day"
    german = {h.day: h.name for h in public_holidays("DE", years=[2026], language="de")}
    assert german[date(2026, 12, 25)] == "Erster Weihnachtstag"

"""A calendar's holidays pre-filled from the `holidays` library, for a country and region.

The library is imported on first use, not with this module: it loads rules for hundreds
of countries, which Desk's start-up does not need. What it returns is plain `Holiday`
values (one-off, one per date and year), which an administrator then edits like any other.
"""

from __future__ import annotations

from collections.abc import Iterable

from .calendars import BusinessCalendar
from .errors import ValidationError
from .opening_hours import Holiday

#: The names' language unless the caller chooses one; see `public_holidays`.
DEFAULT_LANGUAGE = "en_US"


def public_holidays(
    country: str,
    subdivision: str | None = None,
    *,
    years: Iterable[int],
    language: str | None = DEFAULT_LANGUAGE,
) -> tuple[Holiday, ...]:
    """The public holidays of `country` (ISO 3166-1 alpha-2, "GB") and, when given, its
    `subdivision` ("SCT"), observed days included, sorted by date. Several holidays on
    one date are one `Holiday` whose name lists them.

    Names are in `language` where the library has it ("de": "Erster Weihnachtstag"),
    else in the country's own. None would let the library guess from the machine's
    LANGUAGE, LC_ALL and LANG: the same calendar would get other names on another desk.
    """
    import holidays as holidays_library  # lazily: see the module's docstring

    country = country.strip().upper()
    subdivision = subdivision.strip().upper() if subdivision and subdivision.strip() else None
    try:
        table = holidays_library.country_holidays(
            country, subdiv=subdivision, years=sorted(set(years)), language=language
        )
    except NotImplementedError as exc:
        # Which was wrong? Asking for the country alone tells, without loading the
        # rules of every other country (list_supported_countries does that).
        try:
            regions = holidays_library.country_holidays(country).subdivisions
        except NotImplementedError:
            message = f"No public holidays are known for “{country}”."
            raise ValidationError.single("country", message) from exc
        known = ", ".join(regions) or "none"
        message = f"“{subdivision}” is not a region of {country} (regions known: {known})."
        raise ValidationError.single("subdivision", message) from exc
    return tuple(Holiday(day, "; ".join(table.get_list(day))) for day in sorted(table))


def supported_regions() -> dict[str, tuple[str, ...]]:
    """Country code -> its subdivision codes, for the admin screen's choices."""
    import holidays as holidays_library

    return {
        country: tuple(regions)
        for country, regions in sorted(holidays_library.list_supported_countries().items())
    }


def with_public_holidays(
    calendar: BusinessCalendar,
    country: str,
    subdivision: str | None = None,
    *,
    years: Iterable[int],
    language: str | None = DEFAULT_LANGUAGE,
) -> BusinessCalendar:
    """`calendar` with the public holidays of those years added to the ones it has; a date
    it already closes keeps its own entry (the administrator's edit wins)."""
    found = public_holidays(country, subdivision, years=years, language=language)
    return calendar.adding_holidays(h for h in found if not calendar.holidays_on(h.day))

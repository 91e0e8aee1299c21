"""Business-hours calendars and the arithmetic of business time.

A calendar is a frozen value: a time zone, opening hours per weekday and holidays. Two
questions are asked of it: `due(start, duration)`, the instant a business duration from
`start` runs out, and `elapsed(start, end)`, the business time between two instants.

Both are exact to the microsecond. Opening hours are local wall-clock times, turned into
UTC instants once per local day (so a day of 23 or 25 hours, a year end or a holiday is
counted as it really is), and kept with a running total of open time before each day. A
due time is then a bisection in those totals and a walk through one day's intervals,
whatever the duration: there are no weeks to step through. The per-day table is built
lazily, a few months at a time, and shared by every question asked of the same value.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ValidationError
from .opening_hours import (
    ALL_DAY,
    MINUTES_PER_DAY,
    Holiday,
    Span,
    merge_spans,
    parse_spans,
    subtract_spans,
)

_US = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE_US = 60_000_000
#: Days added to the table at a time: a few months, a couple of milliseconds to build.
_CHUNK_DAYS = 128
#: How far ahead a due time is looked for before the calendar is called never open.
_HORIZON_DAYS = 366 * 20


# --- the calendar -----------------------------------------------------------------------


@lru_cache(maxsize=256)
def zone_info(zone: str) -> ZoneInfo:
    """The zone's rules from the `tzdata` package, on every machine.

    Not the system's database first, as `ZoneInfo(zone)` would: Windows has none, and a
    Linux server's may be years older than the package (2025b beside 2026f here), so a
    housekeeping sweep on the server and the clients on the desks would disagree about
    due times wherever a country changed its clocks in between.
    """
    try:
        resource = _package_zone(zone)
        if resource is not None:
            with resource.open("rb") as data:
                return ZoneInfo.from_file(data, key=zone)
        return ZoneInfo(zone)  # tzdata missing (a broken install): the system's, if any
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValidationError.single("zone", f"“{zone}” is not a known time zone.") from exc


def _package_zone(zone: str) -> Traversable | None:
    parts = zone.split("/")
    if not zone or any(part in ("", ".", "..") for part in parts) or "\\" in zone:
        raise ValueError(zone)
    try:
        resource = files("tzdata.zoneinfo").joinpath(*parts)
    except ModuleNotFoundError:
        return None
    if not resource.is_file():
        raise ZoneInfoNotFoundError(zone)
    return resource


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    try:  # called for every instant of every replay: the check only once it fails
        return (moment - _EPOCH) // _US
    except TypeError:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(
                f"{moment!r} has no time zone; business time needs an instant"
            ) from None
        raise


def from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


@dataclass(frozen=True, slots=True)
class DayCount:
    """Business time counted on one local day of a range (see `BusinessCalendar.days`)."""

    day: date
    counted: timedelta  # within the range asked about
    open_time: timedelta  # the whole day's opening time
    holiday: Holiday | None


@dataclass(frozen=True, slots=True)
class _Table:
    """Local days [lo, lo + n): UTC start of each (n + 1 entries, the last is the end of
    the last day), open time before each (n + 1), and each day's open intervals."""

    lo: int  # date ordinal of the first day
    starts: list[int]
    before: list[int]
    intervals: list[tuple[tuple[int, int], ...]]


class _Cache:
    __slots__ = ("holidays", "lock", "table", "yearly")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.table: _Table | None = None
        self.holidays: dict[date, list[Holiday]] | None = None
        self.yearly: dict[tuple[int, int], list[Holiday]] | None = None

    def __reduce__(self) -> tuple[type[_Cache], tuple[()]]:
        # A copied or pickled calendar starts with an empty cache of its own (a lock
        # cannot be pickled, and a table is cheap to rebuild).
        return (_Cache, ())


def _week(
    hours: Sequence[Sequence[Span] | str] | Mapping[int, Sequence[Span] | str],
) -> tuple[tuple[Span, ...], ...]:
    if isinstance(hours, Mapping):
        unknown = [day for day in hours if day not in range(7)]
        if unknown:
            raise ValidationError.single("hours", f"Weekdays are 0 (Monday) to 6, not {unknown}.")
        rows = [hours.get(day, ()) for day in range(7)]
    else:
        rows = list(hours)
        if len(rows) != 7:
            raise ValidationError.single("hours", "Opening hours are given for 7 weekdays.")
    return tuple(parse_spans(row) if isinstance(row, str) else merge_spans(row) for row in rows)


@dataclass(frozen=True)
class BusinessCalendar:
    """When the desk is open: `zone` (IANA name), `week` (Monday first, local spans) and
    `holidays`. Build one with `weekly` or `always_open`; edit with `with_holidays` and
    friends, which return a new value."""

    zone: str
    week: tuple[tuple[Span, ...], ...]
    holidays: tuple[Holiday, ...] = ()
    name: str = ""
    id: int | None = None
    version: int = 1
    _cache: _Cache = field(default_factory=_Cache, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        zone_info(self.zone)
        object.__setattr__(self, "week", _week(self.week))
        object.__setattr__(self, "holidays", tuple(self.holidays))
        if not any(self.week):
            raise ValidationError.single("hours", "The desk must be open at some time each week.")

    @classmethod
    def weekly(
        cls,
        zone: str,
        hours: Mapping[int, Sequence[Span] | str] | Sequence[Sequence[Span] | str],
        holidays: Iterable[Holiday] = (),
        **fields: object,
    ) -> BusinessCalendar:
        """`weekly("Europe/London", {d: "09:00-12:30, 13:30-17:00" for d in range(5)})`."""
        return cls(zone, _week(hours), tuple(holidays), **fields)  # type: ignore[arg-type]

    @classmethod
    def always_open(cls, zone: str = "UTC", **fields: object) -> BusinessCalendar:
        """24/7: every day 00:00–24:00, one continuous stretch with no gap at midnight."""
        return cls(zone, ((ALL_DAY,),) * 7, **fields)  # type: ignore[arg-type]

    # --- editing (a new value each time) ------------------------------------------------

    def with_holidays(self, holidays: Iterable[Holiday]) -> BusinessCalendar:
        return replace(self, holidays=tuple(holidays))

    def adding_holidays(self, holidays: Iterable[Holiday]) -> BusinessCalendar:
        return replace(self, holidays=(*self.holidays, *holidays))

    def without_holiday(self, day: date) -> BusinessCalendar:
        """Every holiday that falls on `day` taken out (yearly ones too)."""
        return replace(self, holidays=tuple(h for h in self.holidays if not h.falls_on(day)))

    # --- what a day looks like ----------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return zone_info(self.zone)

    @property
    def is_always_open(self) -> bool:
        return all(day == (ALL_DAY,) for day in self.week) and not self.holidays

    def holidays_on(self, day: date) -> list[Holiday]:
        cache = self._cache
        if cache.holidays is None or cache.yearly is None:
            one_off: dict[date, list[Holiday]] = {}
            yearly: dict[tuple[int, int], list[Holiday]] = {}
            for h in self.holidays:
                if h.every_year:
                    yearly.setdefault((h.day.month, h.day.day), []).append(h)
                else:
                    one_off.setdefault(h.day, []).append(h)
            cache.holidays, cache.yearly = one_off, yearly
        return cache.holidays.get(day, []) + cache.yearly.get((day.month, day.day), [])

    def holiday_on(self, day: date) -> Holiday | None:
        found = self.holidays_on(day)
        return found[0] if found else None

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """The local opening spans of `day`, holidays taken out."""
        spans = self.week[day.weekday()]
        found = self.holidays_on(day)
        if found and spans:
            spans = subtract_spans(spans, merge_spans(s for h in found for s in h.closed))
        return spans

    # --- the arithmetic -----------------------------------------------------------------

    def due(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of business time after `start` (aware; returned in UTC).

        The earliest such instant: a due time that uses up a day's last minute is that
        day's closing time, not the next opening.
        """
        return from_us(self.due_us(to_us(start), duration // _US))

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time from `start` to `end` (negative when `end` is earlier)."""
        return timedelta(microseconds=self.position_us(to_us(end)) - self.position_us(to_us(start)))

    def is_open(self, moment: datetime) -> bool:
        t = to_us(moment)
        table = self._covering(t)
        i = bisect_right(table.starts, t) - 1
        return any(s <= t < e for s, e in table.intervals[i])

    def due_us(self, start: int, duration: int, position: int | None = None) -> int:
        """`due` on microseconds since the epoch, for callers that compute in bulk;
        `position`: `start`'s `position_us`, if the caller has it already."""
        if duration < 0:
            raise ValueError("a business duration cannot be negative")
        if duration == 0:
            return start
        target = (self.position_us(start) if position is None else position) + duration
        table = self._cache.table  # self._table_of(start), without the call
        if table is None or not table.starts[0] <= start < table.starts[-1]:
            table = self._covering(start)
        horizon = start + _HORIZON_DAYS * 86_400_000_000
        while table.before[-1] < target:
            if table.starts[-1] > horizon:
                raise ValueError(f"{self.name or 'the calendar'} is never open after {start}")
            table = self._extend(forward=True)
        j = bisect_left(table.before, target) - 1
        left = target - table.before[j]
        for s, e in table.intervals[j]:
            if left <= e - s:
                return s + left
            left -= e - s
        raise AssertionError("open time before each day is out of step with its intervals")

    def position_us(self, t: int) -> int:
        """Business time from the table's origin to `t`: elapsed(a, b) = pos(b) - pos(a).
        The origin is arbitrary but fixed for this value, so positions may be compared."""
        table = self._cache.table  # self._table_of(t), without the call: several per ticket
        if table is None or not table.starts[0] <= t < table.starts[-1]:
            table = self._covering(t)
        i = bisect_right(table.starts, t) - 1
        position = table.before[i]
        for s, e in table.intervals[i]:
            if t <= s:
                break
            if t < e:
                return position + t - s
            position += e - s
        return position

    def days(self, start: datetime, end: datetime) -> Iterator[DayCount]:
        """Each local day from `start`'s to `end`'s, with the business time in the range."""
        a, b = to_us(start), to_us(end)
        self._covering(b)
        table = self._covering(a)
        first = bisect_right(table.starts, a) - 1
        last = bisect_right(table.starts, b) - 1
        if b == table.starts[last] and last > first:
            last -= 1  # the range ends at midnight: the next day is not in it
        for i in range(first, last + 1):
            counted = total = 0
            for s, e in table.intervals[i]:
                total += e - s
                counted += max(0, min(e, b) - max(s, a))
            day = date.fromordinal(table.lo + i)
            yield DayCount(
                day,
                timedelta(microseconds=counted),
                timedelta(microseconds=total),
                self.holiday_on(day),
            )

    # --- the per-day table --------------------------------------------------------------

    def _table_of(self, t: int) -> _Table:
        """`_covering` without its calls when the table already covers `t` (nearly always:
        a replay asks this several times per ticket)."""
        table = self._cache.table
        if table is None or not table.starts[0] <= t < table.starts[-1]:
            return self._covering(t)
        return table

    def _covering(self, t: int) -> _Table:
        table = self._table_or_build(t)
        while t < table.starts[0]:
            table = self._extend(forward=False)
        while t >= table.starts[-1]:
            table = self._extend(forward=True)
        return table

    def _table_or_build(self, t: int) -> _Table:
        table = self._cache.table
        if table is not None:
            return table
        with self._cache.lock:
            if self._cache.table is None:
                first = from_us(t).astimezone(self.tz).date().toordinal() - 7
                self._cache.table = self._build(first, first + _CHUNK_DAYS, origin=0)
            return self._cache.table

    def _extend(self, *, forward: bool) -> _Table:
        # A new table replaces the old one whole, so a reader in another thread sees one
        # or the other, never half of each.
        with self._cache.lock:
            old = self._cache.table
            assert old is not None
            hi = old.lo + len(old.intervals)
            if forward:
                more = self._build(hi, hi + _CHUNK_DAYS, origin=old.before[-1])
                table = _Table(
                    old.lo,
                    old.starts + more.starts[1:],
                    old.before + more.before[1:],
                    old.intervals + more.intervals,
                )
            else:
                more = self._build(old.lo - _CHUNK_DAYS, old.lo, origin=0)
                shift = old.before[0] - more.before[-1]
                table = _Table(
                    more.lo,
                    more.starts[:-1] + old.starts,
                    [b + shift for b in more.before[:-1]] + old.before,
                    more.intervals + old.intervals,
                )
            self._cache.table = table
            return table

    def _build(self, lo: int, hi: int, origin: int) -> _Table:
        tz = self.tz
        starts = [_local_instant(tz, date.fromordinal(lo), 0)]
        before = [origin]
        intervals: list[tuple[tuple[int, int], ...]] = []
        for ordinal in range(lo, hi):
            day = date.fromordinal(ordinal)
            day_start = starts[-1]
            day_end = _local_instant(tz, date.fromordinal(ordinal + 1), 0)
            plain = day_end - day_start == 86_400_000_000 and _same_offset(tz, day_start, day_end)
            pieces = []
            for span in self.spans_on(day):
                if plain:  # no clock change today: wall minutes are real minutes
                    s = day_start + span.start * _MINUTE_US
                    e = day_start + span.end * _MINUTE_US
                else:
                    s = _local_instant(tz, day, span.start)
                    e = _local_instant(tz, day, span.end)
                if e > s:
                    pieces.append((s, e))
            intervals.append(tuple(pieces))
            starts.append(day_end)
            before.append(before[-1] + sum(e - s for s, e in pieces))
        return _Table(lo, starts, before, intervals)


def _same_offset(tz: ZoneInfo, a: int, b: int) -> bool:
    return from_us(a).astimezone(tz).utcoffset() == from_us(b - 1).astimezone(tz).utcoffset()


def _local_instant(tz: ZoneInfo, day: date, minute: int) -> int:
    """The instant a local wall-clock time happens, in microseconds since the epoch.

    A time repeated when the clocks go back is its first occurrence. A time skipped when
    they go forward is the moment of the change (02:30 on the night London skips from
    01:00 to 02:00 is 02:00 BST), so later wall times are never earlier instants.
    """
    if minute >= MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), minute - MINUTES_PER_DAY
    wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
    first = wall.replace(tzinfo=tz)
    t = to_us(first)
    if from_us(t).astimezone(tz).replace(tzinfo=None) == wall:
        return t
    # In a gap: the change happened between the wall time read with the new offset and
    # with the old one. Find it to the second.
    lo = to_us(wall.replace(tzinfo=tz, fold=1 - first.fold)) // 1_000_000
    hi = t // 1_000_000
    lo, hi = min(lo, hi), max(lo, hi)
    while lo < hi:
        mid = (lo + hi) // 2
        if from_us(mid * 1_000_000).astimezone(tz).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid + 1
    return lo * 1_000_000

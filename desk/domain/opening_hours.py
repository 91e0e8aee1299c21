"""Opening hours and holidays: the local wall-clock spans a business calendar is made of."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .errors import ValidationError

MINUTES_PER_DAY = 24 * 60


# --- opening hours ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Local wall-clock minutes [start, end) of one day; `end` may be 1440 (24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end <= MINUTES_PER_DAY):
            raise ValidationError.single(
                "hours", f"{_hhmm(self.start)}–{_hhmm(self.end)} is not a time span within a day."
            )

    @classmethod
    def parse(cls, text: str) -> Span:
        """`09:00-17:00`, `9:00–12:30`, `00:00-24:00`."""
        match = _SPAN.match(text)
        if match is None:
            raise ValidationError.single(
                "hours", f"“{text.strip()}” is not a time span such as 09:00-17:00."
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if m1 > 59 or m2 > 59 or h1 > 23 or h2 > 24 or (h2 == 24 and m2):
            raise ValidationError.single("hours", f"“{text.strip()}” is not a time of day.")
        return cls(h1 * 60 + m1, h2 * 60 + m2)

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}–{_hhmm(self.end)}"


_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
ALL_DAY = Span(0, MINUTES_PER_DAY)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_spans(text: str) -> tuple[Span, ...]:
    """`09:00-12:30, 13:30-17:00` (empty text: closed)."""
    return merge_spans(Span.parse(part) for part in text.split(",") if part.strip())


def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted, with overlapping and touching spans joined."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return tuple(merged)


def subtract_spans(spans: Sequence[Span], closed: Sequence[Span]) -> tuple[Span, ...]:
    """What is left of `spans` once the `closed` spans are taken out."""
    result: list[Span] = []
    for span in spans:
        pieces = [(span.start, span.end)]
        for gap in closed:
            pieces = [
                piece
                for start, end in pieces
                for piece in ((start, min(end, gap.start)), (max(start, gap.end), end))
                if piece[0] < piece[1]
            ]
        result.extend(Span(start, end) for start, end in pieces)
    return tuple(result)


# --- holidays ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holiday:
    """A day the desk is closed, all of it or in part (`closed`, local times).

    `every_year` holidays fall on the same month and day each year (the year of `day` is
    ignored; 29 February only in leap years); the others on `day` only.
    """

    day: date
    name: str = ""
    closed: tuple[Span, ...] = (ALL_DAY,)
    every_year: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "closed", merge_spans(self.closed))
        if not self.closed:
            raise ValidationError.single("closed", "A holiday closes the desk for some time.")

    @property
    def whole_day(self) -> bool:
        return self.closed == (ALL_DAY,)

    def falls_on(self, day: date) -> bool:
        if self.every_year:
            return (day.month, day.day) == (self.day.month, self.day.day)
        return day == self.day

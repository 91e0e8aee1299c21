"""What a report asks for: a range of local days, filters, the grain of its buckets and
what it is broken down by. Pure values shared by the services, the store and the UI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import DeskError
from .model import Channel


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Breakdown(StrEnum):
    NONE = "none"
    CHANNEL = "channel"
    TOPIC = "topic"
    TEAM = "team"


class Group(StrEnum):
    """Whose figures a per-group report shows."""

    AGENT = "agent"
    TEAM = "team"


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """Only the tickets that match every filter given (None: any). A help topic takes
    in its sub-topics: `topic_ids` is the topic and its descendants."""

    team_id: int | None = None
    agent_id: int | None = None
    topic_ids: frozenset[int] | None = None
    channel: Channel | None = None
    organisation: str | None = None


@dataclass(frozen=True, slots=True)
class ReportRange:
    """From `first` to `last`, both included, local days in the desk's report zone."""

    first: date
    last: date

    @property
    def first_day(self) -> int:
        return self.first.toordinal()

    @property
    def last_day(self) -> int:
        return self.last.toordinal()

    @property
    def days(self) -> int:
        return self.last_day - self.first_day + 1

    def each_day(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]


def bucket_start(day: date, grain: Grain) -> date:
    """The first day of the bucket `day` falls in: itself, its ISO week's Monday, or the
    first of its month."""
    if grain == Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain == Grain.MONTH:
        return day.replace(day=1)
    return day


def bucket_end(start: date, grain: Grain) -> date:
    """The last day of the bucket that starts on `start`."""
    if grain == Grain.WEEK:
        return start + timedelta(days=6)
    if grain == Grain.MONTH:
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    return start


class ReportCancelled(DeskError):
    """The user cancelled the report while it ran."""

    def __init__(self) -> None:
        super().__init__("The report was cancelled.")

"""Column types that keep the database and the domain speaking the same language."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import DateTime, Dialect, SmallInteger, String
from sqlalchemy.types import TypeDecorator

from desk.domain.model import TicketStatus


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python; naive UTC in SQLite, timestamptz in PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; Desk stores UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumType(TypeDecorator[Enum]):
    """A StrEnum stored as its value in a short VARCHAR."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[Enum], length: int = 16) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> Enum | None:
        return None if value is None else self.enum(value)


class IntEnumType(TypeDecorator[Enum]):
    """An IntEnum (Priority, Level) stored as its small integer, so it sorts by rank."""

    impl = SmallInteger
    cache_ok = True

    def __init__(self, enum: type[Enum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(self.enum(value))

    def process_result_value(self, value: int | None, dialect: Dialect) -> Enum | None:
        return None if value is None else self.enum(value)


#: Status codes in lifecycle order, so sorting by status sorts by progress. Never renumber.
STATUS_CODES: dict[TicketStatus, int] = {
    TicketStatus.NEW: 1,
    TicketStatus.OPEN: 2,
    TicketStatus.PENDING: 3,
    TicketStatus.RESOLVED: 4,
    TicketStatus.CLOSED: 5,
}
_STATUS_BY_CODE = {code: status for status, code in STATUS_CODES.items()}


class StatusType(TypeDecorator[TicketStatus]):
    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else STATUS_CODES[TicketStatus(value)]

    def process_result_value(self, value: int | None, dialect: Dialect) -> TicketStatus | None:
        return None if value is None else _STATUS_BY_CODE[value]

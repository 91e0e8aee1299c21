"""What the UI calls things, translated, and the colours that go with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from desk.domain.model import (
    Agent,
    Availability,
    Channel,
    Level,
    Priority,
    Role,
    TicketStatus,
    effective_availability,
)
from desk.domain.presence import Activity, PresenceEntry

# Label tables are translated once, on first use: Desk does not switch language while it runs.


def tr(text: str, context: str = "Desk") -> str:
    return QCoreApplication.translate(context, text)


@cache
def _status_labels() -> dict[TicketStatus, str]:
    return {
        TicketStatus.NEW: tr("New"),
        TicketStatus.OPEN: tr("Open"),
        TicketStatus.PENDING: tr("Pending"),
        TicketStatus.RESOLVED: tr("Resolved"),
        TicketStatus.CLOSED: tr("Closed"),
    }


def status_label(status: TicketStatus) -> str:
    return _status_labels()[TicketStatus(status)]


@cache
def _priority_labels() -> dict[Priority, str]:
    return {
        Priority.LOW: tr("Low"),
        Priority.NORMAL: tr("Normal"),
        Priority.HIGH: tr("High"),
        Priority.URGENT: tr("Urgent"),
    }


def priority_label(priority: Priority) -> str:
    return _priority_labels()[Priority(priority)]


def level_label(level: Level) -> str:
    return _level_labels()[Level(level)]


@cache
def _level_labels() -> dict[Level, str]:
    return {Level.LOW: tr("Low"), Level.MEDIUM: tr("Medium"), Level.HIGH: tr("High")}


@cache
def _channel_labels() -> dict[Channel, str]:
    return {
        Channel.WALK_IN: tr("Walk-in"),
        Channel.PHONE: tr("Phone"),
        Channel.EMAIL: tr("Email"),
        Channel.WEB: tr("Web"),
        Channel.CHAT: tr("Chat"),
        Channel.SOCIAL: tr("Social"),
    }


def channel_label(channel: Channel) -> str:
    return _channel_labels()[Channel(channel)]


def role_label(role: Role) -> str:
    return {Role.AGENT: tr("Agent"), Role.SUPERVISOR: tr("Supervisor"), Role.ADMIN: tr("Admin")}[
        Role(role)
    ]


def availability_label(availability: Availability) -> str:
    return {
        Availability.AVAILABLE: tr("Available"),
        Availability.AWAY: tr("Away"),
        Availability.OFF_SHIFT: tr("Off shift"),
    }[Availability(availability)]


PRIORITY_COLOURS = {
    Priority.LOW: QColor("#6b7785"),
    Priority.NORMAL: QColor("#2f6fd6"),
    Priority.HIGH: QColor("#d9822b"),
    Priority.URGENT: QColor("#d13438"),
}
STATUS_COLOURS = {
    TicketStatus.NEW: QColor("#7b4fd6"),
    TicketStatus.OPEN: QColor("#2f6fd6"),
    TicketStatus.PENDING: QColor("#b7791f"),
    TicketStatus.RESOLVED: QColor("#2e8540"),
    TicketStatus.CLOSED: QColor("#6b7785"),
}


def when(moment: datetime | None, now: datetime | None = None) -> str:
    """A compact local time: 14:05 today, Mon 09:12 this week, 12 Nov this year, else 12 Nov 2025."""
    if moment is None:
        return ""
    local = moment.astimezone()
    now_local = (now or datetime.now(UTC)).astimezone()
    if local.date() == now_local.date():
        return f"{local.hour:02}:{local.minute:02}"
    days = (now_local.date() - local.date()).days
    if 0 < days < 7:
        return f"{_names().days[local.weekday()]} {local.hour:02}:{local.minute:02}"
    month = _names().months[local.month - 1]
    if local.year == now_local.year:
        return f"{local.day} {month}"
    return f"{local.day} {month} {local.year}"


@cache
def _names() -> _Names:
    """The short day and month names as `strftime` spells them here, read once: the
    queue formats three times a row, and each `strftime` goes through the import
    machinery (Qt for Python hooks it), several times the cost of the formatting."""
    return _Names(
        tuple(date(2024, 1, day).strftime("%a") for day in range(1, 8)),  # a Monday first
        tuple(date(2024, month, 1).strftime("%b") for month in range(1, 13)),
    )


@dataclass(frozen=True)
class _Names:
    days: tuple[str, ...]
    months: tuple[str, ...]


def short_day(moment: datetime) -> str:
    """ "Thu 3 Dec": a day, in this computer's time."""
    local = moment.astimezone()
    return f"{local:%a} {local.day} {local:%b}"


def availability_words(agent: Agent, now: datetime | None = None) -> str:
    """ "Available", "Away until Thu 3 Dec", "Off shift": as the agent is now (an away
    that has run out is available again)."""
    now = now or datetime.now(UTC)
    state = effective_availability(agent.availability, agent.away_until, now)
    if state == Availability.AWAY and agent.away_until is not None:
        return tr("Away until {day}").format(day=short_day(agent.away_until))
    return availability_label(state)


def full_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone()
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def presence_text(entries: list[PresenceEntry]) -> str:
    """ "Priya is viewing", "Priya is replying…", or several: one line each (the queue
    table's tooltip and the open ticket's header say it alike)."""
    lines = []
    for entry in entries:
        if entry.activity == Activity.REPLYING:
            lines.append(tr("{name} is replying…").format(name=entry.agent_name))
        else:
            lines.append(tr("{name} is viewing").format(name=entry.agent_name))
    return "\n".join(lines)

"""How the UI words and colours a clock: "2 h 10 min", "3 h overdue", "Paused", in the
theme's own green, amber, red and grey, so both the light and the dark theme keep them
readable (the same colours the stylesheet gives "ok", "warning" and "error" text).

The queue table's Due column and the ticket's clocks use them alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from PySide6.QtGui import QColor, QGuiApplication

from desk.domain.queues import DueState, QueueRow
from desk.domain.sla_wording import Wording, format_duration

from .labels import full_time, tr
from .style import DARK, LIGHT, is_dark

_COLOUR_KEYS = {
    DueState.ON_TRACK: "ok",
    DueState.AT_RISK: "warning",
    DueState.OVERDUE: "error",
    DueState.PAUSED: "muted",
}


@cache
def wording() -> Wording:
    """The explanation's words, translated (the keys and placeholders stay)."""
    return Wording(
        hours_minutes=tr("{hours} h {minutes} min"),
        hours=tr("{hours} h"),
        minutes=tr("{minutes} min"),
        seconds=tr("{seconds} s"),
        none=tr("none"),
    )


def duration(value: timedelta) -> str:
    """Business time in hours and minutes: "9 h 30 min" (a business day is not 24 h)."""
    return format_duration(abs(value), wording())


def compact_duration(value: timedelta) -> str:
    """For a narrow column: minutes under ten hours ("3 h 19 min"), whole hours above
    ("156 h"); the exact figure is in the tooltip."""
    value = abs(value)
    if value >= timedelta(hours=10):
        return wording().hours.format(hours=int(value.total_seconds() // 3600))
    return duration(value)


def state_label(state: DueState) -> str:
    return {
        DueState.NONE: "",
        DueState.ON_TRACK: tr("On track"),
        DueState.AT_RISK: tr("At risk"),
        DueState.OVERDUE: tr("Overdue"),
        DueState.PAUSED: tr("Paused"),
    }[state]


def due_colour(state: DueState, dark: bool | None = None) -> QColor | None:
    """The state's colour in the current theme (None: the plain text colour)."""
    key = _COLOUR_KEYS.get(state)
    if key is None:
        return None
    if dark is None:
        dark = is_dark(QGuiApplication.palette())
    return QColor((DARK if dark else LIGHT)[key])


def due_text(row: QueueRow, now: datetime) -> str:
    """The Due column: the business time left, how long overdue, or "Paused"."""
    state = row.due_state(now)
    if state == DueState.PAUSED:
        return tr("Paused")
    if row.due_at is None:
        return ""
    left = row.due_left
    if state == DueState.OVERDUE:
        if left is None or left >= timedelta(0):  # it passed since the row was read
            return tr("Overdue")
        return tr("{time} overdue").format(time=compact_duration(left))
    if left is None:
        return tr("Due {time}").format(time=full_time(row.due_at))
    return tr("{time} left").format(time=compact_duration(left))


def due_tooltip(row: QueueRow, now: datetime) -> str | None:
    """The exact due time and what the colour means."""
    state = row.due_state(now)
    if state == DueState.PAUSED:
        return tr("Paused while the ticket is pending: the clock resumes on a reply or reopen.")
    if row.due_at is None:
        return None
    lines = [tr("Due {time}").format(time=full_time(row.due_at))]
    if row.due_left is not None:
        if row.due_left >= timedelta(0):
            lines.append(tr("{time} of business hours left").format(time=duration(row.due_left)))
        else:
            lines.append(tr("{time} of business hours overdue").format(time=duration(row.due_left)))
    if state == DueState.AT_RISK and row.at_risk_at is not None:
        lines.append(tr("At risk since {time}").format(time=full_time(row.at_risk_at)))
    elif state == DueState.ON_TRACK and row.at_risk_at is not None:
        lines.append(tr("At risk from {time}").format(time=full_time(row.at_risk_at)))
    lines.append(tr("Open the ticket to see how the due time was reached."))
    return "\n".join(lines)

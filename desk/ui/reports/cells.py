"""How a report's cells read on screen and on paper."""

from __future__ import annotations

from datetime import date
from typing import Any

from desk.services.report_tables import Kind

from ..common.labels import tr


def duration_text(seconds: int | None) -> str:
    """ "45 min", "3 h 20 min", "2 d 4 h" (days of 24 hours)."""
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return tr("{m} min").format(m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return (
            tr("{h} h {m} min").format(h=hours, m=minutes)
            if minutes
            else tr("{h} h").format(h=hours)
        )
    days, hours = divmod(hours, 24)
    return tr("{d} d {h} h").format(d=days, h=hours)


def cell_text(value: Any, kind: Kind) -> str:
    if value is None:
        return "–"
    if kind == Kind.DURATION:
        return duration_text(value)
    if kind == Kind.SHARE:
        return f"{value * 100:.1f} %"
    if kind == Kind.AVERAGE:
        return f"{value:.2f}"
    if kind == Kind.COUNT and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_number(kind: Kind) -> bool:
    return kind not in (Kind.TEXT, Kind.DATE)

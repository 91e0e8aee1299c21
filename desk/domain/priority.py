"""Priority from impact × urgency: the ITIL priority matrix, folded onto four levels."""

from __future__ import annotations

from .model import Level, Priority

_L, _M, _H = Level.LOW, Level.MEDIUM, Level.HIGH

#: (impact, urgency) -> priority.  Rows are impact, columns urgency.
PRIORITY_MATRIX: dict[tuple[Level, Level], Priority] = {
    (_H, _H): Priority.URGENT,
    (_H, _M): Priority.HIGH,
    (_H, _L): Priority.NORMAL,
    (_M, _H): Priority.HIGH,
    (_M, _M): Priority.NORMAL,
    (_M, _L): Priority.LOW,
    (_L, _H): Priority.NORMAL,
    (_L, _M): Priority.LOW,
    (_L, _L): Priority.LOW,
}

#: The impact and urgency that stand for a priority when only the priority is known
#: (a help topic's default priority).
LEVELS_FOR_PRIORITY: dict[Priority, tuple[Level, Level]] = {
    Priority.URGENT: (_H, _H),
    Priority.HIGH: (_H, _M),
    Priority.NORMAL: (_M, _M),
    Priority.LOW: (_L, _L),
}


def priority_for(impact: Level, urgency: Level) -> Priority:
    return PRIORITY_MATRIX[(Level(impact), Level(urgency))]

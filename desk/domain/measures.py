"""What a count of the dashboard counts, as a queue: a click on a count opens exactly the
tickets it counted.

Apart from the rest of the dashboard (`dashboard`: its figures, lanes and charts, ~20 ms
of dataclasses to load) because the queue list and the window's dashboard door need
these at every start, and the dashboard itself only when a supervisor opens it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from .queues import QueueFilter, QueueKind, queue_filter


class Measure(StrEnum):
    OPEN = "open"  # active: new, open or pending
    UNASSIGNED = "unassigned"
    PENDING = "pending"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"


_KINDS = {
    Measure.OPEN: QueueKind.ALL_OPEN,
    Measure.UNASSIGNED: QueueKind.UNASSIGNED,
    Measure.PENDING: QueueKind.PENDING,
    Measure.AT_RISK: QueueKind.AT_RISK,
    Measure.OVERDUE: QueueKind.OVERDUE,
    Measure.DUE_TODAY: QueueKind.DUE_TODAY,
}


def measure_filter(
    measure: Measure, now: datetime, *, team_id: int | None = None, assignee_id: int | None = None
) -> QueueFilter:
    """The queue a count of the dashboard counts: `now` in the supervisor's zone (Due today
    ends at their midnight)."""
    spec = queue_filter(_KINDS[Measure(measure)], now=now)
    if team_id is not None:
        spec = replace(spec, team_id=team_id)
    if assignee_id is not None:
        spec = replace(spec, assignee_id=assignee_id)
    return spec

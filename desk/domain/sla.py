"""SLA plans: the times a desk promises, per priority, and which plan a ticket is under.

A plan is a frozen value. Which calendar it counts in is the plan's `calendar_id`; the
services look the calendar up and hand it to the clock (`desk.domain.sla_clock`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType

from .errors import ValidationError
from .model import Priority, TicketStatus

_US = timedelta(microseconds=1)


class Clock(StrEnum):
    """The two promises a plan makes."""

    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


@dataclass(frozen=True, slots=True)
class Targets:
    """Business time allowed for each promise at one priority; None promises nothing."""

    first_response: timedelta | None = None
    resolution: timedelta | None = None

    def __post_init__(self) -> None:
        for clock, value in (
            (Clock.FIRST_RESPONSE, self.first_response),
            (Clock.RESOLUTION, self.resolution),
        ):
            if value is not None and value <= timedelta(0):
                raise ValidationError.single(str(clock), "A target is a time longer than zero.")

    def for_clock(self, clock: Clock) -> timedelta | None:
        return self.first_response if clock == Clock.FIRST_RESPONSE else self.resolution


class EscalationKind(StrEnum):
    RAISE_PRIORITY = "raise_priority"  # to `priority`, or one step up when None
    MOVE_TO_TEAM = "move_to_team"  # to `team_id`


@dataclass(frozen=True, slots=True)
class Escalation:
    """What the desk does when a clock of the plan is breached (the sweep carries it out)."""

    on: Clock
    kind: EscalationKind
    priority: Priority | None = None
    team_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind == EscalationKind.MOVE_TO_TEAM and self.team_id is None:
            raise ValidationError.single("team", "Choose the team the ticket moves to.")

    def raised(self, current: Priority) -> Priority:
        """The priority a RAISE_PRIORITY action gives a ticket at `current`: never lower."""
        if self.priority is not None:
            return max(current, self.priority)
        return Priority(min(current + 1, max(Priority)))


#: Statuses a clock never runs in, whatever the plan: the work is done (until a reopen).
DONE = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})
#: Statuses a plan may not pause: a ticket in them is waiting on the desk.
WORKING = frozenset({TicketStatus.NEW, TicketStatus.OPEN})
DEFAULT_PAUSE = frozenset({TicketStatus.PENDING})


@dataclass(frozen=True)
class SlaPlan:
    """Targets per priority, counted in business hours of the plan's calendar.

    `at_risk_percent`: a ticket is "at risk" once it has used that share of a target
    (75 = three quarters); None: never. `pause` names the statuses that stop the clocks.
    """

    id: int | None
    name: str
    targets: Mapping[Priority, Targets]
    calendar_id: int | None = None
    at_risk_percent: int | None = 75
    pause: frozenset[TicketStatus] = DEFAULT_PAUSE
    escalations: tuple[Escalation, ...] = ()
    version: int = 1

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError.single("name", "A plan needs a name.")
        targets = {Priority(p): t for p, t in self.targets.items()}
        object.__setattr__(self, "targets", MappingProxyType(targets))
        object.__setattr__(self, "pause", frozenset(TicketStatus(s) for s in self.pause))
        object.__setattr__(self, "escalations", tuple(self.escalations))
        if self.at_risk_percent is not None and not 0 < self.at_risk_percent < 100:
            raise ValidationError.single(
                "at_risk_percent", "“At risk” is a share of the target between 1 and 99 %."
            )
        if self.pause & WORKING:
            raise ValidationError.single(
                "pause", "The clock must run while a ticket is new or open; it cannot pause there."
            )
        # Each target in microseconds, as the clock's replay asks for them (several times
        # per ticket in a recompute): not a field, so not compared, shown or stored.
        object.__setattr__(
            self,
            "_target_us",
            {
                (clock, priority): None if value is None else value // _US
                for priority, targets in targets.items()
                for clock in Clock
                for value in (targets.for_clock(clock),)
            },
        )

    def __hash__(self) -> int:  # the targets mapping is not hashable; equal plans agree here
        return hash((self.id, self.name, self.calendar_id, self.version))

    def target(self, clock: Clock, priority: Priority) -> timedelta | None:
        # The keys are Priority members; so is `priority` nearly always (no conversion).
        targets = self.targets.get(
            priority if isinstance(priority, Priority) else Priority(priority)
        )
        return targets.for_clock(clock) if targets else None

    def target_us(self, clock: Clock, priority: Priority) -> int | None:
        """`target` in microseconds."""
        return self._target_us.get((clock, priority))  # type: ignore[attr-defined]

    def at_risk_after(self, target: timedelta) -> timedelta | None:
        """The business time used when a clock with `target` turns "at risk"."""
        if self.at_risk_percent is None:
            return None
        return target * self.at_risk_percent // 100

    def pauses(self, status: TicketStatus) -> bool:
        return status in self.pause

    def escalations_on(self, clock: Clock) -> tuple[Escalation, ...]:
        return tuple(e for e in self.escalations if e.on == clock)


def choose_plan(
    topic_id: int | None,
    *,
    topic_plans: Mapping[int, SlaPlan],
    parents: Mapping[int, int | None],
    default: SlaPlan | None,
) -> SlaPlan | None:
    """The plan of the help topic, else of its nearest parent topic that has one, else the
    desk-wide `default`. `parents` maps each topic to its parent (None at the top)."""
    seen: set[int] = set()
    while topic_id is not None and topic_id not in seen:
        plan = topic_plans.get(topic_id)
        if plan is not None:
            return plan
        seen.add(topic_id)  # a loop in the topic tree ends the walk instead of hanging
        topic_id = parents.get(topic_id)
    return default


def plan(
    name: str,
    targets: Mapping[Priority, tuple[timedelta | None, timedelta | None]],
    *,
    plan_id: int | None = None,
    **fields: object,
) -> SlaPlan:
    """A plan from (first response, resolution) pairs per priority."""
    return SlaPlan(
        plan_id,
        name,
        {p: Targets(first, resolution) for p, (first, resolution) in targets.items()},
        **fields,  # type: ignore[arg-type]
    )

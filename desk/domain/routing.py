"""Routing a ticket: which rule fires, which team and agent get it, and why.

`route(facts, rules, context)` is a pure function of the ticket's facts, the rules and a
`RoutingContext` (the clock, the agents' state, the round-robin cursors, names): the
services read the context in the ticket's own transaction, under a row lock, and write
back what the decision says (the assignee, the team's new cursor).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from .calendars import BusinessCalendar, zone_info
from .model import Availability, Priority, effective_availability
from .routing_rules import (
    TEXT_READ_MAX,
    AddNote,
    All,
    AnyOf,
    Assign,
    BusinessHours,
    ChannelIs,
    Condition,
    CustomerIs,
    EmailDomain,
    Facts,
    ImpactIs,
    Match,
    OrganisationIs,
    Pattern,
    PriorityIs,
    Rule,
    SetPriority,
    SetTeam,
    SetTopic,
    Strategy,
    TimeOfDay,
    Topic,
    Weekday,
    Where,
    Words,
    folded_words,
)

#: How much an open ticket weighs for "least loaded, weighted by priority".
PRIORITY_WEIGHT: Mapping[Priority, int] = {
    Priority.LOW: 1,
    Priority.NORMAL: 2,
    Priority.HIGH: 3,
    Priority.URGENT: 5,
}


@dataclass(frozen=True, slots=True)
class AgentState:
    id: int
    name: str
    availability: Availability = Availability.AVAILABLE
    away_until: datetime | None = None
    capacity: int | None = None  # most open tickets; None: no limit
    load: int = 0  # open tickets assigned now
    weighted_load: int = 0  # the same, each weighted by PRIORITY_WEIGHT
    active: bool = True

    def available(self, now: datetime) -> bool:
        state = effective_availability(self.availability, self.away_until, now)
        return self.active and state == Availability.AVAILABLE

    @property
    def has_room(self) -> bool:
        return self.capacity is None or self.load < self.capacity


@dataclass(frozen=True, slots=True)
class TeamState:
    id: int
    name: str
    members: frozenset[int] = frozenset()
    cursor: int | None = None  # the agent round-robin gave the last ticket to
    auto_assign: Strategy | None = None  # what a ticket transferred in gets


@dataclass(frozen=True)
class RoutingContext:
    now: datetime
    agents: Mapping[int, AgentState] = field(default_factory=dict)
    teams: Mapping[int, TeamState] = field(default_factory=dict)
    topic_parents: Mapping[int, int | None] = field(default_factory=dict)
    topic_names: Mapping[int, str] = field(default_factory=dict)
    calendar: BusinessCalendar | None = None
    zone: str = "UTC"  # the desk's; the calendar's when there is one

    @property
    def desk_zone(self) -> str:
        return self.calendar.zone if self.calendar is not None else self.zone

    def topic_name(self, topic_id: int | None) -> str:
        return self.topic_names.get(topic_id, f"#{topic_id}") if topic_id else "none"

    def team_name(self, team_id: int | None) -> str:
        team = self.teams.get(team_id) if team_id else None
        return team.name if team else (f"#{team_id}" if team_id else "none")


# --- what a decision is made of (data; routing_words renders it) -------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One thing routing did or found: `kind` names the template, `data` fills it."""

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fired:
    rule_id: int | None
    rule_name: str
    matches: tuple[Match, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    team_id: int | None
    topic_id: int | None
    priority: Priority
    assignee_id: int | None
    fired: tuple[Fired, ...] = ()
    notes: tuple[str, ...] = ()
    #: The team's cursor after this decision (round-robin only).
    cursors: Mapping[int, int] = field(default_factory=dict)
    #: Nobody could take it: it waits unassigned in `team_id`'s queue.
    waiting: Step | None = None

    @property
    def rule_name(self) -> str | None:
        return self.fired[0].rule_name if self.fired else None

    @property
    def changed_anything(self) -> bool:
        return bool(self.fired) or self.assignee_id is not None or self.waiting is not None


# --- conditions ---------------------------------------------------------------------------


class _Seen:
    """What the conditions read of one ticket, worked out once per `route` however many
    rules ask: folded text and its words, the local time, business hours, topic ancestry."""

    __slots__ = ("_local", "_open", "_texts", "_topics", "ctx", "facts")

    def __init__(self, facts: Facts, ctx: RoutingContext) -> None:
        self.facts = facts
        self.ctx = ctx
        self._texts: dict[str, tuple[str, frozenset[str]]] = {}
        self._local: datetime | None = None
        self._open: bool | None = None
        self._topics: frozenset[int] | None = None

    def text(self, name: str) -> tuple[str, frozenset[str]]:
        if name not in self._texts:
            raw = self.facts.subject if name == "subject" else self.facts.description
            self._texts[name] = folded_words(raw[:TEXT_READ_MAX])
        return self._texts[name]

    @property
    def local(self) -> datetime:
        if self._local is None:
            moment = self.facts.received_at or self.ctx.now
            self._local = moment.astimezone(zone_info(self.ctx.desk_zone))
        return self._local

    @property
    def is_open(self) -> bool:
        if self._open is None:
            assert self.ctx.calendar is not None
            moment = self.facts.received_at or self.ctx.now
            self._open = self.ctx.calendar.is_open(moment.astimezone(UTC))
        return self._open

    @property
    def topics(self) -> frozenset[int]:
        """The ticket's topic and every topic above it."""
        if self._topics is None:
            found = []
            topic = self.facts.topic_id
            while topic is not None and len(found) < 20:  # a loop in bad data ends here
                found.append(topic)
                topic = self.ctx.topic_parents.get(topic)
            self._topics = frozenset(found)
        return self._topics


_FIELDS = {
    Where.SUBJECT: ("subject",),
    Where.DESCRIPTION: ("description",),
    Where.EITHER: ("subject", "description"),
}
Found = tuple[Match, ...] | None


def _all(c: All, seen: _Seen) -> Found:
    found: list[Match] = []
    for x in c.conditions:
        m = _TESTS[type(x)](x, seen)
        if m is None:
            return None
        found.extend(m)
    return tuple(found)


def _any(c: AnyOf, seen: _Seen) -> Found:
    for x in c.conditions:
        m = _TESTS[type(x)](x, seen)
        if m is not None:
            return m
    return None


def _topic(c: Topic, seen: _Seen) -> Found:
    if c.ids.isdisjoint(seen.topics):
        return None
    return (Match("topic", seen.ctx.topic_name(seen.facts.topic_id)),)


def _channel(c: ChannelIs, seen: _Seen) -> Found:
    channel = seen.facts.channel
    return (Match("channel", str(channel)),) if channel in c.channels else None


def _customer(c: CustomerIs, seen: _Seen) -> Found:
    customer = seen.facts.customer_id
    return (Match("customer", str(customer)),) if customer in c.ids else None


def _organisation(c: OrganisationIs, seen: _Seen) -> Found:
    organisation = seen.facts.organisation
    return (Match("organisation", organisation),) if organisation.casefold() in c.names else None


def _email_domain(c: EmailDomain, seen: _Seen) -> Found:
    domain = seen.facts.email.rpartition("@")[2].lower()
    parts = domain.split(".")
    ok = bool(domain) and any(".".join(parts[i:]) in c.domains for i in range(len(parts)))
    return (Match("email_domain", domain),) if ok else None


def _words(c: Words, seen: _Seen) -> Found:
    for name in _FIELDS[c.where]:
        hit = c.find(*seen.text(name))
        if hit is not None:
            return (Match(f"words_in_{name}", hit),)
    return None


def _pattern(c: Pattern, seen: _Seen) -> Found:
    for name in _FIELDS[c.where]:
        raw = seen.facts.subject if name == "subject" else seen.facts.description
        hit = c.find(raw)
        if hit is not None:
            return (Match(f"pattern_in_{name}", hit),)
    return None


def _priority(c: PriorityIs, seen: _Seen) -> Found:
    priority = seen.facts.priority
    return (Match("priority", priority.name.lower()),) if priority in c.priorities else None


def _impact(c: ImpactIs, seen: _Seen) -> Found:
    impact = seen.facts.impact
    return (Match("impact", impact.name.lower()),) if impact in c.levels else None


def _time_of_day(c: TimeOfDay, seen: _Seen) -> Found:
    local = seen.local.time().replace(tzinfo=None)
    start, end = c.start, c.end
    ok = start <= local < end if start < end else (local >= start or local < end)
    return (Match("time", local.strftime("%H:%M")),) if ok else None


def _weekday(c: Weekday, seen: _Seen) -> Found:
    day = seen.local.weekday()
    return (Match("weekday", str(day)),) if day in c.days else None


def _business_hours(c: BusinessHours, seen: _Seen) -> Found:
    if seen.ctx.calendar is None:
        return None  # no hours known: neither inside nor outside can be claimed
    is_open = seen.is_open
    if is_open != c.inside:
        return None
    return (Match("business_hours", "inside" if is_open else "outside"),)


_TESTS: dict[type, Callable[[Any, _Seen], Found]] = {
    All: _all,
    AnyOf: _any,
    Topic: _topic,
    ChannelIs: _channel,
    CustomerIs: _customer,
    OrganisationIs: _organisation,
    EmailDomain: _email_domain,
    Words: _words,
    Pattern: _pattern,
    PriorityIs: _priority,
    ImpactIs: _impact,
    TimeOfDay: _time_of_day,
    Weekday: _weekday,
    BusinessHours: _business_hours,
}


def matches(c: Condition, facts: Facts, ctx: RoutingContext, seen: _Seen | None = None) -> Found:
    """Why `c` holds for the ticket (empty for an empty group), or None if it does not."""
    return _TESTS[type(c)](c, seen or _Seen(facts, ctx))


# --- assignment -------------------------------------------------------------------------


def _candidates(team: TeamState, ctx: RoutingContext) -> list[AgentState]:
    found = [ctx.agents[a] for a in team.members if a in ctx.agents]
    return sorted((a for a in found if a.available(ctx.now) and a.has_room), key=lambda a: a.id)


def choose(
    strategy: Strategy, team: TeamState | None, ctx: RoutingContext, agent_id: int | None = None
) -> tuple[AgentState | None, Step]:
    """The agent a strategy picks in `team` (None and why, when nobody can take it)."""
    if strategy == Strategy.AGENT:
        agent = ctx.agents.get(agent_id or 0)
        if agent is None:
            return None, Step("waiting_unknown_agent", {"agent_id": agent_id})
        if not agent.available(ctx.now):
            availability = effective_availability(agent.availability, agent.away_until, ctx.now)
            return None, Step(
                "waiting_agent_unavailable",
                {"agent": agent.name, "availability": str(availability)},
            )
        if not agent.has_room:
            return None, Step(
                "waiting_agent_full", {"agent": agent.name, "capacity": agent.capacity}
            )
        return agent, Step("assigned_named", {"agent": agent.name, "agent_id": agent.id})
    if team is None:
        return None, Step("waiting_no_team", {})
    candidates = _candidates(team, ctx)
    if not candidates:
        return None, Step("waiting_nobody", {"team": team.name})
    if strategy == Strategy.ROUND_ROBIN:
        after = [a for a in candidates if team.cursor is not None and a.id > team.cursor]
        agent = after[0] if after else candidates[0]
        return agent, Step("assigned_round_robin", {"agent": agent.name, "agent_id": agent.id})
    weighted = strategy == Strategy.LEAST_LOADED_WEIGHTED
    agent = min(candidates, key=lambda a: (a.weighted_load if weighted else a.load, a.load, a.id))
    return agent, Step(
        "assigned_least_loaded_weighted" if weighted else "assigned_least_loaded",
        {
            "agent": agent.name,
            "agent_id": agent.id,
            "open": agent.load,
            "weight": agent.weighted_load,
        },
    )


# --- the rule set -----------------------------------------------------------------------


@dataclass
class _Working:
    team_id: int | None
    topic_id: int | None
    priority: Priority
    assignee_id: int | None = None
    notes: list[str] = field(default_factory=list)
    cursors: dict[int, int] = field(default_factory=dict)
    waiting: Step | None = None


def _assign(w: _Working, action: Assign, ctx: RoutingContext) -> Step:
    team = ctx.teams.get(w.team_id) if w.team_id else None
    if team is not None and team.id in w.cursors:  # a second assignment in one pass
        team = replace(team, cursor=w.cursors[team.id])
    agent, step = choose(action.strategy, team, ctx, action.agent_id)
    if agent is None:
        w.waiting = step
        w.assignee_id = None
        return step
    w.assignee_id, w.waiting = agent.id, None
    if action.strategy == Strategy.ROUND_ROBIN and team is not None:
        w.cursors[team.id] = agent.id
    return step


def route(facts: Facts, rules: Sequence[Rule], ctx: RoutingContext) -> Decision:
    """Walk the enabled rules in order; each that matches acts, and stops the walk unless
    it says to go on. A rule that assigns nobody leaves the ticket waiting in its team."""
    w = _Working(facts.team_id, facts.topic_id, facts.priority)
    fired: list[Fired] = []
    seen = _Seen(facts, ctx)
    for rule in rules:
        if not rule.enabled:
            continue
        found = matches(rule.when, facts, ctx, seen)
        if found is None:
            continue
        steps: list[Step] = []
        for action in rule.then:
            match action:
                case SetTeam(team_id):
                    w.team_id = team_id
                    steps.append(Step("team", {"team": ctx.team_name(team_id)}))
                case SetTopic(topic_id):
                    w.topic_id = topic_id
                    steps.append(Step("topic", {"topic": ctx.topic_name(topic_id)}))
                case SetPriority(priority):
                    w.priority = priority
                    steps.append(Step("priority", {"priority": priority.name.lower()}))
                case Assign():
                    steps.append(_assign(w, action, ctx))
                case AddNote(text):
                    w.notes.append(text)
                    steps.append(Step("note", {}))
        fired.append(Fired(rule.id, rule.name, found, tuple(steps)))
        if rule.stop:
            break
    return Decision(
        w.team_id,
        w.topic_id,
        w.priority,
        w.assignee_id,
        tuple(fired),
        tuple(w.notes),
        dict(w.cursors),
        w.waiting,
    )


def route_into_team(team_id: int, ctx: RoutingContext) -> Decision | None:
    """A ticket transferred to a team: its own strategy picks the agent (None when the team
    does not assign automatically)."""
    team = ctx.teams.get(team_id)
    if team is None or team.auto_assign is None:
        return None
    w = _Working(team_id, None, Priority.NORMAL)
    step = _assign(w, Assign(team.auto_assign), ctx)
    fired = Fired(None, "", (), (step,))
    return Decision(
        team_id, None, Priority.NORMAL, w.assignee_id, (fired,), (), dict(w.cursors), w.waiting
    )


def with_assignment(ctx: RoutingContext, decision: Decision, priority: Priority) -> RoutingContext:
    """The context after `decision` was carried out: the assignee has one more open ticket
    and the team's cursor moved (for replaying many tickets in a row)."""
    agents = dict(ctx.agents)
    teams = dict(ctx.teams)
    if decision.assignee_id in agents:
        a = agents[decision.assignee_id]
        agents[a.id] = replace(
            a, load=a.load + 1, weighted_load=a.weighted_load + PRIORITY_WEIGHT[priority]
        )
    for team_id, cursor in decision.cursors.items():
        if team_id in teams:
            teams[team_id] = replace(teams[team_id], cursor=cursor)
    return replace(ctx, agents=agents, teams=teams)

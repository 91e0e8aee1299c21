"""Routing in English, in one place: a decision's explanation and a rule as a sentence.

Templates are tables (like desk.domain.thread's), so the UI can translate the same
literals and fill them from the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .model import Channel
from .routing import Decision, Fired, RoutingContext, Step
from .routing_rules import (
    AddNote,
    All,
    AnyOf,
    Assign,
    BusinessHours,
    ChannelIs,
    Condition,
    CustomerIs,
    EmailDomain,
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
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MATCH_TEMPLATES: Mapping[str, str] = {
    "topic": "topic {value}",
    "channel": "channel {value}",
    "customer": "customer #{value}",
    "organisation": "organisation {value}",
    "email_domain": "email from {value}",
    "words_in_subject": "“{value}” in the subject",
    "words_in_description": "“{value}” in the description",
    "pattern_in_subject": "subject matches “{value}”",
    "pattern_in_description": "description matches “{value}”",
    "priority": "priority {value}",
    "impact": "impact {value}",
    "time": "received at {value}",
    "weekday": "received on a {value}",
    "business_hours": "{value} business hours",
}

STEP_TEMPLATES: Mapping[str, str] = {
    "team": "→ {team}",
    "topic": "topic set to {topic}",
    "priority": "priority set to {priority}",
    "note": "note added",
    "assigned_round_robin": "assigned to {agent}, next in turn",
    "assigned_least_loaded": "assigned to {agent}, least loaded with {open} open",
    "assigned_least_loaded_weighted": "assigned to {agent}, least loaded with {open} open"
    " (weight {weight})",
    "assigned_named": "assigned to {agent}",
    "waiting_nobody": "waiting: nobody available in {team}",
    "waiting_no_team": "waiting: no team to assign from",
    "waiting_unknown_agent": "waiting: the agent chosen is no longer on the desk",
    "waiting_agent_unavailable": "waiting: {agent} is {availability}",
    "waiting_agent_full": "waiting: {agent} has {capacity} open tickets already",
}
RULE_TEMPLATE = "rule “{name}”: {because}"
TEAM_TEMPLATE = "team's own assignment"  # a transfer into a team that assigns by itself
NO_RULE = "no rule matched"


Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _fill(template: str, data: Mapping[str, object]) -> str:
    values = {k: "" if v is None else str(v) for k, v in data.items()}
    if "availability" in values:
        values["availability"] = values["availability"].replace("_", " ")  # off_shift
    return template.format_map(values)


def match_text(m: Match, translate: Translate = _same) -> str:
    value = m.value
    if m.field == "weekday":
        value = translate(WEEKDAYS[int(value)])
    elif m.field == "channel":
        value = value.replace("_", "-")
    elif m.field == "business_hours":
        value = translate(value)
    return translate(MATCH_TEMPLATES[m.field]).format(value=value)


def step_text(step: Step, translate: Translate = _same) -> str:
    return _fill(translate(STEP_TEMPLATES[step.kind]), step.data)


def fired_text(f: Fired, translate: Translate = _same) -> str:
    steps = "; ".join(step_text(s, translate) for s in f.steps)
    if not f.rule_name:
        team = translate(TEAM_TEMPLATE)
        return f"{team}: {steps}" if steps else team
    because = ", ".join(match_text(m, translate) for m in f.matches) or translate("every ticket")
    first, _, rest = steps.partition("; ")
    text = translate(RULE_TEMPLATE).format(name=f.rule_name, because=because)
    if first.startswith("→"):
        return f"{text} {first}" + (f"; {rest}" if rest else "")
    return f"{text}; {steps}" if steps else text


def explain(decision: Decision, translate: Translate = _same) -> str:
    """ "rule 'VPN to Network': topic Network › VPN → Network; assigned to Tom Becker,
    least loaded with 3 open" — every rule that fired, in order."""
    return explain_fired(decision.fired, translate)


def explain_fired(fired: Sequence[Fired], translate: Translate = _same) -> str:
    if not fired:
        return translate(NO_RULE)
    return " · ".join(fired_text(f, translate) for f in fired)


# --- the explanation as data, stored with the ROUTED event ------------------------------


def fired_to_data(fired: Sequence[Fired]) -> list[dict[str, Any]]:
    """What fired, as JSON the thread keeps: worded when it is shown, in the reader's
    language (`fired_from_data`, then `explain_fired` with a translation)."""
    return [
        {
            "rule_id": f.rule_id,
            "rule": f.rule_name,
            "matches": [[m.field, m.value] for m in f.matches],
            "steps": [{"kind": s.kind, "data": dict(s.data)} for s in f.steps],
        }
        for f in fired
    ]


def fired_from_data(data: object) -> tuple[Fired, ...] | None:
    """The fired rules stored by `fired_to_data`; None for data it did not write (an
    older entry, which keeps its English explanation)."""
    if not isinstance(data, list):
        return None
    found = []
    try:
        for f in data:
            matches = tuple(
                Match(str(field), str(value))
                for field, value in f["matches"]
                if field in MATCH_TEMPLATES
            )
            steps = tuple(
                Step(s["kind"], dict(s["data"])) for s in f["steps"] if s["kind"] in STEP_TEMPLATES
            )
            found.append(Fired(f.get("rule_id"), str(f["rule"] or ""), matches, steps))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return tuple(found)


# --- a rule as a sentence, for the editor -----------------------------------------------

_WHERE = {
    Where.SUBJECT: "the subject",
    Where.DESCRIPTION: "the description",
    Where.EITHER: "the subject or description",
}
_STRATEGY = {
    Strategy.ROUND_ROBIN: "assign round-robin",
    Strategy.LEAST_LOADED: "assign to the least loaded agent",
    Strategy.LEAST_LOADED_WEIGHTED: "assign to the least loaded agent, weighted by priority",
}


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def condition_sentence(c: Condition, ctx: RoutingContext, names: Callable[[str, int], str]) -> str:
    match c:
        case All(inner) | AnyOf(inner):
            if not inner:
                return "always"
            joiner = " and " if isinstance(c, All) else " or "
            parts = [condition_sentence(x, ctx, names) for x in inner]
            text = joiner.join(
                f"({p})" if isinstance(x, All | AnyOf) and len(x.conditions) > 1 else p
                for p, x in zip(parts, inner, strict=True)
            )
            return text
        case Topic(ids):
            return f"the help topic is {_or(sorted(ctx.topic_name(i) for i in ids))} (or below)"
        case ChannelIs(channels):
            order = list(Channel)
            chosen = sorted(channels, key=order.index)
            return f"it came by {_or([str(x).replace('_', '-') for x in chosen])}"
        case CustomerIs(ids):
            return f"the caller is {_or(sorted(names('customer', i) for i in ids))}"
        case OrganisationIs(orgs):
            return f"the caller's organisation is {_or(sorted(orgs))}"
        case EmailDomain(domains):
            return f"the caller's email is at {_or(sorted(domains))}"
        case Words(words, where):
            return f"{_WHERE[where]} mentions {_or([f'“{w}”' for w in words])}"
        case Pattern(pattern, where):
            return f"{_WHERE[where]} matches “{pattern}”"
        case PriorityIs(ps):
            return f"the priority is {_or([p.name.lower() for p in sorted(ps)])}"
        case ImpactIs(levels):
            return f"the impact is {_or([x.name.lower() for x in sorted(levels)])}"
        case TimeOfDay(start, end):
            return f"it arrives between {start:%H:%M} and {end:%H:%M}"
        case Weekday(days):
            return f"it arrives on {_or([WEEKDAYS[d] for d in sorted(days)])}"
        case BusinessHours(inside):
            return f"it arrives {'inside' if inside else 'outside'} business hours"
    raise TypeError(c)


def rule_sentence(
    rule: Rule, ctx: RoutingContext, names: Callable[[str, int], str] | None = None
) -> str:
    """ "When the help topic is Network › VPN (or below): set the team to Network, assign
    to the least loaded agent, then stop." `names(kind, id)` names agents and customers."""
    name_of = names or (lambda kind, i: f"#{i}")
    actions = []
    for a in rule.then:
        match a:
            case SetTeam(team_id):
                actions.append(f"set the team to {ctx.team_name(team_id)}")
            case SetTopic(topic_id):
                actions.append(f"set the help topic to {ctx.topic_name(topic_id)}")
            case SetPriority(priority):
                actions.append(f"set the priority to {priority.name.lower()}")
            case Assign(Strategy.AGENT, agent_id):
                actions.append(f"assign to {name_of('agent', agent_id or 0)}")
            case Assign(strategy):
                actions.append(_STRATEGY[strategy])
            case AddNote(text):
                actions.append(f"add the note “{text[:60]}”")
    when = condition_sentence(rule.when, ctx, name_of)
    head = "Always" if when == "always" else f"When {when}"
    ending = "then stop" if rule.stop else "then go on to the next rule"
    return f"{head}: {', '.join(actions)}, {ending}."

"""Routing rules to and from their stored JSON body (versioned), each problem at its field.

The body's paths ("when.all[2].pattern") are the fields a ValidationError names, so the
editor can put each message beside the part of the rule it is about.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from .errors import FieldProblem, ValidationError
from .model import ID_MAX, Channel, Level, Priority
from .routing_rules import (
    ALWAYS,
    DEPTH_MAX,
    NAME_MAX,
    NOTE_MAX,
    RULE_FORMAT,
    VALUES_MAX,
    WORDS_MAX,
    Action,
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
    check_pattern,
)


def rule_to_json(rule: Rule) -> dict[str, Any]:
    """The rule's body (its name, conditions, actions and stop); enabled and order are kept
    beside it, as columns."""
    return {
        "format": RULE_FORMAT,
        "name": rule.name,
        "when": condition_to_json(rule.when),
        "then": [action_to_json(a) for a in rule.then],
        "stop": rule.stop,
    }


def condition_to_json(c: Condition) -> dict[str, Any]:
    match c:
        case All(conditions):
            return {"all": [condition_to_json(x) for x in conditions]}
        case AnyOf(conditions):
            return {"any": [condition_to_json(x) for x in conditions]}
        case Topic(ids):
            return {"topic": sorted(ids)}
        case ChannelIs(channels):
            return {"channel": sorted(str(x) for x in channels)}
        case CustomerIs(ids):
            return {"customer": sorted(ids)}
        case OrganisationIs(names):
            return {"organisation": sorted(names)}
        case EmailDomain(domains):
            return {"email_domain": sorted(domains)}
        case Words(words, where):
            return {"words": list(words), "in": str(where)}
        case Pattern(pattern, where):
            return {"pattern": pattern, "in": str(where)}
        case PriorityIs(priorities):
            return {"priority": sorted(p.name.lower() for p in priorities)}
        case ImpactIs(levels):
            return {"impact": sorted(x.name.lower() for x in levels)}
        case TimeOfDay(start, end):
            return {"time": [start.strftime("%H:%M"), end.strftime("%H:%M")]}
        case Weekday(days):
            return {"weekday": sorted(days)}
        case BusinessHours(inside):
            return {"business_hours": inside}
    raise TypeError(c)


def action_to_json(a: Action) -> dict[str, Any]:
    match a:
        case SetTeam(team_id):
            return {"set_team": team_id}
        case SetTopic(topic_id):
            return {"set_topic": topic_id}
        case SetPriority(priority):
            return {"set_priority": priority.name.lower()}
        case Assign(strategy, agent_id):
            return {"assign": str(strategy)} | ({"agent": agent_id} if agent_id else {})
        case AddNote(text):
            return {"note": text}
    raise TypeError(a)


class _Reader:
    """Reads a rule body, noting each problem at its path ("when.all[2].pattern")."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(FieldProblem(where, message))

    def ids(self, where: str, value: object) -> frozenset[int]:
        items = self.items(where, value)
        good = [i for i in items if isinstance(i, int) and not isinstance(i, bool)]
        if len(good) != len(items) or not all(0 < i <= ID_MAX for i in good):
            self.fail(where, "Choose from the list.")
        return frozenset(i for i in good if 0 < i <= ID_MAX)

    def items(self, where: str, value: object) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.fail(where, "Choose at least one.")
            return []
        if len(value) > VALUES_MAX:
            self.fail(where, f"Choose at most {VALUES_MAX}.")
            return []
        return value

    def texts(self, where: str, value: object, limit: int) -> list[str]:
        items = self.items(where, value)
        texts = [t.strip() for t in items if isinstance(t, str)]
        if len(texts) != len(items) or not all(texts) or any(len(t) > limit for t in texts):
            self.fail(where, f"Type words of at most {limit} characters each.")
        return [t for t in texts if t and len(t) <= limit]

    def choices(self, where: str, value: object, kind: type) -> frozenset[Any]:
        found = set()
        for item in self.items(where, value):
            try:
                found.add(kind[item.upper()] if issubclass(kind, Level | Priority) else kind(item))
            except (KeyError, ValueError, AttributeError, TypeError):
                self.fail(where, f"“{str(item)[:40]}” is not one of the choices.")
        return frozenset(found)

    def where(self, path: str, value: object) -> Where:
        try:
            return Where(value if value is not None else Where.EITHER)
        except ValueError:
            self.fail(path, "Look in the subject, the description or either.")
            return Where.EITHER

    def clock(self, where: str, value: object) -> time:
        try:
            assert isinstance(value, str) and len(value) == 5
            return time.fromisoformat(value)
        except (AssertionError, ValueError):
            self.fail(where, "Give a time as HH:MM.")
            return time(0)

    def condition(self, where: str, body: object, depth: int = 0) -> Condition:
        if not isinstance(body, dict) or not body:
            self.fail(where, "A condition is missing.")
            return ALWAYS
        if depth > DEPTH_MAX:
            self.fail(where, f"Conditions nest at most {DEPTH_MAX} deep.")
            return ALWAYS
        kinds = [k for k in body if k != "in"]
        if len(kinds) != 1:
            self.fail(where, "A condition tests one thing.")
            return ALWAYS
        kind = kinds[0]
        value = body[kind]
        at = f"{where}.{kind}"
        match kind:
            case "all" | "any":
                items = value if isinstance(value, list) else None
                if items is None or len(items) > VALUES_MAX:
                    self.fail(at, "A group holds a list of conditions.")
                    items = []
                inner = tuple(
                    self.condition(f"{at}[{n}]", x, depth + 1) for n, x in enumerate(items)
                )
                return All(inner) if kind == "all" else AnyOf(inner)
            case "topic":
                return Topic(self.ids(at, value))
            case "customer":
                return CustomerIs(self.ids(at, value))
            case "channel":
                return ChannelIs(self.choices(at, value, Channel))
            case "priority":
                return PriorityIs(self.choices(at, value, Priority))
            case "impact":
                return ImpactIs(self.choices(at, value, Level))
            case "organisation":
                return OrganisationIs(
                    frozenset(t.casefold() for t in self.texts(at, value, NAME_MAX))
                )
            case "email_domain":
                domains = [d.lower().lstrip("@") for d in self.texts(at, value, 253)]
                if any(not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*", d) for d in domains):
                    self.fail(at, "Type domains such as contoso.com.")
                return EmailDomain(frozenset(domains))
            case "words":
                words = self.texts(at, value, 100)
                if len(words) > WORDS_MAX:
                    self.fail(at, f"Look for at most {WORDS_MAX} words.")
                return Words(tuple(words) or ("",), self.where(f"{where}.in", body.get("in")))
            case "pattern":
                if not isinstance(value, str):
                    self.fail(at, "Type a pattern to look for.")
                    value = "x"
                try:
                    check_pattern(value, at)
                except ValidationError as exc:
                    self.problems.extend(exc.problems)
                    value = "x"
                return Pattern(value, self.where(f"{where}.in", body.get("in")))
            case "time":
                if not isinstance(value, list) or len(value) != 2:
                    self.fail(at, "Give a start and an end time.")
                    return TimeOfDay(time(0), time(0))
                start, end = self.clock(f"{at}[0]", value[0]), self.clock(f"{at}[1]", value[1])
                if start == end:
                    self.fail(at, "The start and end times must differ.")
                return TimeOfDay(start, end)
            case "weekday":
                days = self.items(at, value)
                if not all(isinstance(d, int) and not isinstance(d, bool) for d in days) or not (
                    set(days) <= set(range(7))
                ):
                    self.fail(at, "Choose weekdays, 0 (Monday) to 6 (Sunday).")
                    days = []
                return Weekday(frozenset(days))
            case "business_hours":
                if not isinstance(value, bool):
                    self.fail(at, "Choose inside or outside business hours.")
                return BusinessHours(value is not False)
        self.fail(where, f"“{str(kind)[:40]}” is not a condition Desk knows.")
        return ALWAYS

    def action(self, where: str, body: object) -> Action | None:
        if not isinstance(body, dict) or not body:
            self.fail(where, "An action is missing.")
            return None
        kind = next(iter(body))
        value = body[kind]
        at = f"{where}.{kind}"
        match kind:
            case "set_team" | "set_topic":
                ids = self.ids(at, [value])
                if not ids:
                    return None
                return SetTeam(min(ids)) if kind == "set_team" else SetTopic(min(ids))
            case "set_priority":
                chosen = self.choices(at, [value], Priority)
                return SetPriority(min(chosen)) if chosen else None
            case "assign":
                try:
                    strategy = Strategy(value)
                except ValueError:
                    self.fail(at, "Choose round-robin, least loaded or a named agent.")
                    return None
                agent = body.get("agent")
                if strategy == Strategy.AGENT:
                    ids = self.ids(f"{where}.agent", [agent])
                    return Assign(strategy, min(ids)) if ids else None
                if agent is not None:
                    self.fail(f"{where}.agent", "Only a named agent's rule names an agent.")
                return Assign(strategy)
            case "note":
                if not isinstance(value, str) or not value.strip() or len(value) > NOTE_MAX:
                    self.fail(at, f"Type a note of at most {NOTE_MAX:,} characters.")
                    return None
                return AddNote(value.strip())
        self.fail(where, f"“{str(kind)[:40]}” is not an action Desk knows.")
        return None


def rule_from_json(body: object, *, enabled: bool = True, rule_id: int | None = None) -> Rule:
    """The rule in `body` (as `rule_to_json` writes it); a ValidationError names every bad
    field by its path in the body."""
    r = _Reader()
    if not isinstance(body, dict):
        raise ValidationError.single("rule", "The rule is not a rule's body.")
    if body.get("format") != RULE_FORMAT:
        raise ValidationError.single(
            "format", "This rule was written by another version of Desk; it cannot be read."
        )
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_MAX:
        r.fail("name", f"Give the rule a name of at most {NAME_MAX} characters.")
        name = "?"
    when = r.condition("when", body.get("when", {"all": []}))
    then_body = body.get("then")
    if not isinstance(then_body, list) or not then_body or len(then_body) > 20:
        r.fail("then", "A rule does one to twenty things.")
        then_body = []
    actions = [r.action(f"then[{n}]", a) for n, a in enumerate(then_body)]
    if sum(isinstance(a, Assign) for a in actions) > 1:
        r.fail("then", "A rule assigns at most once.")
    stop = body.get("stop", True)
    if not isinstance(stop, bool):
        r.fail("stop", "Choose whether to stop here or go on.")
    if r.problems:
        raise ValidationError(r.problems)
    return Rule(
        name.strip(),
        when,
        tuple(a for a in actions if a is not None),
        stop=stop is not False,
        enabled=enabled,
        id=rule_id,
    )


def checked_rule(rule: object) -> Rule:
    """A rule built in code, checked as if it had been read from JSON."""
    if not isinstance(rule, Rule):
        raise ValidationError.single("rule", "The rule is not a rule.")
    try:
        body = rule_to_json(rule)
    except (TypeError, AttributeError, ValueError):
        raise ValidationError.single(
            "rule", "The rule holds something that is not a rule."
        ) from None
    return rule_from_json(body, enabled=rule.enabled is not False, rule_id=rule.id)


def condition_from_json(body: object, where: str = "when") -> Condition:
    """One condition (or group) as `condition_to_json` writes it; a ValidationError names
    each bad part by its path under `where`."""
    r = _Reader()
    condition = r.condition(where, body)
    if r.problems:
        raise ValidationError(r.problems)
    return condition

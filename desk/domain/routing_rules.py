"""Routing rules as values: conditions (nestable all / any), actions, and their JSON.

A rule is plain data an admin edits; `desk.domain.routing` evaluates a rule set against a
ticket. Conditions say *why* they matched as a `Match` (data), so the explanation stored
in the thread and the sentence shown in the editor are both built from values, in one
place each (`routing_words`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from functools import lru_cache

from .errors import ValidationError
from .model import Channel, Level, Priority
from .routing_terms import NAME_MAX as NAME_MAX
from .routing_terms import Strategy

#: The body's format; a reader refuses versions it does not know rather than guess.
RULE_FORMAT = 1
NOTE_MAX = 2_000
PATTERN_MAX = 200
WORDS_MAX = 50
VALUES_MAX = 200
DEPTH_MAX = 5
#: A pattern reads at most this much of a description: even a slow pattern ends soon.
TEXT_READ_MAX = 20_000

# Python's `re` has no time limit, so patterns that can backtrack catastrophically are
# refused: a quantified group holding a quantifier ((a+)+, (x*y)*) and backreferences.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{?]")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


_WORD = re.compile(r"\w+")


def folded_words(text: str) -> tuple[str, frozenset[str]]:
    """A text in the form `Words.find` reads: case-folded, and its set of words."""
    folded = text.casefold()
    return folded, frozenset(_WORD.findall(folded))


class Where(StrEnum):
    SUBJECT = "subject"
    DESCRIPTION = "description"
    EITHER = "either"  # subject or description


@dataclass(frozen=True, slots=True)
class Facts:
    """What routing knows about a ticket: its own fields and its caller's."""

    subject: str
    description: str = ""
    channel: Channel = Channel.PHONE
    topic_id: int | None = None
    customer_id: int | None = None
    organisation: str = ""
    email: str = ""
    priority: Priority = Priority.NORMAL
    impact: Level = Level.MEDIUM
    team_id: int | None = None
    received_at: datetime | None = None  # None: the clock's now


@dataclass(frozen=True, slots=True)
class Match:
    """Why a condition matched: which field and what it held ("topic", "Network › VPN")."""

    field: str
    value: str


# --- conditions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    """The help topic is one of `ids` or below one of them."""

    ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class ChannelIs:
    channels: frozenset[Channel]


@dataclass(frozen=True, slots=True)
class CustomerIs:
    ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class OrganisationIs:
    names: frozenset[str]  # folded


@dataclass(frozen=True, slots=True)
class EmailDomain:
    domains: frozenset[str]  # lower case; a subdomain matches too


@dataclass(frozen=True, slots=True)
class Words:
    """Any of `words` (whole words or phrases, any case) in the subject or description."""

    words: tuple[str, ...]
    where: Where = Where.EITHER
    # Single words are looked up in the text's set of words (one set per ticket, however
    # many rules ask); only phrases and words with punctuation need a search.
    _singles: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _phrases: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        folded = [w.casefold() for w in self.words]
        singles = tuple(w for w in folded if _WORD.fullmatch(w))
        phrases = [w for w in folded if not _WORD.fullmatch(w)]
        regex = None
        if phrases:
            alternatives = "|".join(re.escape(w) for w in phrases)
            regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        object.__setattr__(self, "_singles", singles)
        object.__setattr__(self, "_phrases", regex)

    def find(self, folded: str, words: frozenset[str]) -> str | None:
        """The word or phrase found in a text, given folded and as its set of words."""
        for word in self._singles:
            if word in words:
                return word
        if self._phrases is not None:
            found = self._phrases.search(folded)
            return found.group(0) if found else None
        return None


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression (any case) found in the subject or description."""

    pattern: str
    where: Where = Where.EITHER

    def find(self, text: str) -> str | None:
        found = compiled(self.pattern).search(text[:TEXT_READ_MAX])
        return found.group(0) if found else None


@dataclass(frozen=True, slots=True)
class PriorityIs:
    priorities: frozenset[Priority]


@dataclass(frozen=True, slots=True)
class ImpactIs:
    levels: frozenset[Level]


@dataclass(frozen=True, slots=True)
class TimeOfDay:
    """Received between `start` (included) and `end` (excluded), desk time; may wrap past
    midnight (22:00–06:00)."""

    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Weekday:
    days: frozenset[int]  # 0 Monday … 6 Sunday, desk time


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Received inside (or outside) the desk's business hours."""

    inside: bool = True


@dataclass(frozen=True, slots=True)
class All:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    conditions: tuple[Condition, ...]


Condition = (
    Topic
    | ChannelIs
    | CustomerIs
    | OrganisationIs
    | EmailDomain
    | Words
    | Pattern
    | PriorityIs
    | ImpactIs
    | TimeOfDay
    | Weekday
    | BusinessHours
    | All
    | AnyOf
)
ALWAYS = All(())

# --- actions ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetTeam:
    team_id: int


@dataclass(frozen=True, slots=True)
class SetTopic:
    topic_id: int


@dataclass(frozen=True, slots=True)
class SetPriority:
    priority: Priority


@dataclass(frozen=True, slots=True)
class Assign:
    strategy: Strategy
    agent_id: int | None = None  # with Strategy.AGENT


@dataclass(frozen=True, slots=True)
class AddNote:
    text: str


Action = SetTeam | SetTopic | SetPriority | Assign | AddNote


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    when: Condition = ALWAYS
    then: tuple[Action, ...] = ()
    stop: bool = True  # False: go on to the next rule
    enabled: bool = True
    id: int | None = None


# --- patterns ---------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def check_pattern(pattern: str, where: str = "pattern") -> str:
    """The pattern if it compiles and cannot run away; else a ValidationError at `where`."""
    if not pattern.strip():
        raise ValidationError.single(where, "Type a pattern to look for.")
    if len(pattern) > PATTERN_MAX:
        raise ValidationError.single(where, f"A pattern can have at most {PATTERN_MAX} characters.")
    if _NESTED_QUANTIFIER.search(pattern) or _BACKREFERENCE.search(pattern):
        raise ValidationError.single(
            where,
            "This pattern could take very long on some texts (a repeated group that repeats"
            " inside, or a back-reference); simplify it.",
        )
    try:
        compiled(pattern)
    except re.error as exc:
        at = "" if exc.pos is None else f" at character {exc.pos + 1}"
        raise ValidationError.single(where, f"The pattern is not valid{at}: {exc.msg}.") from None
    return pattern


def referenced_ids(rule: Rule) -> Mapping[str, set[int]]:
    """The teams, topics, agents and customers a rule names (the services check they exist)."""
    found: dict[str, set[int]] = {"team": set(), "topic": set(), "agent": set(), "customer": set()}

    def walk(c: Condition) -> None:
        match c:
            case All(inner) | AnyOf(inner):
                for x in inner:
                    walk(x)
            case Topic(ids):
                found["topic"] |= ids
            case CustomerIs(ids):
                found["customer"] |= ids

    walk(rule.when)
    for a in rule.then:
        match a:
            case SetTeam(team_id):
                found["team"].add(team_id)
            case SetTopic(topic_id):
                found["topic"].add(topic_id)
            case Assign(_, agent_id) if agent_id:
                found["agent"].add(agent_id)
    return found


def reads_clock(rules: Sequence[Rule]) -> bool:
    """Whether any of the rules asks about the time (of day, weekday, business hours):
    only then does routing need the desk's calendar."""
    return any(
        isinstance(c, TimeOfDay | Weekday | BusinessHours) for r in rules for c in conditions(r)
    )


def conditions(rule_or_condition: Rule | Condition) -> Sequence[Condition]:
    """Every leaf condition, depth first (for the editor's summary and the tests)."""
    root = rule_or_condition.when if isinstance(rule_or_condition, Rule) else rule_or_condition
    if isinstance(root, All | AnyOf):
        return [leaf for c in root.conditions for leaf in conditions(c)]
    return [root]

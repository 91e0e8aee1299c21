"""Routing in the domain: every condition, every action, the explanation, the JSON body,
and that a decision depends only on the ticket, the clock and the agents' state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.domain.calendars import BusinessCalendar
from desk.domain.errors import ValidationError
from desk.domain.model import Availability, Channel, Level, Priority
from desk.domain.routing import (
    AgentState,
    RoutingContext,
    TeamState,
    effective_availability,
    route,
    route_into_team,
    with_assignment,
)
from desk.domain.routing_json import checked_rule, rule_from_json, rule_to_json
from desk.domain.routing_rules import (
    ALWAYS,
    AddNote,
    All,
    AnyOf,
    Assign,
    BusinessHours,
    ChannelIs,
    CustomerIs,
    EmailDomain,
    Facts,
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
from desk.domain.routing_words import explain, rule_sentence

# Tuesday 1 December 2026, 10:00 in Berlin (09:00 UTC).
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NETWORK, SERVICE_DESK = 7, 8
ROOT, VPN = 4, 5


def ctx(**changes) -> RoutingContext:
    base = RoutingContext(
        now=NOW,
        agents={
            1: AgentState(1, "Tom Becker", load=3),
            2: AgentState(2, "Ann Lee", load=5),
            3: AgentState(3, "Raj Patel", load=4),
        },
        teams={
            NETWORK: TeamState(NETWORK, "Network", frozenset({1, 2, 3})),
            SERVICE_DESK: TeamState(SERVICE_DESK, "Service Desk", frozenset({2})),
        },
        topic_parents={VPN: ROOT, ROOT: None},
        topic_names={VPN: "Network › VPN", ROOT: "Network"},
        zone="Europe/Berlin",
    )
    return replace(base, **changes)


def facts(**changes) -> Facts:
    return replace(Facts("VPN drops every hour", "Since Monday.", topic_id=VPN), **changes)


def fires(condition, f: Facts | None = None, c: RoutingContext | None = None) -> bool:
    rule = Rule("r", condition, (SetPriority(Priority.HIGH),))
    return bool(route(f or facts(), [rule], c or ctx()).fired)


# --- conditions ---------------------------------------------------------------------------


def test_topic_matches_itself_and_its_sub_topics_only():
    assert fires(Topic(frozenset({ROOT})))
    assert fires(Topic(frozenset({VPN})))
    assert not fires(Topic(frozenset({VPN})), facts(topic_id=ROOT))
    assert not fires(Topic(frozenset({ROOT})), facts(topic_id=None))


@pytest.mark.parametrize(
    ("condition", "yes", "no"),
    [
        (ChannelIs(frozenset({Channel.EMAIL})), {"channel": Channel.EMAIL}, {}),
        (CustomerIs(frozenset({42})), {"customer_id": 42}, {"customer_id": 43}),
        (OrganisationIs(frozenset({"contoso"})), {"organisation": "Contoso"}, {}),
        (
            EmailDomain(frozenset({"contoso.com"})),
            {"email": "jane@eu.contoso.com"},
            {"email": "jane@notcontoso.com"},
        ),
        (PriorityIs(frozenset({Priority.URGENT})), {"priority": Priority.URGENT}, {}),
        (ImpactIs(frozenset({Level.HIGH})), {"impact": Level.HIGH}, {}),
    ],
)
def test_fields_of_the_ticket_and_its_caller(condition, yes, no):
    assert fires(condition, facts(**yes))
    assert not fires(condition, facts(**no))


def test_words_are_whole_words_in_any_case_where_asked():
    assert fires(Words(("vpn",), Where.SUBJECT))
    assert not fires(Words(("vpn",), Where.DESCRIPTION))
    assert fires(Words(("since monday",), Where.DESCRIPTION))
    assert not fires(Words(("drop",)))  # "drops" is another word


def test_a_pattern_is_searched_in_any_case():
    assert fires(Pattern(r"vpn\s+drops", Where.SUBJECT))
    assert not fires(Pattern(r"^since", Where.SUBJECT))
    assert fires(Pattern(r"^since"))


@pytest.mark.parametrize("pattern", ["(a+)+$", "(x*y)*", r"(a)\1", "x" * 201, "[", "  "])
def test_patterns_that_could_run_away_or_do_not_compile_are_refused(pattern):
    with pytest.raises(ValidationError) as raised:
        check_pattern(pattern)
    assert raised.value.for_field("pattern")


def test_time_of_day_and_weekday_in_the_desks_zone():
    assert fires(TimeOfDay(time(10), time(11)))  # 09:00 UTC is 10:00 in Berlin
    assert not fires(TimeOfDay(time(9), time(10)))
    assert fires(TimeOfDay(time(22), time(11)))  # past midnight
    assert fires(Weekday(frozenset({1})))  # Tuesday
    assert not fires(Weekday(frozenset({1})), facts(received_at=NOW + timedelta(days=1)))


def test_inside_and_outside_business_hours_need_a_calendar():
    hours = BusinessCalendar.weekly("Europe/Berlin", {d: "09:00-17:00" for d in range(5)})
    assert fires(BusinessHours(inside=True), c=ctx(calendar=hours))
    night = facts(received_at=NOW.replace(hour=22))
    assert fires(BusinessHours(inside=False), night, ctx(calendar=hours))
    assert not fires(BusinessHours(inside=True), night, ctx(calendar=hours))
    assert not fires(BusinessHours(inside=True))
    assert not fires(BusinessHours(inside=False))


def test_all_any_and_nesting():
    email = ChannelIs(frozenset({Channel.EMAIL}))
    vpn = Topic(frozenset({VPN}))
    assert not fires(All((vpn, email)))
    assert fires(AnyOf((email, vpn)))
    assert fires(All((vpn, AnyOf((email, Words(("vpn",)))))))
    assert fires(ALWAYS)
    assert not fires(AnyOf(()))


# --- actions ------------------------------------------------------------------------------


def test_set_team_topic_priority_and_note():
    rule = Rule(
        "r",
        ALWAYS,
        (SetTeam(SERVICE_DESK), SetTopic(ROOT), SetPriority(Priority.URGENT), AddNote("Call")),
    )
    d = route(facts(), [rule], ctx())
    assert (d.team_id, d.topic_id, d.priority, d.notes) == (
        SERVICE_DESK,
        ROOT,
        Priority.URGENT,
        ("Call",),
    )
    assert d.assignee_id is None and d.waiting is None


def assign(strategy, c=None, agent=None, team=NETWORK):
    rule = Rule("r", ALWAYS, (SetTeam(team), Assign(strategy, agent)))
    return route(facts(), [rule], c or ctx())


def test_round_robin_takes_the_next_in_turn_after_the_cursor_and_wraps():
    assert assign(Strategy.ROUND_ROBIN).assignee_id == 1
    teams = dict(ctx().teams)
    teams[NETWORK] = replace(teams[NETWORK], cursor=1)
    d = assign(Strategy.ROUND_ROBIN, ctx(teams=teams))
    assert d.assignee_id == 2 and d.cursors == {NETWORK: 2}
    teams[NETWORK] = replace(teams[NETWORK], cursor=3)
    assert assign(Strategy.ROUND_ROBIN, ctx(teams=teams)).assignee_id == 1


def test_round_robin_spreads_evenly_over_many_tickets():
    c = ctx()
    counts = {1: 0, 2: 0, 3: 0}
    for _ in range(20):
        d = assign(Strategy.ROUND_ROBIN, c)
        counts[d.assignee_id] += 1
        c = with_assignment(c, d, Priority.NORMAL)
    assert max(counts.values()) - min(counts.values()) <= 1


def test_least_loaded_plain_and_weighted():
    assert assign(Strategy.LEAST_LOADED).assignee_id == 1
    agents = dict(ctx().agents)
    agents[1] = replace(agents[1], weighted_load=15)
    agents[2] = replace(agents[2], weighted_load=5)
    agents[3] = replace(agents[3], weighted_load=8)
    assert assign(Strategy.LEAST_LOADED_WEIGHTED, ctx(agents=agents)).assignee_id == 2


def test_a_named_agent_or_waiting_with_the_reason():
    assert assign(Strategy.AGENT, agent=3).assignee_id == 3
    agents = dict(ctx().agents)
    agents[3] = replace(agents[3], availability=Availability.OFF_SHIFT)
    d = assign(Strategy.AGENT, ctx(agents=agents), agent=3)
    assert d.assignee_id is None
    assert "waiting: Raj Patel is off shift" in explain(d)


def test_only_available_agents_under_capacity_are_chosen():
    agents = dict(ctx().agents)
    agents[1] = replace(agents[1], capacity=3)  # full
    agents[3] = replace(agents[3], availability=Availability.AWAY)
    assert assign(Strategy.LEAST_LOADED, ctx(agents=agents)).assignee_id == 2
    agents[2] = replace(agents[2], active=False)
    d = assign(Strategy.LEAST_LOADED, ctx(agents=agents))
    assert d.assignee_id is None and d.waiting is not None and d.team_id == NETWORK
    assert explain(d).endswith("waiting: nobody available in Network")


def test_away_until_returns_by_itself():
    back = NOW + timedelta(hours=1)
    assert effective_availability(Availability.AWAY, back, NOW) == Availability.AWAY
    assert effective_availability(Availability.AWAY, back, back) == Availability.AVAILABLE
    assert effective_availability(Availability.OFF_SHIFT, NOW, back) == Availability.OFF_SHIFT
    agents = {1: AgentState(1, "Tom Becker", Availability.AWAY, back)}
    teams = {NETWORK: TeamState(NETWORK, "Network", frozenset({1}))}
    assert assign(Strategy.ROUND_ROBIN, ctx(agents=agents, teams=teams)).assignee_id is None
    later = ctx(agents=agents, teams=teams, now=back)
    assert assign(Strategy.ROUND_ROBIN, later).assignee_id == 1


def test_stop_or_go_on_and_disabled_rules():
    first = Rule("first", ALWAYS, (SetPriority(Priority.HIGH),), stop=False)
    second = Rule("second", ALWAYS, (SetTeam(NETWORK),))
    third = Rule("third", ALWAYS, (SetTeam(SERVICE_DESK),))
    d = route(facts(), [first, second, third], ctx())
    assert [f.rule_name for f in d.fired] == ["first", "second"]
    assert (d.priority, d.team_id) == (Priority.HIGH, NETWORK)
    d = route(facts(), [replace(second, enabled=False), third], ctx())
    assert d.team_id == SERVICE_DESK


def test_a_transfer_into_a_team_uses_its_own_strategy():
    teams = dict(ctx().teams)
    assert route_into_team(NETWORK, ctx()) is None
    teams[NETWORK] = replace(teams[NETWORK], auto_assign=Strategy.LEAST_LOADED)
    d = route_into_team(NETWORK, ctx(teams=teams))
    assert d is not None and d.assignee_id == 1
    assert explain(d) == "team's own assignment: assigned to Tom Becker, least loaded with 3 open"


# --- words --------------------------------------------------------------------------------


def test_the_explanation_reads_like_the_issue_asks():
    rule = Rule(
        "VPN to Network",
        Topic(frozenset({ROOT})),
        (SetTeam(NETWORK), Assign(Strategy.LEAST_LOADED)),
    )
    d = route(facts(), [rule], ctx())
    assert explain(d) == (
        "rule “VPN to Network”: topic Network › VPN → Network;"
        " assigned to Tom Becker, least loaded with 3 open"
    )
    assert explain(route(facts(), [], ctx())) == "no rule matched"


def test_a_rule_as_a_sentence():
    rule = Rule(
        "VPN",
        All(
            (
                Topic(frozenset({VPN})),
                AnyOf((ChannelIs(frozenset({Channel.EMAIL})), Words(("vpn",)))),
            )
        ),
        (SetTeam(NETWORK), Assign(Strategy.AGENT, 1)),
        stop=False,
    )
    text = rule_sentence(rule, ctx(), lambda kind, i: ctx().agents[i].name)
    assert text == (
        "When the help topic is Network › VPN (or below) and (it came by email or the subject"
        " or description mentions “vpn”): set the team to Network, assign to Tom Becker,"
        " then go on to the next rule."
    )


# --- JSON ---------------------------------------------------------------------------------

EVERYTHING = Rule(
    "Everything",
    All(
        (
            Topic(frozenset({ROOT, VPN})),
            AnyOf(
                (
                    ChannelIs(frozenset({Channel.EMAIL, Channel.WEB})),
                    CustomerIs(frozenset({3})),
                    OrganisationIs(frozenset({"contoso"})),
                    EmailDomain(frozenset({"contoso.com"})),
                )
            ),
            Words(("vpn", "remote access"), Where.SUBJECT),
            Pattern(r"error \d+"),
            PriorityIs(frozenset({Priority.HIGH})),
            ImpactIs(frozenset({Level.LOW})),
            TimeOfDay(time(8), time(18)),
            Weekday(frozenset({0, 4})),
            BusinessHours(False),
        )
    ),
    (
        SetTeam(NETWORK),
        SetTopic(VPN),
        SetPriority(Priority.URGENT),
        Assign(Strategy.AGENT, 2),
        AddNote("Check the tunnel"),
    ),
    stop=False,
)


def test_every_condition_and_action_survives_json():
    assert rule_from_json(rule_to_json(EVERYTHING)) == EVERYTHING
    assert checked_rule(EVERYTHING) == EVERYTHING


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("when",), {"all": [{"pattern": "(a+)+"}]}, "when.all[0].pattern"),
        (("when",), {"any": [{"channel": ["fax"]}]}, "when.any[0].channel"),
        (("when",), {"time": ["25:00", "08:00"]}, "when.time[0]"),
        (("when",), {"weekday": [7]}, "when.weekday"),
        (("when",), {"colour": ["red"]}, "when"),
        (("then",), [{"assign": "lottery"}], "then[0].assign"),
        (("then",), [], "then"),
        (("name",), "", "name"),
        (("format",), 2, "format"),
    ],
)
def test_a_bad_body_is_refused_at_its_field(path, value, field):
    body = rule_to_json(EVERYTHING)
    body[path[0]] = value
    with pytest.raises(ValidationError) as raised:
        rule_from_json(body)
    assert raised.value.for_field(field), raised.value.problems


def test_deep_nesting_is_refused():
    body = {"topic": [1]}
    for _ in range(8):
        body = {"all": [body]}
    with pytest.raises(ValidationError):
        rule_from_json({"format": 1, "name": "x", "when": body, "then": [{"set_team": 1}]})


# --- a decision depends only on the ticket, the clock and the agents -------------------------

agent_states = st.builds(
    AgentState,
    id=st.integers(1, 30),
    name=st.sampled_from(["A", "B", "C"]),
    availability=st.sampled_from(list(Availability)),
    away_until=st.one_of(st.none(), st.just(NOW), st.just(NOW + timedelta(hours=1))),
    capacity=st.one_of(st.none(), st.integers(0, 6)),
    load=st.integers(0, 6),
    weighted_load=st.integers(0, 30),
)
strategies = st.sampled_from(list(Strategy))


@settings(max_examples=200, deadline=None)
@given(
    agents=st.lists(agent_states, max_size=8, unique_by=lambda a: a.id),
    strangers=st.lists(agent_states, max_size=4, unique_by=lambda a: a.id),
    strategy=strategies,
    cursor=st.one_of(st.none(), st.integers(1, 30)),
    named=st.integers(1, 30),
    shuffle=st.randoms(use_true_random=False),
)
def test_same_inputs_same_decision_whatever_the_order_of_agents(
    agents, strangers, strategy, cursor, named, shuffle
):
    members = frozenset(a.id for a in agents)
    everyone = {a.id: a for a in strangers} | {a.id: a for a in agents}
    strangers = [a for a in strangers if a.id not in members]
    rule = Rule("r", Words(("vpn",)), (SetTeam(NETWORK), Assign(strategy, named)))
    team = TeamState(NETWORK, "Network", members, cursor)

    def decide(agent_list):
        c = ctx(agents={a.id: everyone[a.id] for a in agent_list}, teams={NETWORK: team})
        return route(facts(), [rule], c)

    first = decide([*agents, *strangers])
    again = decide([*agents, *strangers])
    mixed = [*agents, *strangers]
    shuffle.shuffle(mixed)
    assert first == again == decide(mixed)
    chosen = first.assignee_id
    if chosen is not None:
        a = everyone[chosen]
        assert a.available(NOW) and a.has_room
        if strategy != Strategy.AGENT:
            assert chosen in members
    # agents outside the team change nothing for a team strategy
    if strategy != Strategy.AGENT:
        assert decide(agents) == first

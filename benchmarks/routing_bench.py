"""How long routing takes: one ticket through 200 rules, an intake with and without
routing, and the replay of 1,000 tickets.

    python benchmarks/routing_bench.py [--url URL] [--json FILE]

Without --url a fresh SQLite file in a temporary folder is used; give a PostgreSQL URL
(postgresql+psycopg://postgres@127.0.0.1:5432/some_empty_db) to time that backend.
Timed, each the median of 5 runs:

- `route_200_rules_ms`: `route()` of one ticket through 200 enabled rules of mixed
  conditions (topics, channels, words, patterns, time of day, business hours, nested
  groups), the one that fires last, assigning least-loaded among 20 agents (target ≤ 5 ms);
- `intake_plain_ms`: `log_ticket` on a desk with no rules and a team that does not
  assign by itself;
- `intake_claimed_ms`: the same, the agent taking it (assign_to_me): the assignment's own
  writes (the ticket saved again, its assigned and opened events) without routing;
- `intake_routed_10_rules_ms`: with 10 rules stored, the last firing, round-robin;
- `intake_routed_ms`: the same with 200 rules stored, the last firing, assigning
  round-robin (the rules are read, the team locked, the loads counted);
- `replay_1000_ms`: `replay_rules` over the last 1,000 tickets with the 200 rules
  (target < 2 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desk.domain.calendars import BusinessCalendar  # noqa: E402
from desk.domain.model import Channel, Priority  # noqa: E402
from desk.domain.routing import AgentState, RoutingContext, TeamState, route  # noqa: E402
from desk.domain.routing_rules import (  # noqa: E402
    All,
    AnyOf,
    Assign,
    BusinessHours,
    ChannelIs,
    Facts,
    Pattern,
    PriorityIs,
    Rule,
    SetPriority,
    SetTeam,
    Strategy,
    TimeOfDay,
    Topic,
    Words,
)

RULES = 200


def _rules(team_id: int, topic_ids: list[int], strategy: Strategy) -> list[Rule]:
    """199 rules that do not fire for the benchmark's ticket, then one that does."""
    rules = []
    for n in range(RULES - 1):
        kind = n % 5
        if kind == 0:
            when = All((Topic(frozenset({topic_ids[n % len(topic_ids)]})), Words((f"word{n}",))))
        elif kind == 1:
            when = AnyOf((ChannelIs(frozenset({Channel.SOCIAL})), Pattern(rf"error {n}\d+")))
        elif kind == 2:
            when = All((TimeOfDay(clock_time(3), clock_time(4)), BusinessHours(True)))
        elif kind == 3:
            when = All((PriorityIs(frozenset({Priority.URGENT})), Words((f"outage{n}",))))
        else:
            when = AnyOf((Words((f"term{n}", f"other{n}")), Pattern(rf"^case {n}$")))
        rules.append(Rule(f"Rule {n}", when, (SetPriority(Priority.HIGH),)))
    rules.append(Rule("VPN to Network", Words(("vpn",)), (SetTeam(team_id), Assign(strategy))))
    return rules


def _median_ms(call: Callable[[], object], repeat: int, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(repeat):
            call()
        times.append((time.perf_counter() - start) / repeat * 1000)
    return round(statistics.median(times), 3)


def bench_route() -> float:
    calendar = BusinessCalendar.weekly("Europe/Berlin", {d: "09:00-17:00" for d in range(5)})
    agents = {i: AgentState(i, f"Agent {i}", load=i % 7, capacity=10) for i in range(1, 21)}
    ctx = RoutingContext(
        now=datetime(2026, 12, 1, 10, tzinfo=UTC),
        agents=agents,
        teams={1: TeamState(1, "Network", frozenset(agents))},
        topic_parents={i: (i - 1 if i > 1 else None) for i in range(1, 40)},
        topic_names={i: f"Topic {i}" for i in range(1, 40)},
        calendar=calendar,
    )
    rules = _rules(1, list(range(100, 140)), Strategy.LEAST_LOADED)
    facts = Facts(
        "The VPN drops every hour",
        "Since Monday the tunnel drops. " * 20,
        Channel.EMAIL,
        topic_id=39,
        received_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
    )
    decision = route(facts, rules, ctx)
    assert decision.fired and decision.fired[-1].rule_name == "VPN to Network"
    return _median_ms(lambda: route(facts, rules, ctx), 200)


def bench_services(url: str | None) -> dict[str, float]:
    from desk.services import directory, routing_rules
    from desk.services.database import open_database
    from desk.services.intake import IntakeRequest, NewCaller, log_ticket

    folder = tempfile.TemporaryDirectory()
    db = open_database(url or f"sqlite:///{Path(folder.name) / 'bench.sqlite3'}")
    try:
        admin = directory.create_first_admin(db, "admin", "Ada Admin", password="admin-password")
        team = directory.create_team(db, admin.id, "Network")
        for n in range(20):
            directory.create_agent(db, admin.id, f"agent{n}", f"Agent {n}", team_ids=[team.id])
        topics = [directory.create_category(db, admin.id, f"Topic {n}").id for n in range(40)]
        first = log_ticket(
            db,
            admin.id,
            IntakeRequest(subject="First", new_caller=NewCaller("Jane Doe", "jane@contoso.com")),
        )
        request = IntakeRequest(
            subject="The VPN drops every hour",
            description="Since Monday the tunnel drops.",
            customer_id=first.customer_id,
        )
        plain = _median_ms(lambda: log_ticket(db, admin.id, request), 40)
        claimed_request = replace(request, assign_to_me=True)
        claimed = _median_ms(lambda: log_ticket(db, admin.id, claimed_request), 40)
        rules = _rules(team.id, topics, Strategy.ROUND_ROBIN)
        for rule in [*rules[-10:-1], rules[-1]]:
            routing_rules.add_rule(db, admin.id, rule)
        routed_10 = _median_ms(lambda: log_ticket(db, admin.id, request), 40)
        for view in routing_rules.list_rules(db):
            routing_rules.delete_rule(db, admin.id, view.rule.id)
        for rule in rules:
            routing_rules.add_rule(db, admin.id, rule)
        routed = _median_ms(lambda: log_ticket(db, admin.id, request), 40)
        while _count(db) < 1_000:
            log_ticket(db, admin.id, request)
        replay = _median_ms(lambda: routing_rules.replay_rules(db, admin.id, 1_000), 1)
    finally:
        db.close()
        folder.cleanup()
    return {
        "intake_plain_ms": plain,
        "intake_claimed_ms": claimed,
        "intake_routed_10_rules_ms": routed_10,
        "intake_routed_ms": routed,
        "replay_1000_ms": replay,
    }


def _count(db) -> int:
    with db.read() as uow:
        return uow.tickets.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a database to time (default: a fresh SQLite file)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    figures = {"route_200_rules_ms": bench_route(), **bench_services(args.url)}
    figures["backend"] = "postgresql" if args.url else "sqlite"
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()

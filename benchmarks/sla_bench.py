"""How long the service clock's arithmetic takes, on a typical calendar.

    python benchmarks/sla_bench.py [--n N] [--json FILE]

The calendar: Europe/London, Mon–Fri 09:00–12:30 and 13:30–17:00, England's public
holidays for 2025–2028. Timed, each the median of 5 runs of N calls (default 20,000) at
random start instants over two years and random durations up to 5 days of business time
(a "few days" target, counted in a 7-hour business day that is weeks of wall time):

- `due_us`: one `BusinessCalendar.due(start, duration)` (the brief asks ≤ 50 µs);
- `elapsed_us`: one `elapsed(start, end)`;
- `read_clocks_us`: both clocks of a ticket with a pending spell and a priority change,
  explanation steps included (what the ticket view asks for);
- `read_clocks_bulk_us`: the same without the steps (`explain=False`), what a recompute
  of one open ticket after a calendar edit costs;
- `first_table_ms`: the first question asked of a fresh calendar value, which builds
  its per-day table for the months around the instant (paid once per calendar version);
- `prefill_holidays_ms`: importing the `holidays` library and reading four years of a
  country's holidays (paid when an administrator asks for them).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desk.domain.calendars import BusinessCalendar  # noqa: E402
from desk.domain.model import Priority, TicketStatus  # noqa: E402
from desk.domain.public_holidays import with_public_holidays  # noqa: E402
from desk.domain.sla import plan  # noqa: E402
from desk.domain.sla_clock import read_clocks  # noqa: E402
from desk.domain.sla_history import (  # noqa: E402
    CalendarVersion,
    ClockHistory,
    PlanVersion,
    PriorityChange,
    status_spans,
)

YEARS = range(2025, 2029)
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def typical_calendar() -> BusinessCalendar:
    office = BusinessCalendar.weekly(
        "Europe/London", {d: "09:00-12:30, 13:30-17:00" for d in range(5)}, name="London"
    )
    return with_public_holidays(office, "GB", "ENG", years=YEARS)


def _median_us(fn, n: int) -> float:
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) / n * 1e6)
    return statistics.median(runs)


def run(n: int) -> dict[str, float]:
    rng = random.Random(13)
    started = time.perf_counter()
    cal = typical_calendar()
    prefill_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    cal.due(BASE, timedelta(hours=1))
    first_table_ms = (time.perf_counter() - started) * 1000
    starts = [BASE + timedelta(seconds=rng.randrange(2 * 365 * 86400)) for _ in range(n)]
    durations = [timedelta(minutes=rng.randrange(1, 5 * 7 * 60)) for _ in range(n)]
    ends = [s + timedelta(hours=rng.randrange(1, 24 * 14)) for s in starts]
    pairs = list(zip(starts, durations, strict=True))
    spans = list(zip(starts, ends, strict=True))
    for s, d in pairs:  # the whole two years' table, built before the timing
        cal.due(s, d)

    def dues() -> None:
        for s, d in pairs:
            cal.due(s, d)

    def elapsed() -> None:
        for a, b in spans:
            cal.elapsed(a, b)

    p = plan(
        "Standard",
        {
            Priority.NORMAL: (timedelta(hours=1), timedelta(hours=16)),
            Priority.HIGH: (timedelta(minutes=30), timedelta(hours=8)),
        },
    )
    histories = []
    for s in starts[: max(1, n // 20)]:
        changes = [
            (s + timedelta(hours=2), TicketStatus.OPEN),
            (s + timedelta(hours=20), TicketStatus.PENDING),
            (s + timedelta(hours=70), TicketStatus.OPEN),
        ]
        histories.append(
            ClockHistory(
                s,
                status_spans(s, changes),
                (
                    PriorityChange(s, Priority.NORMAL),
                    PriorityChange(s + timedelta(hours=30), Priority.HIGH),
                ),
                (PlanVersion(s, p),),
                (CalendarVersion(s, cal),),
            )
        )

    def clocks() -> None:
        for h in histories:
            read_clocks(h, h.created_at + timedelta(hours=80))

    def clocks_bulk() -> None:
        for h in histories:
            read_clocks(h, h.created_at + timedelta(hours=80), explain=False)

    return {
        "due_us": round(_median_us(dues, n), 2),
        "elapsed_us": round(_median_us(elapsed, n), 2),
        "read_clocks_us": round(_median_us(clocks, len(histories)), 1),
        "read_clocks_bulk_us": round(_median_us(clocks_bulk, len(histories)), 1),
        "first_table_ms": round(first_table_ms, 2),
        "prefill_holidays_ms": round(prefill_ms, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run(args.n)
    for key, value in results.items():
        print(f"{key:>16}: {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Desk's queue on a desk that has run for years, beside the Qt developer's first try.

    python benchmarks/queue_bench.py --db URL --tickets N --json FILE [--repeat R]

Seeds the database when it holds fewer than N tickets (default 1,000,000), then times
through the real queue model and a real QTableView, offscreen, the median of R runs:
showing a queue, changing its sort, changing the queue, jumping to its last row, typing
a search, opening a ticket with a 200-entry thread, the cold start of the program to
its first queue painted (with --packaged, the packaged program's too), and the peak
memory; and Desk's thread view opening a thread of 2,000 entries, some of them 100,000
characters long. The same interactions are timed for a
QSqlQueryModel with a QSortFilterProxyModel on the same table. Each side runs in a
fresh process of its own, so neither's memory or caches help the other.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SCREEN = ROOT / "tests" / "offscreen-screen.json"

from benchmarks.bulk_seed import LONG_MESSAGE_CHARS, LONG_MESSAGE_EVERY, TIMED  # noqa: E402

#: Desk's own rows (the peer has nothing like them): the very long thread, the packaged
#: program's start (with --packaged).
LONG_THREAD_KEYS = [
    "long_thread_first_paint_ms",
    "long_thread_longest_turn_ms",
    "long_thread_slowest_page_up_ms",
]
KEYS = [*TIMED, *LONG_THREAD_KEYS, "cold_start_ms", "packaged_cold_start_ms", "peak_rss_mb"]
LABELS = {
    "first_page_ms": "show a queue (first page)",
    "sort_ms": "change the sort column",
    "filter_ms": "change the queue (filter)",
    "jump_last_ms": "jump to the last row",
    "search_ms": "type a search",
    "open_thread_ms": "open a 200-entry thread",
    "long_thread_first_paint_ms": "open a 2,000-entry thread",
    "long_thread_longest_turn_ms": "  longest wait while it fills",
    "long_thread_slowest_page_up_ms": "  slowest page up through it",
    "cold_start_ms": "cold start to first queue",
    "packaged_cold_start_ms": "  the packaged program's",
    "peak_rss_mb": "peak memory",
}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if env.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _child(role: str, url: str, repeat: int, thread_ticket: int | None) -> dict[str, Any]:
    """Run one side in a fresh process; its result comes back as JSON on the last line."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.queue_bench",
        "--db",
        url,
        "--repeat",
        str(repeat),
        "--measure",
        role,
    ]
    if thread_ticket:
        command += ["--thread-ticket", str(thread_ticket)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {role} run failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_start_ms(
    url: str, runs: int, program: Path | None = None
) -> tuple[list[float], list[float]]:
    """Wall time from starting `desk` (or the packaged `program`) to its first queue
    painted, in a clean profile, and to the process's end (the quit after that paint).
    Desk is compiled to bytecode first, as `pip install .` and the packaged program have
    it: an editable checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile
    every module of Desk at each start."""
    compileall.compile_dir(str(ROOT / "desk"), quiet=1)
    command = [str(program)] if program else [sys.executable, "-m", "desk"]
    to_paint, to_exit = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="desk-cold-") as home:
            env = _env() | {
                "XDG_CONFIG_HOME": f"{home}/config",
                "XDG_DATA_HOME": f"{home}/data",
                "XDG_STATE_HOME": f"{home}/state",
                "DESK_REPORT_FIRST_PAINT": "1",
            }
            started = time.time()
            done = subprocess.run(
                [*command, "--db", url, "--as", "alex.morgan"],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            ended = time.time()
            painted = re.search(r"first queue painted: \d+ tickets at ([\d.]+)", done.stdout)
            if done.returncode != 0 or painted is None:
                raise RuntimeError(f"desk did not start:\n{done.stderr[-2000:]}")
            to_paint.append((float(painted.group(1)) - started) * 1000)
            to_exit.append((ended - started) * 1000)
    return to_paint, to_exit


def report(result: dict[str, Any]) -> str:
    desk, peer = result["desk"], result["peer"]
    lines = [
        f"Desk at {result['tickets']:,} tickets on {result['backend']} "
        f"(median of {result['repeat']} runs; {result['machine']})",
        "",
        f"{'':30} {'Desk':>12} {'Qt first try':>14} {'ratio':>12}",
    ]
    for key in KEYS:
        if desk.get(key) is None and peer.get(key) is None:
            continue  # not measured this run (the packaged program's start)
        unit = "MB" if key.endswith("_mb") else "ms"
        mine = desk.get(key)
        theirs = peer.get(key)
        ratio = ""
        if mine and theirs:
            factor = theirs / mine
            ratio = (
                f"{factor:,.1f}x {'less' if unit == 'MB' else 'faster'}"
                if factor >= 1
                else f"{1 / factor:,.1f}x {'more' if unit == 'MB' else 'slower'}"
            )
        lines.append(
            f"{LABELS[key]:30} {_fmt(mine, unit):>12} {_fmt(theirs, unit):>14} {ratio:>12}"
        )
    extra = result.get("notes", {})
    lines += ["", *(f"{k}: {v}" for k, v in extra.items())]
    return "\n".join(lines)


def _fmt(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:,.1f} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, metavar="URL")
    parser.add_argument("--tickets", type=int, default=1_000_000, metavar="N")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--repeat", type=int, default=5, metavar="R")
    parser.add_argument("--no-peer", action="store_true", help="time Desk only")
    parser.add_argument(
        "--packaged",
        type=Path,
        metavar="PROGRAM",
        help="also time the cold start of the packaged program (dist/Desk/Desk)",
    )
    parser.add_argument("--measure", choices=["desk", "peer"], help=argparse.SUPPRESS)
    parser.add_argument("--thread-ticket", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure == "desk":
        from benchmarks.desk_probe import measure

        print(json.dumps(measure(args.db, args.repeat)))
        return 0
    if args.measure == "peer":
        from benchmarks.peer_probe import measure as measure_peer

        print(json.dumps(measure_peer(args.db, args.repeat, args.thread_ticket)))
        return 0

    from benchmarks.bulk_seed import long_thread_ticket, seed
    from desk.services.database import open_database

    db = open_database(args.db)
    print(f"Seeding {db.description} up to {args.tickets:,} tickets ...", flush=True)
    seeded = seed(db, args.tickets, say=lambda line: print(line, flush=True))
    thread_ticket = long_thread_ticket(db)
    backend = db.backend
    db.close()

    print("Timing Desk ...", flush=True)
    desk = _child("desk", args.db, args.repeat, thread_ticket)
    cold, cold_exit = cold_start_ms(args.db, max(3, args.repeat))
    desk["medians"]["cold_start_ms"] = round(statistics.median(cold), 1)
    packaged: list[float] = []
    if args.packaged:
        packaged, _exits = cold_start_ms(args.db, max(3, args.repeat), args.packaged)
        desk["medians"]["packaged_cold_start_ms"] = round(statistics.median(packaged), 1)
    peer: dict[str, Any] = {"medians": {}}
    if not args.no_peer:
        print("Timing the QSqlQueryModel + QSortFilterProxyModel peer ...", flush=True)
        peer = _child("peer", args.db, max(1, min(args.repeat, 3)), thread_ticket)
    result = {
        "backend": backend,
        "tickets": args.tickets,
        "repeat": args.repeat,
        "desk": desk["medians"],
        "peer": peer["medians"],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "notes": {
            "seeded this run": f"{seeded.tickets_after - seeded.tickets_before:,} tickets in {seeded.seconds:.0f} s",
            "rows held by Desk's model": f"{desk['rows_held_by_model']:,} of {desk['queue_length']:,}",
            "rows held by the peer's model": f"{peer.get('rows_held_by_model', 0):,}",
            "peer's one-off fetch of every row": f"{peer.get('fetch_all_ms', 0):,.0f} ms (in its first sort)",
            "cold start runs, to the paint (ms)": ", ".join(f"{t:.0f}" for t in cold),
            "… to the process's exit (ms)": ", ".join(f"{t:.0f}" for t in cold_exit),
            **(
                {"packaged cold start runs (ms)": ", ".join(f"{t:.0f}" for t in packaged)}
                if packaged
                else {}
            ),
            "the 2,000-entry thread": (
                f"every {LONG_MESSAGE_EVERY}th entry {LONG_MESSAGE_CHARS:,} characters; all "
                f"drawn {desk['medians'].get('long_thread_all_drawn_ms', 0):,.0f} ms after "
                f"opening, page up {desk['medians'].get('long_thread_page_up_ms', 0)} ms"
            ),
        },
        "runs": {"desk": desk["runs"], "peer": peer.get("runs", {})},
    }
    print()
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark runs end to end on a small database, so it does not rot (no timings asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "first_page_ms",
    "sort_ms",
    "filter_ms",
    "jump_last_ms",
    "search_ms",
    "open_thread_ms",
    "cold_start_ms",
    "peak_rss_mb",
}
#: Desk's own: its thread view opening a thread of 2,000 entries (made in memory).
LONG_THREAD_KEYS = {
    "long_thread_first_paint_ms",
    "long_thread_all_drawn_ms",
    "long_thread_longest_turn_ms",
    "long_thread_page_up_ms",
    "long_thread_slowest_page_up_ms",
}


@pytest.mark.slow
def test_the_benchmark_runs_end_to_end(db_url: str, tmp_path: Path):
    out = tmp_path / "bench.json"
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/queue_bench.py",
            "--db",
            db_url,
            "--tickets",
            "400",
            "--json",
            str(out),
            "--repeat",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["tickets"] == 400 and data["backend"] in ("sqlite", "postgresql")
    assert set(data["desk"]) == KEYS | LONG_THREAD_KEYS
    assert set(data["peer"]) == KEYS - {"cold_start_ms"}  # the peer is no program to start
    assert all(value > 0 for value in [*data["desk"].values(), *data["peer"].values()])
    labels = ("show a queue", "change the sort column", "jump to the last row", "peak memory")
    for label in (*labels, "open a 2,000-entry thread"):
        assert label in result.stdout
    # The benchmark seeded exactly what it was asked for, with the long thread it opens.
    from desk.services.database import open_database

    db = open_database(db_url)
    try:
        with db.read() as uow:
            assert uow.tickets.count() == 400
        from benchmarks.bulk_seed import long_thread_ticket

        assert long_thread_ticket(db) is not None
    finally:
        db.close()

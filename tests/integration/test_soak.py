"""A small soak on both backends: agents at once on a few tickets, one of them killed."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import soak

pytestmark = pytest.mark.slow


def test_every_acknowledged_write_is_there_once_and_every_refused_one_absent(
    db, db_url: str, tmp_path: Path
):
    report = soak.soak(db_url, processes=4, ops=40, hot=4, kill=1, folder=tmp_path)
    assert report.problems == []
    assert report.killed == 1
    # The run did work and met contention: writes were both acknowledged and refused.
    assert report.acknowledged > 40
    assert report.refused > 0
    assert report.ops >= 3 * 40 + 40 // 3


def test_the_checker_notices_a_lost_and_a_refused_write(db, db_url: str, tmp_path: Path):
    """The checker can fail: a log that says what the database does not hold."""
    from desk.services import tickets as work

    desk = soak.prepare(db_url, processes=1, hot=1)
    agent, ticket = desk.agents[0], desk.tickets[0]
    lost, refused = f"soak-{desk.run}-{agent}-1", f"soak-{desk.run}-{agent}-2"
    work.add_internal_note(db, agent, ticket, refused)  # stored, but logged as refused
    log = tmp_path / "forged.log"
    log.write_text(
        f"try note {ticket} {lost}\nack note {ticket} {lost}\n"
        f"try note {ticket} {refused}\nref note {ticket} {refused} ConflictError\n"
    )
    report = soak.check(db_url, desk, [log])
    assert report.problems == [
        f"acknowledged note {lost} is there 0 times",
        f"refused note {refused} is there 1 times",
    ]

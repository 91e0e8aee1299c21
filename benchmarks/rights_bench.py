"""The queue benchmark before and after `desk server-setup` (grants, row rules, triggers).

    python benchmarks/rights_bench.py --tickets N [--repeat R] [--json FILE]

In a throwaway PostgreSQL cluster of its own (tests/pg_cluster.py; passwords required for
every login but the superuser's): seeds N tickets as the superuser, times Desk's queue
through the real model and view (benchmarks/desk_probe.py) as the superuser, runs
server-setup, gives the demo's agent their own login, and times the same again signed in
with that login, so that every statement passes through the grants, policies and
triggers a workstation's does. With --trust no password is asked (the rights alone);
without, each new connection pays scram-sha-256 too (a pool overflow connection is one). The shared server at 127.0.0.1:5432 is not touched.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.queue_bench import KEYS, LABELS, _child, cold_start_ms  # noqa: E402

PASSWORD = "benchmark-password"


def _cluster(passwords: bool) -> Any:
    from tests.pg_cluster import Cluster

    root = Path(tempfile.mkdtemp(prefix="desk-rights-bench-"))
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to postgres
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = Cluster(root, passwords=passwords)
    cluster.init()
    cluster.start()
    cluster.create_database()
    return cluster


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, metavar="N")
    parser.add_argument("--repeat", type=int, default=5, metavar="R")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument(
        "--trust",
        action="store_true",
        help="no passwords (trust): the rights' own cost, without scram-sha-256 per connection",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternate superuser and login runs this often"
    )
    args = parser.parse_args(argv)

    from benchmarks.bulk_seed import long_thread_ticket, seed
    from desk.services.demo import DEMO_LOGIN
    from desk.services.server_setup import server_setup
    from desk.store.unit_of_work import SqlDatabase

    cluster = _cluster(not args.trust)
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    try:
        db = SqlDatabase.open(cluster.url)
        report = seed(db, args.tickets, say=lambda line: print(line, flush=True))
        thread = long_thread_ticket(db)
        db.close()
        print(f"seeded {report.tickets_after:,} tickets", flush=True)
        server_setup(cluster.url)
        db = SqlDatabase.open(cluster.url)
        with db.write() as uow:  # as the superuser: no admin's login needed here
            assert uow.logins.enabled
            uow.logins.create(DEMO_LOGIN, PASSWORD)
            uow.commit()
        db.close()
        # The superuser bypasses every grant, policy and trigger check: "before".
        urls = {"before": cluster.url, "after": cluster.url_as(DEMO_LOGIN, PASSWORD)}
        for n in range(args.rounds):
            for side, url in urls.items():
                print(f"round {n + 1}: timing {side} ...", flush=True)
                medians = _child("desk", url, args.repeat, thread)["medians"]
                medians["cold_start_ms"] = statistics.median(cold_start_ms(url, 3)[0])
                runs[side].append(medians)
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)
    before, after = (
        {k: statistics.median(r[k] for r in runs[side]) for k in runs[side][0]}
        for side in ("before", "after")
    )
    lines = [f"{'':30} {'before':>10} {'after':>10}"]
    for key in KEYS:
        if key in before:
            unit = "MB" if key.endswith("_mb") else "ms"
            lines.append(
                f"{LABELS[key]:30} {before[key]:>7.1f} {unit} {after.get(key, 0):>7.1f} {unit}"
            )
    print("\n".join(lines))
    if args.json:
        result = {
            "tickets": args.tickets,
            "repeat": args.repeat,
            "passwords": not args.trust,
            "before (superuser)": before,
            "after (the agent's own login)": after,
            "runs": runs,
        }
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

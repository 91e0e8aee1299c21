"""`desk report`: files written for a scheduled task, plain errors and exit codes; the
CSV in a spreadsheet's dialect; a report's statement stopped by its cancel on both
backends."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import threading
import time

import pytest

from desk.domain.errors import DeskError
from desk.domain.reports import ReportCancelled
from desk.services import report_tables, reports

from ..conftest import World
from .test_reports import WEEK, desk  # noqa: F401  (the three hand-worked tickets)


def run_desk(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desk", *args], capture_output=True, text=True, timeout=120, env=env
    )


def report(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_desk("report", *args, "--db", db_url, "--as", "sue")


def test_csv_pdf_and_the_tickets_export_are_written(db_url, desk, tmp_path):  # noqa: F811
    out = tmp_path / "volume.csv"
    done = report(
        db_url,
        "volume",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-30",
        "--format",
        "csv",
        "--output",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "Wrote" in done.stdout and "8 rows" in done.stdout
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Excel: BOM, CRLF
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["From", "To", "Created", "Resolved", "Reopened"]
    assert rows[5] == ["2026-11-27", "2026-11-27", "2", "0", "0"]
    assert rows[8] == ["2026-11-30", "2026-11-30", "1", "3", "1"]

    times = tmp_path / "times.csv"
    done = report(
        db_url,
        "times",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-30",
        "--channel",
        "phone",
        "--format",
        "csv",
        "--output",
        str(times),
    )
    assert done.returncode == 0, done.stderr
    lines = list(csv.reader(io.StringIO(times.read_text(encoding="utf-8-sig"))))
    assert lines[0] == ["Measure", "Tickets", "Median (hours)", "90th percentile (hours)"]
    assert lines[1] == ["First response, business hours", "2", "0.33", "2.00"]

    tickets = tmp_path / "tickets.csv"
    done = report(
        db_url,
        "tickets",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-30",
        "--team",
        "Service Desk",
        "--format",
        "csv",
        "--output",
        str(tickets),
    )
    assert done.returncode == 0, done.stderr
    found = list(csv.DictReader(io.StringIO(tickets.read_text(encoding="utf-8-sig"))))
    assert [r["Subject"] for r in found] == ["Printer offline"] * 3
    assert [r["First response, business (hours)"] for r in found] == ["2.00", "1.50", "0.33"]
    assert [r["First response, calendar (hours)"] for r in found] == ["2.00", "65.50", "0.33"]
    assert found[2]["Reopened"] == "1" and found[2]["Satisfaction"] == "4"

    pdf = tmp_path / "agents.pdf"
    env = {
        k: v for k, v in __import__("os").environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")
    }
    done = run_desk(
        "report",
        "agents",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-30",
        "--format",
        "pdf",
        "--output",
        str(pdf),
        "--db",
        db_url,
        "--as",
        "sue",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF-") and "1 page" in done.stdout
    assert not list(tmp_path.glob("*.part"))


def test_bad_usage_exits_2_and_a_refusal_exits_1(db_url, world: World, tmp_path):
    out = tmp_path / "x.csv"

    def volume(days: str, *extra: str, output=out, login: str = "sue"):
        words = f"report volume {days} --format csv --output {output} --db {db_url} --as {login}"
        return run_desk(*words.split(), *extra)

    bad_day = volume("--from 30/11/2026 --to 2026-11-30")
    assert bad_day.returncode == 2 and "is not a date" in bad_day.stderr
    backwards = volume("--from 2026-11-30 --to 2026-11-01")
    assert backwards.returncode == 2 and "comes before" in backwards.stderr
    no_team = volume("--from 2026-11-01 --to 2026-11-30", "--team", "Nobody")
    assert no_team.returncode == 2 and "'Nobody' is not one the desk has" in no_team.stderr
    no_folder = volume("--from 2026-11-01 --to 2026-11-30", output=tmp_path / "no" / "x.csv")
    assert no_folder.returncode == 2 and "does not exist" in no_folder.stderr
    pdf_tickets = report(
        db_url, *f"tickets --from 2026-11-01 --to 2026-11-30 --format pdf --output {out}".split()
    )
    assert pdf_tickets.returncode == 2 and "CSV only" in pdf_tickets.stderr
    agent = volume("--from 2026-11-01 --to 2026-11-30", login="sam")
    assert agent.returncode == 1 and "may not read the reports" in agent.stderr
    assert not out.exists()


def test_the_tickets_csv_streams_with_progress_and_stops_when_cancelled(db, world, desk):  # noqa: F811
    req = reports.request(*WEEK)
    seen = []
    out = io.StringIO()
    run = reports.ReportRun(lambda done, total: seen.append((done, total)))
    assert report_tables.export_tickets_csv(db, world.supervisor, req, out, run) == 3
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert out.getvalue().count("\r\n") == 4
    stopped = reports.ReportRun(lambda done, total: stopped.cancel())
    with pytest.raises(ReportCancelled):
        report_tables.export_tickets_csv(db, world.supervisor, req, io.StringIO(), stopped)


def test_cancel_interrupts_the_statement_running(db, world):
    """The interrupt a ReportRun holds stops a long statement on either backend."""
    run = reports.ReportRun()
    slow = (
        "SELECT pg_sleep(20)"
        if db.backend == "postgresql"
        else "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)"
        " SELECT count(*) FROM c"
    )
    threading.Timer(0.5, run.cancel).start()
    started = time.monotonic()
    with pytest.raises(DeskError) as raised, reports.reading(db, world.supervisor, run) as uow:
        uow.reports._conn.exec_driver_sql(slow)
    assert isinstance(raised.value, ReportCancelled)
    assert time.monotonic() - started < 10
    # The connection is still good for the next report.
    assert reports.volume_report(db, world.supervisor, reports.request(*WEEK)).totals[0] >= 0

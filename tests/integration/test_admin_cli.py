"""`desk admin …`: a desk set up by script from empty, and the exit codes a script sees."""

from __future__ import annotations

import pytest

from desk.domain.audit import AuditFilter
from desk.domain.model import Role
from desk.services import audit, directory, queries
from desk.services.database import open_database

from .test_cli import desk


def admin(*args: str, url: str, by: str | None = "ada"):
    extra = ["--db", url] + (["--by", by] if by else [])
    command, *rest = args
    return desk("admin", command, *extra, *rest)


def test_a_desk_set_up_from_empty_by_script(db_url: str):
    made = admin("add-agent", "ada", "Ada Admin", "--role", "admin", url=db_url, by=None)
    assert made.returncode == 0, made.stderr
    assert "first admin" in made.stdout
    for team in ("Service Desk", "Network"):
        assert admin("add-team", team, url=db_url).returncode == 0
    steps = [
        ("add-agent", "sue", "Sue Supervisor", "--role", "supervisor", "--team", "Service Desk"),
        ("add-agent", "sam", "Sam Agent", "--team", "service desk", "--email", "sam@example.com"),
        ("add-topic", "Network", "--team", "Network"),
        ("add-topic", "VPN", "--parent", "Network", "--priority", "high"),
        ("edit-agent", "sam", "--team", "Network", "--team", "Service Desk"),
        ("deactivate-agent", "sue"),
        ("reactivate-agent", "sue"),
        ("rename-team", "Network", "Networks"),
        ("settings", "--name", "Contoso IT", "--prefix", "IT-"),
    ]
    for step in steps:
        done = admin(*step, url=db_url)
        assert done.returncode == 0, (step, done.stderr)
    listed = admin("list", "agents", url=db_url, by=None)
    assert listed.returncode == 0
    lines = [line.split("\t") for line in listed.stdout.strip().splitlines()]
    assert lines[0] == ["login", "name", "email", "role", "teams", "active"]
    sam = next(line for line in lines if line[0] == "sam")
    assert sam[3] == "agent" and sam[4] == "Networks, Service Desk" and sam[5] == "yes"
    topics = admin("list", "topics", url=db_url).stdout
    assert "Networks › VPN" not in topics and "Network › VPN\t\thigh\tyes" in topics
    assert "ticket numbers: IT-000123" in admin("settings", url=db_url, by=None).stdout

    db = open_database(db_url)
    try:
        people = queries.directory(db)
        assert {a.login: a.role for a in people.agents} == {
            "ada": Role.ADMIN,
            "sue": Role.SUPERVISOR,
            "sam": Role.AGENT,
        }
        ada = next(a.id for a in people.agents if a.login == "ada")
        kinds = [e.kind for e in audit.audit_page(db, ada, AuditFilter()).entries]
        assert kinds[:3] == ["settings.change", "team.rename", "agent.reactivate"]
        assert len(kinds) == 2 + 1 + len(steps)  # every change, one entry each
    finally:
        db.close()


@pytest.mark.parametrize(
    ("args", "by", "says", "code"),
    [
        (("add-team", "Night"), None, "--by LOGIN", 2),
        (("add-team", "Night"), "nobody", "no agent with the login “nobody”", 1),
        (("add-team", "Night"), "sam", "may not manage the desk", 1),
        (("add-team", "Service Desk"), "ada", "already a team named “Service Desk”", 1),
        (("add-agent", "Bad Login", "X"), "ada", "A login uses lower-case letters", 1),
        (("deactivate-agent", "ada"), "ada", "cannot deactivate yourself", 1),
        (("add-member", "Nowhere", "sam"), "ada", "no team named “Nowhere”", 1),
        (("list", "everything"), None, "invalid choice", 2),
        (("settings", "--prefix", "9"), "ada", "ticket number prefix is a letter", 1),
    ],
)
def test_refusals_and_bad_usage_say_why_with_their_exit_code(
    db_url: str, args, by, says: str, code: int
):
    db = open_database(db_url)  # the desk set up in-process: each command costs seconds
    try:
        ada = directory.create_first_admin(db, "ada", "Ada Admin")
        directory.create_team(db, ada.id, "Service Desk")
        directory.create_agent(db, ada.id, "sam", "Sam Agent")
    finally:
        db.close()
    result = admin(*args, url=db_url, by=by)
    assert result.returncode == code, result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr

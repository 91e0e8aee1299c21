"""A plan change reaches the report figures of open tickets that were already answered,
on both backends. The desk is test_reports' (three tickets worked by Sam in the week of
2026-11-23): B, logged Fri 16:00 and answered Mon 09:30, is the one still open.

Under "Standard" (Mon–Fri 09:00–17:00, first response within 1 h), B's first response
took 1 h + 30 min = 1 h 30 of business time: breached. The desk then makes "Early"
(Mon–Fri 08:00–17:00, first response within 4 h) its default plan. B is re-read under it
from its start: Fri 16:00–17:00 and Mon 08:00–09:30 are 2 h 30, within 4 h. A and C are
resolved and closed: their figures stay as they were.
"""

from __future__ import annotations

from datetime import timedelta

from desk.domain.model import Priority
from desk.domain.sla import Targets
from desk.services import reports
from desk.services import sla as sla_service
from desk.services.sla import PlanFields

from ..conftest import World
from .test_reports import WEEK, H, _req, desk  # noqa: F401  (desk is the fixture)


def test_a_plan_change_updates_an_open_answered_tickets_report_figures(
    db,
    world: World,
    desk,  # noqa: F811
):
    a, _b, _c = desk
    before = reports.times_report(db, world.supervisor, _req()).row("first_response_business")
    # [20 min (C), 1 h 30 (B), 2 h (A)]
    assert (before.median, before.p90) == (1.5 * H, 2 * H)
    compliance = reports.compliance_report(db, world.supervisor, _req()).total
    assert (compliance.first_response_within, compliance.first_response_breached) == (1, 2)

    early = sla_service.create_calendar(
        db, world.admin, "Early office", "Europe/London", ["08:00-17:00"] * 5 + ["", ""]
    )
    targets = {p: Targets(timedelta(hours=4), timedelta(hours=8)) for p in Priority}
    plan = sla_service.create_plan(
        db, world.admin, PlanFields("Early", targets, calendar_id=early.id)
    )
    sla_service.set_default_plan(db, world.admin, plan.id)
    assert sla_service.recompute_open_tickets(db).done >= 1  # B among them

    after = reports.times_report(db, world.supervisor, _req()).row("first_response_business")
    # [20 min (C), 2 h (A), 2 h 30 (B)]
    assert (after.count, after.median, after.p90) == (3, 2 * H, 2.5 * H)
    compliance = reports.compliance_report(db, world.supervisor, _req()).total
    assert (compliance.first_response_within, compliance.first_response_breached) == (2, 1)
    breached = reports.tickets_behind(
        db, world.supervisor, _req(), "first_response_breached", *WEEK
    )
    assert [t.id for t in breached] == [a]
    agents = reports.agent_report(db, world.supervisor, _req())
    assert agents.rows[0].median_first_response == 2 * H

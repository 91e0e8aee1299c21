"""The clocks replayed from a ticket's history; each case says how its answer was reached.

The calendar is London, Mon–Fri 09:00–17:00, in November 2026 (GMT: local = UTC).
Mon 2 Nov is a Monday. The plan: Normal 1 h first response / 8 h resolution, High
30 min / 4 h, Urgent 15 min / 2 h, Low resolution only (40 h); at risk at 75 %.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desk.domain.calendars import BusinessCalendar
from desk.domain.model import Priority, TicketStatus
from desk.domain.opening_hours import Holiday
from desk.domain.sla import Clock, plan
from desk.domain.sla_clock import ClockState, preview, read_clocks
from desk.domain.sla_history import (
    CalendarVersion,
    ClockHistory,
    ManualDue,
    PlanVersion,
    PriorityChange,
    status_spans,
)
from desk.domain.sla_wording import ENGLISH, explanation

H = timedelta(hours=1)
MIN = timedelta(minutes=1)
NEW, OPEN, PENDING, RESOLVED = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING,
    TicketStatus.RESOLVED,
)
OFFICE = BusinessCalendar.weekly(
    "Europe/London", {d: "09:00-17:00" for d in range(5)}, name="London"
)
PLAN = plan(
    "Standard",
    {
        Priority.URGENT: (15 * MIN, 2 * H),
        Priority.HIGH: (30 * MIN, 4 * H),
        Priority.NORMAL: (H, 8 * H),
        Priority.LOW: (None, 40 * H),
    },
    plan_id=1,
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def history(
    created: datetime,
    changes: list[tuple[datetime, TicketStatus]] = (),  # type: ignore[assignment]
    *,
    priority: Priority = Priority.NORMAL,
    priorities: list[tuple[datetime, Priority]] = (),  # type: ignore[assignment]
    plans: list[tuple[datetime, object]] = (),  # type: ignore[assignment]
    calendars: list[tuple[datetime, BusinessCalendar]] = (),  # type: ignore[assignment]
    responded: datetime | None = None,
    manual: list[ManualDue] = (),  # type: ignore[assignment]
) -> ClockHistory:
    return ClockHistory(
        created_at=created,
        statuses=status_spans(created, changes),
        priorities=(
            PriorityChange(created, priority),
            *(PriorityChange(t, p) for t, p in priorities),
        ),
        plans=(PlanVersion(created, PLAN), *(PlanVersion(t, p) for t, p in plans)),  # type: ignore[arg-type]
        calendars=(
            CalendarVersion(created, OFFICE),
            *(CalendarVersion(t, c) for t, c in calendars),
        ),
        first_responded_at=responded,
        manual_dues=tuple(manual),
    )


def test_the_explanation_of_a_friday_afternoon_ticket():
    # Created Fri 6 Nov 16:40, Normal: 1 h to the first response. 20 min are left on
    # Friday, Sat–Sun closed, the other 40 min on Monday: due Mon 09:40; 75 % (45 min)
    # is used at Mon 09:25.
    fr = read_clocks(history(at(6, 16, 40)), at(6, 16, 45)).first_response
    assert fr.state == ClockState.RUNNING
    assert (fr.due, fr.at_risk, fr.queue_due) == (at(9, 9, 40), at(9, 9, 25), at(9, 9, 40))
    assert explanation(fr.steps) == (
        "created Fri 16:40; first response within 1 h (normal, Standard); 20 min on Fri; "
        "closed Sat–Sun; 40 min on Mon; at risk from Mon 09:25; due Mon 09:40"
    )


def test_the_wording_can_be_replaced_by_a_translation():
    fr = read_clocks(history(at(6, 16, 40)), at(6, 16, 45)).first_response
    french = replace(
        ENGLISH,
        steps={**ENGLISH.steps, "created": "créé {at}"},
        weekdays=("lun", "mar", "mer", "jeu", "ven", "sam", "dim"),
        separator=" · ",
    )
    assert explanation(fr.steps, french).startswith("créé ven 16:40 · ")


def test_opened_on_saturday_night():
    # Created Sat 7 Nov 23:10: nothing counts until Mon 09:00; 1 h: due Mon 10:00.
    fr = read_clocks(history(at(7, 23, 10)), at(7, 23, 30)).first_response
    assert fr.due == at(9, 10) and fr.used == timedelta(0)
    assert "closed Sat–Sun; 1 h on Mon" in explanation(fr.steps)


def test_pending_over_a_weekend():
    # Normal but with a 16 h resolution target (a plan version in force from the start).
    # Created Thu 5 Nov 10:00: 7 h on Thursday, 6 h on Friday to 15:00 = 13 h used.
    # Pending Fri 15:00 until the customer replies Tue 10 Nov 11:00 (the lifecycle moves
    # the ticket back to open): Fri 15–17, Mon, Tue 9–11 = 12 h paused, not used.
    # 3 h left from Tue 11:00: due Tue 14:00. Without the pause: Mon 10:00.
    slow = plan("Slow", {Priority.NORMAL: (H, 16 * H)}, plan_id=2, at_risk_percent=None)
    h = history(at(5, 10), [(at(6, 15), PENDING), (at(10, 11), OPEN)], plans=[(at(5, 10), slow)])
    during = read_clocks(h, at(7, 12)).resolution
    assert during.state == ClockState.PAUSED
    assert (during.due, during.queue_due, during.remaining) == (None, None, 3 * H)
    after = read_clocks(h, at(10, 12)).resolution
    assert (after.due, after.used, after.paused) == (at(10, 14), 14 * H, 12 * H)
    assert not after.breached
    assert "pending Fri 15:00: clock paused with 13 h used" in explanation(after.steps)
    unpaused = history(at(5, 10), plans=[(at(5, 10), slow)])
    assert read_clocks(unpaused, at(10, 12)).resolution.due == at(9, 10)


def test_a_priority_change_mid_way_applies_the_new_target_from_the_start():
    # Created Mon 2 Nov 09:00, Normal (8 h). Pending 11:00–13:00 (2 h paused).
    # Raised to High (4 h) at 14:00: used 09–11 + 13–14 = 3 h; 1 h left: due 15:00.
    changes = [(at(2, 11), PENDING), (at(2, 13), OPEN)]
    h = history(at(2, 9), changes, priorities=[(at(2, 14), Priority.HIGH)])
    res = read_clocks(h, at(2, 14, 30)).resolution
    assert (res.priority, res.target, res.due) == (Priority.HIGH, 4 * H, at(2, 15))
    assert res.paused == 2 * H and not res.breached
    assert "priority normal → high Mon 14:00: 4 h from the start" in explanation(res.steps)
    # Raised at 16:00 instead (used 5 h, more than the 4 h): the new due time, 4 h from
    # the start less the pause, was 15:00 and is past; the breach is at 16:00, when
    # the clock first ran past the due time in force.
    late = history(at(2, 9), changes, priorities=[(at(2, 16), Priority.HIGH)])
    res = read_clocks(late, at(2, 16, 30)).resolution
    assert (res.due, res.breached_at) == (at(2, 15), at(2, 16))


def test_a_hand_set_due_time_is_kept_through_a_recalculation():
    # Created Mon 09:00 Normal (due 17:00). At 10:00 an agent sets Wed 4 Nov 12:00 by
    # hand. Then the priority goes to Urgent (2 h: the computed due would be 11:00,
    # breached), the ticket is pending for an hour and the calendar changes to 24/7:
    # the due time stays Wed 12:00, and nothing is breached at Mon 15:00.
    h = history(
        at(2, 9),
        [(at(2, 12), PENDING), (at(2, 13), OPEN)],
        priorities=[(at(2, 11), Priority.URGENT)],
        calendars=[(at(2, 14), BusinessCalendar.always_open("Europe/London", name="24/7"))],
        manual=[ManualDue(Clock.RESOLUTION, at(2, 10), at(4, 12))],
    )
    res = read_clocks(h, at(2, 15)).resolution
    assert res.manual and res.due == at(4, 12) and not res.breached
    assert "due time set by hand to Wed 12:00 (Mon 10:00)" in explanation(res.steps)
    # Read again the next day with a new plan version: still Wed 12:00.
    faster = replace(PLAN, version=2, name="Standard v2")
    h2 = replace(h, plans=(*h.plans, PlanVersion(at(3, 9), faster)))
    assert read_clocks(h2, at(3, 10)).resolution.due == at(4, 12)
    # Breached only once the clock runs past it: Wed 12:00, and that stays so.
    assert read_clocks(h, at(4, 13)).resolution.breached_at == at(4, 12)
    # Cleared by hand at Mon 16:00: back to the plan's Urgent target, long past.
    cleared = replace(h, manual_dues=(*h.manual_dues, ManualDue(Clock.RESOLUTION, at(2, 16), None)))
    res = read_clocks(cleared, at(2, 16, 30)).resolution
    assert not res.manual and res.breached_at == at(2, 16)


def test_the_first_response_stops_its_clock():
    # Responded Mon 09:20, 40 min inside the hour. Pending does not touch a met clock.
    h = history(at(2, 9), [(at(2, 9, 20), OPEN), (at(2, 10), PENDING)], responded=at(2, 9, 20))
    reading = read_clocks(h, at(2, 11))
    fr = reading.first_response
    assert (fr.state, fr.stopped_at, fr.remaining, fr.queue_due) == (
        ClockState.MET,
        at(2, 9, 20),
        40 * MIN,
        None,
    )
    assert explanation(fr.steps).endswith("met Mon 09:20 with 40 min to spare")
    assert reading.resolution.state == ClockState.PAUSED


def test_pending_stops_a_first_response_clock_still_running():
    # Created Mon 09:00, pending at 09:30 (no reply yet), open again 14:00: 30 min used,
    # 30 min left from 14:00: due 14:30.
    h = history(at(2, 9), [(at(2, 9, 30), PENDING), (at(2, 14), OPEN)])
    assert read_clocks(h, at(2, 14, 10)).first_response.due == at(2, 14, 30)


def test_a_reopen_resumes_the_resolution_clock():
    # Created Mon 09:00, resolved 12:00 (3 h used), reopened Tue 10:00: 5 h left,
    # due Tue 15:00. While resolved, the clock is met and nothing is due.
    h = history(at(2, 9), [(at(2, 12), RESOLVED), (at(3, 10), OPEN)])
    resolved = read_clocks(h, at(2, 15)).resolution
    assert (resolved.state, resolved.stopped_at, resolved.queue_due) == (
        ClockState.MET,
        at(2, 12),
        None,
    )
    reopened = read_clocks(h, at(3, 11)).resolution
    assert (reopened.state, reopened.due, reopened.used) == (ClockState.RUNNING, at(3, 15), 4 * H)


def test_a_calendar_change_keeps_the_time_already_used():
    # Created Mon 09:00 (8 h); at 15:00 (6 h used) the calendar becomes 09:00–13:00.
    # The 6 h stay used; the other 2 h run Tue 09:00–11:00. (Counted with the new
    # calendar from the start, Mon would have given only 4 h.)
    short = BusinessCalendar.weekly(
        "Europe/London", {d: "09:00-13:00" for d in range(5)}, name="Mornings"
    )
    h = history(at(2, 9), calendars=[(at(2, 15), short)])
    res = read_clocks(h, at(2, 16)).resolution
    assert (res.used, res.due) == (6 * H, at(3, 11))
    assert "calendar Mornings from Mon 15:00" in explanation(res.steps)


def test_a_breach_is_recorded_once_at_the_same_instant():
    # Urgent, 2 h: due Mon 11:00. Read at 11:30, on Tuesday, after resolving: 11:00.
    h = history(at(2, 9), [(at(2, 14), RESOLVED)], priority=Priority.URGENT)
    for now in (at(2, 11, 30), at(2, 13), at(3, 9)):
        assert read_clocks(h, now).resolution.breached_at == at(2, 11)
    res = read_clocks(h, at(3, 9)).resolution
    assert res.state == ClockState.MET and res.remaining == -3 * H
    assert explanation(res.steps).endswith("met Mon 14:00, 3 h late; breached Mon 11:00")


def test_no_target_for_the_priority():
    fr = read_clocks(history(at(2, 9), priority=Priority.LOW), at(2, 10)).first_response
    assert (fr.state, fr.due, fr.target) == (ClockState.NO_TARGET, None, None)


def test_read_at_the_moment_of_creation():
    fr = read_clocks(history(at(2, 9)), at(2, 9)).first_response
    assert (fr.due, fr.used) == (at(2, 10), timedelta(0))


# --- pausing never makes a due time earlier -----------------------------------------------

minutes = st.integers(min_value=0, max_value=7 * 24 * 60)


@settings(max_examples=200, deadline=None)
@given(minutes, minutes, st.integers(min_value=1, max_value=5 * 24 * 60), minutes)
def test_pausing_never_makes_a_due_time_earlier(
    created: int, pause_at: int, length: int, later: int
):
    start = datetime(2026, 10, 30, tzinfo=UTC) + timedelta(minutes=created)
    pause = start + timedelta(minutes=pause_at)
    resume = pause + timedelta(minutes=length)
    now = resume + timedelta(minutes=later)
    paused = read_clocks(history(start, [(pause, PENDING), (resume, OPEN)]), now)
    straight = read_clocks(history(start, [(pause, OPEN)]), now)
    for clock in Clock:
        with_pause, without = paused.clock(clock), straight.clock(clock)
        assert with_pause.due is not None and without.due is not None
        assert with_pause.due >= without.due
        assert with_pause.used <= without.used


def test_public_holiday_days_show_their_name():
    cal = OFFICE.adding_holidays([Holiday(date(2026, 11, 9), "Staff day")])
    h = replace(history(at(6, 16, 40)), calendars=(CalendarVersion(at(6, 16, 40), cal),))
    fr = read_clocks(h, at(6, 16, 45)).first_response
    assert fr.due == at(10, 9, 40)
    assert "closed Sat–Sun; closed Mon (Staff day); 40 min on Tue" in explanation(fr.steps)


def test_at_the_due_instant_it_is_not_yet_breached():
    # Normal, 1 h: due Mon 10:00. At 10:00 exactly it is due, not past; a microsecond
    # later it is breached, at 10:00.
    h = history(at(2, 9))
    assert read_clocks(h, at(2, 10)).first_response.breached_at is None
    later = at(2, 10) + timedelta(microseconds=1)
    assert read_clocks(h, later).first_response.breached_at == at(2, 10)


def test_the_explanation_is_skipped_for_a_bulk_recompute():
    h = history(at(6, 16, 40))
    full, bulk = read_clocks(h, at(6, 17)), read_clocks(h, at(6, 17), explain=False)
    assert bulk.first_response.steps == () and full.first_response.steps
    assert replace(full.first_response, steps=()) == bulk.first_response


def test_the_admin_preview():
    # A High ticket created Mon 2 Nov 16:45: 30 min to the first response, 15 of them
    # on Monday and 15 from Tue 09:00: due Tue 09:15.
    reading = preview(PLAN, OFFICE, Priority.HIGH, at(2, 16, 45))
    assert reading.first_response.due == at(3, 9, 15)
    assert explanation(reading.first_response.steps).endswith("due Tue 09:15")


# --- a recalculation later changes nothing already decided --------------------------------

events = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6 * 24 * 60),
        st.sampled_from([OPEN, PENDING, RESOLVED, Priority.HIGH, Priority.URGENT, Priority.LOW]),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(minutes, events, st.integers(min_value=0, max_value=8 * 24 * 60), minutes)
def test_reading_later_keeps_breaches_and_running_due_times(
    created: int, happenings: list[tuple[int, object]], first: int, gap: int
):
    start = datetime(2026, 10, 30, tzinfo=UTC) + timedelta(minutes=created)
    statuses = [
        (start + timedelta(minutes=m), e) for m, e in happenings if isinstance(e, TicketStatus)
    ]
    priorities = [
        (start + timedelta(minutes=m), e) for m, e in happenings if isinstance(e, Priority)
    ]
    h = history(start, statuses, priorities=priorities)  # type: ignore[arg-type]
    now1 = start + timedelta(minutes=first)
    now2 = now1 + timedelta(minutes=gap)
    changes_between = any(now1 < t <= now2 for t, _ in statuses + priorities)
    for clock in Clock:
        early, late = read_clocks(h, now1).clock(clock), read_clocks(h, now2).clock(clock)
        if early.breached_at is not None:
            assert late.breached_at == early.breached_at
        if not changes_between and early.state == late.state == ClockState.RUNNING:
            assert late.due == early.due and late.at_risk == early.at_risk

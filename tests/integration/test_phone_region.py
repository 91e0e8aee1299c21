"""The desk's country for phone numbers: stored once for the desk, changed by an admin,
and used by intake, the caller lookup and validation alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desk.domain.errors import PermissionDenied, ValidationError
from desk.services import desk_settings, queries
from desk.services.database import open_database
from desk.services.demo import seed_demo
from desk.services.intake import IntakeRequest, NewCaller, log_ticket

from ..conftest import World

LONDON = "020 7946 0958"


def _new_caller(db, world: World, caller: NewCaller):
    ticket = log_ticket(db, world.agent, IntakeRequest(subject="Badge", new_caller=caller))
    return queries.get_ticket(db, ticket.id).customer


def test_a_desk_that_never_chose_reads_numbers_as_us_numbers(db, world: World):
    assert desk_settings.phone_region(db) == "US"
    with pytest.raises(ValidationError) as refused:
        _new_caller(db, world, NewCaller("Priya Shah", phone=LONDON))
    assert LONDON in refused.value.for_field("phone")
    assert _new_caller(db, world, NewCaller("Al Jones", phone="(212) 555-0188")).phone == (
        "+12125550188"
    )


def test_on_a_british_desk_a_london_number_is_taken_and_found_as_typed(db, world: World):
    assert desk_settings.set_phone_region(db, world.admin, "gb") == "GB"
    assert desk_settings.phone_region(db) == "GB"
    caller = _new_caller(db, world, NewCaller("Priya Shah", phone=LONDON))
    assert caller.phone == "+442079460958"
    for typed in (LONDON, "020 7946", "+44 (0)20 7946 0958", "0044 20 7946 0958"):
        found = [m.customer.id for m in queries.lookup_callers(db, typed)]
        assert caller.id in found, typed
    # A caller's number from elsewhere is still typed with its country code.
    assert _new_caller(db, world, NewCaller("Al Jones", phone="+1 212 555 0188")).phone == (
        "+12125550188"
    )


def test_a_number_dialled_the_desks_way_finds_the_caller(db, world: World):
    desk_settings.set_phone_region(db, world.admin, "RU")
    caller = _new_caller(db, world, NewCaller("Ivan Petrov", phone="+7 495 123-45-67"))
    for typed in ("8 (495) 123-45-67", "8 495 12", "+7 495 123"):
        assert caller.id in [m.customer.id for m in queries.lookup_callers(db, typed)], typed
    desk_settings.set_phone_region(db, world.admin, "US")
    found = queries.lookup_callers(db, "011 7 495 123 45 67")  # the US way to dial abroad
    assert caller.id in [m.customer.id for m in found]


def test_only_an_admin_changes_the_phone_country_and_only_to_a_real_one(db, world: World):
    with pytest.raises(PermissionDenied, match="admins can"):
        desk_settings.set_phone_region(db, world.supervisor, "GB")
    for wrong in ("XX", "United Kingdom", ""):
        with pytest.raises(ValidationError) as refused:
            desk_settings.set_phone_region(db, world.admin, wrong)
        assert "Pick one from the list" in refused.value.for_field("phone_region")
    assert desk_settings.phone_region(db) == "US"  # nothing was stored


def test_the_first_run_settles_the_country_once(db):
    assert desk_settings.settle_phone_region(db, "GB") == "GB"
    assert desk_settings.settle_phone_region(db, "DE") == "GB"  # a later start changes nothing
    assert desk_settings.phone_region(db) == "GB"


def test_a_computer_in_a_country_without_a_numbering_plan_falls_back_to_us(db):
    assert desk_settings.settle_phone_region(db, "AQ") == "US"  # Antarctica
    assert desk_settings.phone_region(db) == "US"


def test_a_new_caller_with_someone_elses_email_is_not_filed_under_them(db, world: World):
    before = queries.get_ticket(db, 1).customer  # Jane Doe, jane.doe@contoso.com
    with pytest.raises(ValidationError) as refused:
        _new_caller(db, world, NewCaller("John Smith", "Jane.Doe@contoso.com"))
    message = refused.value.for_field("email")
    assert "jane.doe@contoso.com belongs to Jane Doe already" in message
    assert len(queries.lookup_callers(db, "John Smith")) == 0  # nothing written
    # The same person typed in again is logged against their record, not a copy of it.
    again = _new_caller(db, world, NewCaller("jane  doe", "jane.doe@contoso.com"))
    assert again.id == before.id


def test_the_demo_desks_numbers_are_all_real_and_found_on_a_british_desk(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    try:
        seed_demo(db, 30, now=datetime(2026, 11, 2, 15, 30, tzinfo=UTC))
        customers = [queries.get_ticket(db, n).customer for n in range(1, 31)]
        assert all(c.phone for c in customers)  # no number was dropped as invalid
        assert all(c.phone.startswith(("+1", "+44")) for c in customers)
        british = next(c for c in customers if c.phone.startswith("+44"))
        desk_settings.settle_phone_region(db, "GB")
        national = "0" + british.phone.removeprefix("+44")
        assert british.id in [m.customer.id for m in queries.lookup_callers(db, national)]
    finally:
        db.close()

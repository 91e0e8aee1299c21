from __future__ import annotations

import pytest

from desk.domain import validation
from desk.domain.errors import ValidationError
from desk.domain.ticket import format_number, parse_number


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("(415) 555-0132", "US", "+14155550132"),
        ("415.555.0132", "US", "+14155550132"),
        ("+1 415 555 0132", "GB", "+14155550132"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
    ],
)
def test_phone_numbers_become_e164(typed: str, region: str, e164: str):
    assert validation.clean_phone(typed, region=region) == e164


@pytest.mark.parametrize("typed", ["12", "555-CALL-NOW-PLEASE", "+1 415 555 01322222", "hello"])
def test_bad_phone_numbers_are_refused_with_a_message(typed: str):
    with pytest.raises(ValidationError) as raised:
        validation.clean_phone(typed)
    assert typed in raised.value.for_field("phone")


@pytest.mark.parametrize(
    "typed", ["jane@", "jane.doe.contoso.com", "jane@@contoso.com", "a b@c.com"]
)
def test_malformed_email_is_refused(typed: str):
    with pytest.raises(ValidationError) as raised:
        validation.clean_email(typed)
    assert "is not a valid email address" in raised.value.for_field("email")


def test_email_is_normalised():
    assert validation.clean_email("  Jane.Doe@Contoso.COM ") == "jane.doe@contoso.com"


def test_subject_is_one_trimmed_line():
    assert validation.clean_subject("  Outlook\n keeps  asking ") == "Outlook keeps asking"


def test_empty_and_overlong_subject():
    with pytest.raises(ValidationError, match="Subject cannot be empty"):
        validation.clean_subject("   ")
    with pytest.raises(ValidationError, match="at most 200"):
        validation.clean_subject("x" * 201)


def test_clean_customer_reports_every_bad_field_at_once():
    with pytest.raises(ValidationError) as raised:
        validation.clean_customer("", "not-an-email", "12")
    assert {p.field for p in raised.value.problems} == {"name", "email", "phone"}


@pytest.mark.parametrize("typed", ["HD-000123", "hd-123", "HD123", "#123", "123", " 000123 "])
def test_ticket_numbers_parse(typed: str):
    assert parse_number(typed) == 123


def test_ticket_numbers_format():
    assert format_number(123) == "HD-000123"
    assert format_number(1_234_567) == "HD-1234567"


@pytest.mark.parametrize("typed", ["HD-", "printer", "12 3", ""])
def test_non_numbers_do_not_parse(typed: str):
    assert parse_number(typed) is None


@pytest.mark.parametrize("typed", ["4155550181", "2147483648", "0", "HD-000000"])
def test_a_number_no_ticket_can_have_is_not_a_ticket_number(typed: str):
    assert parse_number(typed) is None

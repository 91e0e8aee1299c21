"""A phone number typed into the caller lookup, read the way the desk's country dials."""

from __future__ import annotations

import pytest

from desk.domain import validation
from desk.domain.errors import ValidationError
from desk.domain.search import customer_terms


@pytest.mark.parametrize(
    ("typed", "region", "terms"),
    [
        ("020 7946 0958", "GB", ["442079460958"]),  # whole: the stored E.164 digits
        ("+44 (0)20 7946 0958", "GB", ["442079460958"]),
        ("020 79", "GB", ["2079"]),  # half typed: the national number's start
        ("8 (495) 12", "RU", ["49512"]),  # Russia's trunk prefix is 8
        ("06 1 23", "HU", ["123"]),  # Hungary's is 06
        ("011 44 20 79", "US", ["442079"]),  # the US way to dial abroad
        ("(415) 555", "US", ["415555"]),
        ("jane doe", "GB", ["jane", "doe"]),
    ],
)
def test_lookup_terms_follow_the_desks_country(typed: str, region: str, terms: list[str]):
    assert customer_terms(typed, region) == terms


def test_the_stored_keys_start_with_what_is_typed_for_them():
    keys = validation.phone_search_keys("+442079460958")
    for typed in ("020 7946 0958", "020 7946", "+44 20 79", "0044 20"):
        (term,) = customer_terms(typed, "GB")
        assert any(key.startswith(term) for key in keys), typed


def test_hints_and_errors_show_a_number_of_the_desks_country():
    assert validation.example_phone("GB").startswith("0")
    with pytest.raises(ValidationError) as refused:
        validation.clean_phone("hello", region="GB")
    assert validation.example_phone("GB") in refused.value.for_field("phone")


@pytest.mark.parametrize(("typed", "code"), [("gb", "GB"), (" DE ", "DE"), ("US", "US")])
def test_phone_countries_are_iso_codes(typed: str, code: str):
    assert validation.clean_phone_region(typed) == code
    assert code in validation.phone_regions()


@pytest.mark.parametrize("typed", ["", "UK", "XX", "United Kingdom"])
def test_an_unknown_phone_country_is_refused(typed: str):
    with pytest.raises(ValidationError) as refused:
        validation.clean_phone_region(typed)
    assert refused.value.for_field("phone_region")

"""What typed text becomes in a lookup or a search."""

from __future__ import annotations

import pytest

from desk.domain.search import customer_terms, looks_like_phone, text_terms, words


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("Émile", ["emile"]),
        ("jane.doe@Contoso.com", ["jane.doe@contoso.com"]),
        ("+1 (415) 555-0132", ["14155550132"]),
        ("0207 946 0958", ["2079460958"]),
        ("0044 20 7946", ["44207946"]),
        ("Jane  Doe", ["jane", "doe"]),
        ("   ", []),
    ],
)
def test_caller_lookup_terms(typed: str, terms: list[str]):
    assert customer_terms(typed) == terms


def test_only_a_long_enough_last_word_is_a_prefix():
    assert text_terms(words("locked out")) == [("locked", False), ("out", False)]
    assert text_terms(words("vpn disconn")) == [("vpn", False), ("disconn", True)]
    assert text_terms(words("printer")) == [("printer", True)]


@pytest.mark.parametrize(
    ("typed", "phone"), [("415 555", True), ("(02) 79", True), ("12", False), ("HD-12", False)]
)
def test_what_looks_like_a_phone_number(typed: str, phone: bool):
    assert looks_like_phone(typed) is phone

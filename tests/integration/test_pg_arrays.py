"""The sweep's arrays in PostgreSQL's text form come back as they went, whatever the text."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from desk.store import pg_arrays

AWKWARD = [
    "Desk",
    "",
    "NULL",
    "null",
    'O"Brien',
    "back\\slash",
    "\\",
    '\\"',
    "a,b",
    "{braces}",
    " spaced ",
    "tab\tand\nnewline",
    "Zoë Müller 東京",
    '{"clock": "resolution", "due": "2026-06-01T09:30:00+00:00"}',
    None,
]


def test_text_and_integer_arrays_round_trip(postgres_url):
    if postgres_url is None:
        pytest.skip("PostgreSQL is not running (set DESK_REQUIRE_POSTGRES=1 to fail instead)")
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            texts = conn.execute(
                text("SELECT CAST(:a AS text[])"), {"a": pg_arrays.text_array(AWKWARD)}
            ).scalar_one()
            numbers = conn.execute(
                text("SELECT CAST(:a AS integer[])"),
                {"a": pg_arrays.int_array([1, None, -7, 2_147_483_647])},
            ).scalar_one()
            empty = conn.execute(
                text("SELECT CAST(:a AS text[])"), {"a": pg_arrays.text_array([])}
            ).scalar_one()
    finally:
        engine.dispose()
    assert texts == AWKWARD
    assert numbers == [1, None, -7, 2_147_483_647]
    assert empty == []

"""PostgreSQL's text form of arrays, for a statement that CASTs a parameter to an array
type: a batch's values in one parameter (`unnest`, `= ANY`), quoted here in a few C-speed
string operations. The driver's own list adapter quotes each element in Python (a regular
expression search, then a substitution), which was most of a sweep's client time: seven
text arrays of 500 elements a batch."""

from __future__ import annotations

from collections.abc import Iterable


def int_array(values: Iterable[int | None]) -> str:
    """`{1,2,NULL}`: integers need no quoting."""
    return "{" + ",".join("NULL" if v is None else str(int(v)) for v in values) + "}"


def text_array(values: Iterable[str | None]) -> str:
    """`{"a","b \\"c\\"",NULL}`: every element double-quoted, with its backslashes and
    double quotes escaped (inside quotes nothing else is special, commas and braces
    included), so any text comes back as it went."""
    return (
        "{"
        + ",".join(
            "NULL" if v is None else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
            for v in values
        )
        + "}"
    )

"""Desk: a desktop help desk client."""

#: The one place the version is written: pyproject.toml reads it from here at build time,
#: and reading it here costs nothing at start-up (the installed metadata costs 30 ms).
__version__ = "0.1.0"

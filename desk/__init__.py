"""Desk: a desktop help desk client."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("desk")
except PackageNotFoundError:  # running from a source tree or a frozen build without metadata
    __version__ = "0.1.0"

"""`pip install .` (the README's run command, and the packaged program's build) ships
exactly the packages pyproject.toml lists: a new package left out of it runs from a
checkout and is missing from every installed Desk ("No module named desk.ui.reports")."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_of_desk_is_installed():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "desk").rglob("__init__.py")
        if "migrations" not in init.parts
    }
    assert found - listed == set()

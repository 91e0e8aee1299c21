"""Files and folders that even root cannot write: chmod, and `chattr +i` when root (root
ignores permission bits). Tests skip when neither can be had on the test's file system."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _set_immutable(path: Path, on: bool) -> bool:
    if os.geteuid() != 0:
        return True  # permission bits are enough for anyone else
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    done = subprocess.run([chattr, "+i" if on else "-i", str(path)], capture_output=True)
    return done.returncode == 0


@contextmanager
def unwritable(*paths: Path) -> Iterator[None]:
    """Make each file or folder unwritable for the duration; put them back afterwards."""
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in paths}
    made: list[Path] = []
    try:
        for path in paths:
            path.chmod(modes[path] & ~0o222)
            if not _set_immutable(path, True):
                pytest.skip("cannot make a file read-only for root here (no chattr)")
            made.append(path)
        yield
    finally:
        for path in reversed(made):
            _set_immutable(path, False)
        for path, mode in modes.items():
            path.chmod(mode)

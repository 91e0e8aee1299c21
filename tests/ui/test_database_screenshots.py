"""Screenshots of the database banner's states at 1024x700, saved to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from . import screenshots_database
from .test_screenshots import _distinct_colours


def test_banner_screenshots_are_taken_at_1024x700(qapp, tmp_path):
    out = Path(os.environ.get("DESK_SCREENSHOTS", tmp_path / "screenshots"))
    taken = screenshots_database.take(out)
    assert [p.name for p in taken] == list(screenshots_database.NAMES)
    for path in taken:
        image = QImage(str(path))
        assert (image.width(), image.height()) == screenshots_database.SIZE
        assert _distinct_colours(path) > 8, f"{path.name} looks blank"

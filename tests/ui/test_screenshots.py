"""Screenshots of every screen this work touched, saved as artifacts to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from . import screenshots

EXPECTED = {
    "main-window.png",
    "main-window-1024x700.png",
    "main-window-1920x1080.png",
    "keyboard-shortcuts.png",
    "long-thread.png",
    "editor-validation-error.png",
    "conflict-dialog.png",
    "resolve-dialog.png",
    "intake-empty.png",
    "intake-matches.png",
    "intake-lookup.png",
    "intake-new-caller-error.png",
    "intake-saved.png",
    "connection-dialog.png",
    "connection-dialog-error.png",
    "about.png",
    "unexpected-error.png",
    "main-window-dark.png",
}


def _distinct_colours(path: Path) -> int:
    image = QImage(str(path))
    step_x, step_y = max(1, image.width() // 60), max(1, image.height() // 60)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step_x)
            for y in range(0, image.height(), step_y)
        }
    )


def test_screenshots_are_taken_and_show_something(qapp, tmp_path):
    out = Path(os.environ.get("DESK_SCREENSHOTS", tmp_path / "screenshots"))
    taken = screenshots.take(out)
    assert {p.name for p in taken} == EXPECTED
    for path in taken:
        assert _distinct_colours(path) > 8, f"{path.name} looks blank"
    main = QImage(str(out / "main-window.png"))
    assert (main.width(), main.height()) == (1600, 940)
    small = QImage(str(out / "main-window-1024x700.png"))
    assert (small.width(), small.height()) == (1024, 700)

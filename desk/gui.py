"""Starting the window: the wiring between the command line, the database and the UI."""

from __future__ import annotations

import argparse
import sys

from desk.app import Paths


def run_gui(args: argparse.Namespace, paths: Paths) -> int:
    print(
        "desk: the desk window is not built yet; use `desk seed-demo` to fill a database.",
        file=sys.stderr,
    )
    return 1

"""Qt for Python's import tax, paid once instead of on every module Desk loads.

Importing PySide6 hooks every later import: for each new module it reads the module's
source text (`inspect.getsource`) to see whether it mentions PySide6, so that the module
may opt in to `from __feature__ import snake_case`. Desk never uses `__feature__`, and the
reading costs tens of milliseconds over the few hundred modules loaded before the first
window (napari/napari#8584). Every module is answered "no feature" instead, which is what
each of them would get anyway. Call this before importing the window.
"""

from __future__ import annotations

import sys


def skip_feature_scan() -> None:
    import PySide6.QtCore  # noqa: F401 - installs the import hook this replaces

    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and hasattr(feature, "_mod_uses_pyside"):
        feature._mod_uses_pyside = _uses_no_feature


def _uses_no_feature(module: object) -> bool:
    return False

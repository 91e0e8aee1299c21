"""Qt for Python's start-up taxes, paid once instead of on every start.

Importing PySide6 hooks every later import: for each new module it reads the module's
source text (`inspect.getsource`) to see whether it mentions PySide6, so that the module
may opt in to `from __feature__ import snake_case`. Desk never uses `__feature__`, and the
reading costs tens of milliseconds over the few hundred modules loaded before the first
window (napari/napari#8584). Every module is answered "no feature" instead, which is what
each of them would get anyway.

shiboken6 carries the Python modules of its signature support inside its library and
compiles them from source at every start (13 modules, about 100 million instructions, some
25 ms), unless they lie unpacked beside it in `files.dir`, where shiboken looks first and
they import like any module, from bytecode. Desk unpacks them there once, with the
bytecode, on the first start that finds them missing.

Call `prepare_pyside()` before anything imports PySide6.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

#: shiboken's own folder name for its unpacked support modules.
UNPACKED = "files.dir"
#: In the unpacked folder: the shiboken release it was unpacked from (its _config.py).
#: The folder is not pip's, so an upgrade of PySide6 would leave the old modules behind.
RELEASE_MARK = "desk-unpacked-from.txt"


def prepare_pyside() -> None:
    unpack_signature_support()
    skip_feature_scan()


def skip_feature_scan() -> None:
    import PySide6.QtCore  # noqa: F401 - installs the import hook this replaces

    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and hasattr(feature, "_mod_uses_pyside"):
        feature._mod_uses_pyside = _uses_no_feature


def _uses_no_feature(module: object) -> bool:
    return False


def unpack_signature_support() -> None:
    """Unpacked for this shiboken release, or left as it is: where shiboken's folder cannot
    be written (a program installed for every user), shiboken compiles them as before.
    The packaged program carries them unpacked (build.spec)."""
    if "shiboken6" in sys.modules or getattr(sys, "frozen", False):
        return
    spec = importlib.util.find_spec("shiboken6")
    if spec is None or spec.origin is None:
        return
    here = Path(spec.origin).parent
    try:
        release = (here / "_config.py").read_bytes()
    except OSError:
        return
    unpacked = here / UNPACKED
    try:
        if (unpacked / RELEASE_MARK).read_bytes() == release:
            return
    except OSError:
        pass
    if not os.access(here, os.W_OK):
        return
    # Another release's, or half made: shiboken must not import it.
    shutil.rmtree(unpacked, ignore_errors=True)
    import shiboken6  # noqa: F401 - from the embedded modules, this once

    unpack_into(here, release)


def unpack_into(folder: Path, release: bytes, *, checked: bool = True) -> Path | None:
    """shiboken's embedded support modules (shiboken6 imported) unpacked as `folder`/
    files.dir with their bytecode; None if they could not be. Made beside it and renamed,
    so a Desk starting meanwhile sees all of it or nothing. `checked` False: bytecode that
    is used whatever the files' times say (the packaged program's copies)."""
    import compileall  # only here: every other start finds the folder made
    import py_compile

    bootstrap = sys.modules.get("signature_bootstrap")
    if bootstrap is None or not hasattr(bootstrap, "prepare_zipfile"):
        return None
    target = folder / UNPACKED
    making = folder / f"{UNPACKED}.{os.getpid()}"
    try:
        _meta_path, importer = bootstrap.prepare_zipfile()
        names = [name for name in importer.zfile.namelist() if name.endswith(".py")]
        importer.zfile.extractall(making, members=names)
        mode = None if checked else py_compile.PycInvalidationMode.UNCHECKED_HASH
        if not compileall.compile_dir(making, quiet=2, ddir=str(target), invalidation_mode=mode):
            raise OSError("the support modules did not compile")
        (making / RELEASE_MARK).write_bytes(release)
        making.rename(target)
    except (OSError, AttributeError):
        shutil.rmtree(making, ignore_errors=True)
        return None
    return target

"""Qt for Python's signature support, unpacked once beside shiboken (desk.ui.pyside_start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import shiboken6  # unpack_into reads what importing it set up

from desk.ui.pyside_start import RELEASE_MARK, UNPACKED, unpack_into


def test_the_support_modules_are_unpacked_with_their_bytecode_and_release(tmp_path: Path):
    unpacked = unpack_into(tmp_path, b"release 1")
    assert unpacked == tmp_path / UNPACKED
    assert (unpacked / "shibokensupport" / "signature" / "loader.py").is_file()
    assert list((unpacked / "shibokensupport" / "signature" / "__pycache__").glob("*.pyc"))
    assert (unpacked / RELEASE_MARK).read_bytes() == b"release 1"
    assert [p.name for p in tmp_path.iterdir()] == [UNPACKED]  # nothing half made beside it


def test_an_unpacked_folder_already_there_is_left_as_it_is(tmp_path: Path):
    (tmp_path / UNPACKED).mkdir()
    (tmp_path / UNPACKED / RELEASE_MARK).write_bytes(b"another Desk's")
    assert unpack_into(tmp_path, b"release 1") is None
    assert (tmp_path / UNPACKED / RELEASE_MARK).read_bytes() == b"another Desk's"
    assert [p.name for p in tmp_path.iterdir()] == [UNPACKED]


def test_after_a_desk_start_shiboken_imports_its_support_unpacked_for_its_release():
    # As after an upgrade of PySide6: the folder there was unpacked from another release.
    here = Path(shiboken6.__file__).parent
    if (here / UNPACKED).is_dir():
        (here / UNPACKED / RELEASE_MARK).write_bytes(b"an older release")
    run = [sys.executable, "-c"]
    prepare = "from desk.ui.pyside_start import prepare_pyside; prepare_pyside()"
    subprocess.run([*run, prepare], check=True, timeout=120)
    where = subprocess.run(
        [*run, "import sys, PySide6.QtCore; print(sys.modules['shibokensupport'].__file__)"],
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    ).stdout
    assert Path(where.strip()).parent.parent.name == UNPACKED
    assert (here / UNPACKED / RELEASE_MARK).read_bytes() == (here / "_config.py").read_bytes()

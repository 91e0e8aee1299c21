"""Starting Desk, as the person at the screen sees it: a mistake on the command line is said
in a window (a packaged Windows program has no console), nothing is created by a typo, and
a first start shows its progress before the slow work begins."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

import desk.gui as gui
from desk.__main__ import main
from desk.services import directory as people
from desk.services.database import open_database
from desk.ui.common.style import ThemeChooser

XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


@pytest.fixture
def home(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A computer Desk has never run on; the current folder is `home/here`, empty."""
    for name in XDG:
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("DESK_PORTABLE", raising=False)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    name, organisation = qapp.applicationName(), qapp.organizationName()
    choosers = set(qapp.findChildren(ThemeChooser))
    yield tmp_path
    for chooser in set(qapp.findChildren(ThemeChooser)) - choosers:  # run_gui's, on qapp
        chooser.setParent(None)
        chooser.deleteLater()
    for handler in set(root.handlers) - set(handlers):  # run_gui's log file
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    qapp.setApplicationName(name)
    qapp.setOrganizationName(organisation)


class Screen:
    """What modal windows came up (title words, in order), each answered with real keys."""

    def __init__(self, answers: list[list[tuple[Qt.Key, Qt.KeyboardModifier]]]) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[str, str]] = []
        self._tries = 0
        QTimer.singleShot(0, self._look)

    def _look(self) -> None:
        if not self.answers:
            return  # done: this test's screen never touches a later test's windows
        modal = QApplication.activeModalWidget()
        if (
            modal is None
            or not modal.isActiveWindow()  # real keys go to the active window
            or (self.seen and modal is self._last)
        ):
            self._tries += 1
            if self._tries < 500:  # ~10 s at most, then the test fails
                QTimer.singleShot(20, self._look)
            elif modal is not None:
                modal.close()
            return
        self._last: QWidget = modal
        if isinstance(modal, QMessageBox):
            self.seen.append((modal.text(), modal.informativeText()))
        else:
            self.seen.append((modal.windowTitle(), ""))
        for key, modifiers in self.answers.pop(0):
            # Where a real key press goes: the widget with the keyboard focus.
            QTest.keyClick(QApplication.focusWidget() or modal, key, modifiers)
        self._tries = 0
        QTimer.singleShot(20, self._look)

    @property
    def words(self) -> str:
        return "\n".join(f"{text} {more}" for text, more in self.seen)


_NONE = Qt.KeyboardModifier.NoModifier
ENTER = [(Qt.Key.Key_Return, _NONE)]
ESCAPE = [(Qt.Key.Key_Escape, _NONE)]


def progress_on_screen() -> bool:
    return any(
        w.objectName() == "startProgress" and w.isVisible() for w in QApplication.topLevelWidgets()
    )


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("key", [ENTER, ESCAPE], ids=["Enter", "Escape"])
@pytest.mark.parametrize(
    ("given", "says", "code"),
    [
        ("not a url at all::", "“not a url at all::” is not a database URL", 2),
        ("postgres:/127.0.0.1/desk", "is not a database URL", 2),
        ("/no/such/folder/desk.sqlite3", "The folder /no/such/folder does not exist", 2),
    ],
)
def test_a_database_desk_cannot_use_is_refused_in_a_window(home, capsys, given, says, code, key):
    screen = Screen([key])
    assert main(["--db", given]) == code
    assert len(screen.seen) == 1, screen.seen
    assert "Desk cannot open its database." in screen.words
    assert says in screen.words
    assert says in capsys.readouterr().err  # and on stderr, for a terminal
    assert files_in(home / "here") == []  # no empty desk made from a typo
    log = (home / "xdg_state_home" / "Desk" / "log" / "desk.log").read_text()
    assert says in log


@pytest.mark.parametrize("key", [ENTER, ESCAPE], ids=["Enter", "Escape"])
def test_a_new_file_not_named_like_a_desk_is_made_only_when_the_person_says_so(home, key):
    screen = Screen([key])
    assert main(["--db", "team.db"]) == 1
    assert screen.seen == [
        (
            f"There is no Desk database at {home / 'here' / 'team.db'}.",
            "Create a new desk there? If you meant an existing desk, check the path; "
            "Desk's own files end in .sqlite3.",
        )
    ]
    assert files_in(home / "here") == []


def test_saying_yes_makes_the_new_desk_there(home):
    alt_c = [(Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)]
    screen = Screen([alt_c, ESCAPE])  # then Escape in the welcome (first admin) dialog
    assert main(["--db", "team.db"]) == 1  # no account made: nobody to act as
    assert [text for text, _more in screen.seen] == [
        f"There is no Desk database at {home / 'here' / 'team.db'}.",
        "Welcome to Desk",
    ]
    assert files_in(home / "here")[0] == "team.db"


def test_a_new_file_at_the_desk_suffix_is_made_without_asking(home):
    screen = Screen([ESCAPE])
    assert main(["--db", "new.sqlite3"]) == 1
    assert [text for text, _more in screen.seen] == ["Welcome to Desk"]
    assert "new.sqlite3" in files_in(home / "here")


@pytest.mark.parametrize("key", [ENTER, ESCAPE], ids=["Enter", "Escape"])
def test_an_unknown_login_is_said_in_a_window(home, capsys, key):
    path = home / "desk.sqlite3"
    db = open_database(f"sqlite:///{path}")
    people.create_first_admin(db, "pat", "Pat Admin", password="long enough password")
    db.close()
    screen = Screen([key])
    assert main(["--db", str(path), "--as", "nobody"]) == 1
    assert screen.seen == [
        ("Desk cannot start.", "There is no active agent with the login “nobody”.")
    ]
    assert "There is no active agent with the login “nobody”." in capsys.readouterr().err


def test_the_first_start_shows_its_progress_before_the_slow_work(
    home, monkeypatch: pytest.MonkeyPatch
):
    """The demo the first time: the progress is on screen while the database is being made
    and when the first tickets are written, and the window keeps answering meanwhile."""
    on_screen: dict[str, bool] = {}
    question: list[str] = []
    answered = threading.Event()

    def look() -> None:  # on the GUI thread, which must not be busy with the work
        if question:
            on_screen[question.pop()] = progress_on_screen()
            answered.set()

    ticker = QTimer(interval=10)
    ticker.timeout.connect(look)
    ticker.start()

    def ask(moment: str) -> None:  # from the work's thread: what does the screen show now?
        answered.clear()
        question.append(moment)
        # The GUI thread answers at its next tick, unless it is the one doing the work.
        if not answered.wait(5):
            question.clear()
            on_screen[moment] = False

    real_open, real_seed = gui.open_database, gui.seed_demo

    def opening(url: str):
        ask("opening")
        return real_open(url)

    def seeding(db, tickets, *, progress: Callable[[int, int], None]):
        def step(done: int, total: int) -> None:
            if "tickets written" not in on_screen:
                ask("tickets written")
            progress(done, total)

        ask("seeding starts")
        return real_seed(db, tickets, progress=step)

    def window_instead(self, db, _args) -> bool:  # stop where the main window would open
        self.db = db
        self.end_progress()
        self.quitting = True
        return False

    monkeypatch.setattr(gui, "open_database", opening)
    monkeypatch.setattr(gui, "seed_demo", seeding)
    monkeypatch.setattr(gui, "DEMO_TICKETS", 300)
    monkeypatch.setattr(gui.DeskApp, "show_desk", window_instead)
    try:
        assert main(["--demo"]) == 0
    finally:
        ticker.stop()
    assert on_screen == {"opening": True, "seeding starts": True, "tickets written": True}
    QTest.qWait(50)
    assert not progress_on_screen()  # gone once the window takes its place
    db = open_database(f"sqlite:///{home / 'xdg_data_home' / 'Desk' / 'demo.sqlite3'}")
    with db.read() as uow:
        assert uow.tickets.count() == 300
    db.close()


@pytest.mark.parametrize(
    ("argv", "new"),
    [
        (["--demo"], "data/Desk/demo.sqlite3"),
        ([], "data/Desk/desk.sqlite3"),  # never run here: the local desk is made now
        (["--db", "new.sqlite3"], "here/new.sqlite3"),
        (["--db", "team.db"], None),  # asked about first
        (["--db", "not a url at all::"], None),  # refused
        (["--db", "postgresql://desk@127.0.0.1/desk"], None),  # a server: not known to be new
        (["--db", "/no/such/folder/desk.sqlite3"], None),  # refused
    ],
)
def test_which_starts_show_their_progress_at_once(tmp_path, monkeypatch, argv, new):
    from desk.__main__ import _parser, first_start_file
    from desk.app import Paths

    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    paths = Paths(tmp_path / "data" / "Desk", tmp_path / "config" / "Desk", tmp_path / "logs")
    found = first_start_file(_parser().parse_args(argv), paths)
    assert found == (tmp_path / new if new else None)


def test_a_desk_already_there_or_chosen_before_is_no_first_start(tmp_path):
    from desk.__main__ import _parser, first_start_file
    from desk.app import Paths

    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    paths.create()
    paths.demo_database.touch()
    (paths.config / "desk.ini").touch()  # Desk ran here before; maybe on a server
    assert first_start_file(_parser().parse_args(["--demo"]), paths) is None
    assert first_start_file(_parser().parse_args([]), paths) is None


@pytest.mark.parametrize("path", ["C:\\Desk\\desk.sqlite3", "d:/desk.sqlite3", "./desk.sqlite3"])
def test_a_windows_drive_is_a_path_not_a_broken_url(tmp_path, path):
    from desk.__main__ import database_url
    from desk.app import Paths

    paths = Paths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    assert database_url(path, paths).startswith("sqlite:///")

"""Desk on a real X server, driven by the keyboard alone, as an agent on the phone uses it:
intake → claim → reply → resolve → close, then the database is checked.

Xvfb with Qt's xcb platform (not offscreen), so the keys go through the X server, Qt's
xcb input handling, focus and shortcuts exactly as on a workstation. xdotool sends them.
There is no window manager: after a dialog closes, nobody hands the keyboard back to the
main window, so the test focuses it as a window manager would.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from desk.domain.model import TicketStatus
from desk.domain.thread import EntryKind, EventType
from desk.services import queries
from desk.services.database import open_database
from desk.services.demo import DEMO_LOGIN, seed_demo
from desk.services.views import TicketDetail

pytestmark = pytest.mark.slow
T = TypeVar("T")

#: CI must run this test: a missing Xvfb there is a failure, not a skip.
REQUIRED = os.environ.get("CI") == "true" or os.environ.get("DESK_REQUIRE_POSTGRES") == "1"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        why = f"{name} is not installed (apt-get install xvfb xdotool; .ci/run does)"
        if REQUIRED:
            pytest.fail(why)
        pytest.skip(why)
    return found


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb on a display number it picks itself (free), stopped afterwards."""
    xvfb = _tool("Xvfb")
    _tool("xdotool")
    read_end, write_end = os.pipe()
    log = (tmp_path / "xvfb.log").open("w")
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 20)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        assert number.isdigit(), f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text()}"
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        log.close()


def wait_for(what: str, check: Callable[[], T | None], timeout: float = 20) -> T:
    """Poll `check` until it gives something, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.1)


class Keyboard:
    """xdotool on one display: windows found by title, real key events through XTEST."""

    def __init__(self, display: str) -> None:
        self.env = dict(os.environ, DISPLAY=display)

    def _run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        if check and done.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)}: {done.stderr}")
        return done.stdout

    def window(self, title: str, timeout: float = 20) -> str:
        """The visible window whose title matches `title` (a regular expression)."""

        def find() -> str | None:
            found = self._run("search", "--onlyvisible", "--name", title, check=False).split()
            return found[0] if found else None

        return wait_for(f"a window titled {title!r}", find, timeout)

    def gone(self, title: str, timeout: float = 20) -> None:
        wait_for(
            f"the window {title!r} to close",
            lambda: not self._run("search", "--onlyvisible", "--name", title, check=False),
            timeout,
        )

    def focus(self, window: str) -> None:
        self._run("windowfocus", "--sync", window)

    def keys(self, *keys: str) -> None:
        self._run("key", "--delay", "60", *keys)

    def type(self, text: str) -> None:
        self._run("type", "--delay", "25", text)


SUBJECT = "VPN drops every hour"
DESCRIPTION = "Since Monday the VPN disconnects on the hour."
REPLY = "Thanks Arthur, we are looking at the VPN concentrator."
NOTE = "Restarted the VPN concentrator."


def test_intake_to_close_by_keyboard_on_a_real_display(display, tmp_path: Path):
    database = tmp_path / "desk.sqlite3"
    db = open_database(f"sqlite:///{database}")
    seed_demo(db, 20)
    callers = queries.lookup_callers(db, "arthur.clarke@contoso.com")
    assert callers, "the demo desk has Arthur Clarke among its callers"
    caller = callers[0]
    agent = next(a for a in queries.directory(db).agents if a.login == DEMO_LOGIN)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DESK_", "QT_"))}
    env |= {name: str(tmp_path / name.lower()) for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    env |= {"XDG_STATE_HOME": str(tmp_path / "state"), "DISPLAY": display}
    env["QT_QPA_PLATFORM"] = "xcb"
    stderr = (tmp_path / "desk.stderr").open("w")
    program = subprocess.Popen(
        [sys.executable, "-m", "desk", "--db", str(database), "--as", DEMO_LOGIN],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    keyboard = Keyboard(display)

    def ticket() -> TicketDetail | None:  # the one logged here, not a demo ticket like it
        found = (queries.get_ticket(db, i) for i in queries.search_tickets(db, SUBJECT))
        return next((t for t in found if t.ticket.subject == SUBJECT), None)

    def until(what: str, check: Callable[[TicketDetail], bool]) -> TicketDetail:
        return wait_for(what, lambda: (t := ticket()) is not None and check(t) and t)

    try:
        main = keyboard.window("^Desk — Alex Morgan$", timeout=60)
        keyboard.focus(main)

        # Intake: the caller by email, Enter picks them; subject, Enter; what they say.
        keyboard.keys("ctrl+n")
        keyboard.focus(keyboard.window("^New ticket$"))
        keyboard.type(caller.customer.email or "")
        keyboard.keys("Return")  # at once: an Enter before the lookup answers is kept
        keyboard.type(SUBJECT)
        keyboard.keys("Return")
        keyboard.type(DESCRIPTION)
        keyboard.keys("ctrl+Return")
        logged = until("the ticket to be logged", lambda t: True)
        assert logged.customer.id == caller.customer.id
        assert logged.thread[0].body == DESCRIPTION
        keyboard.keys("Escape")  # the intake form, showing the number, closes
        keyboard.gone("^New ticket$")

        # Find it by number, claim it.
        keyboard.focus(main)
        keyboard.keys("ctrl+f")
        keyboard.type(logged.number)
        keyboard.keys("Return")
        for _ in range(5):  # the search may still be loading the ticket: claim again
            keyboard.keys("ctrl+shift+c")
            try:
                wait_for("the claim", lambda: _assignee(ticket()) == agent.id, timeout=4)
                break
            except pytest.fail.Exception:
                continue
        assert _assignee(ticket()) == agent.id

        # Reply to the customer from the composer.
        keyboard.keys("ctrl+r")
        keyboard.type(REPLY)
        keyboard.keys("ctrl+Return")
        until("the reply", lambda t: any(e.kind == EntryKind.REPLY for e in t.thread))

        # Resolve with a note.
        keyboard.keys("ctrl+shift+e")
        keyboard.focus(keyboard.window(f"^Resolve {logged.number}$"))
        keyboard.type(NOTE)  # the focus starts in the note
        keyboard.keys("ctrl+Return")
        until("the ticket to be resolved", lambda t: t.ticket.status == TicketStatus.RESOLVED)
        keyboard.gone(f"^Resolve {logged.number}$")

        # Close, from the Ticket menu (no shortcut): Alt+T, up past "Set due time…" and
        # "Reopen…" to "Close…".
        keyboard.focus(main)
        keyboard.keys("alt+t", "Up", "Up", "Up", "Return")
        keyboard.focus(keyboard.window(f"^Close {logged.number}$"))
        keyboard.keys("Return")  # the score box has the focus: Enter means Close
        closed = until("the ticket to be closed", lambda t: t.ticket.status == TicketStatus.CLOSED)

        keyboard.focus(main)
        keyboard.keys("ctrl+q")
        assert program.wait(30) == 0
    finally:
        if program.poll() is None:
            program.kill()
            program.wait(10)
        stderr.close()
        db.close()

    assert closed.ticket.assignee_id == agent.id
    assert closed.ticket.resolution_note == NOTE
    replies = [e for e in closed.thread if e.kind == EntryKind.REPLY]
    assert [(r.body, r.agent_id) for r in replies] == [(REPLY, agent.id)]
    events = [e.event for e in closed.thread if e.kind == EntryKind.EVENT]
    assert events[0] == EventType.CREATED and EventType.CLAIMED in events
    moves = [
        (e.data["to"], e.data.get("note"))
        for e in closed.thread
        if e.event == EventType.STATUS_CHANGED
    ]
    assert moves[-2:] == [("resolved", NOTE), ("closed", None)]


def _assignee(detail: TicketDetail | None) -> int | None:
    return detail.ticket.assignee_id if detail is not None else None

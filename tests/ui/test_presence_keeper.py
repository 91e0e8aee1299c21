"""The presence keeper: what this client is on reaches another client, in order, renewed."""

from __future__ import annotations

from pathlib import Path

from desk.domain.presence import Activity
from desk.services import directory, live
from desk.services.database import open_database
from desk.services.intake import IntakeRequest, NewCaller, log_ticket
from desk.ui.common.presence_keeper import PresenceKeeper


def test_what_this_client_is_on_reaches_another_in_order_and_is_renewed(qtbot, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    mine, theirs = open_database(url), open_database(url)
    try:
        admin = directory.create_first_admin(mine, "admin", "Ada Admin")
        assert admin.id is not None
        a, b = (
            log_ticket(mine, admin.id, IntakeRequest(subject=s, new_caller=NewCaller("Jane"))).id
            for s in ("Printer jams", "VPN drops")
        )
        assert a is not None and b is not None
        keeper = PresenceKeeper(mine, admin.id, heartbeat_ms=100)

        def seen() -> dict[int, Activity]:
            found = live.who_is_on(theirs, [a, b])
            return {t: entries[0].activity for t, entries in found.items()}

        keeper.on(a)
        keeper.on(b)  # quickly after: A must not be left behind
        keeper.on(b, Activity.REPLYING)
        qtbot.waitUntil(lambda: seen() == {b: Activity.REPLYING}, timeout=3000)
        first = live.who_is_on(theirs, [b])[b][0].heartbeat_at
        qtbot.waitUntil(
            lambda: live.who_is_on(theirs, [b])[b][0].heartbeat_at > first, timeout=3000
        )
        keeper.stop()
        assert seen() == {}
        assert keeper.current is None
    finally:
        mine.close()
        theirs.close()

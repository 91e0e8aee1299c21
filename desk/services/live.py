"""A live desk: hearing every change (this client's and other agents'), and who is on a
ticket. The views subscribe through the UI's change hub; nothing here knows Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from desk.domain import validation as v
from desk.domain.changes import Changes
from desk.domain.errors import ValidationError
from desk.domain.presence import EXPIRY, Activity, PresenceEntry
from desk.store.listen import ChangeListener, StateChanged, listen
from desk.store.unit_of_work import SqlDatabase

#: How long the change log remembers; a client away for longer reloads everything anyway.
KEEP_CHANGES = timedelta(days=7)


def on_local_changes(db: SqlDatabase, callback: Callable[[Changes], None]) -> Callable[[], None]:
    """`callback(changes)` after each commit of this client, on the thread that committed;
    returns the function that stops it."""
    return db.subscribe(callback)


def other_clients_changes(
    db: SqlDatabase,
    callback: Callable[[Changes], None],
    on_state: StateChanged | None = None,
    *,
    after_id: int | None = None,
) -> ChangeListener:
    """A listener (not yet started) that calls `callback(changes)` on its own thread for
    every change another client commits, and `on_state(connected)` when a PostgreSQL
    listener loses or regains the server. Start it before reading what the views show,
    and stop it when the database is closed. `after_id` (from `last_change_id`) resumes
    after a change already seen instead."""
    return listen(db.url, db.client_id, callback, on_state, after_id=after_id)


def last_change_id(db: SqlDatabase) -> int:
    """The newest change logged so far (0: none)."""
    with db.read() as uow:
        return uow.change_log.last_id()


# --- presence ---------------------------------------------------------------------------


def set_presence(db: SqlDatabase, actor_id: int, ticket_id: int, what: Activity) -> None:
    """This client's agent is viewing (or replying to) the ticket: others see it within a
    second. Call it again every `desk.domain.presence.HEARTBEAT`, or use `heartbeat`."""
    actor_id = v.clean_id("agent", "agent", actor_id)
    ticket_id = v.clean_id("ticket", "ticket", ticket_id)
    what = v.clean_choice("what", "kind of presence", Activity, what)
    with db.write() as uow:
        uow.agents.get(actor_id)
        uow.tickets.get(ticket_id)
        uow.presence.set(actor_id, ticket_id, what, uow.now())
        uow.commit()


def clear_presence(db: SqlDatabase, actor_id: int, ticket_id: int | None = None) -> None:
    """This client left the ticket (None: every ticket, as when the window closes)."""
    v.clean_id("agent", "agent", actor_id)  # presence is this client's; named for symmetry
    ticket_id = v.clean_id("ticket", "ticket", ticket_id, optional=True)
    with db.write() as uow:
        uow.presence.clear(ticket_id)
        uow.commit()


def heartbeat(db: SqlDatabase) -> int:
    """Renew this client's presence (one statement, announced to nobody); how many
    entries it has."""
    with db.write() as uow:
        count = uow.presence.heartbeat(uow.now())
        uow.commit()
    return count


def who_is_on(db: SqlDatabase, ticket_ids: Iterable[int]) -> dict[int, list[PresenceEntry]]:
    """Other clients' agents on these tickets (by ticket, longest-standing first),
    leaving out entries whose heartbeat is older than `EXPIRY`. A view showing any should
    read again at the earliest `expires_at`, since a crashed client announces nothing."""
    ticket_ids = v.clean_ids("ticket", "ticket", ticket_ids)
    with db.read() as uow:
        entries = uow.presence.on(ticket_ids, uow.now() - EXPIRY)
    found: dict[int, list[PresenceEntry]] = {}
    for entry in entries:
        found.setdefault(entry.ticket_id, []).append(entry)
    return found


# --- housekeeping -----------------------------------------------------------------------


def prune_change_log(db: SqlDatabase, keep: timedelta = KEEP_CHANGES) -> int:
    """Forget changes older than `keep` (and presence long expired); how many changes
    went. Safe at any time: a client catches up by id, and ids are never reused."""
    if not isinstance(keep, timedelta) or keep < timedelta(0):
        raise ValidationError.single("keep", "How long to keep changes must be a duration.")
    with db.write() as uow:
        now = uow.now()
        gone = uow.change_log.prune(now - keep)
        uow.presence.prune(now - EXPIRY * 4)
        uow.commit()
    return gone

"""Code that runs in separate processes for the concurrency tests (importable under spawn)."""

from __future__ import annotations

from typing import Any


def create_tickets(
    url: str, agent_id: int, customer_id: int, count: int, barrier: Any, results: Any
) -> None:
    from desk.services.database import open_database
    from desk.services.intake import IntakeRequest, log_ticket

    db = open_database(url)
    barrier.wait(timeout=60)
    numbers = []
    try:
        for n in range(count):
            ticket = log_ticket(
                db, agent_id, IntakeRequest(subject=f"Load test {n}", customer_id=customer_id)
            )
            numbers.append(ticket.number)
        results.put(("ok", numbers))
    except Exception as exc:  # reported to the test, which fails with it
        results.put(("error", repr(exc)))
    finally:
        db.close()


def save_subject(
    url: str,
    agent_id: int,
    ticket_id: int,
    seen_version: int,
    subject: str,
    barrier: Any,
    results: Any,
) -> None:
    from desk.domain.errors import ConflictError
    from desk.services.database import open_database
    from desk.services.tickets import TicketEdit, update_ticket

    db = open_database(url)
    barrier.wait(timeout=60)
    try:
        update_ticket(db, agent_id, ticket_id, TicketEdit(subject=subject), seen_version)
        results.put(("saved", subject))
    except ConflictError as exc:
        results.put(("conflict", exc.message))
    except Exception as exc:
        results.put(("error", repr(exc)))
    finally:
        db.close()


def claim(url: str, agent_id: int, ticket_id: int, barrier: Any, results: Any) -> None:
    from desk.domain.errors import ActionNotAllowed
    from desk.services.database import open_database
    from desk.services.tickets import claim_ticket

    db = open_database(url)
    barrier.wait(timeout=60)
    try:
        claim_ticket(db, agent_id, ticket_id)
        results.put(("claimed", agent_id))
    except ActionNotAllowed as exc:
        results.put(("refused", exc.message))
    except Exception as exc:
        results.put(("error", repr(exc)))
    finally:
        db.close()


def hold_presence(url: str, agent_id: int, ticket_id: int, results: Any) -> None:
    """Reply to a ticket and keep saying so, until killed (it never cleans up)."""
    import time

    from desk.domain.presence import Activity
    from desk.services import live
    from desk.services.database import open_database

    db = open_database(url)
    live.set_presence(db, agent_id, ticket_id, Activity.REPLYING)
    results.put(("replying", db.client_id))
    while True:
        time.sleep(0.2)
        live.heartbeat(db)


def claim_reply_and_add_team(
    url: str, agent_id: int, admin_id: int, ticket_id: int, results: Any
) -> None:
    """Three kinds of change, one after another, from another process."""
    from desk.services import directory
    from desk.services.database import open_database
    from desk.services.tickets import claim_ticket, reply_to_customer

    db = open_database(url)
    try:
        claimed = claim_ticket(db, agent_id, ticket_id)
        replied = reply_to_customer(db, agent_id, ticket_id, "On my way.")
        team = directory.create_team(db, admin_id, "Network")
        results.put(("done", claimed.version, replied.version, team.id))
    except Exception as exc:
        results.put(("error", repr(exc)))
    finally:
        db.close()


def _outcome(call: Any) -> tuple[str, Any]:
    """("ok", result), ("refused", Desk's message, field) or ("error", what went wrong)."""
    from desk.domain.errors import DeskError, ValidationError

    try:
        return ("ok", call())
    except ValidationError as exc:
        return ("refused", (exc.message, [p.field for p in exc.problems]))
    except DeskError as exc:
        return ("refused", (exc.message, []))
    except Exception as exc:  # reported to the test, which fails with it
        return ("error", repr(exc))


def race(url: str, what: str, args: tuple, barrier: Any, results: Any) -> None:
    """Call one directory or intake service the moment every process is ready."""
    from desk.services import directory
    from desk.services.database import open_database
    from desk.services.intake import IntakeRequest, NewCaller, log_ticket

    db = open_database(url)

    def new_callers() -> list[int]:
        # One round per caller, all processes at once: the race window is narrow.
        found = []
        for caller in args[2]:
            barrier.wait(timeout=60)
            request = IntakeRequest(subject=args[1], new_caller=NewCaller(*caller))
            found.append(log_ticket(db, args[0], request).customer_id)
        return found

    calls = {
        "first_admin": lambda: directory.create_first_admin(db, *args).id,
        "agent": lambda: directory.create_agent(db, args[0], args[1], args[2]).id,
        "team": lambda: directory.create_team(db, args[0], args[1]).id,
        "new_callers": new_callers,
    }
    try:
        barrier.wait(timeout=60)
        results.put(_outcome(calls[what]))
    except Exception as exc:
        results.put(("error", repr(exc)))
    finally:
        db.close()


def sweep(url: str, holder: str, use_lease: bool, barrier: Any, results: Any) -> None:
    from desk.services.database import open_database
    from desk.services.housekeeping import sweep as run_sweep

    db = open_database(url)
    barrier.wait(timeout=60)
    try:
        done = []
        for _ in range(3):  # a few rounds each, overlapping the others'
            result = run_sweep(db, holder, use_lease=use_lease)
            done.extend(result.breaches)
        results.put(("ok", [(ticket_id, str(clock)) for ticket_id, clock in done]))
    except Exception as exc:
        results.put(("error", repr(exc)))
    finally:
        db.close()


def log_routed(url: str, agent_id: int, customer_id: int, barrier: Any, results: Any) -> None:
    """One intake the moment every process is ready; reports who routing gave it to."""
    from desk.services.database import open_database
    from desk.services.intake import IntakeRequest, log_ticket

    db = open_database(url)
    try:
        barrier.wait(timeout=60)
        ticket = log_ticket(
            db, agent_id, IntakeRequest(subject="Routed at once", customer_id=customer_id)
        )
        results.put(("ok", ticket.assignee_id))
    except Exception as exc:  # reported to the test, which fails with it
        results.put(("error", repr(exc)))
    finally:
        db.close()

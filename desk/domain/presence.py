"""Who is on a ticket: "Priya is viewing", "Priya is replying…".

A client says so when the agent opens a ticket or starts a reply, and repeats it every
`HEARTBEAT`; an entry not repeated within `EXPIRY` is old news (the client crashed, the
laptop went to sleep, the network dropped), so nobody has to clean up after a crash.
A heartbeat is not announced to other clients (forty agents would make four changes a
second for nothing); a view that shows someone schedules its own re-read for when their
entry would expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

HEARTBEAT = timedelta(seconds=10)
#: Three heartbeats missed, give or take a slow commit.
EXPIRY = timedelta(seconds=30)


class Activity(StrEnum):
    VIEWING = "viewing"
    REPLYING = "replying"


@dataclass(frozen=True, slots=True)
class PresenceEntry:
    """One agent on one ticket, as another agent's window shows it."""

    ticket_id: int
    agent_id: int
    agent_name: str
    activity: Activity
    heartbeat_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.heartbeat_at + EXPIRY

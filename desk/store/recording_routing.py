"""The routing repository that notes what it writes into the unit of work's
`ChangeRecorder` (see `recording`).

Apart from the other recording repositories because routing (its rules, their checks and
their JSON, ~50 ms of modules) loads only when a unit of work first routes a ticket or
edits a rule, not at every start.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from desk.domain.changes import ChangeRecorder, Directory
from desk.domain.routing_rules import Rule, Strategy

from .routing import RoutingRepository, StoredRule


class RecordingRoutingRepository(RoutingRepository):
    """Rules are the directory's routing part; the cursor row and the locks are
    bookkeeping no view shows, and record nothing (an intake would otherwise tell every
    client to re-read its teams)."""

    def __init__(self, conn: Connection, changes: ChangeRecorder) -> None:
        super().__init__(conn)
        self._changes = changes

    def add_rule(self, rule: Rule, now: datetime, actor_id: int | None) -> StoredRule:
        added = super().add_rule(rule, now, actor_id)
        self._changes.directory(Directory.ROUTING)
        return added

    def save_rule(
        self, rule: Rule, expected_version: int, now: datetime, actor_id: int | None
    ) -> StoredRule:
        saved = super().save_rule(rule, expected_version, now, actor_id)
        self._changes.directory(Directory.ROUTING)
        return saved

    def delete_rule(self, rule_id: int) -> None:
        super().delete_rule(rule_id)
        self._changes.directory(Directory.ROUTING)

    def reorder(self, rule_ids: Sequence[int]) -> None:
        super().reorder(rule_ids)
        self._changes.directory(Directory.ROUTING)

    def set_team_assignment(self, team_id: int, strategy: Strategy | None) -> None:
        super().set_team_assignment(team_id, strategy)
        self._changes.directory(Directory.TEAMS)

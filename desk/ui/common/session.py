"""Who is at the desk, and the database they work in: what every widget acts through."""

from __future__ import annotations

from dataclasses import dataclass, replace

from desk.domain.model import Agent
from desk.domain.permissions import Permission, can
from desk.services.database import Database
from desk.services.views import DeskDirectory


@dataclass(frozen=True)
class DeskSession:
    db: Database
    agent: Agent
    directory: DeskDirectory
    database_description: str = ""
    backend: str = "sqlite"

    @property
    def agent_id(self) -> int:
        assert self.agent.id is not None
        return self.agent.id

    @property
    def my_teams(self) -> tuple:
        return self.directory.teams_of(self.agent_id)

    @property
    def supervises(self) -> bool:
        return can(self.agent, Permission.ASSIGN_OTHERS)

    def with_directory(self, directory: DeskDirectory) -> DeskSession:
        return replace(self, directory=directory)

"""What each role may do."""

from __future__ import annotations

from enum import StrEnum

from .errors import PermissionDenied
from .model import Agent, Role


class Permission(StrEnum):
    WORK_TICKETS = "work_tickets"  # intake, claim, reply, note, transfer, status changes
    ASSIGN_OTHERS = "assign_others"  # assign, reassign and release other agents' tickets
    MANAGE_DESK = "manage_desk"  # agents, teams, help topics, desk settings
    # Who is in which team: supervisors run their teams day to day (who takes the
    # network calls this week) without being able to add people, roles or teams.
    MANAGE_MEMBERS = "manage_members"
    READ_REPORTS = "read_reports"  # the reports: volume, times, SLA, satisfaction


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset({Permission.WORK_TICKETS}),
    Role.SUPERVISOR: frozenset(
        {
            Permission.WORK_TICKETS,
            Permission.ASSIGN_OTHERS,
            Permission.MANAGE_MEMBERS,
            Permission.READ_REPORTS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}

_WHY = {
    Permission.WORK_TICKETS: "work tickets",
    Permission.ASSIGN_OTHERS: "assign or release other agents' tickets (supervisors and admins can)",
    Permission.MANAGE_DESK: "manage the desk: agents, teams, help topics and settings (admins can)",
    Permission.MANAGE_MEMBERS: "change who is in a team (supervisors and admins can)",
    Permission.READ_REPORTS: "read the reports (supervisors and admins can)",
}


def can(agent: Agent, permission: Permission) -> bool:
    return agent.active and permission in ROLE_PERMISSIONS[agent.role]


def require(agent: Agent, permission: Permission) -> None:
    if not agent.active:
        raise PermissionDenied(f"{agent.name}'s account is deactivated.")
    if permission not in ROLE_PERMISSIONS[agent.role]:
        raise PermissionDenied(f"{agent.name} ({agent.role}) may not {_WHY[permission]}.")

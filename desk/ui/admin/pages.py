"""The pages of the Administration window, in order: one line each. A page is a title,
a factory taking the window's `AdminContext` (session, operations, change hub, the
shared lists), and the permission its reader needs. The SLA and routing pages join here:

    PageSpec(QT_TRANSLATE_NOOP("Desk", "Service levels"), make_sla_page, Permission.MANAGE_DESK),
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QT_TRANSLATE_NOOP, SignalInstance
from PySide6.QtWidgets import QWidget

from desk.domain.permissions import Permission

from .admin_page import AdminContext
from .agents_page import AgentsPage
from .audit_page import AuditPage
from .calendar_page import CalendarsPage
from .plan_page import SlaPlansPage
from .routing_page import RoutingRulesPage
from .service_level_page import ServiceLevelPage
from .service_levels import AutoClosePage
from .settings_page import SettingsPage
from .teams_page import TeamsPage
from .topics_page import TopicsPage


@runtime_checkable
class SaysInStatusBar(Protocol):
    """A page that says what it did in the window's status bar (Agents, Teams, Help
    topics, Desk settings, Audit log). The others say it on the page itself, beside
    what it is about (the service-level pages under their buttons)."""

    def status_line(self) -> SignalInstance:
        """Its signal (str) of a line for the status bar."""
        ...


@dataclass(frozen=True, slots=True)
class PageSpec:
    title: str  # source text, translated (context "Desk") when shown
    factory: Callable[[AdminContext], QWidget]
    #: Who sees the page: admins and supervisors both hold MANAGE_MEMBERS; a page only
    #: admins see asks MANAGE_DESK. What a reader may change within it, the page decides
    #: from the services' answer (read-only where they may not).
    permission: Permission = Permission.MANAGE_MEMBERS


def _service_level(page: type[ServiceLevelPage]) -> Callable[[AdminContext], QWidget]:
    return lambda context: page(context.session, context.hub)


PAGES: tuple[PageSpec, ...] = (
    PageSpec(QT_TRANSLATE_NOOP("Desk", "Agents"), AgentsPage),
    PageSpec(QT_TRANSLATE_NOOP("Desk", "Teams"), TeamsPage),
    PageSpec(QT_TRANSLATE_NOOP("Desk", "Help topics"), TopicsPage),
    PageSpec(QT_TRANSLATE_NOOP("Desk", "Desk settings"), SettingsPage),
    PageSpec(
        QT_TRANSLATE_NOOP("Desk", "Business hours"),
        _service_level(CalendarsPage),
        Permission.MANAGE_DESK,
    ),
    PageSpec(
        QT_TRANSLATE_NOOP("Desk", "SLA plans"), _service_level(SlaPlansPage), Permission.MANAGE_DESK
    ),
    PageSpec(
        QT_TRANSLATE_NOOP("Desk", "Auto-close"),
        _service_level(AutoClosePage),
        Permission.MANAGE_DESK,
    ),
    PageSpec(
        QT_TRANSLATE_NOOP("Desk", "Routing rules"),
        lambda context: RoutingRulesPage(context.session, context.hub, ops=context.ops),
        Permission.MANAGE_DESK,
    ),
    PageSpec(QT_TRANSLATE_NOOP("Desk", "Audit log"), AuditPage, Permission.MANAGE_DESK),
)

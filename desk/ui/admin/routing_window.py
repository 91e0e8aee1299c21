"""Administration › Routing rules… in a window of its own, until the Administration
window holds the page (`RoutingRulesPage`), when this module goes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from .routing_page import RoutingRulesPage


class RoutingRulesWindow(QWidget):
    """The routing rules page, alone in a window over the desk's main window."""

    def __init__(self, session: DeskSession, hub: ChangeHub, ops: Ops, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("routingRulesWindow")
        self.setWindowTitle(tr("Desk — {title}").format(title=RoutingRulesPage.title()))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.page = RoutingRulesPage(session, hub, self, ops=ops)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.page)
        self.resize(1180, 760)


def show_routing_rules(
    session: DeskSession, hub: ChangeHub, ops: Ops, parent: QWidget
) -> RoutingRulesWindow:
    """The one routing window over `parent`, raised if it is open already."""
    window = parent.findChild(RoutingRulesWindow)
    if window is None:
        window = RoutingRulesWindow(session, hub, ops, parent)
    window.show()
    window.raise_()
    window.activateWindow()
    return window

"""Reassigning from the dashboard: a drop or a name typed, a question first for an agent
who is away or full, the move in the background, and Ctrl+Z for a minute afterwards.

Each ticket goes through the usual services with the version the supervisor saw; one
that someone changed meanwhile stays where it is and the supervisor is told who changed
it and how (ConflictError's own words), while the others move.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.domain.dashboard import AgentLoad
from desk.domain.errors import ConflictError, DeskError
from desk.domain.model import Availability
from desk.domain.ticket import format_number
from desk.services import dashboard
from desk.services.dashboard import Reassigned, ReassignResult

from ..common.desk_dialog import DeskDialog
from ..common.dialogs import error_text
from ..common.labels import availability_label, tr
from ..common.ops import Ops
from ..common.session import DeskSession
from ..common.ticket_drag import DraggedTicket, drag_label

UNDO_SECONDS = 60


@dataclass(frozen=True)
class Target:
    """Where tickets go: an agent (assign) or a team (transfer)."""

    name: str
    agent: AgentLoad | None = None
    team_id: int | None = None

    def needs_asking(self) -> str | None:
        """Why a drop here asks first (None: it does not)."""
        agent = self.agent
        if agent is None:
            return None
        if agent.availability != Availability.AVAILABLE:
            return tr("{name} is {state}.").format(
                name=agent.name, state=availability_label(agent.availability).lower()
            )
        if agent.full:
            return tr(
                "{name} already has {open} open tickets, their capacity is {capacity}."
            ).format(name=agent.name, open=agent.open, capacity=agent.capacity)
        return None


def _buttons(
    dialog: DeskDialog, primary: str, on_primary: Callable[[], None], *, cancel: bool = True
) -> tuple[QDialogButtonBox, QPushButton]:
    """The dialog's buttons: its primary one (Enter) and Cancel (Escape)."""
    buttons = QDialogButtonBox()
    button = buttons.addButton(primary, QDialogButtonBox.ButtonRole.AcceptRole)
    if cancel:
        buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
    dialog.set_primary(button)
    buttons.accepted.connect(on_primary)
    buttons.rejected.connect(dialog.reject)
    return buttons, button


class AskFirstDialog(DeskDialog):
    """An away or full agent: move the tickets to them anyway?"""

    def __init__(self, why: str, count: int, target: Target, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("askFirstDialog")
        self.setWindowTitle(tr("Assign to {name}?").format(name=target.name))
        self.question = text = QLabel(
            tr("{why} Assign {tickets} to them anyway?").format(why=why, tickets=drag_label(count))
        )
        text.setWordWrap(True)
        buttons, self.assign_button = _buttons(self, tr("Assign anyway"), self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)


class MoveToDialog(DeskDialog):
    """Move the chosen tickets: type an agent's or a team's name."""

    def __init__(
        self, count: int, targets: Sequence[Target], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("moveToDialog")
        self.setWindowTitle(tr("Move {tickets}").format(tickets=drag_label(count)))
        self.targets = {self._label(t): t for t in targets}
        self.name = QLineEdit(objectName="moveToName")
        self.name.setPlaceholderText(tr("An agent's or a team's name"))
        completer = QCompleter(list(self.targets), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.name.setCompleter(completer)
        self.problem = QLabel(objectName="fieldError")
        self.problem.setVisible(False)
        buttons, self.move_button = _buttons(self, tr("Move"), self._on_accepted)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Move to:")))
        layout.addWidget(self.name)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        self.chosen: Target | None = None

    @staticmethod
    def _label(target: Target) -> str:
        return (
            target.name
            if target.agent is not None
            else tr("{team} (team)").format(team=target.name)
        )

    def find(self, typed: str) -> Target | None:
        typed = typed.strip().casefold()
        if not typed:
            return None
        exact = [
            t
            for label, t in self.targets.items()
            if label.casefold() == typed or t.name.casefold() == typed
        ]
        if len(exact) == 1:
            return exact[0]
        partial = [t for label, t in self.targets.items() if typed in label.casefold()]
        return partial[0] if len(partial) == 1 else None

    def _on_accepted(self) -> None:
        target = self.find(self.name.text())
        if target is None:
            self.problem.setText(
                tr("No single agent or team has that name; pick one from the list.")
            )
            self.problem.setVisible(True)
            self.name.setFocus()
            return
        self.chosen = target
        self.accept()


class NotMovedDialog(DeskDialog):
    """Some tickets stayed where they were: which, and why."""

    def __init__(
        self, failed: Sequence[tuple[int, DeskError]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("notMovedDialog")
        self.setWindowTitle(tr("Some tickets were not moved"))
        items = []
        for ticket_id, exc in failed:
            if isinstance(exc, ConflictError) and exc.changes:
                last = exc.changes[-1]
                why = tr("{who} changed it first: {what}.").format(who=last.who, what=last.what)
            else:
                why = error_text(exc)
            items.append(f"<li><b>{format_number(ticket_id)}</b>: {html.escape(why)}</li>")
        self.list = text = QLabel(
            tr("These stayed where they were; nothing else of theirs changed:")
            + f"<ul style='margin-left:-20px'>{''.join(items)}</ul>"
        )
        text.setObjectName("notMovedList")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        buttons, _ok = _buttons(self, tr("OK"), self.accept, cancel=False)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)


class Reassigner(QObject):
    """Moves tickets for the dashboard and remembers the last move for a minute."""

    #: Words for the status line ("Moved 3 tickets to Priya. Ctrl+Z puts them back.").
    message = Signal(str)
    #: A move was decided and starts: (tickets, Target). The dashboard shows it at once,
    #: before the database has it; the change hub's re-read then confirms or corrects it.
    moving = Signal(list, object)
    #: A move or an undo finished (tests wait for it).
    finished = Signal(object)

    def __init__(self, session: DeskSession, ops: Ops, parent: QWidget) -> None:
        super().__init__(parent)
        self._session = session
        self._ops = ops
        self._parent = parent
        self._last: tuple[tuple[Reassigned, ...], float, str] | None = None
        #: The dialog being shown (tests reach it here).
        self.dialog: DeskDialog | None = None
        self.clock: Callable[[], float] = time.monotonic

    def set_session(self, session: DeskSession) -> None:
        self._session = session

    def move(self, tickets: Sequence[DraggedTicket], target: Target) -> None:
        tickets = list(tickets)
        if not tickets:
            return
        why = target.needs_asking()
        if why is not None:
            ask = AskFirstDialog(why, len(tickets), target, self._parent)
            self._show(ask, lambda: self._run(tickets, target))
            return
        self._run(tickets, target)

    def move_by_name(self, tickets: Sequence[DraggedTicket], targets: Sequence[Target]) -> None:
        tickets = list(tickets)
        if not tickets:
            return
        dialog = MoveToDialog(len(tickets), targets, self._parent)

        def chosen() -> None:
            assert dialog.chosen is not None
            self.move(tickets, dialog.chosen)

        self._show(dialog, chosen)

    def _show(self, dialog: DeskDialog, on_accept: Callable[[], None]) -> None:
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            if result == DeskDialog.DialogCode.Accepted:
                on_accept()

        dialog.finished.connect(finished)
        dialog.open()

    def _run(self, tickets: list[DraggedTicket], target: Target) -> None:
        self.moving.emit(tickets, target)
        db, actor = self._session.db, self._session.agent_id
        agent_id = target.agent.agent_id if target.agent is not None else None
        team_id = target.team_id

        def work() -> ReassignResult:
            return dashboard.reassign_tickets(
                db, actor, tickets, agent_id=agent_id, team_id=team_id
            )

        self._ops.run(
            self,
            work,
            lambda result: self._on_moved(result, target),
            self._on_failed,
            what=tr("Reassigning"),
            write=True,
        )

    def _on_moved(self, result: ReassignResult, target: Target) -> None:
        if result.moved:
            self._last = (result.moved, self.clock(), target.name)
            self.message.emit(
                tr("Moved {tickets} to {name}. Ctrl+Z puts them back.").format(
                    tickets=drag_label(len(result.moved)), name=target.name
                )
            )
        elif not result.failed:
            self.message.emit(tr("Nothing to move: they are already there."))
        if result.failed:
            self._show(NotMovedDialog(result.failed, self._parent), lambda: None)
        self.finished.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self.message.emit(error_text(exc))
        self.finished.emit(exc)

    # --- undo ---------------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return self._last is not None and self.clock() - self._last[1] <= UNDO_SECONDS

    def undo(self) -> None:
        if not self.can_undo:
            self._last = None
            self.message.emit(tr("Nothing to undo: a reassignment can be undone for a minute."))
            return
        assert self._last is not None
        moved, _at, _name = self._last
        self._last = None
        db, actor = self._session.db, self._session.agent_id
        self._ops.run(
            self,
            lambda: dashboard.undo_reassignment(db, actor, moved),
            self._on_undone,
            self._on_failed,
            what=tr("Putting the tickets back"),
            write=True,
        )

    def _on_undone(self, result: ReassignResult) -> None:
        if result.moved:
            self.message.emit(
                tr("Put {tickets} back.").format(tickets=drag_label(len(result.moved)))
            )
        if result.failed:
            self._show(NotMovedDialog(result.failed, self._parent), lambda: None)
        self.finished.emit(result)

    # --- all of an agent's tickets ------------------------------------------------------------

    def move_all_of(self, agent: AgentLoad, targets: Sequence[Target]) -> None:
        """ "Move all of Priya's open tickets to…": read them, then ask where."""
        db, actor = self._session.db, self._session.agent_id
        others = [t for t in targets if t.agent is None or t.agent.agent_id != agent.agent_id]

        def found(tickets: list[DraggedTicket]) -> None:
            if not tickets:
                self.message.emit(tr("{name} has no open tickets.").format(name=agent.name))
                return
            self.move_by_name(tickets, others)
            if isinstance(self.dialog, MoveToDialog):
                self.dialog.setWindowTitle(
                    tr("Move all of {name}'s open tickets ({count})").format(
                        name=agent.name, count=len(tickets)
                    )
                )

        self._ops.run(
            self,
            lambda: dashboard.open_tickets_of(db, actor, agent.agent_id),
            found,
            self._on_failed,
            what=tr("Reading the agent's tickets"),
        )

"""Which tickets a window action is for: the rows chosen in the queue table, or the open
ticket when no row is. An action on the open ticket alone goes through the ticket pane,
which checks it against the version on screen."""

from __future__ import annotations

from collections.abc import Callable

from desk.domain.model import TicketStatus
from desk.services.views import TicketDetail

from ..queues.queue_pane import QueuePane
from ..ticket.actions import TicketActions
from ..ticket.ticket_pane import TicketPane


class SelectedTickets:
    def __init__(self, queue: QueuePane, ticket: TicketPane, actions: TicketActions) -> None:
        self._queue, self._ticket, self._actions = queue, ticket, actions

    def ids(self) -> list[int]:
        return self._queue.selected_ids() or self._ticket.current_ids()

    def allow(self, allowed: Callable[[TicketDetail], bool]) -> bool:
        """Whether an action may be offered for the selected tickets: never for none; for
        the one being read, if `allowed` says so; for several, yes (each is then checked,
        and refusals are reported ticket by ticket)."""
        rows, only = self._queue.selection_size()
        detail = self._ticket.detail
        if rows == 0:  # the ticket being read, if any
            return detail is not None and allowed(detail)
        if rows > 1 or detail is None:
            return True
        return only != detail.ticket.id or allowed(detail)

    def claim(self) -> None:
        if ids := self.ids():
            self._actions.claim(ids)

    def release(self) -> None:
        if ids := self.ids():
            self._actions.release(ids)

    def assign(self) -> None:
        if ids := self.ids():
            self._actions.assign(ids, self._ticket.team())

    def transfer(self) -> None:
        if ids := self.ids():
            self._actions.transfer(ids, self._ticket.team() if len(ids) == 1 else None)

    def change_status(self, target: TicketStatus) -> None:
        ids = self.ids()
        if ids == self._ticket.current_ids():
            self._ticket.change_status(target)
        elif ids:
            self._actions.change_status(ids, target)

    def reopen(self) -> None:
        ids = self.ids()
        if ids == self._ticket.current_ids():
            self._ticket.change_status(TicketStatus.OPEN)
        elif ids:
            self._actions.reopen(ids)

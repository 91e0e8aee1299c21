"""What an agent does to tickets: claim, assign, transfer, status changes, replies, saves.

Every action runs in the background through `Ops`, with the dialog that asked for it as
its owner: the dialog stays open (with the problem at the field) until the action
succeeds, and if the agent closes it while the action runs, the answer is dropped without
touching the dialog. What was written reaches every view through the change hub (the
unit of work announces it), never through a signal of this class.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeGuard

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from desk.domain.errors import ConflictError, DatabaseError, DeskError
from desk.domain.model import TicketStatus
from desk.domain.ticket import format_number, parse_number
from desk.services import tickets as work
from desk.services.tickets import BulkResult, TicketEdit

from ..common import labels
from ..common.dialogs import FormDialog, combo, error_text, text_box
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession
from .conflict_dialog import ConflictDialog

log = logging.getLogger(__name__)


class TicketActions(QObject):
    #: A short message for the status bar.
    message = Signal(str)
    #: An action failed with an error the user must see (not a field problem).
    failed = Signal(str)
    #: Someone else saved the ticket first and the user chose to reload it.
    reloadRequested = Signal(int)
    #: An action failed because the database cannot be used (a DatabaseError): the window
    #: shows the database's state once, rather than a dialog for every action.
    databaseFailed = Signal(object)

    def __init__(self, session: DeskSession, ops: Ops, parent: QWidget) -> None:
        super().__init__(parent)
        self._session = session
        self._ops = ops
        self._parent = parent
        #: The dialogs currently open, so tests and the window can reach them.
        self.dialog: FormDialog | None = None
        self.conflict_dialog: ConflictDialog | None = None

    @property
    def session(self) -> DeskSession:
        return self._session

    def set_session(self, session: DeskSession) -> None:
        self._session = session

    # --- helpers --------------------------------------------------------------------------

    def _run(
        self,
        ids: Sequence[int],
        action: Callable[[int], object],
        done_message: str,
        dialog: FormDialog | None = None,
    ) -> None:
        """Run `action` on each ticket in the background; report, refresh, close the dialog."""
        ids = list(ids)

        def on_done(result: BulkResult) -> None:
            if result.failed and len(ids) == 1:
                problem = DeskError(result.failed[0][1])
                if _open(dialog):
                    dialog.show_problem(problem)
                else:
                    self.failed.emit(problem.message)
                return
            if _open(dialog):
                dialog.accept()
            if result.failed:
                self.failed.emit(result.summary)
            else:
                self.message.emit(done_message.format(what=_what(ids)))

        def on_error(exc: BaseException) -> None:
            if _open(dialog):
                dialog.show_problem(exc)
            else:
                self._fail(exc)

        self._ops.run(
            dialog if dialog is not None else self,
            lambda: work.bulk(ids, action),
            on_done,
            on_error,
            what=done_message,
            write=True,
        )

    def _single(
        self,
        ticket_id: int,
        action: Callable[[], object],
        done_message: str,
        dialog: FormDialog | None = None,
        on_conflict: Callable[[ConflictError], None] | None = None,
    ) -> None:
        """One ticket, where field problems and conflicts matter more than a summary."""

        def on_done(_result: object) -> None:
            if _open(dialog):
                dialog.accept()
            self.message.emit(done_message.format(what=format_number(ticket_id)))

        def on_error(exc: BaseException) -> None:
            if isinstance(exc, ConflictError):
                if _open(dialog):
                    dialog.reject()
                (on_conflict or self.show_conflict)(exc)
            elif _open(dialog):
                dialog.show_problem(exc)
            else:
                self._fail(exc)

        self._ops.run(
            dialog if dialog is not None else self,
            action,
            on_done,
            on_error,
            what=done_message,
            write=True,
        )

    def _fail(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseError):
            self.databaseFailed.emit(exc)
        else:
            self.failed.emit(error_text(exc))

    def _open(self, dialog: FormDialog, on_submit: Callable[[dict[str, Any]], None]) -> FormDialog:
        # Cancel stays possible while the action runs: its answer is then dropped (the
        # dialog owns the operation), a failure is still reported, and the views show
        # what was really written, from the change hub.
        dialog.cancel_while_working = True
        dialog.submitted.connect(on_submit)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: FormDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def show_conflict(self, conflict: ConflictError) -> None:
        dialog = ConflictDialog(conflict, self._parent)
        ticket_id = _id_from_number(conflict.ticket_number)
        dialog.accepted.connect(lambda: self.reloadRequested.emit(ticket_id))
        dialog.finished.connect(lambda _r: self._forget_conflict(dialog))
        self.conflict_dialog = dialog
        dialog.open()

    def _forget_conflict(self, dialog: ConflictDialog) -> None:
        if self.conflict_dialog is dialog:
            self.conflict_dialog = None
        dialog.deleteLater()

    # --- assignment -------------------------------------------------------------------------

    def claim(self, ids: Sequence[int]) -> None:
        db, me = self._session.db, self._session.agent_id
        self._run(ids, lambda i: work.claim_ticket(db, me, i), tr("Claimed {what}."))

    def release(self, ids: Sequence[int]) -> None:
        db, me = self._session.db, self._session.agent_id
        self._run(
            ids, lambda i: work.release_ticket(db, me, i), tr("Released {what} to the team queue.")
        )

    def assign(self, ids: Sequence[int], team_id: int | None = None) -> FormDialog:
        session = self._session
        members = session.directory.members_of(team_id) if team_id is not None else ()
        others = [a for a in session.directory.agents if a.active and a not in members]
        choices = [
            (f"{a.name} — {labels.availability_words(a)}", a.id)
            for a in (*members, *others)
            if a.active
        ]
        dialog = FormDialog(
            tr("Assign {what}").format(what=_what(ids)),
            tr("Give the ticket to an agent. Members of its team come first."),
            tr("Assign"),
            self._parent,
        )
        dialog.add_field("assignee", tr("Agent"), combo(choices))

        def submit(values: dict[str, Any]) -> None:
            db, me, to = session.db, session.agent_id, values["assignee"]
            self._run(
                ids, lambda i: work.assign_ticket(db, me, i, to), tr("Assigned {what}."), dialog
            )

        return self._open(dialog, submit)

    def transfer(self, ids: Sequence[int], current_team: int | None = None) -> FormDialog:
        session = self._session
        teams = [
            (t.name, t.id) for t in session.directory.teams if t.id != current_team and t.active
        ]
        dialog = FormDialog(
            tr("Transfer {what}").format(what=_what(ids)),
            tr("Hand the ticket to another team's queue. Its assignee lets go of it."),
            tr("Transfer"),
            self._parent,
        )
        dialog.add_field("team", tr("Team"), combo(teams))
        dialog.add_field(
            "reason",
            tr("Note for the team"),
            text_box(tr("Why it goes to them (internal, optional)")),
        )

        def submit(values: dict[str, Any]) -> None:
            db, me = session.db, session.agent_id
            team, reason = values["team"], values["reason"]
            self._run(
                ids,
                lambda i: work.transfer_ticket(db, me, i, team, reason),
                tr("Transferred {what}."),
                dialog,
            )

        return self._open(dialog, submit)

    # --- status -----------------------------------------------------------------------------

    def change_status(
        self, ids: Sequence[int], target: TicketStatus, version: int | None = None
    ) -> FormDialog | None:
        """Move tickets to `target`, asking first for what the move needs (a resolution
        note, a satisfaction score, what a pending ticket waits for)."""
        what = _what(ids)
        if target == TicketStatus.RESOLVED:
            dialog = FormDialog(
                tr("Resolve {what}").format(what=what),
                tr("Say how it was resolved; the customer and the reports see this."),
                tr("Resolve"),
                self._parent,
            )
            dialog.add_field("resolution_note", tr("Resolution"), text_box(tr("What fixed it")))
            return self._open(
                dialog,
                lambda v: self._status(
                    ids, target, version, note=v["resolution_note"], dialog=dialog
                ),
            )
        if target == TicketStatus.CLOSED:
            dialog = FormDialog(
                tr("Close {what}").format(what=what),
                tr(
                    "Closing ends the ticket's life. Record the customer's satisfaction if they gave it."
                ),
                tr("Close"),
                self._parent,
            )
            scores = [(tr("Not given"), None)] + [
                (f"{'★' * n}{'☆' * (5 - n)}  {n}", n) for n in range(5, 0, -1)
            ]
            dialog.add_field("csat", tr("Satisfaction"), combo(scores))
            return self._open(
                dialog, lambda v: self._status(ids, target, version, csat=v["csat"], dialog=dialog)
            )
        if target == TicketStatus.PENDING:
            dialog = FormDialog(
                tr("Set {what} pending").format(what=what),
                tr(
                    "Waiting on the customer or a third party; the ticket leaves the working queues' focus."
                ),
                tr("Set pending"),
                self._parent,
            )
            dialog.add_field(
                "reason",
                tr("Waiting for"),
                text_box(tr("What the ticket is waiting for (optional)"), 60),
            )
            return self._open(
                dialog,
                lambda v: self._status(ids, target, version, note=v["reason"], dialog=dialog),
            )
        self._status(ids, target, version)
        return None

    def reopen(self, ids: Sequence[int], version: int | None = None) -> FormDialog:
        dialog = FormDialog(
            tr("Reopen {what}").format(what=_what(ids)),
            tr("The problem is back. Reopens are counted in the reports."),
            tr("Reopen"),
            self._parent,
        )
        dialog.add_field("reason", tr("Why"), text_box(tr("What came back (optional)"), 60))
        return self._open(
            dialog,
            lambda v: self._status(
                ids, TicketStatus.OPEN, version, note=v["reason"], dialog=dialog
            ),
        )

    def _status(
        self,
        ids: Sequence[int],
        target: TicketStatus,
        version: int | None,
        *,
        note: str = "",
        csat: int | None = None,
        dialog: FormDialog | None = None,
    ) -> None:
        db, me = self._session.db, self._session.agent_id
        message = tr("{what}: now {status}.").replace(
            "{status}", labels.status_label(target).lower()
        )
        if len(ids) == 1:
            ticket_id = ids[0]
            self._single(
                ticket_id,
                lambda: work.change_status(
                    db, me, ticket_id, target, note=note, csat=csat, expected_version=version
                ),
                message,
                dialog,
            )
        else:
            self._run(
                ids,
                lambda i: work.change_status(db, me, i, target, note=note, csat=csat),
                message,
                dialog,
            )

    # --- conversation and edits ---------------------------------------------------------------

    def send(
        self,
        ticket_id: int,
        text: str,
        internal: bool,
        on_done: Callable[[], None],
        on_error: Callable[[str], None],
    ) -> None:
        db, me = self._session.db, self._session.agent_id
        action = work.add_internal_note if internal else work.reply_to_customer

        def done(_result: object) -> None:
            on_done()
            text = tr("Note added to {what}.") if internal else tr("Reply sent on {what}.")
            self.message.emit(text.format(what=format_number(ticket_id)))

        self._ops.run(
            self,
            lambda: action(db, me, ticket_id, text),
            done,
            lambda exc: on_error(error_text(exc)),
            what=tr("Sending"),
            write=True,
        )

    def save(
        self,
        ticket_id: int,
        edit: TicketEdit,
        version: int,
        on_problem: Callable[[BaseException], None],
    ) -> None:
        db, me = self._session.db, self._session.agent_id

        def on_error(exc: BaseException) -> None:
            if isinstance(exc, ConflictError):
                self.show_conflict(exc)
            on_problem(exc)

        def on_done(_result: object) -> None:
            self.message.emit(tr("Saved {what}.").format(what=format_number(ticket_id)))

        self._ops.run(
            self,
            lambda: work.update_ticket(db, me, ticket_id, edit, version),
            on_done,
            on_error,
            what=tr("Saving"),
            write=True,
        )


def _open(dialog: FormDialog | None) -> TypeGuard[FormDialog]:
    """Whether the dialog is still there to take the answer (it may have been closed)."""
    return dialog is not None and isValid(dialog) and dialog.isVisible()


def _what(ids: Sequence[int]) -> str:
    if len(ids) == 1:
        return format_number(ids[0])
    return tr("{count} tickets").format(count=len(ids))


def _id_from_number(number: str) -> int:
    return parse_number(number) or 0

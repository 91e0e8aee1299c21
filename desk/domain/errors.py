"""Errors a user can be told about, in the help desk's words.

Every error Desk shows a person derives from `DeskError`, so the UI can show any of them
with one handler. The storage errors live here too because the UI must catch them without
importing the storage layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


class DeskError(Exception):
    """A failure with a message fit to show the person who caused it."""

    @property
    def message(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str


class ValidationError(DeskError):
    """Input that cannot be saved; `problems` says which field and why."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(p.message for p in self.problems))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([FieldProblem(field, message)])

    def for_field(self, field: str) -> str | None:
        return next((p.message for p in self.problems if p.field == field), None)


class ActionNotAllowed(DeskError):
    """The ticket's state does not allow this action now (claiming a closed ticket, ...)."""


class TransitionError(ActionNotAllowed):
    """A status change the lifecycle does not allow."""


class PermissionDenied(DeskError):
    """The acting agent's role does not allow this."""


class NotFound(DeskError):
    """A ticket, customer, agent or team that does not exist (any more)."""


@dataclass(frozen=True, slots=True)
class ChangeByOther:
    """One change someone else saved, for the conflict message."""

    who: str
    at: datetime
    what: str


class ConflictError(DeskError):
    """Someone else saved the ticket after the acting agent loaded it."""

    def __init__(self, ticket_number: str, changes: Sequence[ChangeByOther]) -> None:
        self.ticket_number = ticket_number
        self.changes = tuple(changes)
        if self.changes:
            last = self.changes[-1]
            whats = "; ".join(c.what for c in self.changes)
            text = (
                f"{ticket_number} was changed by {last.who} at "
                f"{last.at:%Y-%m-%d %H:%M} UTC after you opened it ({whats}). "
                "Reload the ticket to see the changes; nothing of yours was saved."
            )
        else:
            text = (
                f"{ticket_number} was changed by someone else after you opened it. "
                "Reload the ticket to see the changes; nothing of yours was saved."
            )
        super().__init__(text)


class DatabaseError(DeskError):
    """The database cannot be used; the message says why in plain words."""


class BadDatabaseURL(DatabaseError):
    pass


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached or used. `field` names the part of the address that
    is most likely wrong ("host", "port", "database", "user", "password"), when one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SchemaTooNew(DatabaseError):
    pass


class CredentialStoreUnavailable(DeskError):
    """The operating system's credential store cannot keep a password on this computer."""


class DatabaseGone(DatabaseError):
    """The local database file Desk opened is no longer at its path: deleted, moved, or
    replaced by another file. Nothing is written to it any more; `path` is where it was."""

    def __init__(self, path: str, *, replaced: bool = False) -> None:
        self.path = path
        self.replaced = replaced
        if replaced:
            text = (
                f"The database file {path} was replaced by another file while Desk had it "
                "open. Nothing more is saved until you reopen it or choose another database "
                "(File › Connect)."
            )
        else:
            text = (
                f"The database file {path} was deleted or moved while Desk had it open. "
                "Nothing more is saved until you reopen it or choose another database "
                "(File › Connect)."
            )
        super().__init__(text)


class DatabaseReadOnly(DatabaseError):
    """The database can be read but not changed (a read-only file or folder); `path` is
    the file, when it is a local one."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(f"Read-only: {path} cannot be changed, so changes cannot be saved.")


class RecordConflict(DeskError):
    """Someone else changed an agent, team, help topic or setting after the acting admin
    read it: `what` names it ("the agent Sam Agent"), `changes` says who did what since."""

    def __init__(self, what: str, changes: Sequence[ChangeByOther]) -> None:
        self.what = what
        self.changes = tuple(changes)
        if self.changes:
            last = self.changes[-1]
            text = (
                f"{what[:1].upper()}{what[1:]} was changed by {last.who} at "
                f"{last.at:%Y-%m-%d %H:%M} UTC after you opened it ({last.what}). "
                "Reload to see the change; nothing of yours was saved."
            )
        else:
            text = (
                f"{what[:1].upper()}{what[1:]} was changed by someone else after you opened "
                "it. Reload to see the change; nothing of yours was saved."
            )
        super().__init__(text)

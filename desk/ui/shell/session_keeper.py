"""The session's directory (agents, teams, help topics), kept live from the change hub.

`DeskSession` is frozen, so a directory change makes a new session: the keeper reads the
directory again when the hub says agents, teams or topics changed, and hands the new
session to whoever shows them (`sessionChanged`): the queue list (a new team is a new
queue), the editor's help topics, the Assign and Transfer dialogs' lists, intake.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot

from desk.domain.changes import Changes, Directory
from desk.services import desk_settings, queries
from desk.services.views import DeskDirectory

from ..common.change_hub import ChangeHub
from ..common.labels import tr
from ..common.ops import Ops
from ..common.session import DeskSession

#: Parts of the directory the session holds (customers are read with each ticket).
_HELD = frozenset({Directory.AGENTS, Directory.TEAMS, Directory.TOPICS})


class SessionKeeper(QObject):
    #: The session with the directory as it is now.
    sessionChanged = Signal(object)

    def __init__(
        self, session: DeskSession, ops: Ops, hub: ChangeHub, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._ops = ops
        self._hub = hub
        hub.changed.connect(self._on_hub_changed)

    @Slot(object)
    def _on_hub_changed(self, changes: Changes) -> None:
        if changes.everything or changes.directory & _HELD:
            self.reread()
        if desk_settings.TICKET_PREFIX in changes.settings:
            self._reread_prefix()

    def _reread_prefix(self) -> None:
        """An admin chose another ticket number prefix: every number shown takes it."""
        db, hub = self.session.db, self._hub

        def applied(_prefix: str) -> None:
            hub.deliver_now(Changes(everything=True))  # rare: re-read and redraw it all

        self._ops.run(
            self,
            lambda: desk_settings.apply_number_prefix(db),
            applied,
            lambda _exc: None,
            what=tr("Reading the ticket number prefix"),
            latest="prefix",
        )

    def reread(self) -> None:
        db = self.session.db
        self._ops.run(
            self,
            lambda: queries.directory(db),
            self._on_directory,
            lambda _exc: None,  # the old directory stays; the next change tries again
            what=tr("Reading the desk's agents and teams"),
            latest="directory",
        )

    def _on_directory(self, directory: DeskDirectory) -> None:
        if directory == self.session.directory:
            return
        me = next((a for a in directory.agents if a.id == self.session.agent_id), None)
        session = self.session.with_directory(directory)
        if me is not None:  # renamed, or a new role
            session = replace(session, agent=me)
        self.session = session
        self.sessionChanged.emit(session)

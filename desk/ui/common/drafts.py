"""Replies and notes being typed, kept on disk so a crash or a lost connection loses nothing.

A draft belongs to one desk, one agent and one ticket. Ticket numbers start at HD-000001 in
every database, so a draft filed by ticket alone follows the agent from the demo desk into
a real server's ticket with the same number. Drafts are filed under the desk's own random id
(`services.desk_settings.desk_id`, stored in the database, whatever URL reached it) and the
agent: drafts/<desk id>/agent-<id>/ticket-<id>.json.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

#: Where drafts from before they were filed by desk and agent are put aside, never shown.
UNFILED = "unfiled"
_OLD_DRAFT = re.compile(r"ticket-\d+\.(json|tmp)")


@dataclass(frozen=True)
class Draft:
    text: str
    internal: bool


class DraftStore:
    """The drafts folder of this computer's user; `for_desk` gives one desk's and agent's."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def for_desk(self, desk_id: str, agent_id: int) -> DeskDrafts:
        self._set_aside_unfiled()
        return DeskDrafts(self._folder / _folder_name(desk_id) / f"agent-{int(agent_id)}")

    def _set_aside_unfiled(self) -> None:
        """Drafts filed by ticket alone cannot be told to belong to any desk: showing one
        could put it into another database's ticket. Moved aside (the text is not lost)."""
        try:
            old = [p for p in self._folder.iterdir() if _OLD_DRAFT.fullmatch(p.name)]
        except OSError:
            return  # no drafts folder yet
        if not old:
            return
        aside = self._folder / UNFILED
        try:
            aside.mkdir(parents=True, exist_ok=True)
            for path in old:
                os.replace(path, aside / path.name)
        except OSError:
            log.warning("could not move old drafts aside to %s", aside, exc_info=True)
            return
        log.warning(
            "%d draft(s) from before drafts were filed by desk and agent cannot be told to "
            "belong to any database; they are not shown, and were moved to %s",
            len(old),
            aside,
        )


class DeskDrafts:
    """One desk's, one agent's drafts: a small file per ticket, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, ticket_id: int) -> Path:
        return self.folder / f"ticket-{int(ticket_id)}.json"

    def load(self, ticket_id: int) -> Draft | None:
        try:
            data = json.loads(self._path(ticket_id).read_text(encoding="utf-8"))
            return Draft(str(data["text"]), bool(data["internal"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError):
            log.warning("unreadable draft for ticket %s", ticket_id, exc_info=True)
            return None

    def save(self, ticket_id: int, draft: Draft) -> None:
        if not draft.text.strip():
            self.discard(ticket_id)
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._path(ticket_id)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(
                json.dumps({"text": draft.text, "internal": draft.internal}), encoding="utf-8"
            )
            os.replace(temporary, path)
        except OSError:
            log.warning("could not save the draft for ticket %s", ticket_id, exc_info=True)

    def discard(self, ticket_id: int) -> None:
        try:
            self._path(ticket_id).unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove the draft for ticket %s", ticket_id, exc_info=True)


def _folder_name(desk_id: str) -> str:
    """The desk id as a folder name: as it is when it is a plain token (the stored random
    hex), else a digest of it, so no id can reach outside the drafts folder."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", desk_id):
        return desk_id
    return hashlib.sha256(desk_id.encode("utf-8")).hexdigest()[:32]

"""Replies and notes being typed, kept on disk so a crash or a lost connection loses nothing."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    text: str
    internal: bool


class DraftStore:
    """One small file per ticket with an unsent draft, written atomically."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _path(self, ticket_id: int) -> Path:
        return self._folder / f"ticket-{ticket_id}.json"

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
            self._folder.mkdir(parents=True, exist_ok=True)
            path = self._path(ticket_id)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(
                json.dumps({"text": draft.text, "internal": draft.internal}), encoding="utf-8"
            )
            os.replace(temporary, path)
        except OSError:
            log.warning("could not save the draft for ticket %s", ticket_id, exc_info=True)

    def discard(self, ticket_id: int) -> None:
        self._path(ticket_id).unlink(missing_ok=True)

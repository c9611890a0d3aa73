"""What a compose window holds, as plain data: to reopen it after Undo, or after a crash."""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("unibox.ui")


@dataclass(slots=True)
class AttachmentRef:
    """An attachment as the window lists it: a file on disk, or bytes carried along
    (a forwarded message's attachments, or one reopened from the outbox)."""

    name: str
    size: int
    path: str = ""
    data: bytes | None = None


@dataclass(slots=True)
class ComposeState:
    """Everything the person wrote and what the message answers or forwards."""

    account_id: int | None = None
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    cursor: int = 0
    attachments: list[AttachmentRef] = field(default_factory=list)
    reply_to_message_id: int | None = None
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    draft_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    saved_at: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["references"] = list(self.references)
        data["attachments"] = [
            {
                "name": a.name,
                "size": a.size,
                "path": a.path,
                "data": base64.b64encode(a.data).decode() if a.data is not None else None,
            }
            for a in self.attachments
        ]
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> ComposeState:
        attachments = [
            AttachmentRef(
                str(a["name"]),
                int(a["size"]),
                str(a.get("path") or ""),
                base64.b64decode(a["data"]) if a.get("data") is not None else None,
            )
            for a in data.get("attachments", [])
        ]
        return ComposeState(
            account_id=data.get("account_id"),
            to=str(data.get("to", "")),
            cc=str(data.get("cc", "")),
            bcc=str(data.get("bcc", "")),
            subject=str(data.get("subject", "")),
            body=str(data.get("body", "")),
            cursor=int(data.get("cursor", 0)),
            attachments=attachments,
            reply_to_message_id=data.get("reply_to_message_id"),
            in_reply_to=str(data.get("in_reply_to", "")),
            references=tuple(data.get("references", ())),
            draft_id=str(data.get("draft_id") or uuid.uuid4().hex),
            saved_at=float(data.get("saved_at", 0.0)),
        )


class DraftStore:
    """Unsent compose windows autosaved as JSON files in the profile's drafts folder.

    Saving may run on a worker thread (a forwarded attachment makes a big file):
    a draft removed (sent, discarded) is never written again by a late save.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._gone: set[str] = set()
        self._lock = threading.Lock()

    def _path(self, draft_id: str) -> Path:
        return self.folder / f"{draft_id}.json"

    def save(self, state: ComposeState) -> None:
        state.saved_at = time.time()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{state.draft_id}.{threading.get_ident()}.tmp"
            tmp.write_text(json.dumps(state.to_json()), encoding="utf-8")
            with self._lock:
                if state.draft_id in self._gone:
                    tmp.unlink(missing_ok=True)
                    return
                os.replace(tmp, self._path(state.draft_id))
        except OSError:  # a full disk must not close the window or lose what is on screen
            log.warning("the draft could not be saved", exc_info=True)

    def remove(self, draft_id: str) -> None:
        with self._lock:
            self._gone.add(draft_id)
            self._path(draft_id).unlink(missing_ok=True)

    def revive(self, draft_id: str) -> None:
        """The message is being written again (reopened by Undo): it may be saved again."""
        with self._lock:
            self._gone.discard(draft_id)

    def load_all(self) -> list[ComposeState]:
        """Every kept draft, newest first (unreadable files are skipped, not deleted)."""
        found: list[ComposeState] = []
        if not self.folder.is_dir():
            return found
        for path in self.folder.glob("*.json"):
            try:
                found.append(ComposeState.from_json(json.loads(path.read_text("utf-8"))))
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("skipping an unreadable draft %s", path.name)
        found.sort(key=lambda s: -s.saved_at)
        return found

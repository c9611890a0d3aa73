"""Changing mail on an IMAP server: flags, keywords, moves, expunges and APPEND.

Works on an open ImapSession (one connection, selected read-write here);
afterwards the session is left unselected so the next sync selects read-only
again. Knows nothing of the store: the engine passes folder names and UIDs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime

from unibox.channels.imap import ImapSession
from unibox.channels.imap_conn import call, translated
from unibox.core.content_key import content_key as key_of

log = logging.getLogger("unibox.channels.imap")

_APPENDUID = re.compile(rb"APPENDUID (\d+) (\d+)")
_COPYUID = re.compile(rb"(\d+) ([\d:,]+) ([\d:,]+)")


def uid_sequence(text: str) -> list[int]:
    """An IMAP UID set in its written order ("3,1:2" -> [3, 1, 2]), bounded."""
    found: list[int] = []
    for part in text.strip().split(","):
        first, _, last = part.strip().partition(":")
        if not first.isdigit() or (last and not last.isdigit()):
            return []
        low, high = int(first), int(last or first)
        step = 1 if high >= low else -1
        found.extend(range(low, high + step, step)[:100_000])
    return found


def _copyuid(line: bytes) -> dict[int, int]:
    match = _COPYUID.search(line)
    if match is None:
        return {}
    source = uid_sequence(match.group(2).decode())
    target = uid_sequence(match.group(3).decode())
    return dict(zip(source, target, strict=False)) if len(source) == len(target) else {}


class ImapWriter:
    """Write operations over one logged-in session."""

    def __init__(self, session: ImapSession) -> None:
        self.session = session
        self.client = session.client
        self.endpoint = session.endpoint
        self.uidplus = "UIDPLUS" in session.capabilities
        self.can_move = "MOVE" in session.capabilities
        self._selected: str | None = None
        self._status: tuple[int, bool] = (0, False)

    def select(self, folder: str) -> tuple[int, bool]:
        """Select read-write; (UIDVALIDITY, whether new keywords may be stored)."""
        if self._selected != folder:
            info = call(self.endpoint, self.client.select_folder, folder)
            self.session.selected = None  # not the read-only selection the sync expects
            permanent = info.get(b"PERMANENTFLAGS") or ()
            self._status = (int(info.get(b"UIDVALIDITY") or 0), b"\\*" in permanent)
            self._selected = folder
        return self._status

    def done(self) -> None:
        """Leave the folder (without expunging) so the sync selects read-only again."""
        if self._selected is not None and "UNSELECT" in self.session.capabilities:
            # Never CLOSE: it would expunge what other clients marked \\Deleted. Without
            # UNSELECT the next SELECT leaves this folder just as well.
            call(self.endpoint, self.client.unselect_folder)
        self._selected = None
        self.session.selected = None

    def find(self, folder: str, message_id: str, content_key: str = "") -> list[int]:
        """UIDs in `folder` whose Message-ID header is `message_id` (without brackets).

        Distinct messages may share a Message-ID: with the message's `content_key`
        (core.content_key), only its copies are returned when they can be told apart.
        """
        if not message_id:
            return []
        self.select(folder)
        with translated(self.endpoint):
            found = sorted(
                int(u) for u in self.client.search(["HEADER", "Message-ID", f"<{message_id}>"])
            )
        if len(found) < 2 or not content_key:
            return found
        with translated(self.endpoint):
            data = self.client.fetch(found, ["RFC822.SIZE", "BODY.PEEK[HEADER]"])
        same = [
            uid
            for uid in found
            if (d := data.get(uid)) is not None
            and content_key
            == key_of(bytes(d.get(b"BODY[HEADER]") or b""), int(d.get(b"RFC822.SIZE") or 0))
        ]
        return same or found

    def store_flags(
        self, folder: str, uids: Sequence[int], flags: Sequence[str], *, add: bool
    ) -> None:
        if not uids or not flags:
            return
        self.select(folder)
        encoded = [f.encode("utf-8") for f in flags]
        with translated(self.endpoint):
            if add:
                self.client.add_flags(list(uids), encoded, silent=True)
            else:
                self.client.remove_flags(list(uids), encoded, silent=True)

    def move(self, source: str, uids: Sequence[int], target: str) -> dict[int, int]:
        """Move messages; returns old UID -> new UID where the server says (COPYUID)."""
        if not uids:
            return {}
        self.select(source)
        imap = self.client._imap
        with translated(self.endpoint):
            if self.can_move:
                imap.untagged_responses.pop("COPYUID", None)
                self.client.move(list(uids), target)
                lines = imap.untagged_responses.pop("COPYUID", [])
                mapping: dict[int, int] = {}
                for line in lines:
                    mapping.update(_copyuid(line))
                return mapping
            response = self.client.copy(list(uids), target)
            self.client.add_flags(list(uids), [b"\\Deleted"], silent=True)
            if self.uidplus:
                self.client.uid_expunge(list(uids))
            text = response if isinstance(response, bytes) else b""
        return _copyuid(text.split(b"COPYUID", 1)[1]) if b"COPYUID" in text else {}

    def expunge(self, folder: str, uids: Sequence[int]) -> None:
        """Remove messages for good (only ever called for the trash)."""
        if not uids:
            return
        self.select(folder)
        with translated(self.endpoint):
            self.client.add_flags(list(uids), [b"\\Deleted"], silent=True)
            if self.uidplus:
                self.client.uid_expunge(list(uids))
            # Without UIDPLUS a plain EXPUNGE would also remove what other clients marked
            # \\Deleted; leave it marked, as a client without expunge rights would.

    def append(self, folder: str, raw: bytes, flags: Sequence[str], when: datetime) -> int | None:
        """Store a message in `folder`; its UID when the server says (UIDPLUS)."""
        self.done()
        with translated(self.endpoint):
            response = self.client.append(
                folder, raw, flags=tuple(f.encode() for f in flags), msg_time=when
            )
        match = _APPENDUID.search(response if isinstance(response, bytes) else b"")
        return int(match.group(2)) if match else None

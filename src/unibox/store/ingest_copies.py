"""Which stored message a new location is a copy of: by content, never by a header.

A move by another client, the copy in Sent and a renumbered folder (a new
UIDVALIDITY) bring a message the store already has to a new (folder, UID).
It is the same message when its content key (core.content_key: header block
and size) is; a stored message has at most one location per folder, so two
identical copies in one folder stay two messages, as the server shows them.
Rows stored before content keys existed (key "") are matched by the rule of
that time, Message-ID and subject, and take the key when matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from unibox.core.items import IncomingMessage
from unibox.store.schema import Message, MessageLocation, table

_M = table(Message)
_LOC = table(MessageLocation)
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored message that a new location may be a copy of."""

    message_id: int
    parse_state: str
    in_this_folder: bool
    subject: str = ""


@dataclass(slots=True)
class Copies:
    """The candidates for one batch; `claim` hands each out once."""

    by_key: dict[str, list[Candidate]]
    legacy: dict[str, list[Candidate]]
    claimed: set[int] = field(default_factory=set)

    def claim(self, item: IncomingMessage) -> Candidate | None:
        if not item.content_key:
            return None
        for c in self.by_key.get(item.content_key, ()):
            if self._free(c):
                return self._take(c)
        for c in self.legacy.get(item.parsed.message_id, ()):
            if c.subject == item.parsed.subject and self._free(c):
                return self._take(c)
        return None

    def _free(self, c: Candidate) -> bool:
        return not c.in_this_folder and c.message_id not in self.claimed

    def _take(self, c: Candidate) -> Candidate:
        self.claimed.add(c.message_id)
        return c


class CopyFinder:
    """Looks up, for one folder of an account, the stored messages new mail may be."""

    def __init__(self, account_id: int, folder_id: int) -> None:
        self.account_id = account_id
        self.folder_id = folder_id
        self._legacy: bool | None = None  # does the account hold rows without a key?

    def lookup(self, conn: Connection, items: Sequence[IncomingMessage]) -> Copies:
        """Candidates for items that have no location yet (one query per 500 keys)."""
        keys = list({it.content_key for it in items if it.content_key})
        by_key: dict[str, list[Candidate]] = {}
        for start in range(0, len(keys), _CHUNK):
            rows = conn.execute(
                select(_M.c.content_key, _M.c.id, _M.c.parse_state, self._here())
                .where(
                    _M.c.account_id == self.account_id,
                    _M.c.content_key.in_(keys[start : start + _CHUNK]),
                )
                .order_by(_M.c.id)
            )
            for key, mid, state, here in rows:
                by_key.setdefault(key, []).append(Candidate(mid, state, bool(here)))
        return Copies(by_key, self._legacy_rows(conn, items))

    def _here(self) -> Any:
        return (
            select(_LOC.c.id)
            .where(_LOC.c.message_id == _M.c.id, _LOC.c.folder_id == self.folder_id)
            .exists()
        )

    def _legacy_rows(
        self, conn: Connection, items: Sequence[IncomingMessage]
    ) -> dict[str, list[Candidate]]:
        if self._legacy is None:
            first = conn.execute(
                select(_M.c.id)
                .where(_M.c.account_id == self.account_id, _M.c.content_key == "")
                .limit(1)
            ).first()
            self._legacy = first is not None
        msgids = list({it.parsed.message_id for it in items if it.parsed.message_id})
        found: dict[str, list[Candidate]] = {}
        if not self._legacy or not msgids:
            return found
        for start in range(0, len(msgids), _CHUNK):
            rows = conn.execute(
                select(
                    _M.c.message_id_header, _M.c.id, _M.c.parse_state, self._here(), _M.c.subject
                )
                .where(
                    _M.c.account_id == self.account_id,
                    _M.c.content_key == "",
                    _M.c.message_id_header.in_(msgids[start : start + _CHUNK]),
                )
                .order_by(_M.c.id)
            )
            for msgid, mid, state, here, subject in rows:
                found.setdefault(msgid, []).append(Candidate(mid, state, bool(here), subject))
        return found

"""IMAP mail channel: folders, their state, and fetching mail and flags.

Reads only: every fetch uses BODY.PEEK so syncing never marks mail as read.
Knows nothing of the store; the sync engine decides what to fetch.
"""

from __future__ import annotations

import logging
import select
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import imapclient

from unibox.channels.imap_conn import ImapEndpoint, call, connect, logout, translated
from unibox.channels.sasl import Credential
from unibox.core.items import FetchedMail, FlagUpdate, FolderRole, FolderStatus, RemoteFolder

log = logging.getLogger("unibox.channels.imap")


class HasFileno(Protocol):
    def fileno(self) -> int: ...


_SPECIAL_USE = {
    b"\\Sent": FolderRole.SENT,
    b"\\Drafts": FolderRole.DRAFTS,
    b"\\Archive": FolderRole.ARCHIVE,
    b"\\Trash": FolderRole.TRASH,
    b"\\Junk": FolderRole.JUNK,
    b"\\All": FolderRole.ALL,
    b"\\Flagged": FolderRole.FLAGGED,
}
_BY_NAME = {
    "sent": FolderRole.SENT,
    "sent items": FolderRole.SENT,
    "sent messages": FolderRole.SENT,
    "sent mail": FolderRole.SENT,
    "drafts": FolderRole.DRAFTS,
    "archive": FolderRole.ARCHIVE,
    "archives": FolderRole.ARCHIVE,
    "trash": FolderRole.TRASH,
    "deleted items": FolderRole.TRASH,
    "deleted messages": FolderRole.TRASH,
    "junk": FolderRole.JUNK,
    "spam": FolderRole.JUNK,
    "junk e-mail": FolderRole.JUNK,
}
HEADER_CHUNK = 1000
BODY_CHUNK_BYTES = 4 * 1024 * 1024
BODY_CHUNK_MAX = 500


def folder_role(name: str, flags: Sequence[bytes], delimiter: str) -> FolderRole:
    if name.upper() == "INBOX":
        return FolderRole.INBOX
    for flag in flags:
        role = _SPECIAL_USE.get(flag)
        if role is not None:
            return role
    leaf = name.rsplit(delimiter, 1)[-1] if delimiter else name
    return _BY_NAME.get(leaf.casefold(), FolderRole.NONE)


def _flags(raw: Any) -> tuple[str, ...]:
    # \Recent belongs to one session, not to the message: it would look like a change.
    flags = (f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in raw or ())
    return tuple(f for f in flags if f != "\\Recent")


def _utc(value: Any) -> datetime | None:
    # imapclient's own tzinfo class does not survive pickling into the parse pool.
    return datetime.fromtimestamp(value.timestamp(), UTC) if isinstance(value, datetime) else None


def _modseq(data: dict[bytes, Any]) -> int | None:
    value = data.get(b"MODSEQ")
    if isinstance(value, tuple | list) and value:
        return int(value[0])
    return int(value) if isinstance(value, int) else None


class ImapSession:
    """One logged-in connection. Not thread-safe: one per worker."""

    def __init__(self, endpoint: ImapEndpoint, password: Credential) -> None:
        self.endpoint = endpoint
        self.client: imapclient.IMAPClient = connect(endpoint, password)
        self.capabilities = {c.decode().upper() for c in call(endpoint, self.client.capabilities)}
        self.qresync = "QRESYNC" in self.capabilities
        self.condstore = "CONDSTORE" in self.capabilities or self.qresync
        if self.qresync:  # implies CONDSTORE
            self.qresync = b"QRESYNC" in call(endpoint, self.client.enable, "QRESYNC")
        if self.condstore and not self.qresync:
            call(endpoint, self.client.enable, "CONDSTORE")
        self.selected: str | None = None

    def close(self) -> None:
        logout(self.client)

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def list_folders(self) -> list[RemoteFolder]:
        folders = []
        for flags, delim, name in call(self.endpoint, self.client.list_folders):
            d = delim.decode() if isinstance(delim, bytes) else (delim or "")
            folders.append(
                RemoteFolder(
                    name=name,
                    delimiter=d,
                    role=folder_role(name, flags, d),
                    flags=_flags(flags),
                    selectable=b"\\Noselect" not in flags and b"\\NonExistent" not in flags,
                )
            )
        return folders

    def status(self, folder: str) -> FolderStatus:
        """Cheap check without selecting: what changed since the last sync?"""
        items = ["UIDVALIDITY", "UIDNEXT", "MESSAGES"]
        if self.condstore:
            items.append("HIGHESTMODSEQ")
        st = call(self.endpoint, self.client.folder_status, folder, items)
        return FolderStatus(
            uidvalidity=int(st[b"UIDVALIDITY"]),
            uidnext=int(st.get(b"UIDNEXT", 0)),
            exists=int(st.get(b"MESSAGES", 0)),
            highestmodseq=int(st[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in st else None,
        )

    def select(self, folder: str) -> FolderStatus:
        # Read-only: nothing unibox does while syncing can change the mailbox.
        st = call(self.endpoint, self.client.select_folder, folder, readonly=True)
        self.selected = folder
        hms = st.get(b"HIGHESTMODSEQ")
        return FolderStatus(
            uidvalidity=int(st[b"UIDVALIDITY"]),
            uidnext=int(st.get(b"UIDNEXT", 0)),
            exists=int(st.get(b"EXISTS", 0)),
            highestmodseq=int(hms) if hms is not None else None,
        )

    def all_uids(self) -> list[int]:
        return sorted(int(u) for u in call(self.endpoint, self.client.search, ["ALL"]))

    def uids_from(self, first_uid: int) -> list[int]:
        found = call(self.endpoint, self.client.search, ["UID", f"{first_uid}:*"])
        return sorted(int(u) for u in found if int(u) >= first_uid)

    def large_uids(self, min_bytes: int) -> set[int]:
        """UIDs of messages larger than `min_bytes`: one cheap SEARCH, no per-message FETCH."""
        return {int(u) for u in call(self.endpoint, self.client.search, ["LARGER", str(min_bytes)])}

    def fetch_headers(self, uids: Sequence[int]) -> Iterator[list[FetchedMail]]:
        """Header blocks with flags, newest first in chunks, for a quick first view."""
        wanted = sorted(uids, reverse=True)
        parts = ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "BODY.PEEK[HEADER]"]
        if self.condstore:
            parts.append("MODSEQ")
        for start in range(0, len(wanted), HEADER_CHUNK):
            chunk = wanted[start : start + HEADER_CHUNK]
            data = call(self.endpoint, self.client.fetch, sorted(chunk), parts)
            yield self._mails(chunk, data, b"BODY[HEADER]", headers_only=True)

    def fetch_full(
        self, uids: Sequence[int], sizes: dict[int, int] | None = None
    ) -> Iterator[list[FetchedMail]]:
        """Whole messages, newest first, in chunks of bounded byte size."""
        parts = ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "BODY.PEEK[]"]
        if self.condstore:
            parts.append("MODSEQ")
        for chunk in _chunks(sorted(uids, reverse=True), sizes or {}):
            data = call(self.endpoint, self.client.fetch, sorted(chunk), parts)
            yield self._mails(chunk, data, b"BODY[]", headers_only=False)

    def _mails(
        self, chunk: Sequence[int], data: dict[int, Any], key: bytes, *, headers_only: bool
    ) -> list[FetchedMail]:
        mails = []
        for uid in chunk:
            d = data.get(uid)
            if d is None or key not in d:
                continue  # expunged meanwhile; the next sync notices
            raw = d[key]
            mails.append(
                FetchedMail(
                    uid=uid,
                    flags=_flags(d.get(b"FLAGS")),
                    size=int(d.get(b"RFC822.SIZE") or len(raw or b"")),
                    internal_date=_utc(d.get(b"INTERNALDATE")),
                    raw=bytes(raw or b""),
                    headers_only=headers_only,
                    modseq=_modseq(d),
                )
            )
        return mails

    def fetch_flags(
        self, uids: Sequence[int], changed_since: int | None = None
    ) -> list[FlagUpdate]:
        """Current flags of `uids` (or, with CONDSTORE, only those changed since a modseq)."""
        if not uids:
            return []
        parts = ["FLAGS"] + (["MODSEQ"] if self.condstore else [])
        modifiers = [f"CHANGEDSINCE {changed_since}"] if changed_since and self.condstore else None
        updates: list[FlagUpdate] = []
        ordered = sorted(uids)
        for start in range(0, len(ordered), 5000):
            chunk = ordered[start : start + 5000]
            with translated(self.endpoint):
                data = self.client.fetch(chunk, parts, modifiers=modifiers)
            for uid, d in data.items():
                updates.append(FlagUpdate(int(uid), _flags(d.get(b"FLAGS")), _modseq(d)))
        return updates

    def changes_since(self, uids: Sequence[int], modseq: int) -> tuple[list[FlagUpdate], set[int]]:
        """QRESYNC: flag changes and expunged UIDs among `uids` since `modseq`, in one pass."""
        updates: list[FlagUpdate] = []
        vanished: set[int] = set()
        ordered = sorted(uids)
        imap = self.client._imap
        for start in range(0, len(ordered), 5000):
            chunk = ordered[start : start + 5000]
            imap.untagged_responses.pop("VANISHED", None)
            with translated(self.endpoint):
                data = self.client.fetch(
                    chunk, ["FLAGS", "MODSEQ"], modifiers=[f"CHANGEDSINCE {modseq}", "VANISHED"]
                )
            for uid, d in data.items():
                updates.append(FlagUpdate(int(uid), _flags(d.get(b"FLAGS")), _modseq(d)))
            for line in imap.untagged_responses.pop("VANISHED", []):
                vanished |= parse_uid_set(line.decode("ascii", "replace").replace("(EARLIER)", ""))
        return updates, vanished

    # -- push ------------------------------------------------------------------

    def idle_wait(self, seconds: float, wake: HasFileno | None = None) -> bool:
        """IDLE for up to `seconds`; True when the server reported a change.

        `wake` (anything with a fileno(), such as sync.runner.Wake) ends the
        wait early as soon as it becomes readable: "sync now" or quitting.
        """
        with translated(self.endpoint):
            self.client.idle()
            try:
                if wake is None:
                    responses = self.client.idle_check(timeout=seconds)
                else:
                    responses = self._idle_check_or_wake(seconds, wake)
            finally:
                # Changes reported between the last check and DONE count too.
                _text, late = self.client.idle_done()
        return bool(responses or late)

    def _idle_check_or_wake(self, seconds: float, wake: HasFileno) -> list[Any]:
        sock = self.client.socket()
        pending = getattr(sock, "pending", None)  # TLS may hold a decrypted answer already
        if not (pending is not None and pending()):
            readable, _w, _x = select.select([sock, wake], [], [], max(0.0, seconds))
            if sock not in readable:
                return []
        return list(self.client.idle_check(timeout=0))


def parse_uid_set(text: str) -> set[int]:
    """An IMAP sequence set such as "2,5:7" as UIDs (bounded: a hostile answer stays small)."""
    found: set[int] = set()
    for part in text.strip().split(","):
        first, _, last = part.strip().partition(":")
        if not first.isdigit() or (last and not last.isdigit()):
            continue
        low, high = sorted((int(first), int(last or first)))
        found.update(range(low, min(high, low + 1_000_000) + 1))
    return found


def _chunks(uids: list[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    total = 0
    for uid in uids:
        chunk.append(uid)
        total += sizes.get(uid, 16 * 1024)
        if total >= BODY_CHUNK_BYTES or len(chunk) >= BODY_CHUNK_MAX:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk

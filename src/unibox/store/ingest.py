"""Idempotent ingest of fetched mail into the store, one transaction per batch.

Keyed by (folder, UID): syncing the same mail twice, or being killed halfway
and re-run, never duplicates a message. A new location that is a copy of a
stored message by content (header block and size) joins that message (a move,
a copy in Sent, or a UIDVALIDITY reset), so local state survives; a shared
Message-ID alone never makes two messages one (it only threads them).

This is the hot path of a first sync, so it works set-at-a-time: a few
lookups per batch, ids assigned up front (the writer holds the lock), and
one executemany per table.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from unibox.core.items import ChangeSet, IncomingMessage, ParseState
from unibox.store.conversations import Threader
from unibox.store.ingest_content import write_content
from unibox.store.ingest_copies import CopyFinder
from unibox.store.ingest_faults import STORE_ERRORS, raw_only, savepoint
from unibox.store.ingest_values import flag_values, sent_time, snippet_for
from unibox.store.people import (
    RECIPIENT_ROLES,
    HandleRef,
    HandleResolver,
    is_broadcast,
    mass_mailed,
)
from unibox.store.schema import (
    Message,
    MessageLocation,
    Participant,
    insert_rows,
    next_id,
    table,
)

_ROLES = (
    ("from", "from_"),
    ("sender", "sender"),
    ("to", "to"),
    ("cc", "cc"),
    ("bcc", "bcc"),
    ("reply_to", "reply_to"),
)
log = logging.getLogger("unibox.ingest")
_M = table(Message)
_LOC = table(MessageLocation)


@dataclass(frozen=True, slots=True)
class _Known:
    message_id: int
    parse_state: str


class Ingestor:
    """Writes batches of one folder's messages; reuse it across batches of a sync.

    Every (folder, UID) is a message of its own. A new location joins a stored
    message only when it is a copy of it by content (`content_key`: header block
    and size), never because a header such as Message-ID matches, and a message
    has at most one location per folder. A batch that fails to write is written
    again one message at a time; a message that still fails is kept raw-only
    with its error (`raw_only` counts them), so one message never costs a sync.
    """

    def __init__(self, account_id: int, folder_id: int, my_addresses: Iterable[str]) -> None:
        self.account_id = account_id
        self.folder_id = folder_id
        self._my_addresses = list(my_addresses)
        self.handles = HandleResolver(self._my_addresses)
        self.raw_only = 0  # messages kept raw-only because writing them failed
        self.not_stored = 0  # messages not even that could store (the next sync retries)
        self._copies = CopyFinder(account_id, folder_id)

    def ingest(self, session: Session, items: Sequence[IncomingMessage]) -> ChangeSet:
        conn = session.connection()
        try:
            with savepoint(conn):
                return self._ingest(conn, items)
        except STORE_ERRORS:
            raise
        except Exception:
            log.warning(
                "a batch of %d messages could not be written; writing them one by one",
                len(items),
                exc_info=True,
            )
        self._forget()
        changes = ChangeSet(folders={self.folder_id})
        for item in items:
            changes.merge(self._ingest_alone(conn, item))
        return changes

    def _forget(self) -> None:
        """A rolled-back savepoint may have taken rows the handle cache names."""
        self.handles = HandleResolver(self._my_addresses)

    def _ingest_alone(self, conn: Connection, item: IncomingMessage) -> ChangeSet:
        try:
            with savepoint(conn):
                return self._ingest(conn, [item])
        except STORE_ERRORS:
            raise
        except Exception as exc:
            self._forget()
            error: Exception = exc
        try:
            with savepoint(conn):
                changes = self._ingest(conn, [raw_only(item, error)])
        except STORE_ERRORS:
            raise
        except Exception:
            self._forget()
            self.not_stored += 1
            log.error(
                "UID %d of folder %d could not be stored; the next sync tries again",
                item.uid,
                self.folder_id,
                exc_info=True,
            )
            return ChangeSet(folders={self.folder_id})
        self.raw_only += 1
        log.warning(
            "UID %d of folder %d is kept raw-only: %s: %s",
            item.uid,
            self.folder_id,
            type(error).__name__,
            error,
        )
        return changes

    def _ingest(self, conn: Connection, items: Sequence[IncomingMessage]) -> ChangeSet:
        changes = ChangeSet(folders={self.folder_id})
        if not items:
            return changes
        by_uid = self._existing_locations(conn, [it.uid for it in items])
        copies = self._copies.lookup(conn, [it for it in items if it.uid not in by_uid])
        completing: set[int] = set()
        new_items: list[IncomingMessage] = []
        relocated: list[tuple[int, IncomingMessage]] = []
        completed: list[tuple[int, IncomingMessage]] = []
        for item in items:
            known = by_uid.get(item.uid)
            if known is None:
                found = copies.claim(item)
                if found is not None:
                    known = _Known(found.message_id, found.parse_state)
                    relocated.append((known.message_id, item))
                    by_uid[item.uid] = known
                    changes.messages_changed.add(known.message_id)
            if known is None:
                new_items.append(item)
                continue
            if (
                known.parse_state == ParseState.HEADERS
                and item.raw is not None
                and known.message_id not in completing
            ):
                completing.add(known.message_id)
                completed.append((known.message_id, item))
                changes.messages_changed.add(known.message_id)
        if relocated:
            self._relocate(conn, relocated)
        if completed:
            self._complete(conn, completed, changes)
        if new_items:
            self._insert_new(conn, new_items, changes)
        return changes

    # -- lookups ---------------------------------------------------------------

    def _existing_locations(self, conn: Connection, uids: list[int]) -> dict[int, _Known]:
        rows = conn.execute(
            select(_LOC.c.uid, _M.c.id, _M.c.parse_state)
            .join(_M, _M.c.id == _LOC.c.message_id)
            .where(_LOC.c.folder_id == self.folder_id, _LOC.c.uid.in_(uids))
        )
        return {uid: _Known(mid, state) for uid, mid, state in rows}

    # -- writes ----------------------------------------------------------------

    def _location_row(self, message_id: int, item: IncomingMessage) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "folder_id": self.folder_id,
            "uid": item.uid,
            "modseq": item.modseq,
            "flags": " ".join(item.flags),
        }

    def _relocate(self, conn: Connection, found: list[tuple[int, IncomingMessage]]) -> None:
        """Known messages seen at a new place: add the place, revive, take its flags."""
        conn.execute(_LOC.insert(), [self._location_row(mid, it) for mid, it in found])
        conn.execute(
            _M.update()
            .where(_M.c.id == bindparam("mid"))
            .values(
                deleted_at=None,
                is_seen=bindparam("is_seen"),
                is_flagged=bindparam("is_flagged"),
                is_answered=bindparam("is_answered"),
                is_draft=bindparam("is_draft"),
                keywords=bindparam("keywords"),
                content_key=bindparam("content_key"),
            ),
            [
                {"mid": mid, "content_key": it.content_key, **flag_values(it.flags)}
                for mid, it in found
            ],
        )

    def _complete(
        self, conn: Connection, done: list[tuple[int, IncomingMessage]], changes: ChangeSet
    ) -> None:
        """Messages known by their headers now have their bodies."""
        conn.execute(
            _M.update()
            .where(_M.c.id == bindparam("mid"))
            .values(
                subject=bindparam("subject"),
                snippet=bindparam("snippet"),
                has_attachments=bindparam("has_attachments"),
                parse_state=bindparam("parse_state"),
                parse_error=bindparam("parse_error"),
                size=bindparam("size"),
            ),
            [
                {
                    "mid": mid,
                    # The index is built from the view: keep the subject it will read.
                    "subject": it.parsed.subject,
                    "snippet": snippet_for(it),
                    "has_attachments": any(not a.inline for a in it.parsed.attachments),
                    "parse_state": it.parsed.state.value,
                    "parse_error": it.parsed.parse_error,
                    "size": it.size,
                }
                for mid, it in done
            ],
        )
        write_content(conn, self.handles, done, changes)

    def _insert_new(
        self, conn: Connection, items: list[IncomingMessage], changes: ChangeSet
    ) -> None:
        mid_next = next_id(conn, _M)
        self.handles.prefetch(
            conn,
            (a for it in items for _r, attr in _ROLES for a in getattr(it.parsed, attr)),
            quiet=mass_mailed(self.handles, [it.parsed for it in items]),
        )
        to_list: list[HandleRef] = []
        threader = Threader(conn, self.account_id)
        threader.prefetch(it.parsed for it in items)
        messages: list[dict[str, Any]] = []
        locations: list[dict[str, Any]] = []
        participants: list[dict[str, Any]] = []
        completed: list[tuple[int, IncomingMessage]] = []
        for item in items:
            p = item.parsed
            mid = mid_next
            mid_next += 1
            sent_at = sent_time(item)
            sender = self.handles.resolve(p.from_[0]) if p.from_ else None
            broadcast = is_broadcast(
                len(p.to) + len(p.cc) + len(p.bcc), sender is not None and sender.is_me
            )
            messages.append(
                {
                    "id": mid,
                    "account_id": self.account_id,
                    "conversation_id": threader.place(p, sent_at),
                    "message_id_header": p.message_id,
                    "in_reply_to": p.in_reply_to,
                    "subject": p.subject,
                    "sender_handle_id": sender.handle_id if sender else None,
                    "sent_at": sent_at,
                    "received_at": int(item.internal_date.timestamp())
                    if item.internal_date
                    else None,
                    "direction": "out" if sender and sender.is_me else "in",
                    "snippet": snippet_for(item),
                    "size": item.size,
                    "has_attachments": any(not a.inline for a in p.attachments),
                    "parse_state": p.state.value,
                    "parse_error": p.parse_error,
                    "deleted_at": None,
                    "content_key": item.content_key,
                    **flag_values(item.flags),
                }
            )
            locations.append(self._location_row(mid, item))
            for role, attr in _ROLES:
                for pos, addr in enumerate(getattr(p, attr)):
                    ref = self.handles.resolve(addr)
                    if ref is None:
                        continue
                    participants.append(
                        {
                            "message_id": mid,
                            "role": role,
                            "position": pos,
                            "handle_id": ref.handle_id,
                            "name": addr.name,
                        }
                    )
                    if ref.is_me:
                        continue
                    # A recipient of a mass mailing is no contact; anyone else is one.
                    talked = not (broadcast and role in RECIPIENT_ROLES)
                    if talked and not ref.listed:
                        to_list.append(ref)
                    if talked or ref.listed:
                        changes.people.add(ref.person_id)
            if item.raw is not None:
                completed.append((mid, item))
            changes.messages_added.add(mid)
        changes.people |= self.handles.list_people(conn, to_list)
        threader.write_new_conversations()
        for row in messages:
            row["conversation_id"] = threader.final(row["conversation_id"])
        insert_rows(conn, _M, messages)
        insert_rows(conn, _LOC, locations)
        if participants:
            insert_rows(conn, table(Participant), participants)
        threader.finish()
        changes.conversations |= threader.touched
        write_content(conn, self.handles, completed, changes)

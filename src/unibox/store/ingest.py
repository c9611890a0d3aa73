"""Idempotent ingest of fetched mail into the store, one transaction per batch.

Keyed by (folder, UID): syncing the same mail twice, or being killed halfway
and re-run, never duplicates a message. A new location whose Message-ID is
already known in the account joins that message (a move, a copy in Sent, or
a UIDVALIDITY reset), so local state survives.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from unibox.core.items import ChangeSet, IncomingMessage, ParsedMessage, ParseState
from unibox.store.conversations import Threader
from unibox.store.people import HandleResolver
from unibox.store.schema import (
    Attachment,
    Message,
    MessageBody,
    MessageLocation,
    MessageRaw,
    Participant,
)

_ROLES = ("from", "sender", "to", "cc", "bcc", "reply_to")
_FLAG_COLUMNS = {
    "\\Seen": "is_seen",
    "\\Flagged": "is_flagged",
    "\\Answered": "is_answered",
    "\\Draft": "is_draft",
}
SNIPPET_CHARS = 240


def flag_values(flags: Iterable[str]) -> dict[str, object]:
    """Message columns for a set of IMAP flags (system flags and keywords)."""
    flags = list(flags)
    values: dict[str, object] = {col: (flag in flags) for flag, col in _FLAG_COLUMNS.items()}
    values["keywords"] = " ".join(sorted(f for f in flags if not f.startswith("\\")))
    return values


def make_snippet(text: str) -> str:
    lines = (ln.strip() for ln in text.splitlines())
    kept = [ln for ln in lines if ln and not ln.startswith(">")]
    return " ".join(" ".join(kept)[: SNIPPET_CHARS * 2].split())[:SNIPPET_CHARS]


def _sent_at(item: IncomingMessage) -> int:
    received = int(item.internal_date.timestamp()) if item.internal_date else None
    date = int(item.parsed.date.timestamp()) if item.parsed.date else None
    # A Date header far in the future (bad clock, spam) would pin a message on top.
    if date is not None and (received is None or date <= received + 86400):
        return date
    return received if received is not None else int(time.time())


@dataclass(frozen=True, slots=True)
class _Known:
    message_id: int
    parse_state: str


class Ingestor:
    """Writes batches of one folder's messages; reuse it across batches of a sync."""

    def __init__(self, account_id: int, folder_id: int, my_addresses: Iterable[str]) -> None:
        self.account_id = account_id
        self.folder_id = folder_id
        self.handles = HandleResolver(my_addresses)

    def ingest(self, session: Session, items: Sequence[IncomingMessage]) -> ChangeSet:
        changes = ChangeSet(folders={self.folder_id})
        if not items:
            return changes
        by_uid = self._existing_locations(session, [it.uid for it in items])
        by_msgid = self._messages_by_msgid(
            session, [it.parsed.message_id for it in items if it.parsed.message_id]
        )
        new_items: list[IncomingMessage] = []
        for item in items:
            known = by_uid.get(item.uid)
            if known is None and item.parsed.message_id in by_msgid:
                known = by_msgid[item.parsed.message_id]
                self._add_location(session, known.message_id, item)
                session.execute(
                    update(Message)
                    .where(Message.id == known.message_id)
                    .values(deleted_at=None, **flag_values(item.flags))
                )
                changes.messages_changed.add(known.message_id)
            if known is not None:
                if known.parse_state == ParseState.HEADERS and item.raw is not None:
                    self._complete(session, known.message_id, item)
                    changes.messages_changed.add(known.message_id)
                    by_uid[item.uid] = _Known(known.message_id, item.parsed.state)
                continue
            new_items.append(item)
        if new_items:
            self._insert_new(session, new_items, by_msgid, changes)
        return changes

    # -- lookups ---------------------------------------------------------------

    def _existing_locations(self, session: Session, uids: list[int]) -> dict[int, _Known]:
        rows = session.execute(
            select(MessageLocation.uid, Message.id, Message.parse_state)
            .join(Message, Message.id == MessageLocation.message_id)
            .where(MessageLocation.folder_id == self.folder_id, MessageLocation.uid.in_(uids))
        )
        return {uid: _Known(mid, state) for uid, mid, state in rows}

    def _messages_by_msgid(self, session: Session, msgids: list[str]) -> dict[str, _Known]:
        if not msgids:
            return {}
        rows = session.execute(
            select(Message.message_id_header, Message.id, Message.parse_state).where(
                Message.account_id == self.account_id,
                Message.message_id_header.in_(set(msgids)),
            )
        )
        return {msgid: _Known(mid, state) for msgid, mid, state in rows}

    # -- writes ----------------------------------------------------------------

    def _add_location(self, session: Session, message_id: int, item: IncomingMessage) -> None:
        session.execute(
            insert(MessageLocation).values(
                message_id=message_id,
                folder_id=self.folder_id,
                uid=item.uid,
                modseq=item.modseq,
                flags=" ".join(item.flags),
            )
        )

    def _insert_new(
        self,
        session: Session,
        items: list[IncomingMessage],
        by_msgid: dict[str, _Known],
        changes: ChangeSet,
    ) -> None:
        next_id = (session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1)) or 0) + 1
        # Duplicates inside the batch (same Message-ID twice in a folder) share one row.
        first_of: dict[str, int] = {}
        addresses = [a for it in items for role in _ROLES for a in getattr(it.parsed, _attr(role))]
        self.handles.prefetch(session, addresses)
        threader = Threader(session, self.account_id)
        messages: list[dict[str, Any]] = []
        locations: list[dict[str, Any]] = []
        participants: list[dict[str, Any]] = []
        completed: list[tuple[int, IncomingMessage]] = []
        for item in items:
            p = item.parsed
            if p.message_id and p.message_id in first_of:
                mid = first_of[p.message_id]
                locations.append(self._location_row(mid, item))
                continue
            mid = next_id
            next_id += 1
            if p.message_id:
                first_of[p.message_id] = mid
                by_msgid[p.message_id] = _Known(mid, p.state)
            sent_at = _sent_at(item)
            sender = self.handles.resolve(session, p.from_[0]) if p.from_ else None
            conversation_id = threader.place(p, sent_at)
            messages.append(
                {
                    "id": mid,
                    "account_id": self.account_id,
                    "conversation_id": conversation_id,
                    "message_id_header": p.message_id,
                    "in_reply_to": p.in_reply_to,
                    "subject": p.subject,
                    "sender_handle_id": sender.handle_id if sender else None,
                    "sent_at": sent_at,
                    "received_at": int(item.internal_date.timestamp())
                    if item.internal_date
                    else None,
                    "direction": "out" if sender and sender.is_me else "in",
                    "snippet": make_snippet(p.text),
                    "size": item.size,
                    "has_attachments": any(not a.inline for a in p.attachments),
                    "parse_state": p.state.value,
                    "parse_error": p.parse_error,
                    "deleted_at": None,
                    **flag_values(item.flags),
                }
            )
            locations.append(self._location_row(mid, item))
            for role in _ROLES:
                for pos, addr in enumerate(getattr(p, _attr(role))):
                    ref = self.handles.resolve(session, addr)
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
                    changes.people.add(ref.person_id)
            if item.raw is not None:
                completed.append((mid, item))
            changes.messages_added.add(mid)
            changes.conversations.add(conversation_id)
        for row in messages:
            row["conversation_id"] = threader.final(row["conversation_id"])
        changes.conversations = {threader.final(c) for c in changes.conversations}
        session.execute(insert(Message), messages)
        session.execute(insert(MessageLocation), locations)
        if participants:
            session.execute(insert(Participant), participants)
        threader.finish()
        changes.conversations |= threader.touched
        self._write_content(session, completed)

    def _location_row(self, message_id: int, item: IncomingMessage) -> dict[str, object]:
        return {
            "message_id": message_id,
            "folder_id": self.folder_id,
            "uid": item.uid,
            "modseq": item.modseq,
            "flags": " ".join(item.flags),
        }

    def _complete(self, session: Session, message_id: int, item: IncomingMessage) -> None:
        """A message known by its headers now has its body."""
        p = item.parsed
        session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(
                snippet=make_snippet(p.text),
                has_attachments=any(not a.inline for a in p.attachments),
                parse_state=p.state.value,
                parse_error=p.parse_error,
                size=item.size,
            )
        )
        self._write_content(session, [(message_id, item)])

    def _write_content(self, session: Session, done: list[tuple[int, IncomingMessage]]) -> None:
        """Body, raw source, attachments and the full-text entry, all or nothing."""
        if not done:
            return
        bodies, raws, attachments, fts = [], [], [], []
        for mid, item in done:
            p = item.parsed
            names, addrs = _search_people(p)
            bodies.append(
                {
                    "message_id": mid,
                    "text": p.text,
                    "html": p.html,
                    "names": names,
                    "addresses": addrs,
                }
            )
            assert item.raw is not None
            raws.append({"message_id": mid, "codec": "zlib", "data": zlib.compress(item.raw, 1)})
            for pos, a in enumerate(p.attachments):
                attachments.append(
                    {
                        "message_id": mid,
                        "position": pos,
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "size": a.size,
                        "content_id": a.content_id,
                        "inline": a.inline,
                    }
                )
            fts.append((mid, p.subject, p.text, names, addrs))
        session.execute(insert(MessageBody), bodies)
        session.execute(insert(MessageRaw), raws)
        if attachments:
            session.execute(insert(Attachment), attachments)
        session.connection().exec_driver_sql(
            "INSERT INTO message_fts(rowid, subject, body, names, addresses) VALUES (?,?,?,?,?)",
            fts,
        )


def _attr(role: str) -> str:
    return "from_" if role == "from" else role


def _search_people(p: ParsedMessage) -> tuple[str, str]:
    everyone = [*p.from_, *p.to, *p.cc, *p.bcc, *p.reply_to]
    names = " ".join(dict.fromkeys(a.name for a in everyone if a.name))
    addrs = " ".join(dict.fromkeys(a.email for a in everyone if a.email))
    return names, addrs

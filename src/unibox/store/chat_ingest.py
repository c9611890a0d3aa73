"""Ingest of chat messages: the same message, conversation and handle tables as mail.

Keyed by (account, remote_id): the same item twice, or a backfill killed
halfway and run again, is stored once. The server's echo of a message the
user sent from unibox (the same origin id as its outbox row) becomes that
message. Set-at-a-time like store/ingest.py: a few lookups per batch, ids
assigned up front (the writer holds the lock), one executemany per table.

A chat message has no folder: it is in the inbox until the user marks it
done. `received_at` is when unibox got it live; NULL for history (backfill,
import), which never makes a notification.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from unibox.core.identity import normalize_handle
from unibox.core.items import ChangeSet, ChatAddress, ChatMessage
from unibox.core.snippets import make_snippet
from unibox.store.chat_handles import OCCUPANT, ChatHandleResolver
from unibox.store.chat_identity import known_remote_ids, remote_key, take_echoes
from unibox.store.chat_media import insert_media
from unibox.store.schema import (
    Account,
    Conversation,
    Message,
    MessageBody,
    Participant,
    insert_rows,
    next_id,
    table,
)

_M = table(Message)
_C = table(Conversation)
_CHUNK = 500
Key = tuple[str, str]


def conversation_ref(kind: str, raw: str) -> str:
    """How the store names a chat: the normalized address of the peer or the room."""
    return normalize_handle(kind, raw) or raw.strip()


@dataclass(slots=True)
class _New:
    item: ChatMessage
    remote_id: str | None
    ref: str
    kind: str


class ChatIngestor:
    """Writes batches of one chat account's messages; reuse it across batches of a sync."""

    def __init__(self, account_id: int, my_addresses: Iterable[str]) -> None:
        self.account_id = account_id
        self._my_raw = [a for a in my_addresses if a]
        self._my_kinds: set[str] = set()
        self.handles = ChatHandleResolver(())
        self._added_at: int | None = None
        self._conversations: dict[str, int] = {}  # remote ref -> conversation id

    # -- the API ---------------------------------------------------------------

    def add_mine(self, addresses: Iterable[str]) -> None:
        """More of the user's own addresses (an import's owner), as raw values."""
        self._my_raw.extend(a for a in addresses if a)
        self._my_kinds.clear()  # their handles of every kind are added again

    def ingest(self, session: Session, items: Sequence[ChatMessage]) -> ChangeSet:
        changes = ChangeSet()
        if not items:
            return changes
        conn = session.connection()
        by_remote: dict[str, ChatMessage] = {}
        for it in items:
            by_remote.setdefault(remote_key(it), it)
        known = known_remote_ids(conn, self.account_id, list(by_remote))
        fresh = {rid: it for rid, it in by_remote.items() if rid not in known}
        fresh = take_echoes(conn, self.account_id, fresh, changes)
        news = [
            _New(it, rid, conversation_ref(_kind(it), it.conversation), _kind(it))
            for rid, it in fresh.items()
        ]
        if news:
            self._insert(conn, news, changes)
        return changes

    def insert_local(self, session: Session, item: ChatMessage) -> tuple[int, int]:
        """The user's own message, stored before it is sent (no remote id yet).

        Returns (message id, conversation id).
        """
        conn = session.connection()
        changes = ChangeSet()
        new = _New(item, None, conversation_ref(_kind(item), item.conversation), _kind(item))
        self._insert(conn, [new], changes)
        (mid,) = changes.messages_added
        return mid, self._conversations[new.ref]

    # -- lookups ---------------------------------------------------------------

    def _account_added_at(self, conn: Connection) -> int:
        if self._added_at is None:
            added = conn.execute(
                select(Account.created_at).where(Account.id == self.account_id)
            ).scalar()
            self._added_at = int(added or 0)
        return self._added_at

    def _my_key(self, kind: str) -> Key | None:
        for raw in self._my_raw:
            value = normalize_handle(kind, raw)
            if value:
                return kind, value
        return None

    def _prepare_handles(self, conn: Connection, news: list[_New]) -> None:
        kinds = {n.kind for n in news} - self._my_kinds
        if kinds:
            self._my_kinds |= kinds
            self.handles.add_mine(
                (k, normalize_handle(k, raw)) for k in kinds for raw in self._my_raw
            )
        wanted: list[tuple[Key, str]] = []
        for n in news:
            wanted.append((self._sender_key(n), n.item.sender.name))
            wanted.extend((_key(a), a.name) for a in n.item.participants)
            if not n.item.is_group and not n.item.participants:
                # The peer, when the item does not name it (of its own kind, maybe not
                # the sender's: the user on WhatsApp writing to a phone number).
                wanted.append(((n.kind, n.ref), _peer_name(n.item)))
        self.handles.prefetch(conn, wanted)

    def _sender_key(self, n: _New) -> Key:
        key = _key(n.item.sender)
        if n.item.is_group and key[1] == n.ref:
            # Only their nickname in the room is known: never make the room a person.
            return OCCUPANT, n.item.sender.value.strip()
        return key

    def _prepare_conversations(
        self, conn: Connection, news: list[_New], changes: ChangeSet
    ) -> None:
        refs = list({n.ref for n in news} - set(self._conversations))
        named: dict[str, str] = {}
        for start in range(0, len(refs), _CHUNK):
            rows = conn.execute(
                select(_C.c.remote_ref, _C.c.id, _C.c.subject).where(
                    _C.c.account_id == self.account_id,
                    _C.c.remote_ref.in_(refs[start : start + _CHUNK]),
                )
            )
            for ref, cid, subject in rows:
                self._conversations[ref] = cid
                if subject == ref:
                    named[ref] = ""
        created: list[dict[str, Any]] = []
        cid_next: int | None = None
        for n in news:
            title = n.item.conversation_name or ("" if n.item.is_group else _peer_name(n.item))
            if n.ref in named and title and not named[n.ref]:
                named[n.ref] = title
            if n.ref in self._conversations:
                continue
            if cid_next is None:
                cid_next = next_id(conn, _C)
            self._conversations[n.ref] = cid_next
            created.append(
                {
                    "id": cid_next,
                    "account_id": self.account_id,
                    "kind": "group" if n.item.is_group else "chat",
                    "subject": title or n.ref,
                    "subject_key": "",
                    "last_message_at": 0,
                    "message_count": 0,
                    "remote_ref": n.ref,
                }
            )
            cid_next += 1
        if created:
            insert_rows(conn, _C, created)
        renamed = [(self._conversations[r], t) for r, t in named.items() if t]
        if renamed:  # a chat first seen unnamed now has its roster or room name
            conn.execute(
                _C.update().where(_C.c.id == bindparam("cid")).values(subject=bindparam("s")),
                [{"cid": cid, "s": title} for cid, title in renamed],
            )
            changes.conversations |= {cid for cid, _title in renamed}

    # -- writes ----------------------------------------------------------------

    def _insert(self, conn: Connection, news: list[_New], changes: ChangeSet) -> None:
        self._prepare_handles(conn, news)
        self._prepare_conversations(conn, news, changes)
        added_at = self._account_added_at(conn)
        now = int(time.time())
        mid = next_id(conn, _M)
        messages: list[dict[str, Any]] = []
        participants: list[dict[str, Any]] = []
        bodies: list[dict[str, Any]] = []
        fts: list[tuple[Any, ...]] = []
        media: list[tuple[int, ChatMessage]] = []
        for n in news:
            it = n.item
            sender_key = self._sender_key(n)
            sender = self.handles.resolve(sender_key)
            outgoing = it.direction == "out" or self.handles.is_mine(sender_key)
            sent_at = int(it.sent_at.timestamp())
            cid = self._conversations[n.ref]
            messages.append(
                {
                    "id": mid,
                    "account_id": self.account_id,
                    "conversation_id": cid,
                    "message_id_header": "",
                    "in_reply_to": it.reply_to,
                    "subject": "",
                    "sender_handle_id": sender.handle_id if sender else None,
                    "sent_at": sent_at,
                    "received_at": None if it.is_history else now,
                    "direction": "out" if outgoing else "in",
                    "snippet": make_snippet(it.text),
                    "size": len(it.text.encode()),
                    "has_attachments": bool(it.attachments),
                    "parse_state": "complete",
                    "parse_error": "",
                    "is_seen": outgoing or (it.is_history and sent_at < added_at),
                    "is_flagged": False,
                    "is_answered": False,
                    "is_draft": False,
                    "keywords": "",
                    "deleted_at": None,
                    "channel": it.channel,
                    "via": it.via,
                    "remote_id": n.remote_id,
                }
            )
            people = self._participants(n, sender_key, outgoing)
            names, addresses = [], []
            for role, pos, key, name in people:
                ref = self.handles.resolve(key)
                if ref is None:
                    continue
                participants.append(
                    {
                        "message_id": mid,
                        "role": role,
                        "position": pos,
                        "handle_id": ref.handle_id,
                        "name": name,
                    }
                )
                if not ref.is_me:
                    changes.people.add(ref.person_id)
                if name:
                    names.append(name)
                if key[0] != OCCUPANT:
                    addresses.append(key[1])
            names_text = " ".join(dict.fromkeys(names))
            addresses_text = " ".join(dict.fromkeys(addresses))
            bodies.append(
                {
                    "message_id": mid,
                    "text": it.text,
                    "html": "",
                    "names": names_text,
                    "addresses": addresses_text,
                }
            )
            fts.append((mid, "", it.text, names_text, addresses_text))
            if it.attachments:
                media.append((mid, it))
            changes.messages_added.add(mid)
            changes.conversations.add(cid)
            mid += 1
        insert_rows(conn, _M, messages)
        if participants:
            insert_rows(conn, table(Participant), participants)
        insert_rows(conn, table(MessageBody), bodies)
        conn.exec_driver_sql(
            "INSERT INTO message_fts(rowid, subject, body, names, addresses) VALUES (?,?,?,?,?)",
            fts,
        )
        insert_media(conn, media)
        refresh_chats(conn, {self._conversations[n.ref] for n in news})

    def _participants(
        self, n: _New, sender_key: Key, outgoing: bool
    ) -> list[tuple[str, int, Key, str]]:
        """(role, position, handle key, name as written): the sender, then who it went to."""
        it = n.item
        found: list[tuple[str, int, Key, str]] = [("from", 0, sender_key, it.sender.name)]
        to = [(_key(a), a.name) for a in it.participants]
        if not to and not it.is_group:
            if outgoing:
                to = [((n.kind, n.ref), _peer_name(it))]
            elif (me := self._my_key(n.kind)) is not None:
                to = [(me, "")]
        seen = {sender_key}
        for key, name in to:
            if key[1] and key not in seen:
                seen.add(key)
                found.append(("to", len(found) - 1, key, name))
        return found


def _kind(item: ChatMessage) -> str:
    return item.sender.kind or item.channel


def _key(address: ChatAddress) -> Key:
    return address.kind, normalize_handle(address.kind, address.value)


def _peer_name(item: ChatMessage) -> str:
    """The other side's name in a one-to-one chat, as far as this item tells."""
    if item.conversation_name:
        return item.conversation_name
    if item.direction != "out":
        return item.sender.name
    return ""


def refresh_chats(conn: Connection, ids: set[int]) -> None:
    """Recompute message count and last date of chat conversations (their names stay)."""
    if not ids:
        return
    live = (_M.c.conversation_id == _C.c.id) & _M.c.deleted_at.is_(None)
    conn.execute(
        _C.update()
        .where(_C.c.id.in_(list(ids)))
        .values(
            message_count=select(func.count(_M.c.id)).where(live).scalar_subquery(),
            last_message_at=select(func.coalesce(func.max(_M.c.sent_at), 0))
            .where(live)
            .scalar_subquery(),
        )
    )

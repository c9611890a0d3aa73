"""Which fetched chat items are already stored, and which are our own sends coming back.

Keyed by (account, remote_id); an item without a remote id gets one from its
origin id or its content. The server's echo of a message the user sent from
unibox (the same origin id as its outbox row) completes that message.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from sqlalchemy import Connection, bindparam, select

from unibox.core.items import ChangeSet, ChatMessage
from unibox.store.schema import Message, table
from unibox.store.schema_chat import ChatOutbox

_M = table(Message)
_O = table(ChatOutbox)
_CHUNK = 500


def remote_key(item: ChatMessage) -> str:
    """The item's remote id; a content hash for the rare channel that gives none."""
    if item.remote_id:
        return item.remote_id
    if item.origin_id:
        return f"origin:{item.origin_id}"
    seed = "\0".join(
        (item.conversation, item.sender.value, item.sent_at.isoformat(), item.text)
    ).encode()
    return "sha256:" + hashlib.sha256(seed).hexdigest()


def known_remote_ids(conn: Connection, account_id: int, remote_ids: list[str]) -> set[str]:
    """The remote ids among these that the account already has."""
    found: set[str] = set()
    for start in range(0, len(remote_ids), _CHUNK):
        found.update(
            conn.execute(
                select(_M.c.remote_id).where(
                    _M.c.account_id == account_id,
                    _M.c.remote_id.in_(remote_ids[start : start + _CHUNK]),
                )
            ).scalars()
        )
    return found


def take_echoes(
    conn: Connection, account_id: int, fresh: dict[str, ChatMessage], changes: ChangeSet
) -> dict[str, ChatMessage]:
    """Items that are our own outbox messages coming back: they complete those."""
    origins = list({it.origin_id for it in fresh.values() if it.origin_id})
    if not origins:
        return fresh
    outbox: dict[str, tuple[int, int | None, str]] = {}
    for start in range(0, len(origins), _CHUNK):
        rows = conn.execute(
            select(_O.c.origin_id, _O.c.id, _O.c.message_id, _O.c.state).where(
                _O.c.account_id == account_id,
                _O.c.origin_id.in_(origins[start : start + _CHUNK]),
            )
        )
        outbox.update({origin: (oid, mid, state) for origin, oid, mid, state in rows})
    if not outbox:
        return fresh
    mids = [mid for _oid, mid, _s in outbox.values() if mid is not None]
    unnamed = set(
        conn.execute(select(_M.c.id).where(_M.c.id.in_(mids), _M.c.remote_id.is_(None))).scalars()
    )
    named: list[dict[str, Any]] = []
    delivered: list[int] = []
    kept: dict[str, ChatMessage] = {}
    for rid, it in fresh.items():
        found = outbox.get(it.origin_id) if it.origin_id else None
        if found is None or found[1] is None:
            kept[rid] = it
            continue
        oid, mid, state = found
        assert mid is not None
        if mid in unnamed:
            unnamed.discard(mid)
            named.append({"mid": mid, "rid": rid, "at": int(it.sent_at.timestamp())})
        # Only a queued one: our own server archives what we sent even when the
        # recipient's end refused it, so that copy never undoes a recorded failure.
        if state == "queued":
            delivered.append(oid)
            outbox[it.origin_id] = (oid, mid, "sent")
        changes.messages_changed.add(mid)
    if named:
        conn.execute(
            _M.update()
            .where(_M.c.id == bindparam("mid"))
            .values(remote_id=bindparam("rid"), sent_at=bindparam("at")),
            named,
        )
    if delivered:  # the server has it: whatever the send said, it went
        conn.execute(
            _O.update()
            .where(_O.c.id.in_(delivered))
            .values(state="sent", last_error="", sent_at=int(time.time()))
        )
    return kept

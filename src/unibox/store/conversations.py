"""Placing messages into conversations: References first, then the subject.

Every Message-ID a thread mentions is recorded in thread_ref, so a parent
that arrives after its replies (newest-first sync) still joins them, and two
threads that turn out to be one are merged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from unibox.core.items import ParsedMessage
from unibox.core.threads import SUBJECT_WINDOW_SECONDS, is_reply_subject, subject_key
from unibox.store.schema import Conversation, Message, ThreadRef, table

_C = table(Conversation)
_M = table(Message)
_T = table(ThreadRef)


class Threader:
    """Assigns conversation ids for one batch inside one write transaction.

    Call `place` per message, then `write_new_conversations` before the
    messages are inserted, and `finish` after.
    """

    def __init__(self, conn: Connection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id
        self.touched: set[int] = set()
        self._refs: dict[str, int] = {}
        self._absent: set[str] = set()  # looked up, not in the store
        self._new_refs: dict[str, int] = {}
        self._merged: dict[int, int] = {}
        self._pending: dict[int, dict[str, Any]] = {}  # new conversations, not yet written
        # subject key -> [(conversation id, last message date)], from the store and this batch
        self._subjects: dict[str, list[tuple[int, int]]] = {}
        self._next_id: int | None = None

    def final(self, conversation_id: int) -> int:
        """Where a conversation id placed earlier in the batch ended up after merges."""
        while conversation_id in self._merged:
            conversation_id = self._merged[conversation_id]
        return conversation_id

    def place(self, p: ParsedMessage, sent_at: int) -> int:
        keys = [k for k in (p.message_id, *p.references, p.in_reply_to) if k]
        found = {self.final(c) for c in self._lookup(keys)}
        if found:
            target = min(found)
            for other in found - {target}:
                self._merge(other, target)
        else:
            target = self._by_subject(p, sent_at) or self._create(p, sent_at)
        for key in keys:
            if self._refs.get(key) != target:
                self._refs[key] = target
                self._new_refs[key] = target
        self.touched.add(target)
        return target

    def write_new_conversations(self) -> None:
        if self._pending:
            self.conn.execute(_C.insert(), list(self._pending.values()))
            self._pending.clear()

    def finish(self) -> None:
        """Write new references and refresh the touched conversations' summaries."""
        if self._new_refs:
            existing = set(
                self.conn.execute(
                    select(_T.c.message_id_header).where(
                        _T.c.account_id == self.account_id,
                        _T.c.message_id_header.in_(list(self._new_refs)),
                    )
                ).scalars()
            )
            fresh = [
                {"account_id": self.account_id, "message_id_header": k, "conversation_id": c}
                for k, c in self._new_refs.items()
                if k not in existing
            ]
            if fresh:
                self.conn.execute(_T.insert(), fresh)
            moved = [{"k": k, "c": self._new_refs[k]} for k in existing]
            if moved:
                self.conn.execute(
                    _T.update()
                    .where(
                        _T.c.account_id == self.account_id,
                        _T.c.message_id_header == bindparam("k"),
                    )
                    .values(conversation_id=bindparam("c")),
                    moved,
                )
            self._new_refs.clear()
        self.touched = {self.final(c) for c in self.touched}
        if self.touched:
            refresh_conversations(self.conn, self.touched)

    def prefetch(self, messages: Iterable[ParsedMessage]) -> None:
        """Look up a batch's references and reply subjects in a few queries, not one per message."""
        batch = list(messages)
        self._lookup([k for p in batch for k in (p.message_id, *p.references, p.in_reply_to)])
        keys = list({subject_key(p.subject) for p in batch if _may_join_by_subject(p)} - {""})
        for start in range(0, len(keys), 500):
            rows = self.conn.execute(
                select(_C.c.subject_key, _C.c.id, _C.c.last_message_at).where(
                    _C.c.account_id == self.account_id,
                    _C.c.subject_key.in_(keys[start : start + 500]),
                )
            )
            for key, cid, last in rows:
                self._subjects.setdefault(key, []).append((cid, last))

    def _lookup(self, keys: list[str]) -> set[int]:
        missing = list({k for k in keys if k and k not in self._refs and k not in self._absent})
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            rows = self.conn.execute(
                select(_T.c.message_id_header, _T.c.conversation_id).where(
                    _T.c.account_id == self.account_id, _T.c.message_id_header.in_(chunk)
                )
            )
            self._refs.update({key: conv for key, conv in rows})
            self._absent.update(k for k in chunk if k not in self._refs)
        return {self._refs[k] for k in keys if k in self._refs}

    def _by_subject(self, p: ParsedMessage, sent_at: int) -> int | None:
        # Only a reply (by its subject or headers) may join a thread by subject;
        # monthly "Invoice" mails must stay apart.
        if not _may_join_by_subject(p):
            return None
        candidates = self._subjects.get(subject_key(p.subject), [])
        near = [(abs(last - sent_at), cid) for cid, last in candidates]
        near = [(gap, cid) for gap, cid in near if gap <= SUBJECT_WINDOW_SECONDS]
        return self.final(min(near)[1]) if near else None

    def _create(self, p: ParsedMessage, sent_at: int) -> int:
        if self._next_id is None:
            last = self.conn.execute(select(_C.c.id).order_by(_C.c.id.desc()).limit(1)).scalar()
            self._next_id = (last or 0) + 1
        cid = self._next_id
        self._next_id += 1
        key = subject_key(p.subject)
        self._pending[cid] = {
            "id": cid,
            "account_id": self.account_id,
            "kind": "mail",
            "subject": p.subject,
            "subject_key": key,
            "last_message_at": sent_at,
            "message_count": 0,
        }
        if key:
            self._subjects.setdefault(key, []).append((cid, sent_at))
        return cid

    def _merge(self, source: int, target: int) -> None:
        if source in self._pending:
            del self._pending[source]
        else:
            self.conn.execute(
                _M.update().where(_M.c.conversation_id == source).values(conversation_id=target)
            )
            self.conn.execute(
                _T.update().where(_T.c.conversation_id == source).values(conversation_id=target)
            )
            self.conn.execute(_C.delete().where(_C.c.id == source))
        for k, c in self._refs.items():
            if c == source:
                self._refs[k] = target
                self._new_refs[k] = target
        self.touched.discard(source)
        self._merged[source] = target


def _may_join_by_subject(p: ParsedMessage) -> bool:
    return bool(p.in_reply_to or p.references or is_reply_subject(p.subject))


def refresh_conversations(conn: Connection | Session, ids: set[int]) -> None:
    """Recompute message count, last date and subject of the given conversations."""
    live = (_M.c.conversation_id == _C.c.id) & _M.c.deleted_at.is_(None)
    conn.execute(
        _C.update()
        .where(_C.c.id.in_(list(ids)))
        .values(
            message_count=select(func.count(_M.c.id)).where(live).scalar_subquery(),
            last_message_at=select(func.coalesce(func.max(_M.c.sent_at), 0))
            .where(live)
            .scalar_subquery(),
            subject=func.coalesce(
                select(_M.c.subject).where(live).order_by(_M.c.sent_at).limit(1).scalar_subquery(),
                _C.c.subject,
            ),
        )
    )

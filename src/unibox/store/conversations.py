"""Placing messages into conversations: References first, then the subject.

Every Message-ID a thread mentions is recorded in thread_ref, so a parent
that arrives after its replies (newest-first sync) still joins them, and two
threads that turn out to be one are merged.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from unibox.core.items import ParsedMessage
from unibox.core.threads import SUBJECT_WINDOW_SECONDS, is_reply_subject, subject_key
from unibox.store.schema import Conversation, Message, ThreadRef


class Threader:
    """Assigns conversation ids within one write transaction."""

    def __init__(self, session: Session, account_id: int) -> None:
        self.session = session
        self.account_id = account_id
        self.touched: set[int] = set()
        self._refs: dict[str, int] = {}
        self._new_refs: dict[str, int] = {}
        self._merged: dict[int, int] = {}

    def final(self, conversation_id: int) -> int:
        """Where a conversation id placed earlier in the batch ended up after merges."""
        while conversation_id in self._merged:
            conversation_id = self._merged[conversation_id]
        return conversation_id

    def place(self, p: ParsedMessage, sent_at: int) -> int:
        keys = [k for k in (p.message_id, *p.references, p.in_reply_to) if k]
        found = self._lookup(keys)
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

    def finish(self) -> None:
        """Write new references and refresh the touched conversations' summaries."""
        if self._new_refs:
            existing = set(
                self.session.scalars(
                    select(ThreadRef.message_id_header).where(
                        ThreadRef.account_id == self.account_id,
                        ThreadRef.message_id_header.in_(list(self._new_refs)),
                    )
                )
            )
            rows = [
                {"account_id": self.account_id, "message_id_header": k, "conversation_id": c}
                for k, c in self._new_refs.items()
                if k not in existing
            ]
            if rows:
                self.session.execute(insert(ThreadRef), rows)
            for k in existing:
                self.session.execute(
                    update(ThreadRef)
                    .where(
                        ThreadRef.account_id == self.account_id, ThreadRef.message_id_header == k
                    )
                    .values(conversation_id=self._new_refs[k])
                )
            self._new_refs.clear()
        if self.touched:
            refresh_conversations(self.session, self.touched)

    def _lookup(self, keys: list[str]) -> set[int]:
        missing = [k for k in keys if k not in self._refs]
        if missing:
            rows = self.session.execute(
                select(ThreadRef.message_id_header, ThreadRef.conversation_id).where(
                    ThreadRef.account_id == self.account_id,
                    ThreadRef.message_id_header.in_(missing),
                )
            )
            self._refs.update({key: conv for key, conv in rows})
        return {self._refs[k] for k in keys if k in self._refs}

    def _by_subject(self, p: ParsedMessage, sent_at: int) -> int | None:
        # Only a reply (by its subject or headers) may join a thread by subject;
        # monthly "Invoice" mails must stay apart.
        if not (is_reply_subject(p.subject) or p.in_reply_to or p.references):
            return None
        key = subject_key(p.subject)
        if not key:
            return None
        return self.session.scalar(
            select(Conversation.id)
            .where(
                Conversation.account_id == self.account_id,
                Conversation.subject_key == key,
                Conversation.last_message_at >= sent_at - SUBJECT_WINDOW_SECONDS,
                Conversation.last_message_at <= sent_at + SUBJECT_WINDOW_SECONDS,
            )
            .order_by(Conversation.last_message_at.desc())
            .limit(1)
        )

    def _create(self, p: ParsedMessage, sent_at: int) -> int:
        return self.session.execute(
            insert(Conversation)
            .values(
                account_id=self.account_id,
                kind="mail",
                subject=p.subject,
                subject_key=subject_key(p.subject),
                last_message_at=sent_at,
                message_count=0,
            )
            .returning(Conversation.id)
        ).scalar_one()

    def _merge(self, source: int, target: int) -> None:
        s = self.session
        s.execute(
            update(Message).where(Message.conversation_id == source).values(conversation_id=target)
        )
        s.execute(
            update(ThreadRef)
            .where(ThreadRef.conversation_id == source)
            .values(conversation_id=target)
        )
        for k, c in self._refs.items():
            if c == source:
                self._refs[k] = target
                self._new_refs[k] = target
        self.touched.discard(source)
        self._merged[source] = target
        s.execute(delete(Conversation).where(Conversation.id == source))


def refresh_conversations(session: Session, ids: set[int]) -> None:
    """Recompute message count, last date and subject of the given conversations."""
    live = (Message.conversation_id == Conversation.id) & Message.deleted_at.is_(None)
    session.execute(
        update(Conversation)
        .where(Conversation.id.in_(list(ids)))
        .values(
            message_count=select(func.count(Message.id)).where(live).scalar_subquery(),
            last_message_at=select(func.coalesce(func.max(Message.sent_at), 0))
            .where(live)
            .scalar_subquery(),
            subject=func.coalesce(
                select(Message.subject)
                .where(live)
                .order_by(Message.sent_at)
                .limit(1)
                .scalar_subquery(),
                Conversation.subject,
            ),
        )
    )

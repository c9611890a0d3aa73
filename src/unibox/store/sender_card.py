"""The person panel's card for a sender: who, handles, pending items, recent conversations."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unibox.core.identity import EMAIL, normalize_email
from unibox.store.events import Meeting, upcoming_meetings
from unibox.store.person_pending import PendingItem, pending_items
from unibox.store.schema import Conversation, Handle, Message, Participant, Person


def _utc(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


@dataclass(frozen=True, slots=True)
class ConversationEntry:
    """One conversation in a person's history."""

    id: int
    subject: str
    last: datetime
    messages: int  # with this person in it
    newest_message_id: int
    kind: str = "mail"  # mail, chat (one-to-one) or group


@dataclass(frozen=True, slots=True)
class PersonCard:
    """What the person panel shows about the human behind an address."""

    id: int
    name: str
    is_me: bool
    handles: tuple[tuple[str, str], ...]  # (kind, value), the asked-for one first
    messages: int  # messages they took part in
    first: datetime | None
    last: datetime | None
    conversations: tuple[ConversationEntry, ...]  # most recent first
    pending: tuple[PendingItem, ...] = ()  # open tasks, then follow-ups
    upcoming: tuple[Meeting, ...] = ()  # the next meetings they organize or attend


def person_card(session: Session, email: str, recent: int = 8) -> PersonCard | None:
    """The person owning this address (e-mail, else a chat address such as a JID), their
    handles and recent conversations, chats among them."""
    value = normalize_email(email)
    owner = select(Person.id, Person.display_name, Person.is_me).join(
        Handle, Handle.person_id == Person.id
    )
    found = session.execute(owner.where(Handle.kind == EMAIL, Handle.value == value)).first()
    if found is None and "@" in email:
        value = email.strip().lower()
        found = session.execute(owner.where(Handle.value == value).limit(1)).first()
    if found is None:
        return None
    person_id, name, is_me = found
    handles = session.execute(
        select(Handle.id, Handle.kind, Handle.value)
        .where(Handle.person_id == person_id)
        .order_by(Handle.kind, Handle.value)
    ).all()
    handle_ids = [h[0] for h in handles]
    shown = sorted(((k, v) for _i, k, v in handles), key=lambda kv: kv[1] != value)
    live = Message.deleted_at.is_(None)
    mine = (
        select(Participant.message_id)
        .where(Participant.handle_id.in_(handle_ids))
        .distinct()
        .subquery()
    )
    # One pass over their messages: per conversation, plus the totals as window sums.
    latest = func.max(Message.sent_at).label("latest")
    rows = session.execute(
        select(
            Message.conversation_id,
            latest,
            func.count(Message.id),
            func.sum(func.count(Message.id)).over(),
            func.min(func.min(Message.sent_at)).over(),
            func.max(func.max(Message.sent_at)).over(),
        )
        .join(mine, mine.c.message_id == Message.id)
        .where(live)
        .group_by(Message.conversation_id)
        .order_by(latest.desc())
        .limit(recent)
    ).all()
    count, first, last = rows[0][3:] if rows else (0, None, None)
    # Each conversation's subject and newest message (theirs or not), in one read.
    ranked = (
        select(
            Message.conversation_id,
            Message.id,
            func.row_number()
            .over(
                partition_by=Message.conversation_id,
                order_by=(Message.sent_at.desc(), Message.id.desc()),
            )
            .label("rank"),
        )
        .where(Message.conversation_id.in_([r[0] for r in rows]), live)
        .subquery()
    )
    heads = {
        cid: (subject, newest, kind)
        for cid, subject, newest, kind in session.execute(
            select(Conversation.id, Conversation.subject, ranked.c.id, Conversation.kind)
            .join(ranked, ranked.c.conversation_id == Conversation.id)
            .where(ranked.c.rank == 1)
        )
    }
    conversations = []
    for cid, when, n, *_totals in rows:
        subject, newest, kind = heads.get(cid, ("", 0, "mail"))
        conversations.append(
            ConversationEntry(cid, subject, _utc(when), int(n), int(newest), kind or "mail")
        )
    return PersonCard(
        id=person_id,
        name=name or value,
        is_me=bool(is_me),
        handles=tuple(shown),
        messages=int(count or 0),
        first=_utc(first) if first is not None else None,
        last=_utc(last) if last is not None else None,
        conversations=tuple(conversations),
        pending=() if is_me else pending_items(session, person_id, handle_ids),
        upcoming=tuple(upcoming_meetings(session, handle_ids=handle_ids, now=int(time.time()))),
    )

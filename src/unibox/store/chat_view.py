"""A chat conversation as the window shows it: its messages oldest to newest, a page at a time.

Read-only but for `mark_chat_read`; the window writes a reply through
`store.chat.queue_chat`. Callers get dataclasses, never ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from unibox.core.items import ChangeSet
from unibox.store.chat_e2e import e2e_states
from unibox.store.chat_media import AttachmentRow, line_attachments
from unibox.store.chat_outbox import chat_states
from unibox.store.import_accounts import IMPORT_KIND
from unibox.store.schema import (
    NOT_MAIL,
    Account,
    Conversation,
    Handle,
    Message,
    MessageBody,
    Participant,
)

PAGE = 200


@dataclass(frozen=True, slots=True)
class ChatLine:
    """One message of a chat: who, what, when, and for the user's own where it stands."""

    id: int
    sender_name: str
    sender_address: str
    text: str
    sent_at: datetime
    outgoing: bool
    is_seen: bool
    delivery: str = ""  # the user's message written in unibox: queued, sent or failed
    error: str = ""  # why it failed
    attachments: tuple[AttachmentRow, ...] = ()  # its files and images, in order
    e2e: str = ""  # end-to-end encrypted: the sender device's trust (store/chat_e2e.py)


@dataclass(frozen=True, slots=True)
class ChatThread:
    """A chat conversation: its title, its kind (chat or group) and its newest page of lines."""

    conversation_id: int
    account_id: int
    channel: str
    kind: str  # "chat" (one-to-one) or "group"
    title: str
    address: str  # the peer's or the room's address (what queue_chat writes to)
    lines: tuple[ChatLine, ...]  # oldest first: the newest is the last
    has_older: bool  # more lines before the first one
    imported: bool = False  # history from an export: nothing can be sent from here
    via: str = ""  # the network behind the bridge it goes through (telegram, …), "" for none


@dataclass(frozen=True, slots=True)
class ChatSummary:
    """A chat with someone, for their person panel and record."""

    conversation_id: int
    newest_message_id: int
    title: str
    kind: str
    channel: str
    count: int
    last_at: datetime
    last_text: str


def _sender_names(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(ids), 900):
        for mid, name, value, display in session.execute(
            select(Participant.message_id, Participant.name, Handle.value, Handle.display_name)
            .join(Handle, Handle.id == Participant.handle_id)
            .where(Participant.message_id.in_(ids[start : start + 900]))
            .where(Participant.role == "from")
        ):
            found[mid] = (name or display or _nick(value), value)
    return found


def _nick(address: str) -> str:
    """A group member known by "room@server/nick" only: their nickname."""
    return address.rpartition("/")[2] if "/" in address else address


def chat_thread(
    session: Session, conversation_id: int, *, limit: int = PAGE, before: int | None = None
) -> ChatThread | None:
    """The conversation's newest `limit` lines (older than message `before`), or None."""
    head = session.execute(
        select(
            Conversation.account_id,
            Conversation.kind,
            Conversation.subject,
            Conversation.remote_ref,
        ).where(Conversation.id == conversation_id)
    ).first()
    if head is None or head.kind not in ("chat", "group"):
        return None
    stmt = (
        select(
            Message.id,
            Message.sent_at,
            Message.direction,
            Message.is_seen,
            Message.channel,
            MessageBody.text,
            Message.has_attachments,
            Message.via,
        )
        .outerjoin(MessageBody, MessageBody.message_id == Message.id)
        .where(Message.conversation_id == conversation_id, Message.deleted_at.is_(None))
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        edge = session.execute(select(Message.sent_at).where(Message.id == before)).scalar()
        if edge is not None:
            stmt = stmt.where(
                (Message.sent_at < edge) | ((Message.sent_at == edge) & (Message.id < before))
            )
    rows = session.execute(stmt).all()
    has_older = len(rows) > limit
    rows = list(reversed(rows[:limit]))
    ids = [r.id for r in rows]
    senders = _sender_names(session, ids)
    states = chat_states(session, [r.id for r in rows if r.direction == "out"])
    files = line_attachments(session, [r.id for r in rows if r.has_attachments])
    encrypted = e2e_states(session, ids) if rows and rows[-1].channel == "matrix" else {}
    lines = []
    for r in rows:
        name, address = senders.get(r.id, ("", ""))
        state = states.get(r.id)
        lines.append(
            ChatLine(
                id=r.id,
                sender_name=name,
                sender_address=address,
                text=r.text or "",
                sent_at=datetime.fromtimestamp(r.sent_at, UTC),
                outgoing=r.direction == "out",
                is_seen=r.is_seen,
                delivery=state.state if state else "",
                error=state.error if state else "",
                attachments=files.get(r.id, ()),
                e2e=encrypted.get(r.id, ""),
            )
        )
    channel = rows[-1].channel if rows else "xmpp"
    return ChatThread(
        conversation_id=conversation_id,
        account_id=head.account_id,
        channel=channel,
        kind=head.kind,
        title=head.subject or head.remote_ref or "",
        address=head.remote_ref or "",
        lines=tuple(lines),
        has_older=has_older,
        imported=session.scalar(select(Account.kind).where(Account.id == head.account_id))
        == IMPORT_KIND,
        via=next((r.via for r in reversed(rows) if r.via), ""),
    )


def mark_chat_read(session: Session, conversation_id: int) -> ChangeSet:
    """Every unread message of the chat is read (opening it reads it all)."""
    ids = list(
        session.scalars(
            select(Message.id).where(
                Message.conversation_id == conversation_id,
                Message.is_seen.is_(False),
                Message.deleted_at.is_(None),
                text(NOT_MAIL),
            )
        )
    )
    if ids:
        session.execute(update(Message).where(Message.id.in_(ids)).values(is_seen=True))
        from unibox.store.chat_updates import note_read_conversation

        note_read_conversation(session, conversation_id)  # Matrix: a read marker to send
    return ChangeSet(messages_changed=set(ids), conversations={conversation_id} if ids else set())


def chats_with(session: Session, handle_ids: list[int], limit: int = 8) -> list[ChatSummary]:
    """The chats any of these handles wrote in or was written to in, newest first."""
    if not handle_ids:
        return []
    theirs = (
        select(Participant.message_id)
        .where(Participant.handle_id.in_(handle_ids))
        .scalar_subquery()
    )
    newest = (
        select(
            Message.conversation_id.label("cid"),
            func.max(Message.id).label("mid"),
        )
        .where(Message.id.in_(theirs), Message.deleted_at.is_(None), text(NOT_MAIL))
        .group_by(Message.conversation_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Conversation.id,
            newest.c.mid,
            Conversation.subject,
            Conversation.kind,
            Conversation.message_count,
            Conversation.last_message_at,
        )
        .join(newest, newest.c.cid == Conversation.id)
        .order_by(Conversation.last_message_at.desc())
        .limit(limit)
    ).all()
    last: dict[int, tuple[int, str, str]] = {}
    cids = [r[0] for r in rows]
    if cids:
        ranked = (
            select(
                Message.conversation_id,
                Message.id,
                Message.snippet,
                Message.channel,
                func.row_number()
                .over(
                    partition_by=Message.conversation_id,
                    order_by=(Message.sent_at.desc(), Message.id.desc()),
                )
                .label("rank"),
            )
            .where(Message.conversation_id.in_(cids), Message.deleted_at.is_(None))
            .subquery()
        )
        for cid, mid, snippet, channel in session.execute(
            select(ranked.c.conversation_id, ranked.c.id, ranked.c.snippet, ranked.c.channel).where(
                ranked.c.rank == 1
            )
        ):
            last[cid] = (mid, snippet, channel)
    found = []
    for cid, mid, title, kind, count, at in rows:
        newest_id, snippet, channel = last.get(cid, (mid, "", "xmpp"))
        found.append(
            ChatSummary(
                conversation_id=cid,
                newest_message_id=newest_id,
                title=title,
                kind=kind,
                channel=channel,
                count=count,
                last_at=datetime.fromtimestamp(at, UTC),
                last_text=snippet,
            )
        )
    return found


def delivery_changes(session: Session, outbox_id: int) -> ChangeSet:
    """What a window must redraw when a queued chat message was sent or failed."""
    from unibox.store.schema_chat import ChatOutbox

    row = session.execute(
        select(ChatOutbox.message_id, ChatOutbox.conversation_id).where(ChatOutbox.id == outbox_id)
    ).first()
    if row is None:
        return ChangeSet()
    mid, cid = row
    return ChangeSet(messages_changed={mid} if mid is not None else set(), conversations={cid})

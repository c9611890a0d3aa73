"""Rows of the message list: what one line shows, read for a page of ids."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.bridges import via_title
from unibox.store.channels import CHANNELS, channel_of
from unibox.store.schema import Account, Conversation, Handle, Message, Participant
from unibox.store.schema_actions import MessageTriage

CHANNEL_TITLES = {key: title for key, title, _icon, _kinds in CHANNELS}


@dataclass(frozen=True, slots=True)
class Contact:
    """A person as written in one message."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    """What one line of the message list shows."""

    id: int
    sender_name: str
    sender_email: str
    recipients: tuple[Contact, ...]  # To of messages the user sent; empty otherwise
    subject: str
    date: datetime
    snippet: str
    is_seen: bool
    is_flagged: bool
    is_answered: bool
    has_attachments: bool
    outgoing: bool
    conversation_id: int
    thread_size: int
    snoozed_until: datetime | None = None  # only while it lies in the future
    followup_due: datetime | None = None
    channel: str = "email"  # a key of CHANNELS: the list marks each row with its icon
    chat: str = ""  # "chat" or "group" for a chat's row (its newest message), "" for mail


def rows_for(session: Session, ids: list[int], *, now: int | None = None) -> list[MessageRow]:
    """List rows for ids, in the order given; ids that vanished are left out."""
    if not ids:
        return []
    now = int(time.time()) if now is None else now
    sender_name = (
        select(Participant.name)
        .where(Participant.message_id == Message.id, Participant.role == "from")
        .order_by(Participant.position)
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Message.id,
            sender_name,
            Handle.display_name,
            Handle.value,
            Message.subject,
            Message.sent_at,
            Message.snippet,
            Message.is_seen,
            Message.is_flagged,
            Message.is_answered,
            Message.has_attachments,
            Message.direction,
            Message.conversation_id,
            Conversation.message_count,
            MessageTriage.snoozed_until,
            MessageTriage.followup_due,
            Message.account_id,
            Conversation.kind,
            Conversation.subject,
            Conversation.remote_ref,
            Message.via,
        )
        .outerjoin(Handle, Handle.id == Message.sender_handle_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .outerjoin(MessageTriage, MessageTriage.message_id == Message.id)
        .where(Message.id.in_(ids))
    ).all()
    outgoing = [r[0] for r in rows if r[11] == "out"]
    channels = {
        account_id: channel_of(kind) or "email"
        for account_id, kind in session.execute(
            select(Account.id, Account.kind).where(Account.id.in_({r[16] for r in rows}))
        )
    }
    recipients: dict[int, list[Contact]] = {}
    if outgoing:
        for mid, name, value in session.execute(
            select(Participant.message_id, Participant.name, Handle.value)
            .join(Handle, Handle.id == Participant.handle_id)
            .where(Participant.message_id.in_(outgoing), Participant.role == "to")
            .order_by(Participant.message_id, Participant.position)
        ):
            recipients.setdefault(mid, []).append(Contact(name or value, value))
    by_id = {}
    for r in rows:
        row = _row(r, recipients, channels, now)
        chat = r[17] in ("chat", "group")
        by_id[r[0]] = _chat_row(row, r[17], r[18], r[19], r[20]) if chat else row
    return [by_id[i] for i in ids if i in by_id]


def _row(
    r: Any, recipients: dict[int, list[Contact]], channels: dict[int, str], now: int
) -> MessageRow:
    return MessageRow(
        id=r[0],
        sender_name=r[1] or r[2] or r[3] or "",
        sender_email=r[3] or "",
        recipients=tuple(recipients.get(r[0], ())),
        subject=r[4],
        date=datetime.fromtimestamp(r[5], UTC),
        snippet=r[6],
        is_seen=r[7],
        is_flagged=r[8],
        is_answered=r[9],
        has_attachments=r[10],
        outgoing=r[11] == "out",
        conversation_id=r[12],
        thread_size=r[13] or 1,
        snoozed_until=_utc(r[14]) if r[14] is not None and r[14] > now else None,
        followup_due=_utc(r[15]) if r[15] is not None else None,
        channel=channels.get(r[16], "email"),
    )


def _chat_row(
    row: MessageRow, kind: str, title: str, address: str | None, via: str = ""
) -> MessageRow:
    """A chat's row: the chat's name, its newest line (whose it is), the kind of chat."""
    said = row.snippet
    if row.outgoing:
        said = f"You: {said}"
    elif kind == "group" and row.sender_name:
        said = f"{row.sender_name}: {said}"
    network = CHANNEL_TITLES.get(row.channel, row.channel)
    if via:  # "Chat · Matrix · via Telegram"
        network = f"{network} · via {via_title(via)}"
    return dataclasses.replace(
        row,
        sender_name=title or address or row.sender_name,
        sender_email=address or row.sender_email,
        recipients=(),
        subject=said,
        snippet=f"Group chat · {network}" if kind == "group" else f"Chat · {network}",
        chat=kind,
    )


def _utc(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)

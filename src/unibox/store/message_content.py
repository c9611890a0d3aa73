"""One message for the reading pane: its people, text, HTML and attachments."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.store.events import MessageInvitation, message_invitation
from unibox.store.queries import message_detail
from unibox.store.schema import Conversation, Handle, Message, Participant
from unibox.store.view_rows import Contact


@dataclass(frozen=True, slots=True)
class MessageContent:
    """Everything the reading pane shows for one message."""

    id: int
    subject: str
    sender: Contact
    to: tuple[Contact, ...]
    cc: tuple[Contact, ...]
    date: datetime
    text: str
    html: str
    attachments: tuple[tuple[str, str, int], ...]  # file name, type, size
    parse_state: str
    parse_error: str
    is_flagged: bool
    outgoing: bool = False
    conversation_id: int = 0
    thread_size: int = 1
    is_seen: bool = True
    invitation: MessageInvitation | None = None  # the meeting it invites to, as it stands
    channel: str = "mail"  # mail, xmpp, …: a chat's message opens as its chat


def message_content(session: Session, message_id: int) -> MessageContent | None:
    """One message for the reading pane, or None when it is gone."""
    detail = message_detail(session, message_id)
    if detail is None:
        return None
    people: dict[str, list[Contact]] = {"from": [], "to": [], "cc": []}
    for role, name, value in session.execute(
        select(Participant.role, Participant.name, Handle.value)
        .join(Handle, Handle.id == Participant.handle_id)
        .where(Participant.message_id == message_id, Participant.role.in_(list(people)))
        .order_by(Participant.role, Participant.position)
    ):
        people[role].append(Contact(name, value))
    s = detail.summary
    sender = people["from"][0] if people["from"] else Contact(s.from_name, s.from_email)
    direction, size, channel = session.execute(
        select(Message.direction, Conversation.message_count, Message.channel)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.id == message_id)
    ).one()
    return MessageContent(
        id=message_id,
        subject=s.subject,
        sender=sender,
        to=tuple(people["to"]),
        cc=tuple(people["cc"]),
        date=s.date,
        text=detail.text,
        html=detail.html,
        attachments=detail.attachments,
        parse_state=detail.parse_state,
        parse_error=detail.parse_error,
        is_flagged=s.is_flagged,
        outgoing=direction == "out",
        conversation_id=s.conversation_id,
        thread_size=size or 1,
        is_seen=s.is_seen,
        invitation=message_invitation(session, message_id, int(time.time())),
        channel=channel,
    )

"""Read-side queries: search, message summaries, counts. Callers get dataclasses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from unibox.core.query import CHAT, MAIL, SearchQuery, fts_match
from unibox.core.rawcodec import decompress_raw
from unibox.store.schema import (
    Account,
    Attachment,
    Conversation,
    Folder,
    Handle,
    Message,
    MessageBody,
    MessageLocation,
    MessageRaw,
    Participant,
    Person,
)


@dataclass(frozen=True, slots=True)
class MessageSummary:
    """What a list row or a search result shows."""

    id: int
    account: str
    folder: str
    from_name: str
    from_email: str
    to: tuple[str, ...]
    subject: str
    date: datetime
    snippet: str
    is_seen: bool
    is_flagged: bool
    has_attachments: bool
    conversation_id: int
    channel: str = MAIL  # mail, xmpp, …
    via: str = ""  # the network behind a bridge (telegram, whatsapp, …), "" for none

    def as_json(self) -> dict[str, Any]:
        sender = f"{self.from_name} <{self.from_email}>" if self.from_name else self.from_email
        return {
            "id": self.id,
            "account": self.account,
            "folder": self.folder,
            "from": sender,
            "to": list(self.to),
            "subject": self.subject,
            "date": self.date.isoformat(),
            "snippet": self.snippet,
            "unread": not self.is_seen,
            "flagged": self.is_flagged,
            "has_attachments": self.has_attachments,
            "conversation_id": self.conversation_id,
            "channel": self.channel,
            "via": self.via,
        }


def _participant_match(roles: tuple[str, ...], needle: str) -> ColumnElement[bool]:
    like = f"%{needle.lower()}%"
    return (
        select(Participant.message_id)
        .join(Handle, Handle.id == Participant.handle_id)
        .where(
            Participant.message_id == Message.id,
            Participant.role.in_(roles),
            or_(Handle.value.like(like), func.lower(Participant.name).like(like)),
        )
        .exists()
    )


def search_filters(q: SearchQuery) -> list[ColumnElement[bool]]:
    """The WHERE conditions on `Message` for a parsed query's operators (from:, to:, in:,
    channel:, is:, has:, before:/after:), deleted messages excluded; the words are matched apart,
    through the full-text index. Combine with `and_(*search_filters(q))`."""
    conds: list[ColumnElement[bool]] = [Message.deleted_at.is_(None)]
    for f in q.from_:
        conds.append(_participant_match(("from", "sender"), f))
    for t in q.to:
        conds.append(_participant_match(("to", "cc", "bcc"), t))
    for name in q.folders:
        conds.append(
            select(MessageLocation.id)
            .join(Folder, Folder.id == MessageLocation.folder_id)
            .where(
                MessageLocation.message_id == Message.id,
                or_(func.lower(Folder.name) == name.lower(), Folder.role == name.lower()),
            )
            .exists()
        )
    if q.channels:
        named = [c for c in q.channels if c != CHAT]
        either: list[ColumnElement[bool]] = [Message.channel.in_(named)] if named else []
        if CHAT in q.channels:
            either.append(Message.channel != MAIL)
        conds.append(or_(*either))
    if q.has_attachment:
        conds.append(Message.has_attachments.is_(True))
    if q.unread is not None:
        conds.append(Message.is_seen.is_(not q.unread))
    if q.flagged:
        conds.append(Message.is_flagged.is_(True))
    if q.before is not None:
        conds.append(Message.sent_at < q.before)
    if q.after is not None:
        conds.append(Message.sent_at >= q.after)
    return conds


def search_ids(session: Session, q: SearchQuery, limit: int = 50, offset: int = 0) -> list[int]:
    """Ids of matching messages, newest first."""
    stmt = select(Message.id).where(and_(*search_filters(q)))
    match = fts_match(q)
    if match:
        stmt = stmt.where(
            Message.id.in_(text("SELECT rowid FROM message_fts WHERE message_fts MATCH :m"))
        ).params(m=match)
    stmt = stmt.order_by(Message.sent_at.desc(), Message.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def search(session: Session, q: SearchQuery, limit: int = 50) -> list[MessageSummary]:
    ids = search_ids(session, q, limit)
    summaries = summaries_for(session, ids)
    match = fts_match(q)
    if match and ids:
        rows = session.execute(
            text(
                "SELECT rowid, snippet(message_fts, 1, '', '', '…', 16) FROM message_fts "
                "WHERE message_fts MATCH :m AND rowid IN (SELECT value FROM json_each(:ids))"
            ),
            {"m": match, "ids": "[" + ",".join(map(str, ids)) + "]"},
        )
        snippets = {rid: snip for rid, snip in rows if snip}
        summaries = [
            _replace_snippet(s, snippets[s.id]) if s.id in snippets else s for s in summaries
        ]
    return summaries


def _replace_snippet(s: MessageSummary, snippet: str) -> MessageSummary:
    return dataclasses.replace(s, snippet=" ".join(snippet.split()))


def summaries_for(session: Session, ids: list[int]) -> list[MessageSummary]:
    """Summaries for ids, in the order given."""
    if not ids:
        return []
    sender = aliased(Handle)
    folder_name = (
        select(Folder.name)
        .join(MessageLocation, MessageLocation.folder_id == Folder.id)
        .where(MessageLocation.message_id == Message.id)
        .order_by(MessageLocation.id)
        .limit(1)
        .scalar_subquery()
    )
    sender_name = (
        select(Participant.name)
        .where(Participant.message_id == Message.id, Participant.role == "from")
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Message.id,
            Account.name,
            folder_name,
            sender_name,
            sender.value,
            sender.display_name,
            Message.subject,
            Message.sent_at,
            Message.snippet,
            Message.is_seen,
            Message.is_flagged,
            Message.has_attachments,
            Message.conversation_id,
            Message.channel,
            Message.via,
        )
        .join(Account, Account.id == Message.account_id)
        .outerjoin(sender, sender.id == Message.sender_handle_id)
        .where(Message.id.in_(ids))
    ).all()
    to_rows = session.execute(
        select(Participant.message_id, Handle.value)
        .join(Handle, Handle.id == Participant.handle_id)
        .where(Participant.message_id.in_(ids), Participant.role == "to")
        .order_by(Participant.message_id, Participant.position)
    ).all()
    to: dict[int, list[str]] = {}
    for mid, value in to_rows:
        to.setdefault(mid, []).append(value)
    by_id = {
        r[0]: MessageSummary(
            id=r[0],
            account=r[1],
            folder=r[2] or "",
            from_name=r[3] or r[5] or "",
            from_email=r[4] or "",
            to=tuple(to.get(r[0], ())),
            subject=r[6],
            date=datetime.fromtimestamp(r[7], UTC),
            snippet=r[8],
            is_seen=r[9],
            is_flagged=r[10],
            has_attachments=r[11],
            conversation_id=r[12],
            channel=r[13],
            via=r[14],
        )
        for r in rows
    }
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True, slots=True)
class MessageDetail:
    summary: MessageSummary
    text: str
    html: str
    parse_state: str
    parse_error: str
    attachments: tuple[tuple[str, str, int], ...]  # file name, type, size


def message_detail(session: Session, message_id: int) -> MessageDetail | None:
    found = summaries_for(session, [message_id])
    if not found:
        return None
    m = session.get(Message, message_id)
    assert m is not None
    body = session.get(MessageBody, message_id)
    atts = session.execute(
        select(Attachment.filename, Attachment.content_type, Attachment.size)
        .where(Attachment.message_id == message_id)
        .order_by(Attachment.position)
    ).all()
    html = body.html if body else ""
    if body and not html:
        # The sync does not store HTML; derive it, sanitized, from the raw source.
        from unibox.core.mime import parse_message  # only when a message is opened

        raw = raw_source(session, message_id)
        html = parse_message(raw).html if raw else ""
    return MessageDetail(
        found[0],
        body.text if body else "",
        html,
        m.parse_state,
        m.parse_error,
        tuple((a, b, c) for a, b, c in atts),
    )


def raw_source(session: Session, message_id: int) -> bytes | None:
    row = session.get(MessageRaw, message_id)
    return decompress_raw(row.data, row.codec) if row else None


def stats(session: Session) -> dict[str, int]:
    def count(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    return {
        "accounts": count(select(func.count(Account.id))),
        "folders": count(select(func.count(Folder.id))),
        "messages": count(select(func.count(Message.id)).where(Message.deleted_at.is_(None))),
        "unread": count(
            select(func.count(Message.id)).where(
                Message.deleted_at.is_(None), Message.is_seen.is_(False)
            )
        ),
        "conversations": count(
            select(func.count(Conversation.id)).where(Conversation.message_count > 0)
        ),
        "people": count(
            select(func.count(Person.id)).where(
                Person.is_me.is_(False),
                Person.merged_into_id.is_(None),
                Person.listed.is_(True),
            )
        ),
        "handles": count(select(func.count(Handle.id))),
        "messages_without_body": count(
            select(func.count(Message.id)).where(
                Message.deleted_at.is_(None), Message.parse_state == "headers"
            )
        ),
        # Kept as raw source with a reason: unreadable, or could not be written as read.
        "messages_partial": count(
            select(func.count(Message.id)).where(
                Message.deleted_at.is_(None), Message.parse_state == "partial"
            )
        ),
    }


def messages_by_channel(session: Session) -> dict[str, int]:
    """Live messages per channel (mail, xmpp, …), every channel that has any."""
    rows = session.execute(
        select(Message.channel, func.count(Message.id))
        .where(Message.deleted_at.is_(None))
        .group_by(Message.channel)
        .order_by(Message.channel)
    )
    return {channel: int(n) for channel, n in rows}

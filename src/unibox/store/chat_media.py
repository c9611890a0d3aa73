"""Chat attachments in the store: their rows at ingest, what opening one needs, its kept bytes.

An attachment of a chat message is an `attachment` row (as for mail) plus a
`chat_media` row: its address on the server and, once opened, its bytes.
Callers get dataclasses, never ORM objects.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from unibox.core.items import ChatAttachment, ChatMessage
from unibox.store.schema import Account, Attachment, Message, insert_rows, next_id, table
from unibox.store.schema_media import ChatMedia

_A = table(Attachment)


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    """One attachment of a message as listed: position, name, type, size, and whether its
    bytes are here (always for mail: they are in the message's source)."""

    position: int
    filename: str
    content_type: str
    size: int
    kept: bool
    remote: str = ""  # a chat attachment's address on its server

    def as_json(self) -> dict[str, object]:
        return {
            "position": self.position,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "downloaded": self.kept,
            "remote": self.remote,
        }


@dataclass(frozen=True, slots=True)
class ChatMediaSource:
    """What fetching one chat attachment needs (or its bytes, when they are kept)."""

    attachment_id: int
    account_id: int
    account_name: str
    account_kind: str
    filename: str
    content_type: str
    size: int
    remote: str
    details: str
    data: bytes | None


def insert_media(conn: Connection, items: Sequence[tuple[int, ChatMessage]]) -> None:
    """The attachment and chat_media rows of messages just inserted (message id, item)."""
    if not items:
        return
    aid = next_id(conn, _A)
    attachments: list[dict[str, Any]] = []
    media: list[dict[str, Any]] = []
    for mid, item in items:
        for position, a in enumerate(item.attachments):
            attachments.append(
                {
                    "id": aid,
                    "message_id": mid,
                    "position": position,
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "size": a.size,
                    "content_id": "",
                    "inline": False,
                }
            )
            media.append(
                {
                    "attachment_id": aid,
                    "remote": a.remote,
                    "details": a.details,
                    "fetched_at": None,
                    "data": None,
                }
            )
            aid += 1
    insert_rows(conn, _A, attachments)
    insert_rows(conn, table(ChatMedia), media)


def attachment_rows(session: Session, message_id: int) -> list[AttachmentRow]:
    """A message's attachments in order, mail or chat."""
    rows = session.execute(
        select(
            Attachment.position,
            Attachment.filename,
            Attachment.content_type,
            Attachment.size,
            ChatMedia.remote,
            ChatMedia.fetched_at,
        )
        .outerjoin(ChatMedia, ChatMedia.attachment_id == Attachment.id)
        .where(Attachment.message_id == message_id)
        .order_by(Attachment.position)
    )
    return [
        AttachmentRow(pos, name, ctype, size, remote is None or fetched is not None, remote or "")
        for pos, name, ctype, size, remote, fetched in rows
    ]


def line_attachments(
    session: Session, message_ids: Sequence[int]
) -> dict[int, tuple[AttachmentRow, ...]]:
    """The attachments of these messages (of a chat's page), by message id."""
    found: dict[int, list[AttachmentRow]] = {}
    ids = list(message_ids)
    for start in range(0, len(ids), 900):
        for mid, pos, name, ctype, size, remote, fetched in session.execute(
            select(
                Attachment.message_id,
                Attachment.position,
                Attachment.filename,
                Attachment.content_type,
                Attachment.size,
                ChatMedia.remote,
                ChatMedia.fetched_at,
            )
            .outerjoin(ChatMedia, ChatMedia.attachment_id == Attachment.id)
            .where(Attachment.message_id.in_(ids[start : start + 900]))
            .order_by(Attachment.message_id, Attachment.position)
        ):
            kept = remote is None or fetched is not None
            found.setdefault(mid, []).append(
                AttachmentRow(pos, name, ctype, size, kept, remote or "")
            )
    return {mid: tuple(rows) for mid, rows in found.items()}


def chat_media_source(session: Session, message_id: int, position: int) -> ChatMediaSource | None:
    """The chat attachment at `position` of a message; None when it is not a chat's."""
    row = session.execute(
        select(
            Attachment.id,
            Message.account_id,
            Account.name,
            Account.kind,
            Attachment.filename,
            Attachment.content_type,
            Attachment.size,
            ChatMedia.remote,
            ChatMedia.details,
            ChatMedia.data,
        )
        .join(ChatMedia, ChatMedia.attachment_id == Attachment.id)
        .join(Message, Message.id == Attachment.message_id)
        .join(Account, Account.id == Message.account_id)
        .where(Attachment.message_id == message_id, Attachment.position == position)
    ).first()
    if row is None:
        return None
    values: tuple[Any, ...] = tuple(row)
    return ChatMediaSource(*values)


def keep_media(session: Session, attachment_id: int, data: bytes) -> None:
    """The bytes of a chat attachment, fetched: kept, so the next open needs no network."""
    session.execute(
        update(ChatMedia)
        .where(ChatMedia.attachment_id == attachment_id)
        .values(data=data, fetched_at=int(time.time()))
    )


def forget_media(session: Session, message_id: int) -> None:
    """A redacted message's kept bytes go with its text."""
    ids = select(Attachment.id).where(Attachment.message_id == message_id).scalar_subquery()
    session.execute(
        update(ChatMedia).where(ChatMedia.attachment_id.in_(ids)).values(data=None, fetched_at=None)
    )


# ---------------------------------------------------------------------- sending


@dataclass(frozen=True, slots=True)
class OutgoingMedia:
    """A file the user sends: its bytes, and its address on the server once uploaded."""

    attachment_id: int
    filename: str
    content_type: str
    data: bytes
    remote: str  # "" until uploaded
    details: str  # the channel's JSON: the kind, and for an encrypted room its keys


def media_kind(content_type: str) -> str:
    """image, video, audio or file: how a chat shows a file of this type."""
    major = content_type.partition("/")[0]
    return major if major in ("image", "video", "audio") else "file"


def local_text(caption: str, filename: str, content_type: str) -> str:
    """The stored text of a file the user sends, as a received one's reads."""
    head = f"[{media_kind(content_type)}: {filename}]"
    return f"{head}\n{caption}" if caption.strip() else head


def local_attachment(filename: str, content_type: str, data: bytes) -> ChatAttachment:
    details = json.dumps({"kind": media_kind(content_type)}, separators=(",", ":"))
    return ChatAttachment(filename, content_type, len(data), "", details)


def keep_local_media(session: Session, message_id: int, blobs: Sequence[bytes]) -> None:
    """The bytes of the files of a message the user wrote here, kept from the start."""
    ids = session.scalars(
        select(Attachment.id)
        .where(Attachment.message_id == message_id)
        .order_by(Attachment.position)
    ).all()
    for aid, data in zip(ids, blobs, strict=False):
        keep_media(session, aid, data)


def outgoing_media(
    session: Session, message_ids: Sequence[int]
) -> dict[int, tuple[OutgoingMedia, ...]]:
    """The files of these queued messages, by message id."""
    found: dict[int, list[OutgoingMedia]] = {}
    ids = list(message_ids)
    for start in range(0, len(ids), 900):
        for mid, aid, name, ctype, data, remote, details in session.execute(
            select(
                Attachment.message_id,
                Attachment.id,
                Attachment.filename,
                Attachment.content_type,
                ChatMedia.data,
                ChatMedia.remote,
                ChatMedia.details,
            )
            .join(ChatMedia, ChatMedia.attachment_id == Attachment.id)
            .where(Attachment.message_id.in_(ids[start : start + 900]))
            .order_by(Attachment.message_id, Attachment.position)
        ):
            found.setdefault(mid, []).append(
                OutgoingMedia(aid, name, ctype, data or b"", remote, details)
            )
    return {mid: tuple(files) for mid, files in found.items()}


def media_uploaded(session: Session, attachment_id: int, remote: str, details: str) -> str:
    """A file the user sends is on the server: a retry sends this address, not the bytes again.

    `details` (the channel's JSON, such as an encrypted file's keys) joins what is there;
    all of it is returned.
    """
    old = session.scalar(select(ChatMedia.details).where(ChatMedia.attachment_id == attachment_id))
    merged = json.dumps({**_json(old or ""), **_json(details)}, separators=(",", ":"))
    session.execute(
        update(ChatMedia)
        .where(ChatMedia.attachment_id == attachment_id)
        .values(remote=remote, details=merged)
    )
    return merged


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}

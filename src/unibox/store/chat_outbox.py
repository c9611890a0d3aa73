"""The chat outbox: a message the user writes is a committed row before any network call.

`queue_chat` stores the user's message at once as an outgoing message of its
conversation (so it shows there) and an outbox row in state "queued" with a
fresh origin id; the engine sends what `due_chats` returns and records
`chat_sent` or `chat_failed`. A retry sends the same origin id again, and the
server's echo (carbon, archive) with that id completes the stored message
instead of adding a second one. Write through store.intent.intent_write.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.identity import normalize_handle
from unibox.core.items import ChatAddress, ChatMessage
from unibox.store.chat_media import (
    OutgoingMedia,
    keep_local_media,
    local_attachment,
    local_text,
    outgoing_media,
)
from unibox.store.schema import Account, Conversation, Message
from unibox.store.schema_chat import ChatOutbox

QUEUED, SENT, FAILED = "queued", "sent", "failed"
RETRY_FIRST_SECONDS = 30
RETRY_MAX_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class QueuedChat:
    """A chat message due to be sent: what `Channel.send` needs."""

    id: int
    conversation: str  # the peer's or the room's address
    text: str
    origin_id: str
    reply_to: str  # the answered message's remote id, "" for none
    files: tuple[OutgoingMedia, ...] = ()  # a file sent with `text` as its caption


@dataclass(frozen=True, slots=True)
class ChatDelivery:
    """Where a message the user wrote in unibox stands: queued, sent or failed (and why)."""

    outbox_id: int
    state: str
    attempts: int
    error: str


def account_address(account: Account) -> str:
    """The account's own address on its network (a bare JID, a Matrix id, …)."""
    if account.email:
        return account.email
    settings = json.loads(account.settings_json or "{}")
    for key in ("address", "jid", "user_id"):
        if isinstance(settings.get(key), str) and settings[key]:
            return str(settings[key])
    return ""


def queue_chat(
    session: Session,
    account_id: int,
    conversation: str,
    text: str,
    *,
    reply_to_message_id: int | None = None,
    files: Sequence[tuple[str, str, bytes]] = (),
) -> int:
    """Queue a message into a conversation (found or started by its address); its outbox id.

    `files` (name, content type, bytes; one at most) go with it, `text` as their caption;
    their bytes are kept with the stored message, so it shows them at once.
    """
    from unibox.store.chat_ingest import ChatIngestor, conversation_ref

    account = session.get(Account, account_id)
    if account is None:
        raise UserError(f"There is no account {account_id}.")
    if not text.strip() and not files:
        raise UserError("The message is empty.")
    if len(files) > 1:
        raise UserError("A chat message carries one file; send each in a message of its own.")
    kind = account.kind
    ref = conversation_ref(kind, conversation)
    if not ref:
        raise UserError(f"“{conversation}” is not an address to write to.")
    me = account_address(account)
    found = session.execute(
        select(Conversation.kind, Conversation.subject).where(
            Conversation.account_id == account_id, Conversation.remote_ref == ref
        )
    ).first()
    if found is None and normalize_handle(kind, conversation) == "":
        raise UserError(f"“{conversation}” is not an address to write to.")
    reply_to = ""
    if reply_to_message_id is not None:
        reply_to = (
            session.scalar(select(Message.remote_id).where(Message.id == reply_to_message_id)) or ""
        )
    origin_id = uuid.uuid4().hex
    now = int(time.time())
    local = ChatMessage(
        channel=kind,
        remote_id="",
        conversation=ref,
        sender=ChatAddress(kind, me, account.display_name),
        sent_at=datetime.fromtimestamp(now, UTC),
        text=local_text(text, files[0][0], files[0][1]) if files else text,
        direction="out",
        is_group=found is not None and found[0] == "group",
        origin_id=origin_id,
        reply_to=reply_to,
        attachments=tuple(local_attachment(name, ctype, data) for name, ctype, data in files),
    )
    message_id, conversation_id = ChatIngestor(account_id, [me]).insert_local(session, local)
    keep_local_media(session, message_id, [data for _name, _ctype, data in files])
    row = ChatOutbox(
        account_id=account_id,
        conversation_id=conversation_id,
        message_id=message_id,
        text=text,
        origin_id=origin_id,
        reply_to=reply_to,
        reply_to_message_id=reply_to_message_id,
        state=QUEUED,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def due_chats(session: Session, account_id: int, *, now: int | None = None) -> list[QueuedChat]:
    """The account's queued chat messages whose (next) attempt is due, oldest first."""
    now = int(time.time()) if now is None else now
    rows = session.execute(
        select(
            ChatOutbox.id,
            Conversation.remote_ref,
            ChatOutbox.text,
            ChatOutbox.origin_id,
            ChatOutbox.reply_to,
            ChatOutbox.message_id,
        )
        .join(Conversation, Conversation.id == ChatOutbox.conversation_id)
        .where(
            ChatOutbox.state == QUEUED,
            ChatOutbox.account_id == account_id,
            ChatOutbox.next_attempt_at <= now,
        )
        .order_by(ChatOutbox.id)
    ).all()
    files = outgoing_media(session, [r.message_id for r in rows if r.message_id is not None])
    return [
        QueuedChat(oid, ref or "", text, origin, reply, files.get(mid or 0, ()))
        for oid, ref, text, origin, reply, mid in rows
    ]


def _row(session: Session, outbox_id: int) -> ChatOutbox:
    row = session.get(ChatOutbox, outbox_id)
    if row is None:
        raise UserError(f"There is no chat message {outbox_id} in the outbox.")
    return row


def chat_sent(session: Session, outbox_id: int, remote_id: str) -> None:
    """The server took it; `remote_id` is its id there ("" when the server named none)."""
    row = _row(session, outbox_id)
    row.attempts += 1
    row.state = SENT
    row.last_error = ""
    row.sent_at = int(time.time())
    message = session.get(Message, row.message_id) if row.message_id is not None else None
    if remote_id and message is not None and message.remote_id is None:
        taken = session.scalar(
            select(Message.id).where(
                Message.account_id == row.account_id, Message.remote_id == remote_id
            )
        )
        if taken is None:
            message.remote_id = remote_id
    session.flush()


def chat_failed(session: Session, outbox_id: int, error: str, *, final: bool) -> None:
    """Sending failed: for good (`final`: it stays failed, with the error), or to retry later."""
    row = _row(session, outbox_id)
    if row.state == SENT:  # its echo arrived meanwhile: it went after all
        return
    row.attempts += 1
    row.last_error = error
    if final:
        row.state = FAILED
    else:
        wait = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** (row.attempts - 1))
        row.state = QUEUED
        row.next_attempt_at = int(time.time()) + wait
    session.flush()


def chat_bounced(session: Session, account_id: int, origin_id: str, error: str) -> int | None:
    """A message sent earlier came back (a remote server gave up on it): it stays failed with
    the server's words. Its outbox id; None when the id is none of this account's."""
    row = session.scalars(
        select(ChatOutbox).where(
            ChatOutbox.account_id == account_id, ChatOutbox.origin_id == origin_id
        )
    ).first()
    if row is None:
        return None
    row.state = FAILED
    row.last_error = error
    session.flush()
    return row.id


def chat_states(session: Session, message_ids: list[int]) -> dict[int, ChatDelivery]:
    """Delivery of the messages among `message_ids` that the user wrote in unibox."""
    found: dict[int, ChatDelivery] = {}
    for start in range(0, len(message_ids), 900):
        rows = session.execute(
            select(
                ChatOutbox.message_id,
                ChatOutbox.id,
                ChatOutbox.state,
                ChatOutbox.attempts,
                ChatOutbox.last_error,
            ).where(ChatOutbox.message_id.in_(message_ids[start : start + 900]))
        )
        for mid, oid, state, attempts, error in rows:
            if mid is not None:
                found[mid] = ChatDelivery(oid, state, attempts, error)
    return found

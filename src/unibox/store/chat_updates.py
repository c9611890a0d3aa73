"""Changes to stored chat messages (core.items.ChatUpdate): edits, redactions, reactions,
and the read marker the user set on another client.

Every change but "read" is first kept in `chat_change` by its own remote id (so
it is kept once however often it is met), then the messages it concerns are
settled: a redacted message is removed (its text gone from the body and the
search index, the row marked deleted); an edited one shows the newest edit of
its own sender. A change met before its message (paging back meets an edit
first) is settled when the message is stored (`settle_new`). A read marker
marks the conversation's messages up to it read, like IMAP's \\Seen.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from unibox.core.identity import normalize_handle
from unibox.core.items import ChangeSet, ChatUpdate
from unibox.core.snippets import make_snippet
from unibox.store.chat_media import forget_media
from unibox.store.schema import Handle, Message, MessageBody
from unibox.store.schema_chat import ChatChange, ChatCursor

_FTS_DELETE = text(
    "INSERT INTO message_fts(message_fts, rowid, subject, body, names, addresses) "
    "SELECT 'delete', message_id, subject, body, names, addresses FROM message_search "
    "WHERE message_id = :mid"
)
_FTS_INSERT = text(
    "INSERT INTO message_fts(rowid, subject, body, names, addresses) "
    "SELECT message_id, subject, body, names, addresses FROM message_search "
    "WHERE message_id = :mid"
)
READ_PREFIX = "read:"  # chat_cursor archives of how far the user read a conversation here


def apply_updates(session: Session, account_id: int, updates: Sequence[ChatUpdate]) -> ChangeSet:
    """Keep the changes and apply what they can to the stored messages."""
    changes = ChangeSet()
    if not updates:
        return changes
    kept = {u.remote_id for u in updates if u.remote_id and u.action != "read"}
    known = set(
        session.scalars(
            select(ChatChange.remote_id).where(
                ChatChange.account_id == account_id, ChatChange.remote_id.in_(list(kept))
            )
        )
    )
    targets: set[str] = set()
    for u in updates:
        if u.action == "read":
            _read_up_to(session, account_id, u.target, changes)
            continue
        if not u.remote_id or u.remote_id in known:
            continue
        known.add(u.remote_id)
        session.add(
            ChatChange(
                account_id=account_id,
                remote_id=u.remote_id,
                target=u.target,
                action=u.action,
                sender=u.sender.value if u.sender else "",
                text=u.text,
                sent_at=int(u.sent_at.timestamp()) if u.sent_at else 0,
            )
        )
        targets.add(u.target)
    session.flush()
    gone_reactions = [u.target for u in updates if u.action == "redact"]
    if gone_reactions:
        session.query(ChatChange).filter(
            ChatChange.account_id == account_id,
            ChatChange.action == "reaction",
            ChatChange.remote_id.in_(gone_reactions),
        ).delete(synchronize_session=False)
    _settle(session, account_id, targets, changes)
    return changes


def settle_new(session: Session, account_id: int, message_ids: Iterable[int]) -> ChangeSet:
    """Messages just stored: apply the changes that were waiting for them."""
    changes = ChangeSet()
    ids = list(message_ids)
    if not ids:
        return changes
    rids = set(session.scalars(select(Message.remote_id).where(Message.id.in_(ids))).all()) - {None}
    waiting = set(
        session.scalars(
            select(ChatChange.target).where(
                ChatChange.account_id == account_id, ChatChange.target.in_(list(rids))
            )
        )
    )
    _settle(session, account_id, waiting, changes)
    return changes


def _settle(session: Session, account_id: int, targets: set[str], changes: ChangeSet) -> None:
    if not targets:
        return
    rows = session.execute(
        select(
            Message.id,
            Message.remote_id,
            Message.deleted_at,
            Handle.kind,
            Handle.value,
            Message.conversation_id,
        )
        .outerjoin(Handle, Handle.id == Message.sender_handle_id)
        .where(Message.account_id == account_id, Message.remote_id.in_(list(targets)))
    ).all()
    for mid, rid, deleted_at, kind, sender, cid in rows:
        found: list[Any] = list(
            session.execute(
                select(ChatChange.action, ChatChange.sender, ChatChange.text)
                .where(ChatChange.account_id == account_id, ChatChange.target == rid)
                .order_by(ChatChange.sent_at, ChatChange.id)
            )
        )
        if deleted_at is not None:
            continue
        if any(action == "redact" for action, _s, _t in found):
            _set_text(session, mid, "")
            forget_media(session, mid)
            session.execute(
                update(Message).where(Message.id == mid).values(deleted_at=int(time.time()))
            )
            changes.messages_removed.add(mid)
            changes.conversations.add(cid)  # an open chat shows it gone
            continue
        edits = [
            t for action, who, t in found
            if action == "edit" and (not sender or normalize_handle(kind or "", who) == sender)
        ]  # fmt: skip
        if edits:
            _set_text(session, mid, edits[-1])
            changes.messages_changed.add(mid)
            changes.conversations.add(cid)  # an open chat shows the new text
        elif any(action == "reaction" for action, _s, _t in found):
            changes.messages_changed.add(mid)


def _set_text(session: Session, message_id: int, new_text: str) -> None:
    current = session.scalar(select(MessageBody.text).where(MessageBody.message_id == message_id))
    if current == new_text:
        return
    session.execute(_FTS_DELETE, {"mid": message_id})
    session.execute(
        update(MessageBody).where(MessageBody.message_id == message_id).values(text=new_text)
    )
    session.execute(
        update(Message)
        .where(Message.id == message_id)
        .values(snippet=make_snippet(new_text), size=len(new_text.encode()))
    )
    session.execute(_FTS_INSERT, {"mid": message_id})


def reactions(session: Session, message_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
    """The reactions of these messages: (key, how many), most given first."""
    rows = session.execute(
        select(Message.id, ChatChange.text)
        .join(
            ChatChange,
            (ChatChange.account_id == Message.account_id)
            & (ChatChange.target == Message.remote_id),
        )
        .where(Message.id.in_(list(message_ids)), ChatChange.action == "reaction")
    )
    counts: dict[int, dict[str, int]] = {}
    for mid, key in rows:
        counts.setdefault(mid, {})
        counts[mid][key] = counts[mid].get(key, 0) + 1
    return {
        mid: sorted(keys.items(), key=lambda kv: (-kv[1], kv[0])) for mid, keys in counts.items()
    }


def _read_up_to(session: Session, account_id: int, event_id: str, changes: ChangeSet) -> None:
    row = session.execute(
        select(Message.id, Message.conversation_id, Message.sent_at).where(
            Message.account_id == account_id, Message.remote_id == event_id
        )
    ).first()
    if row is None:
        return
    mid, cid, sent_at = row
    # Times are kept to the second: what came in the same second as the marked one may be
    # after it, so it stays unread (never is a message the user has not read hidden).
    ids = list(
        session.scalars(
            select(Message.id).where(
                Message.conversation_id == cid,
                (Message.sent_at < sent_at) | (Message.id == mid),
                Message.is_seen.is_(False),
            )
        )
    )
    if ids:
        session.execute(update(Message).where(Message.id.in_(ids)).values(is_seen=True))
        changes.messages_changed |= set(ids)
        changes.conversations.add(cid)


def note_read_here(session: Session, account_id: int, conversation: str, event_id: str) -> None:
    """The user read `conversation` up to `event_id` in unibox: to tell the server."""
    archive = READ_PREFIX + conversation
    row = session.get(ChatCursor, (account_id, archive))
    now = int(time.time())
    if row is None:
        session.add(ChatCursor(account_id=account_id, archive=archive, newest=event_id,
                               oldest="", complete=False, updated_at=now))  # fmt: skip
    elif row.newest != event_id:
        row.newest, row.complete, row.updated_at = event_id, False, now


def reads_to_tell(session: Session, account_id: int) -> list[tuple[str, str]]:
    """(conversation, event id) read here and not yet told to the server."""
    rows = session.execute(
        select(ChatCursor.archive, ChatCursor.newest).where(
            ChatCursor.account_id == account_id,
            ChatCursor.archive.startswith(READ_PREFIX),
            ChatCursor.complete.is_(False),
        )
    )
    return [(archive[len(READ_PREFIX) :], newest) for archive, newest in rows]


def read_told(session: Session, account_id: int, conversation: str, event_id: str) -> None:
    row = session.get(ChatCursor, (account_id, READ_PREFIX + conversation))
    if row is not None and row.newest == event_id:
        row.complete = True


def note_read_conversation(session: Session, conversation_id: int) -> None:
    """The user opened a chat of an account whose server keeps read markers (Matrix)."""
    from unibox.store.schema import Account, Conversation

    head = session.execute(
        select(Conversation.account_id, Conversation.remote_ref, Account.kind)
        .join(Account, Account.id == Conversation.account_id)
        .where(Conversation.id == conversation_id)
    ).first()
    if head is None or head.kind != "matrix" or not head.remote_ref:
        return
    newest = session.scalar(
        select(Message.remote_id)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == "in",
            Message.remote_id.is_not(None),
            Message.deleted_at.is_(None),
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
    )
    if newest and newest.startswith("$"):
        note_read_here(session, head.account_id, head.remote_ref, newest)

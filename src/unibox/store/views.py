"""Which messages a view of the window holds: the views, and their ids newest first."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, text, union_all
from sqlalchemy.orm import Session

from unibox.core.items import FolderRole
from unibox.core.query import SearchQuery, fts_match
from unibox.store.channels import CHANNELS, is_chat_channel
from unibox.store.queries import search_filters, search_ids
from unibox.store.schema import NOT_MAIL, Account, Folder, Message, MessageLocation
from unibox.store.triage_views import (
    followup_is_due,
    hidden_from_inbox,
    is_snoozed,
    needs_reply,
    newest_chat_messages,
)


class ViewKind(StrEnum):
    """The smart views across accounts, one channel's inbox, and a single folder."""

    INBOX = "inbox"
    NEEDS_REPLY = "needs-reply"
    FOLLOWUP = "followup"
    SNOOZED = "snoozed"
    UNREAD = "unread"
    FLAGGED = "flagged"
    SENT = "sent"
    ARCHIVE = "archive"
    FOLDER = "folder"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class View:
    """Which messages the list shows: a smart view, one folder by id, or one channel."""

    kind: ViewKind
    folder_id: int | None = None
    channel: str = ""  # for CHANNEL: a key of CHANNELS


def _now() -> int:
    return int(time.time())


ROLE_OF_VIEW = {
    ViewKind.INBOX: FolderRole.INBOX,
    ViewKind.SENT: FolderRole.SENT,
    ViewKind.ARCHIVE: FolderRole.ARCHIVE,
}


def _folder_ids(session: Session, view: View) -> tuple[list[int], bool] | None:
    """The view's folders, and whether it is an inbox (which hides done and snoozed mail)."""
    if view.kind is ViewKind.FOLDER:
        if view.folder_id is None:
            return [], False
        role = session.scalar(select(Folder.role).where(Folder.id == view.folder_id))
        return [view.folder_id], role == FolderRole.INBOX.value
    inbox = select(Folder.id).where(Folder.role == FolderRole.INBOX.value)
    if view.kind is ViewKind.CHANNEL:
        kinds = next((k for key, _t, _i, k in CHANNELS if key == view.channel), ())
        mine = select(Account.id).where(Account.kind.in_(kinds))
        return list(session.scalars(inbox.where(Folder.account_id.in_(mine)))), True
    role = ROLE_OF_VIEW.get(view.kind)
    if role is None:
        return None
    folders = list(session.scalars(select(Folder.id).where(Folder.role == role.value)))
    return folders, role is FolderRole.INBOX


def _chat_accounts(session: Session, view: View) -> list[int] | None:
    """The chat accounts whose messages the view holds beside its folders (None: any)."""
    if view.kind is ViewKind.INBOX:
        return None
    if view.kind is ViewKind.CHANNEL:
        if not is_chat_channel(view.channel):
            return []  # Email: its folders' mail only
        kinds = next((k for key, _t, _i, k in CHANNELS if key == view.channel), ())
        # Its accounts, and any account holding chats of it (an import, the demo).
        holding = select(Message.account_id).where(text(NOT_MAIL), Message.channel == view.channel)
        found = select(Account.id).where(or_(Account.kind.in_(kinds), Account.id.in_(holding)))
        return list(session.scalars(found))
    return []


def view_query(
    session: Session, view: View, *, newest_first: bool = False, now: int | None = None
) -> Select[int]:
    """The view's live messages as a statement of ids, unsorted (counts build on it too)."""
    now = _now() if now is None else now
    stmt = select(Message.id).where(Message.deleted_at.is_(None))
    found = _folder_ids(session, view)
    if found is not None:
        folders, inbox = found
        placed = select(MessageLocation.message_id).where(MessageLocation.folder_id.in_(folders))
        # Whole view: driven by the folder's locations, then sorted. Its newest
        # page: walk messages by date and keep the placed ones ("id + 0" keeps
        # the planner from driving by id), 13 ms instead of 56 at 70,000.
        member = Message.id + 0 if newest_first else Message.id
        chats = _chat_accounts(session, view)
        if chats is None or chats:  # a chat has no folder: it is in the inbox until done
            stmt = stmt.where(member.in_(union_all(placed, newest_chat_messages(chats))))
        else:
            stmt = stmt.where(member.in_(placed))
        if inbox:
            stmt = stmt.where(~hidden_from_inbox(now))
    elif view.kind is ViewKind.UNREAD:
        stmt = stmt.where(Message.is_seen.is_(False), _one_row_a_chat())
    elif view.kind is ViewKind.FLAGGED:
        stmt = stmt.where(Message.is_flagged.is_(True), _one_row_a_chat())
    elif view.kind is ViewKind.NEEDS_REPLY:
        stmt = stmt.where(needs_reply(now))
    elif view.kind is ViewKind.FOLLOWUP:
        stmt = stmt.where(followup_is_due(now))
    elif view.kind is ViewKind.SNOOZED:
        stmt = stmt.where(is_snoozed(now))
    return stmt


def _one_row_a_chat() -> ColumnElement[bool]:
    """For views over few messages (unread, flagged): a chat by its newest message only."""
    return or_(Message.channel == "mail", Message.id.in_(newest_chat_messages()))


def view_ids(
    session: Session, view: View, limit: int | None = None, *, now: int | None = None
) -> list[int]:
    """Ids of every message in the view (or the newest `limit`), newest first.

    `now` (Unix seconds; default: the system clock) decides what is snoozed or due.
    """
    stmt = view_query(session, view, newest_first=limit is not None, now=now)
    stmt = stmt.order_by(Message.sent_at.desc(), Message.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


_FTS_IDS = "SELECT rowid FROM message_fts WHERE message_fts MATCH :m"


def search_view_ids(session: Session, query: SearchQuery, limit: int = 5000) -> list[int]:
    """Ids of messages matching a search across all mail, newest first.

    The same matches as store.queries.search_ids (the CLI's search), by
    another plan: walk messages newest first along the date index and keep
    those among the full-text matches, instead of sorting every match. At
    100,000 messages a common word takes 12-37 ms instead of 50-90 (the
    difference grows with the store); a rare one 10 ms instead of 1.
    """
    match = fts_match(query)
    # Not with is:unread or is:flagged, which few messages pass: walking every
    # date to find them loses (from: and has:attachment still win by 3-4 times).
    selective = query.unread is not None or query.flagged is not None
    if match and not selective:
        stmt = (
            select(Message.id)
            # "id + 0": driven by the date index, not by the matches' ids.
            .where(and_(*search_filters(query)), (Message.id + 0).in_(text(_FTS_IDS)))
            .order_by(Message.sent_at.desc(), Message.id.desc())
            .limit(limit)
            .params(m=match)
        )
        return list(session.scalars(stmt))
    return search_ids(session, query, limit=limit)


def conversation_view_ids(session: Session, view: View, *, now: int | None = None) -> list[int]:
    """One id per conversation in the view (its newest message there), newest first."""
    members = view_query(session, view, now=now).add_columns(
        Message.sent_at,
        func.row_number()
        .over(
            partition_by=Message.conversation_id,
            order_by=(Message.sent_at.desc(), Message.id.desc()),
        )
        .label("rank"),
    )
    ranked = members.subquery()
    stmt = (
        select(ranked.c.id)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.sent_at.desc(), ranked.c.id.desc())
    )
    return list(session.scalars(stmt))


def newest_per_conversation(session: Session, ids: list[int]) -> list[int]:
    """`ids` (newest first) keeping only the first of each conversation."""
    conversation: dict[int, int] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        conversation.update(
            session.execute(
                select(Message.id, Message.conversation_id).where(Message.id.in_(chunk))
            ).all()
        )
    seen: set[int] = set()
    kept = []
    for mid in ids:
        cid = conversation.get(mid)
        if cid is not None and cid not in seen:
            seen.add(cid)
            kept.append(mid)
    return kept


def view_size(session: Session, view: View, *, now: int | None = None) -> tuple[int, int]:
    """(messages, unread) in a view."""
    base = view_query(session, view, now=now).subquery()
    total = int(session.scalar(select(func.count()).select_from(base)) or 0)
    unread = int(
        session.scalar(
            select(func.count())
            .select_from(Message)
            .where(Message.id.in_(select(base.c.id)), Message.is_seen.is_(False))
        )
        or 0
    )
    return total, unread

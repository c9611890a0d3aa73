"""How many messages need attention: unread per folder, per smart view and per channel."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unibox.core.items import FolderRole
from unibox.store.channels import CHANNELS
from unibox.store.schema import Account, Folder, Message, MessageLocation
from unibox.store.triage_views import hidden_from_inbox
from unibox.store.views import ROLE_OF_VIEW, View, ViewKind, view_query

# Smart views count what needs attention: unread mail (except in Sent), every
# flagged or snoozed message, every conversation waiting for an answer or a follow-up.
COUNTED_VIEWS = (
    ViewKind.INBOX,
    ViewKind.NEEDS_REPLY,
    ViewKind.FOLLOWUP,
    ViewKind.SNOOZED,
    ViewKind.UNREAD,
    ViewKind.FLAGGED,
    ViewKind.ARCHIVE,
)


@dataclass(frozen=True, slots=True)
class Counts:
    """Unread messages per folder, per smart view and per channel.

    Flagged, Needs reply, Needs follow-up and Snoozed count every message in them.
    """

    folders: dict[int, int]
    views: dict[ViewKind, int]
    total: int
    unread: int
    channels: dict[str, int] = field(default_factory=dict)


def _count(session: Session, view: View, now: int, *, unread: bool) -> int:
    base = view_query(session, view, now=now)
    if unread:
        base = base.where(Message.is_seen.is_(False))
    return int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)


def counts(session: Session, now: int | None = None) -> Counts:
    now = int(time.time()) if now is None else now
    live = Message.deleted_at.is_(None)
    per_folder: dict[int, int] = dict(
        session.execute(
            select(MessageLocation.folder_id, func.count())
            .join(Message, Message.id == MessageLocation.message_id)
            .where(live, Message.is_seen.is_(False))
            .group_by(MessageLocation.folder_id)
        ).all()
    )
    roles = {fid: role for fid, role in session.execute(select(Folder.id, Folder.role))}
    inboxes = [fid for fid, role in roles.items() if role == FolderRole.INBOX.value]
    if inboxes:  # an inbox leaves out what is done or snoozed: so does its count
        per_folder.update({fid: 0 for fid in inboxes})
        per_folder.update(
            session.execute(
                select(MessageLocation.folder_id, func.count())
                .join(Message, Message.id == MessageLocation.message_id)
                .where(
                    live,
                    Message.is_seen.is_(False),
                    MessageLocation.folder_id.in_(inboxes),
                    ~hidden_from_inbox(now),
                )
                .group_by(MessageLocation.folder_id)
            ).all()
        )
    views: dict[ViewKind, int] = {}
    for kind, role in ROLE_OF_VIEW.items():
        views[kind] = sum(n for fid, n in per_folder.items() if roles.get(fid) == role.value)
    views[ViewKind.INBOX] = _count(session, View(ViewKind.INBOX), now, unread=True)
    for kind in (ViewKind.NEEDS_REPLY, ViewKind.FOLLOWUP, ViewKind.SNOOZED):
        views[kind] = _count(session, View(kind), now, unread=False)
    kinds = set(session.scalars(select(Account.kind).distinct()))
    channels = {
        key: _count(session, View(ViewKind.CHANNEL, channel=key), now, unread=True)
        for key, _t, _i, of in CHANNELS
        if kinds & set(of)
    }
    unread = int(session.scalar(select(func.count()).where(live, Message.is_seen.is_(False))) or 0)
    views[ViewKind.UNREAD] = unread
    views[ViewKind.FLAGGED] = int(
        session.scalar(select(func.count()).where(live, Message.is_flagged.is_(True))) or 0
    )
    total = int(session.scalar(select(func.count()).select_from(Message).where(live)) or 0)
    return Counts(per_folder, views, total, unread, channels)

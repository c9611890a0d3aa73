"""What a desktop notification needs to know about messages a sync just added."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from unibox.core.notify import NewMail
from unibox.store.queries import summaries_for
from unibox.store.schema import Account, Folder, Message, MessageLocation
from unibox.store.schema_actions import MessageTriage

# More than this in one batch is a big catch-up: the notification counts the newest ones.
MAX_LOOKED_UP = 500


def new_mail(session: Session, message_ids: Collection[int]) -> list[NewMail]:
    """NewMail for these ids (the newest MAX_LOOKED_UP when there are more); gone ones left out."""
    ids = sorted(message_ids, reverse=True)[:MAX_LOOKED_UP]
    if not ids:
        return []
    in_inbox = (
        select(MessageLocation.id)
        .join(Folder, Folder.id == MessageLocation.folder_id)
        .where(MessageLocation.message_id == Message.id, Folder.role == "inbox")
        .exists()
    )
    rows = session.execute(
        select(
            Message.id,
            Message.direction,
            func.coalesce(Message.received_at, Message.sent_at),
            Account.created_at,
            in_inbox,
            MessageTriage.done,
            MessageTriage.snoozed_until,
            Message.channel,
            Message.received_at,
            Message.snippet,
        )
        .join(Account, Account.id == Message.account_id)
        .outerjoin(MessageTriage, MessageTriage.message_id == Message.id)
        .where(and_(Message.id.in_(ids), Message.deleted_at.is_(None)))
    ).all()
    facts = {row[0]: row for row in rows}
    found = []
    for s in summaries_for(session, [i for i in ids if i in facts]):
        _id, direction, arrived, added_at, inbox, done, snoozed, channel, received, said = facts[
            s.id
        ]
        # A chat message has no folder: it is in the inbox; one backfilled or
        # imported (no time of arrival) is history, whenever it was written.
        chat = channel != "mail"
        found.append(
            NewMail(
                id=s.id,
                account=s.account,
                sender_name=s.from_name,
                sender_email=s.from_email,
                subject=said if chat else s.subject,  # a chat line has no subject: its words
                sent_at=int(s.date.timestamp()),
                outgoing=direction == "out",
                in_inbox=bool(inbox) or chat,
                seen=s.is_seen,
                done=bool(done),
                snoozed_until=snoozed,
                history=int(arrived) < int(added_at) or (chat and received is None),
            )
        )
    return found

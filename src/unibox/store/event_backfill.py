"""Reading the invitations of mail stored before events existed (once per message).

A migration cannot parse mail, so the app (after its first paint, off the GUI
thread) and `unibox events` call `backfill_invitations`. It finds the messages
with a calendar attachment that no `event_message` row names yet, through the
partial index ix_attachment_calendar (a few rows even at 100k messages), reads
their raw source again and records the events in small write transactions.
Idempotent: a message once read has its row, even when it gave no event.
"""

from __future__ import annotations

import logging

from sqlalchemy import Select, exists, select, text

from unibox.core.items import ChangeSet, Invitation
from unibox.core.mime import parse_message
from unibox.core.rawcodec import decompress_raw
from unibox.store.event_ingest import record_invitations
from unibox.store.people import HandleResolver
from unibox.store.schema import CALENDAR_ATTACHMENT, Account, Attachment, MessageRaw
from unibox.store.schema_events import EventMessage
from unibox.store.store import Store

log = logging.getLogger("unibox.events")

BATCH = 50


def pending_query() -> Select[int]:
    """Messages with a calendar part that no event_message row names, oldest first."""
    read = exists().where(EventMessage.message_id == Attachment.message_id)
    return (
        select(Attachment.message_id)
        .where(text(CALENDAR_ATTACHMENT), ~read)  # literal: the partial index applies
        .distinct()
        .order_by(Attachment.message_id)
    )


def pending_invitations(store: Store) -> list[int]:
    """Ids of messages with a calendar part whose events were never read, oldest first."""
    with store.read() as s:
        return list(s.execute(pending_query()).scalars())


def backfill_invitations(store: Store) -> ChangeSet:
    """Record the events of every stored invitation not read yet; what changed."""
    changes = ChangeSet()
    pending = pending_invitations(store)
    if not pending:
        return changes
    with store.read() as s:
        mine = [e for e in s.execute(select(Account.email)).scalars() if e]
    resolver = HandleResolver(mine)
    for start in range(0, len(pending), BATCH):
        ids = pending[start : start + BATCH]
        with store.read() as s:
            raws = s.execute(
                select(MessageRaw.message_id, MessageRaw.codec, MessageRaw.data).where(
                    MessageRaw.message_id.in_(ids)
                )
            ).all()
        found = [(mid, _invitation(codec, data)) for mid, codec, data in raws]
        with store.write() as s:
            record_invitations(s.connection(), resolver, found, changes)
    log.info("read the invitations of %d stored messages", len(pending))
    return changes


def _invitation(codec: str, data: bytes) -> Invitation:
    try:
        parsed = parse_message(decompress_raw(data, codec))
    except Exception as exc:  # a damaged raw source: remember it was tried
        log.debug("stored message not readable: %s", exc)
        parsed = None
    if parsed is None or parsed.invitation is None:
        return Invitation(method="", problem="The calendar in this message could not be read.")
    return parsed.invitation

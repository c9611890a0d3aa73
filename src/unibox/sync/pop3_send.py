"""The outgoing half of a POP3 account's sync: send due mail over SMTP, keep Sent here.

POP3 has no folders on the server, so there is nothing to push: a flag, a move
or a delete is local only, and its queued operation is done at once. Mail goes
out through the account's SMTP as for IMAP (sync/send.py); the sent copy goes
into a local "Sent" folder of the account in the same transaction that marks it
done. A send whose outcome is unknown (the connection was lost before the
server's answer) cannot be looked up in a server's Sent folder: the person
decides, as for an IMAP account whose Sent does not have it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from unibox.channels.sasl import Credential
from unibox.core.items import ChangeSet, FetchedMail, FolderRole
from unibox.core.triage import Clock, utc_now
from unibox.store import outbox, pending_ops
from unibox.store.accounts import AccountInfo
from unibox.store.actions import queue_flags
from unibox.store.ingest import Ingestor
from unibox.store.intent import intent_write
from unibox.store.pop3_state import local_folder, take_uid
from unibox.store.store import Store
from unibox.sync.pipeline import to_incoming

log = logging.getLogger("unibox.sync")

SENT = "Sent"


def pop3_work(
    store: Store, account: AccountInfo, password: Credential, clock: Clock = utc_now
) -> ChangeSet:
    """Send what is due, file what was sent, finish local-only operations; the changes."""
    now = int(clock().timestamp())
    changes = ChangeSet()
    with store.read() as s:
        due = outbox.due_items(s, account.id, now)
    if due:
        changes.merge(_send(store, account, password, clock, now))
    # Last: filing a reply marks its original answered, which queues an operation too.
    with store.write() as s:
        ops = [op.id for op in pending_ops.pending_for(s, account.id)]
        if ops:
            pending_ops.mark_done(s, ops, "POP3: kept on this computer only")
    return changes


def _send(
    store: Store, account: AccountInfo, password: Credential, clock: Clock, now: int
) -> ChangeSet:
    from unibox.sync.send import OutboxSender, smtp_send

    changes = ChangeSet()
    with store.read() as s:
        lapsed = [i.id for i in outbox.due_items(s, account.id, now) if i.state == outbox.SENDING]
    if lapsed:
        # A process died while sending, before the end of the message left (from there
        # on a row is unconfirmed): the server has not taken it, so it goes again.
        with intent_write(store) as s:
            for outbox_id in lapsed:
                outbox.mark_retry(s, outbox_id, "", now)
    sender = OutboxSender(store, account, password, clock=clock, send=smtp_send)
    changes.merge(sender.drain(None).changes)
    with store.read() as s:
        due = outbox.due_items(s, account.id, now)
    for item in due:
        if item.state == outbox.ACCEPTED:
            changes.merge(_file_locally(store, account, item.id, now))
        elif item.state == outbox.UNCONFIRMED:
            with intent_write(store) as s:
                if outbox.take_unconfirmed(s, item.id, now):
                    log.info("outbox %d may have been sent; asking the person", item.id)
                    outbox.await_decision(s, item.id)
    return changes


def _file_locally(store: Store, account: AccountInfo, outbox_id: int, now: int) -> ChangeSet:
    """The sent copy into the local Sent folder, and the row done, in one transaction."""
    with store.read() as s:
        item = outbox.get_item(s, outbox_id)
        raw = outbox.raw_of(s, outbox_id)
    when = datetime.fromtimestamp(item.accepted_at or now, UTC)
    with intent_write(store) as s:
        folder_id = local_folder(s, account.id, SENT, FolderRole.SENT)
        uid = take_uid(s, folder_id)
        mail = FetchedMail(uid=uid, flags=("\\Seen",), size=len(raw), internal_date=when, raw=raw)
        changes = Ingestor(account.id, folder_id, [account.email]).ingest(
            s, to_incoming([mail], compress=False)
        )
        refused = f"Not delivered to: {item.refused}." if item.refused else ""
        outbox.mark_done(s, outbox_id, now, refused)
        if item.reply_to_message_id is not None:
            queue_flags(s, item.reply_to_message_id, {"\\Answered"}, now)
    return changes

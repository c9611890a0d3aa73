"""Writing and acting on mail: one place for the window and the command line.

Every function commits the user's intent durably (store.intent) and returns
at once; the sync engine (sync/account_work.py) carries it to the servers.
`deliver_now` runs that engine step right away for one account.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from unibox.core.address_list import parse_addresses
from unibox.core.compose import forward_draft, reply_draft
from unibox.core.errors import UserError
from unibox.core.items import Address, ChangeSet, ParsedMessage
from unibox.core.outgoing import Draft, OutgoingAttachment, build_message, make_message_id
from unibox.core.triage import Clock, utc_now
from unibox.store import outbox
from unibox.store.accounts import AccountInfo, get_account, list_accounts
from unibox.store.actions import Action, apply_action
from unibox.store.intent import intent_write
from unibox.store.outbox import OutboxItem
from unibox.store.queries import raw_source
from unibox.store.schema import Handle, Message, Person
from unibox.store.store import Store

if TYPE_CHECKING:  # the network side loads only when something is delivered now
    from unibox.secrets import SecretStore
    from unibox.sync.account_work import WorkReport

MAX_ATTACHMENTS_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What the person wrote, before unibox builds the message."""

    to: Sequence[str] = ()
    cc: Sequence[str] = ()
    bcc: Sequence[str] = ()
    subject: str = ""
    body: str = ""
    attachments: Sequence[Path] = ()
    send_at: datetime | None = None  # None: now, after the undo delay


def read_attachments(paths: Sequence[Path]) -> tuple[OutgoingAttachment, ...]:
    found: list[OutgoingAttachment] = []
    total = 0
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(
                f"The file “{path}” could not be read: {exc.strerror or exc}."
            ) from None
        total += len(data)
        if total > MAX_ATTACHMENTS_BYTES:
            raise UserError("The attachments add up to more than 50 MB; share them as a link.")
        found.append(OutgoingAttachment(path.name, data))
    return tuple(found)


def _me(account: AccountInfo) -> Address:
    return Address(account.email, account.display_name)


def _account_by_id(store: Store, account_id: int) -> AccountInfo:
    with store.read() as s:
        for a in list_accounts(s):
            if a.id == account_id:
                return a
    raise UserError(f"There is no account {account_id}.")


def my_addresses(store: Store) -> set[str]:
    """Every address that is the user's own (all accounts), to leave out of reply-all."""
    with store.read() as s:
        handles = s.scalars(
            select(Handle.value).join(Person, Person.id == Handle.person_id).where(Person.is_me)
        )
        return {*handles, *(a.email for a in list_accounts(s))}


def _queue(
    store: Store,
    account: AccountInfo,
    draft: Draft,
    send_at: datetime | None,
    undo_seconds: int,
    clock: Clock,
    reply_to_message_id: int | None = None,
) -> OutboxItem:
    now = clock()
    when = send_at if send_at is not None else now + timedelta(seconds=max(0, undo_seconds))
    when = max(when, now)
    built = build_message(
        draft, message_id=make_message_id(account.email, now), date=when.astimezone(UTC)
    )
    with intent_write(store) as s:
        outbox_id = outbox.enqueue(
            s,
            account_id=account.id,
            built=built,
            subject=draft.subject,
            send_at=int(when.timestamp()),
            now=int(now.timestamp()),
            reply_to_message_id=reply_to_message_id,
        )
        return outbox.get_item(s, outbox_id)


def queue_new(
    store: Store, account_name: str, mail: Outgoing, *, undo_seconds: int, clock: Clock = utc_now
) -> OutboxItem:
    """A new message into the outbox (sent once its time comes)."""
    with store.read() as s:
        account = get_account(s, account_name)
    draft = Draft(
        from_=_me(account),
        to=parse_addresses(mail.to, label="The To addresses"),
        cc=parse_addresses(mail.cc, label="The Cc addresses"),
        bcc=parse_addresses(mail.bcc, label="The Bcc addresses"),
        subject=mail.subject,
        text=mail.body,
        attachments=read_attachments(mail.attachments),
    )
    return _queue(store, account, draft, mail.send_at, undo_seconds, clock)


def _original(store: Store, message_id: int) -> tuple[AccountInfo, ParsedMessage, bytes]:
    from unibox.core.mime import parse_message  # only when replying

    with store.read() as s:
        m = s.get(Message, message_id)
        if m is None or m.deleted_at is not None:
            raise UserError(f"There is no message {message_id}.")
        raw = raw_source(s, message_id)
        account_id = m.account_id
    if raw is None:
        raise UserError("This message has not been downloaded completely yet; sync and try again.")
    return _account_by_id(store, account_id), parse_message(raw), raw


def queue_reply(
    store: Store,
    message_id: int,
    mail: Outgoing,
    *,
    reply_all: bool = False,
    undo_seconds: int,
    clock: Clock = utc_now,
) -> OutboxItem:
    """A reply (or reply-all) to a stored message, threaded and quoting it."""
    account, original, _raw = _original(store, message_id)
    draft = reply_draft(
        original,
        me=_me(account),
        my_addresses=my_addresses(store),
        body=mail.body,
        reply_all=reply_all,
        attachments=read_attachments(mail.attachments),
    )
    if not draft.recipients:
        raise UserError("Nobody is left to reply to.")
    return _queue(store, account, draft, mail.send_at, undo_seconds, clock, message_id)


def queue_forward(
    store: Store, message_id: int, mail: Outgoing, *, undo_seconds: int, clock: Clock = utc_now
) -> OutboxItem:
    """A forward of a stored message with its attachments."""
    account, original, raw = _original(store, message_id)
    draft = forward_draft(
        original,
        raw,
        me=_me(account),
        to=parse_addresses(mail.to, label="The To addresses"),
        cc=parse_addresses(mail.cc, label="The Cc addresses"),
        body=mail.body,
        attachments=read_attachments(mail.attachments),
    )
    return _queue(store, account, draft, mail.send_at, undo_seconds, clock)


def act(
    store: Store, message_ids: Sequence[int], action: Action, *, clock: Clock = utc_now
) -> ChangeSet:
    """Apply a triage action locally at once; the server follows with the next sync."""
    with intent_write(store) as s:
        return apply_action(s, message_ids, action, int(clock().timestamp()))


def account_of_message(store: Store, message_id: int) -> AccountInfo:
    with store.read() as s:
        account_id = s.scalar(select(Message.account_id).where(Message.id == message_id))
    if account_id is None:
        raise UserError(f"There is no message {message_id}.")
    return _account_by_id(store, account_id)


def deliver_now(
    store: Store, secrets: SecretStore, account: AccountInfo, *, clock: Clock = utc_now
) -> WorkReport:
    """Push this account's pending changes and send what is due, now."""
    from unibox.sync.account_work import AccountWork, WorkReport

    if account.kind == "pop3":  # nothing to push to a POP3 server; mail goes over SMTP
        from unibox.sync.credentials import credential_for
        from unibox.sync.pop3_send import pop3_work

        changes = pop3_work(store, account, credential_for(secrets, account), clock)
        return WorkReport(changes=changes)
    from unibox.sync.credentials import credential_for

    return AccountWork(store, account, credential_for(secrets, account), clock=clock).run()


def cancel(store: Store, outbox_id: int) -> OutboxItem:
    """Undo send, while the message still waits."""
    with intent_write(store) as s:
        return outbox.cancel(s, outbox_id)


def decide_maybe_sent(store: Store, outbox_id: int, *, send_again: bool) -> OutboxItem:
    """The person's answer for a message that may have been sent: send again, or discard."""
    from unibox.store.outbox_control import send_now

    with intent_write(store) as s:
        item = outbox.get_item(s, outbox_id)
        if not item.awaits_decision:
            raise UserError(
                f"The message “{item.subject}” is not waiting for a decision "
                f"(it is {item.state}); see “unibox outbox”."
            )
        if send_again:
            return send_now(s, outbox_id, int(time.time()))
        return outbox.cancel(s, outbox_id)


def account_of_outbox(store: Store, outbox_id: int) -> AccountInfo:
    with store.read() as s:
        item = outbox.get_item(s, outbox_id)
    return _account_by_id(store, item.account_id)


def original_message(store: Store, message_id: int) -> tuple[AccountInfo, ParsedMessage, bytes]:
    """A stored message's account, parsed form and raw source (to reply to or forward it)."""
    return _original(store, message_id)


def account_by_id(store: Store, account_id: int) -> AccountInfo:
    return _account_by_id(store, account_id)


def queue_draft(
    store: Store,
    account: AccountInfo,
    draft: Draft,
    *,
    send_at: datetime | None,
    undo_seconds: int,
    clock: Clock = utc_now,
    reply_to_message_id: int | None = None,
) -> OutboxItem:
    """A draft the compose window built (recipients and quote as the person edited them)."""
    return _queue(store, account, draft, send_at, undo_seconds, clock, reply_to_message_id)

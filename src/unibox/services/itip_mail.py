"""The mail that carries an iTIP message: which account sends it, threading, the built bytes.

Queued inside the caller's durable transaction (store.intent), with the
event change it tells of, so both commit or neither does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import Address
from unibox.core.itip import ItipMessage
from unibox.core.outgoing import BuiltMessage, Draft, build_message, make_message_id
from unibox.store import outbox
from unibox.store.accounts import AccountInfo, list_accounts
from unibox.store.schema import Message
from unibox.store.store import Store

SENDING_KINDS = ("imap", "pop3")
NO_ACCOUNT = "No mail account can send it; add one with “unibox account add-mail”."


def sending_account(store: Store, message_id: int | None = None, address: str = "") -> AccountInfo:
    """The account an invitation came to, else the one with our address, else the first."""
    with store.read() as s:
        accounts = [a for a in list_accounts(s) if a.kind in SENDING_KINDS]
        came_to = s.get(Message, message_id) if message_id is not None else None
        account_id = came_to.account_id if came_to is not None else None
    for account in accounts:
        if account.id == account_id:
            return account
    for account in accounts:
        if address and account.email.lower() == address.lower():
            return account
    if accounts:
        return accounts[0]
    raise UserError(NO_ACCOUNT)


def threading(store: Store, message_id: int | None) -> tuple[str, tuple[str, ...]]:
    """In-Reply-To and References under the invitation, when its source is stored."""
    if message_id is None:
        return "", ()
    from unibox.core.compose import thread_headers
    from unibox.services.mail import original_message

    try:
        _account, original, _raw = original_message(store, message_id)
    except UserError:
        return "", ()
    return thread_headers(original)


@dataclass(frozen=True, slots=True)
class ItipMail:
    """A built iTIP mail, ready to queue."""

    account: AccountInfo
    built: BuiltMessage
    subject: str
    send_at: int
    now: int
    reply_to_message_id: int | None


def build_itip(
    account: AccountInfo,
    to: tuple[Address, ...],
    message: ItipMessage,
    *,
    now: datetime,
    undo_seconds: int = 0,
    thread: tuple[str, tuple[str, ...]] = ("", ()),
    reply_to_message_id: int | None = None,
) -> ItipMail:
    """The mail: a sentence for people, and the text/calendar part with its method."""
    draft = Draft(
        from_=Address(account.email, account.display_name),
        to=to,
        subject=message.subject,
        text=message.text,
        calendar=(message.method, message.ics),
        in_reply_to=thread[0],
        references=thread[1],
    )
    when = now + timedelta(seconds=max(0, undo_seconds))
    built = build_message(
        draft, message_id=make_message_id(account.email, now), date=when.astimezone(UTC)
    )
    return ItipMail(
        account,
        built,
        draft.subject,
        int(when.timestamp()),
        int(now.timestamp()),
        reply_to_message_id,
    )


def queue(session: Session, mail: ItipMail) -> int:
    """Into the outbox, in the caller's transaction; the outbox id."""
    return outbox.enqueue(
        session,
        account_id=mail.account.id,
        built=mail.built,
        subject=mail.subject,
        send_at=mail.send_at,
        now=mail.now,
        reply_to_message_id=mail.reply_to_message_id,
    )

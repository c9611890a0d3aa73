"""Which new mail deserves a desktop notification, and what it says: pure, no Qt, no store.

One sync batch (a ChangeSet's messages_added, looked up in the store) gives
at most one notification: "Ana Lima" / "Contract draft" for one message,
"5 new messages in Work" for several in one account, "5 new messages" for
several accounts. Never for mail the user sent, mail outside an inbox, mail
already read, done or snoozed, mail of an account whose notifications are
off, or the old mail an account's first sync brings in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

MAX_NAMES = 3


@dataclass(frozen=True, slots=True)
class NewMail:
    """What the store knows about one message a sync just added."""

    id: int
    account: str
    sender_name: str
    sender_email: str
    subject: str
    sent_at: int
    outgoing: bool  # the user sent it (a Sent copy, or mail to themself from another client)
    in_inbox: bool
    seen: bool
    done: bool
    snoozed_until: int | None
    # It reached the server before the account was added to unibox: history
    # that the account's first sync brings in, not news.
    history: bool


@dataclass(frozen=True, slots=True)
class Notification:
    """One desktop notification; clicking it opens `message_id` (the newest of the batch)."""

    title: str
    body: str
    message_id: int
    count: int


def worth_telling(mail: NewMail, quiet_accounts: Iterable[str], now: int) -> bool:
    if mail.account in set(quiet_accounts):
        return False
    if mail.outgoing or mail.history or not mail.in_inbox or mail.seen or mail.done:
        return False
    return mail.snoozed_until is None or mail.snoozed_until <= now


def notification_for(
    batch: Iterable[NewMail], quiet_accounts: Iterable[str], now: int
) -> Notification | None:
    """The one notification for a batch of new mail, or None when none of it deserves one."""
    quiet = set(quiet_accounts)
    mail = [m for m in batch if worth_telling(m, quiet, now)]
    if not mail:
        return None
    mail.sort(key=lambda m: (m.sent_at, m.id), reverse=True)
    newest = mail[0]
    if len(mail) == 1:
        who = newest.sender_name or newest.sender_email or "Someone"
        return Notification(who, newest.subject or "(no subject)", newest.id, 1)
    accounts = Counter(m.account for m in mail)
    names = list(dict.fromkeys(m.sender_name or m.sender_email for m in mail))
    senders = ", ".join(names[:MAX_NAMES]) + (
        f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
    )
    if len(accounts) == 1:
        title = f"{len(mail)} new messages in {newest.account}"
        body = f"From {senders}"
    else:
        title = f"{len(mail)} new messages"
        body = " · ".join(f"{n} in {a}" for a, n in accounts.most_common())
    return Notification(title, body, newest.id, len(mail))

"""The channels the window groups accounts into: which account kinds each one shows.

A channel's key is the `message.channel` of its messages, except for mail,
whose key in the window is "email" (its messages say "mail").
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from unibox.store.schema import NOT_MAIL, Account, Message

# Channels: (key, title, icon, account kinds). A chat or social channel adds one entry.
CHANNELS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("email", "Email", "mail", ("imap", "pop3", "mbox", "maildir", "demo")),
    ("xmpp", "XMPP", "chat", ("xmpp",)),
    ("whatsapp", "WhatsApp", "chat", ()),  # imported exports only (an "import" account)
    ("mastodon", "Mastodon", "at", ("mastodon",)),
    ("matrix", "Matrix", "chat", ("matrix",)),
    ("linkedin", "LinkedIn", "chat", ()),  # imported too
    ("x", "X", "chat", ()),
    ("sms", "SMS", "chat", ()),
    ("telegram", "Telegram", "chat", ()),  # imported exports
    ("slack", "Slack", "chat", ()),
    ("facebook", "Facebook", "chat", ()),
    ("instagram", "Instagram", "chat", ()),
)


def present_channels(session: Session) -> list[tuple[str, str, str]]:
    """(key, title, icon) of the channels the store has an account or messages of, in order.

    Messages count too: an import or the demo brings chat without an account of its kind.
    """
    kinds = set(session.scalars(select(Account.kind).distinct()))
    chats = set(session.scalars(select(Message.channel).where(text(NOT_MAIL)).distinct()))
    return [
        (key, title, icon) for key, title, icon, of in CHANNELS if kinds & set(of) or key in chats
    ]


def is_chat_channel(key: str) -> bool:
    """A channel of chats (no folders: its messages are in the inbox until done)."""
    return key not in ("", "email")


def channel_of(account_kind: str) -> str:
    """The channel key of an account kind ("" when no channel shows it)."""
    for key, _title, _icon, kinds in CHANNELS:
        if account_kind in kinds:
            return key
    return ""

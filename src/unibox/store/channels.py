"""The channels the window groups accounts into: which account kinds each one shows."""

from __future__ import annotations

# Channels: (key, title, icon, account kinds). A chat or social channel adds one entry.
CHANNELS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("email", "Email", "mail", ("imap", "pop3", "mbox", "maildir", "demo")),
    ("xmpp", "XMPP", "chat", ("xmpp",)),
)


def is_chat_channel(key: str) -> bool:
    """A channel of chats (no folders: its messages are in the inbox until done)."""
    return key not in ("", "email")


def channel_of(account_kind: str) -> str:
    """The channel key of an account kind ("" when no channel shows it)."""
    for key, _title, _icon, kinds in CHANNELS:
        if account_kind in kinds:
            return key
    return ""

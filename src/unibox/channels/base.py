"""What a channel is: the protocol every chat and social channel implements.

Failures are core.errors' ChannelError (`retryable`), AuthError (wrong
credentials), SecurityError (TLS) and ConnectionLost (try again later), the
same classes mail raises, so the engine and the CLI treat them alike.

A channel talks to one account's server and turns what it says into
normalized items (`core.items.ChatMessage`); it knows nothing of the store,
the sync engine or Qt. The sync engine (sync/) runs each account's channel
on its own asyncio loop, persists the items and the history cursor it is
handed in one transaction, and drains the outbox through `send`. Mail
(IMAP/SMTP) predates this protocol and keeps its own, blocking, pipeline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from unibox.core.errors import AuthError, ChannelError
from unibox.core.items import ChatAddress, ChatMessage, ChatUpdate, HistoryCursor

__all__ = [
    "AuthError",
    "Capabilities",
    "Channel",
    "ChannelAccount",
    "ChannelError",
    "ConversationInfo",
    "HistoryCursor",
    "HistoryPage",
    "SendResult",
]


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can do, so the window offers only what works."""

    group_chats: bool = False
    history: bool = False  # a server-side archive to backfill from
    threads: bool = False
    read_markers: bool = False
    attachments: bool = False
    edits: bool = False
    reactions: bool = False
    typing: bool = False


@dataclass(frozen=True, slots=True)
class ChannelAccount:
    """Everything a channel needs to connect. The secret comes from the keyring, never the store."""

    name: str
    address: str  # the account's own id on the network: a bare JID, a Matrix user id, …
    host: str = ""
    port: int = 0
    security: str = ""  # tls, starttls or plain (plain only to loopback)
    username: str = ""
    ca_file: str = ""
    secret: str = field(default="", repr=False)
    settings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConversationInfo:
    """A conversation the account takes part in: a one-to-one chat or a room."""

    ref: str  # the peer's or the room's address, as in ChatMessage.conversation
    name: str = ""
    is_group: bool = False
    members: tuple[ChatAddress, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """A batch of history and the cursor to store once the batch is stored."""

    items: tuple[ChatMessage, ...]
    cursor: HistoryCursor
    updates: tuple[ChatUpdate, ...] = ()  # edits, redactions, reactions of stored messages


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the server said of a sent message: its id there, if it gave one."""

    remote_id: str = ""


@dataclass(frozen=True, slots=True)
class Bounce:
    """A message the user sent came back after `send` returned (a remote server gave up on it):
    `live()` yields it so the outbox row shows the server's words."""

    origin_id: str
    error: str


class Channel(Protocol):
    """One account's connection to a chat or social network."""

    kind: ClassVar[str]  # the channel's name in the store and search: xmpp, matrix, …
    capabilities: ClassVar[Capabilities]

    async def connect(self) -> None:
        """Connect and authenticate; raises AuthError or ChannelError in words."""

    async def conversations(self) -> list[ConversationInfo]:
        """The chats and rooms the account has (roster, joined rooms)."""

    def archives(self) -> list[str]:
        """The histories to backfill: "" for the account's own, plus one per room."""

    def backfill(self, archive: str, cursor: HistoryCursor) -> AsyncIterator[HistoryPage]:
        """History after/before the cursor, newest pages first on a first sync."""

    def live(self) -> AsyncIterator[ChatMessage | Bounce | ChatUpdate]:
        """Messages as they arrive (including the user's own from other clients), bounces
        of messages sent earlier, and changes to stored ones (ChatUpdate), until close()."""

    async def send(
        self, conversation: str, text: str, *, origin_id: str, reply_to: str = ""
    ) -> SendResult:
        """Send a message into a conversation; raises ChannelError with the server's words."""

    def notice(self) -> str:
        """What does not work for this account, in words ("" when all does): a server
        that keeps no archive (live only), a room that refused to let the user in."""

    async def close(self) -> None:
        """Disconnect; safe to call twice."""

"""A Matrix account live: /sync long-polled, its invitations, messages and read receipts."""

from __future__ import annotations

from collections.abc import AsyncIterator

from unibox.channels.base import Bounce
from unibox.channels.matrix.connection import LAZY, Connection
from unibox.core.errors import ChannelError
from unibox.core.items import ChatMessage, ChatUpdate

LIVE_TIMEOUT_MS = 25_000


class Live(Connection):
    """`live()`: what each long-polled sync brings, until the channel is closed."""

    async def live(self) -> AsyncIterator[ChatMessage | Bounce | ChatUpdate]:
        while not self._closed.is_set():
            known = set(self._invites)
            try:
                response = await self._sync(
                    timeout=LIVE_TIMEOUT_MS, sync_filter={"room": {"state": LAZY}}
                )
            except ChannelError:
                if self._closed.is_set():
                    return
                raise
            for rid in set(self._invites) - known:
                yield self._invites[rid]
            for item in self.decrypted_later():
                yield item
            for rid, info in response.rooms.join.items():
                if info.timeline.events:
                    await self._whole_members(rid)
                for item in self._items(info.timeline.events, rid, is_history=False):
                    yield item
                for update in self._receipts(info.ephemeral, rid):
                    yield update

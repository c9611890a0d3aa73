"""A Matrix account's histories: the first sync's newest events, then each room's pages.

"" is the first sync (the newest of every room, and the invitations: a first
sync shows them at once); then one archive per room, read forward from its
stored cursor (`newest`: a sync or pagination token) and, until complete,
back from `oldest`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from nio import MessageDirection

from unibox.channels.base import HistoryCursor, HistoryPage
from unibox.channels.matrix import rooms
from unibox.channels.matrix.connection import LAZY, Connection, Item
from unibox.core.items import ChatMessage, ChatUpdate

HISTORY_FILTER = {**LAZY, "not_types": ["m.room.member"]}  # joins and leaves are no messages


class History(Connection):
    """Backfill: the pages of each archive, from a stored cursor."""

    async def backfill(self, archive: str, cursor: HistoryCursor) -> AsyncIterator[HistoryPage]:
        if not archive:
            items: list[Item] = list(self._invites.values())
            items += self.decrypted_later()
            for rid, (got, _prev) in self._first.items():
                await self._whole_members(rid)
                items += self._items(got, rid, is_history=True)
            items += self._first_receipts
            yield page(items, HistoryCursor(self.next_batch, "", True))
            return
        client = self._require()
        await self._whole_members(archive)
        newest = cursor.newest
        if newest:
            token = newest
            while True:
                got = await self._call(
                    client.room_messages(archive, start=token, direction=MessageDirection.front,
                                         limit=self.page, message_filter=HISTORY_FILTER),
                    "read the room's history")  # fmt: skip
                if not got.chunk:
                    break
                token = got.end or token
                newest = token
                await self._learn_senders(archive, got.chunk)
                items = self._items(got.chunk, archive, is_history=True)
                yield page(items, HistoryCursor(newest, cursor.oldest, cursor.complete))
        if cursor.complete:
            return
        token = cursor.oldest
        if not newest:
            newest = self.next_batch
            token = self._first.get(archive, ([], ""))[1] or self.next_batch
        while True:
            got = await self._call(
                client.room_messages(archive, start=token, direction=MessageDirection.back,
                                     limit=self.page, message_filter=HISTORY_FILTER),
                "read the room's history")  # fmt: skip
            done = not got.chunk or not got.end or got.end == token
            token = got.end or token
            await self._learn_senders(archive, got.chunk)
            items = self._items(got.chunk, archive, is_history=True)
            yield page(items, HistoryCursor(newest, token, done))
            if done:
                return

    async def _learn_senders(self, room_id: str, events: Iterable[Any]) -> None:
        await rooms.learn_senders(self._require(), room_id, events)


def page(items: list[Item], cursor: HistoryCursor) -> HistoryPage:
    messages = tuple(i for i in items if isinstance(i, ChatMessage))
    updates = tuple(i for i in items if isinstance(i, ChatUpdate))
    return HistoryPage(messages, cursor, updates)

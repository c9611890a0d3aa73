"""The state of a Matrix account's connection, shared by its history, live and sending parts.

`connect` restores the session from the keyring (token and device id, see
session.py) and makes one sync that learns the rooms, the invitations and each
room's newest events. Every sync goes through `_sync`, which also lets the
end-to-end encryption (crypto.py) see it. The parts of the channel are mixins
of `Connection`: history.py, live.py, sending.py; channel.py puts them together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nio import AsyncClient, MatrixRoom, SyncResponse

from unibox.channels.base import ChannelAccount, ConversationInfo
from unibox.channels.matrix import events as ev
from unibox.channels.matrix import rooms
from unibox.channels.matrix.crypto import Encryption, keys_broken
from unibox.channels.matrix.rooms import LISTED_MEMBERS
from unibox.channels.matrix.session import (
    Session,
    call,
    homeserver_url,
    make_client,
    relogin_hint,
)
from unibox.channels.matrix.trust import changed_words
from unibox.core.errors import AuthError, ChannelError, ConnectionLost
from unibox.core.identity import normalize_matrix
from unibox.core.items import ChatAddress, ChatMessage, ChatUpdate

PAGE = 100
FIRST_TIMELINE = 20  # the newest events of each room that the first sync brings
# A room's members come with the events they sent (a room of 10,000 is its speakers, not 10,000
# member events); the summary gives the counts and, for a room without a name, who is in it.
LAZY = {"lazy_load_members": True}
Item = ChatMessage | ChatUpdate


class Connection:
    """A Matrix account's client and what its syncs brought: rooms, invitations, newest events."""

    def __init__(self, account: ChannelAccount, *, page: int = PAGE) -> None:
        self.account = account
        self.page = page
        self.url = homeserver_url(account.settings.get("homeserver", "") or account.host)
        self.session = Session.load(account.secret, account.address)
        self.me = normalize_matrix(account.address) or account.address
        self.next_batch = ""
        self._client: AsyncClient | None = None
        self._first: dict[str, tuple[list[Any], str]] = {}  # room -> (newest events, prev_batch)
        self._invites: dict[str, ChatMessage] = {}
        self._first_receipts: list[ChatUpdate] = []
        self._started: dict[str, str] = {}  # peer -> the direct chat started with them here
        self._closed = asyncio.Event()
        self._notice = ""  # devices whose keys changed: said on the account
        keys_dir = account.settings.get("keys_dir", "")
        self.e2e = Encryption(account.name, Path(keys_dir), self.me) if keys_dir else None

    # ------------------------------------------------------------------ session

    def _require(self) -> AsyncClient:
        if self._client is None:
            raise ConnectionLost(f"Not connected to {self.url}.")
        return self._client

    async def _call(self, coro: Any, what: str) -> Any:
        return await call(coro, what, name=self.account.name, url=self.url)

    def _open(self) -> AsyncClient:
        """The client, signed in from the keyring's session (and its keys opened): no request."""
        if not self.session.access_token:
            raise AuthError(
                f"{self.account.name} is not signed in. " + relogin_hint(self.account.name)
            )
        user, device, token = (self.session.user_id or self.me, self.session.device_id,
                               self.session.access_token)  # fmt: skip
        if self.e2e is not None and not self.session.pickle_key:
            raise keys_broken(self.account.name, "the key protecting them is not in the keyring")
        client = make_client(
            self.url, self.me, ca_file=self.account.ca_file, device_id=device,
            keys_dir=self.e2e.prepare() if self.e2e else None, pickle_key=self.session.pickle_key,
        )  # fmt: skip
        self._client = client
        if self.e2e is not None:
            self.e2e.restore(client, user, device, token)
        else:
            client.restore_login(user, device, token)
        return client

    async def open_keys(self) -> None:
        """Only the device's keys, offline (to import room keys)."""
        self._open()

    async def connect(self) -> None:
        client = self._open()
        who = await self._call(client.whoami(), "say who is signed in")
        if normalize_matrix(who.user_id) != self.me:
            raise ChannelError(
                f"The sign-in of {self.account.name} is for {who.user_id}, not {self.me}.",
                retryable=False,
            )
        first = {"room": {"state": LAZY, "timeline": {"limit": FIRST_TIMELINE}}}
        response = await self._sync(sync_filter=first, full_state=True)
        self._first = {
            rid: (list(info.timeline.events), info.timeline.prev_batch or "")
            for rid, info in response.rooms.join.items()
        }
        self._first_receipts = [
            r for rid, info in response.rooms.join.items()
            for r in self._receipts(info.ephemeral, rid)
        ]  # fmt: skip

    async def _sync(self, **kwargs: Any) -> SyncResponse:
        client = self._require()
        response = await self._call(client.sync(since=self.next_batch or None, **kwargs), "sync")
        self.next_batch = response.next_batch
        if self.e2e is not None:
            await self.e2e.after_sync(client, self._call)
            self._notice = changed_words(self.e2e.changed_devices())
            for info in response.rooms.join.values():
                await self.e2e.request_keys(client, self._call, info.timeline.events)
        for rid in response.rooms.invite:
            room = client.invited_rooms.get(rid)
            if room is not None:
                self._invites[rid] = rooms.invitation(room)
        for rid in response.rooms.join:
            self._invites.pop(rid, None)
        return response

    async def _learn_rooms(self) -> None:
        """A sync that only updates nio's rooms: its events come again in the next one."""
        client = self._require()
        since = self.next_batch or None
        await self._call(client.sync(timeout=0, since=since), "sync")
        if self.e2e is not None:
            await self.e2e.after_sync(client, self._call)

    async def close(self) -> None:
        self._closed.set()
        client, self._client = self._client, None
        if client is not None:
            if self.e2e is not None and self.next_batch:
                await self.e2e.acknowledge(client, self.next_batch)
            await client.close()

    def notice(self) -> str:
        return self._notice

    # ------------------------------------------------------------------ rooms

    def view(self, room_id: str) -> ev.RoomView:
        room = self._require().rooms.get(room_id)
        if room is None:
            return ev.RoomView(room_id, room_id, True)
        return self._view(room)

    def _view(self, room: MatrixRoom) -> ev.RoomView:
        return rooms.room_view(room, self.me)

    async def conversations(self) -> list[ConversationInfo]:
        found = []
        for room in self._require().rooms.values():
            v = self._view(room)
            members = tuple(ChatAddress(ev.KIND, m, v.names.get(m, "")) for m in v.members)
            found.append(ConversationInfo(v.ref, v.name, v.is_group, members))
        return found

    def archives(self) -> list[str]:
        joined = self._require().rooms

        def newest(rid: str) -> int:
            got = self._first.get(rid, ([], ""))[0]
            return max((int(e.source.get("origin_server_ts") or 0) for e in got), default=0)

        return ["", *sorted(joined, key=newest, reverse=True)]

    async def _whole_members(self, room_id: str) -> None:
        """A small group's members, all of them (lazy loading brings only the speakers)."""
        client = self._require()
        room = client.rooms.get(room_id)
        if room is None or room.members_synced or room.member_count > LISTED_MEMBERS:
            return
        if self._view(room).is_group:
            await self._call(client.joined_members(room_id), "list the room's members")

    def _receipts(self, ephemeral: Iterable[Any], room_id: str) -> list[ChatUpdate]:
        return rooms.read_receipts(ephemeral, self.view(room_id).ref, self.me)

    def _items(self, sources: Iterable[Any], room_id: str, *, is_history: bool) -> list[Item]:
        view = self.view(room_id)
        if self.e2e is not None:
            return self.e2e.items(self._require(), sources, view, is_history=is_history)
        found: list[Item] = []
        for event in sources:
            source = getattr(event, "source", event)
            if isinstance(source, dict):
                item = ev.read_event(source, view, me=self.me, is_history=is_history)
                if item is not None:
                    found.append(item)
        return found

    def decrypted_later(self) -> list[Item]:
        """Messages stored as undecryptable whose keys are here now."""
        if self.e2e is None:
            return []
        return self.e2e.retry(self._require(), self.view)

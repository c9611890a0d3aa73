"""MatrixChannel: one Matrix account as a Channel (channels/base.py), with matrix-nio.

A direct chat (a room without a name of the user and one other person) is
the conversation with that person, keyed by their user id; any other room is
a group keyed by its room id. Messages are keyed by event id, so an event
seen live, in a sync and in a room's history is stored once.

`connect` restores the session from the keyring (token and device id, see
session.py) and makes one sync that learns the rooms, the invitations and each
room's newest events. The histories: "" is that sync (the newest of every
room, and the invitations: a first sync shows them at once); then one per
room, read forward from its stored cursor (`newest`: a sync or pagination
token) and, until complete, back from `oldest`. `live()` long-polls /sync.
Sending uses the outbox row's origin id as the transaction id, so the
homeserver takes a retried send once; into an invited room, it first accepts
the invitation; to a person without a direct chat, it starts one. With a
`keys_dir` setting it does end-to-end encryption (crypto.py): encrypted rooms
are read and written, and each encrypted message comes with an "e2e" change
saying how its sender's device is trusted.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any, ClassVar

from nio import AsyncClient, MatrixRoom, MessageDirection, RoomPreset, SyncResponse

from unibox.channels.base import (
    Bounce,
    Capabilities,
    ChannelAccount,
    ConversationInfo,
    HistoryCursor,
    HistoryPage,
    SendResult,
)
from unibox.channels.matrix import events as ev
from unibox.channels.matrix.crypto import Encryption, ImportResult, changed_words, keys_broken
from unibox.channels.matrix.devices import DeviceView, list_devices, verify_device
from unibox.channels.matrix.session import (
    Session,
    call,
    homeserver_url,
    make_client,
    relogin_hint,
)
from unibox.core.bridges import bridge_bot, display_name
from unibox.core.errors import AuthError, ChannelError, ConnectionLost
from unibox.core.identity import normalize_matrix
from unibox.core.items import ChatAddress, ChatMessage, ChatUpdate

PAGE = 100
FIRST_TIMELINE = 20  # the newest events of each room that the first sync brings
# A room's members come with the events they sent (a room of 10,000 is its speakers, not 10,000
# member events); the summary gives the counts and, for a room without a name, who is in it.
LAZY = {"lazy_load_members": True}
HISTORY_FILTER = {**LAZY, "not_types": ["m.room.member"]}  # joins and leaves are no messages
LISTED_MEMBERS = 50  # a group up to this size has its members on each message (events.py)
LIVE_TIMEOUT_MS = 25_000
Item = ChatMessage | ChatUpdate


class MatrixChannel:
    """A Matrix account: direct chats and rooms, their history, live sync, sending."""

    kind: ClassVar[str] = "matrix"
    capabilities: ClassVar[Capabilities] = Capabilities(
        group_chats=True, history=True, threads=True, read_markers=True, edits=True,
        reactions=True, attachments=True,
    )  # fmt: skip

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
                self._invites[rid] = self._invitation(room)
        for rid in response.rooms.join:
            self._invites.pop(rid, None)
        return response

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
        members = [*room.users, *(u for u in room.invited_users if u not in room.users)]
        # A bridge's bot sits in the rooms it bridges: no member (a person) of them, and a
        # chat with one puppet is still direct.
        members = [u for u in members if bridge_bot(u) is None]
        others = [u for u in members if u != self.me]
        names = {uid: display_name(uid, u.display_name or "") for uid, u in room.users.items()}
        names.update(
            {uid: display_name(uid, u.display_name or "") for uid, u in room.invited_users.items()}
        )
        if not (room.name or room.canonical_alias) and self._is_direct(room, others):
            peer = others[0] if others else self._heroes(room)[0]
            return ev.RoomView(room.room_id, peer, False, names.get(peer, ""), names)
        listed = tuple(members) if room.member_count <= LISTED_MEMBERS else ()
        return ev.RoomView(room.room_id, room.room_id, True, room.display_name, names, listed)

    def _heroes(self, room: MatrixRoom) -> list[str]:
        heroes = room.summary.heroes if room.summary is not None else None
        return [h for h in heroes or () if h != self.me and bridge_bot(h) is None]

    def _is_direct(self, room: MatrixRoom, others: list[str]) -> bool:
        """The user and one other person (a bridge's bot aside), also when only some of the
        members are loaded: the summary counts them all and names a few (its heroes)."""
        people = {*others, *self._heroes(room)}
        bots = {u for u in [*room.users, *(room.summary.heroes or [] if room.summary else [])]
                if bridge_bot(u) is not None}  # fmt: skip
        return len(people) == 1 and room.member_count - len(bots) <= 2

    def _invitation(self, room: Any) -> ChatMessage:
        inviter = str(getattr(room, "inviter", "") or "")
        name = str(room.name or "")
        bot = bridge_bot(inviter)
        if bot is not None:  # a bridge opens a chat: the bot is no one to talk to
            return ev.invitation(room.room_id, room.room_id, "", f"{bot.title} bridge", name)
        ref = inviter if inviter and not name else room.room_id
        return ev.invitation(room.room_id, ref, inviter, "", name)

    async def conversations(self) -> list[ConversationInfo]:
        found = []
        for room in self._require().rooms.values():
            v = self._view(room)
            members = tuple(ChatAddress(ev.KIND, m, v.names.get(m, "")) for m in v.members)
            found.append(ConversationInfo(v.ref, v.name, v.is_group, members))
        return found

    def archives(self) -> list[str]:
        rooms = self._require().rooms

        def newest(rid: str) -> int:
            got = self._first.get(rid, ([], ""))[0]
            return max((int(e.source.get("origin_server_ts") or 0) for e in got), default=0)

        return ["", *sorted(rooms, key=newest, reverse=True)]

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

    # ------------------------------------------------------------------ history

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

    async def _whole_members(self, room_id: str) -> None:
        """A small group's members, all of them (lazy loading brings only the speakers)."""
        client = self._require()
        room = client.rooms.get(room_id)
        if room is None or room.members_synced or room.member_count > LISTED_MEMBERS:
            return
        if self._view(room).is_group:
            await self._call(client.joined_members(room_id), "list the room's members")

    async def _learn_senders(self, room_id: str, events: Iterable[Any]) -> None:
        """The names of a page's senders that the lazy member list does not have yet."""
        client = self._require()
        room = client.rooms.get(room_id)
        if room is None:
            return
        unknown = list({getattr(e, "sender", "") for e in events} - set(room.users) - {""})
        got = await asyncio.gather(
            *(client.room_get_state_event(room_id, "m.room.member", u) for u in unknown)
        )
        for user_id, answer in zip(unknown, got, strict=True):
            content = getattr(answer, "content", None)  # None: an error, the id is the name
            if isinstance(content, dict) and content.get("membership") in ("join", "invite"):
                room.add_member(user_id, content.get("displayname"), content.get("avatar_url"))

    # ------------------------------------------------------------------ live

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

    def _receipts(self, ephemeral: Iterable[Any], room_id: str) -> list[ChatUpdate]:
        ref = self.view(room_id).ref
        found = []
        for event in ephemeral:
            for receipt in getattr(event, "receipts", ()) or ():
                if receipt.user_id == self.me and str(receipt.receipt_type).endswith("read"):
                    found.append(ChatUpdate(ev.KIND, "read", receipt.event_id, ref))
        return found

    # ------------------------------------------------------------------ sending

    async def _room_for(self, conversation: str) -> str:
        client = self._require()
        invited = [rid for rid, m in self._invites.items() if conversation in (rid, m.conversation)]
        if invited:
            await self._call(client.join(invited[0]), "accept the invitation")
            self._invites.pop(invited[0], None)
            return invited[0]
        if conversation.startswith("!"):
            return conversation
        peer = normalize_matrix(conversation)
        if not peer:
            raise ChannelError(f"“{conversation}” is not a Matrix user or room.", retryable=False)
        for room in client.rooms.values():
            if self._view(room).ref == peer:
                return str(room.room_id)
        if peer not in self._started:
            created = await self._call(
                client.room_create(is_direct=True, preset=RoomPreset.trusted_private_chat,
                                   invite=[peer]), "start a chat")  # fmt: skip
            self._started[peer] = str(created.room_id)
        return self._started[peer]

    async def send(
        self, conversation: str, text: str, *, origin_id: str, reply_to: str = ""
    ) -> SendResult:
        client = self._require()
        room_id = await self._room_for(conversation)
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if reply_to.startswith("$"):
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        if self.e2e is not None and room_id not in client.rooms:
            await self._learn_rooms()  # just made or joined: nio must know it to encrypt
        sent = await self._call(
            client.room_send(room_id, "m.room.message", content, tx_id=origin_id or None,
                             ignore_unverified_devices=True), "send the message")  # fmt: skip
        return SendResult(str(sent.event_id))

    async def _learn_rooms(self) -> None:
        """A sync that only updates nio's rooms: its events come again in the next one."""
        client = self._require()
        since = self.next_batch or None
        await self._call(client.sync(timeout=0, since=since), "sync")
        if self.e2e is not None:
            await self.e2e.after_sync(client, self._call)

    # ------------------------------------------------------------------ end-to-end

    def decrypted_later(self) -> list[Item]:
        """Messages stored as undecryptable whose keys are here now."""
        if self.e2e is None:
            return []
        return self.e2e.retry(self._require(), self.view)

    async def import_keys(self, path: Path, passphrase: str) -> ImportResult:
        """Room keys from an export file, and the waiting messages they decrypt."""
        if self.e2e is None:
            raise ChannelError("This account keeps no end-to-end keys.", retryable=False)
        return await self.e2e.import_keys(self._require(), path, passphrase, self.view)

    def devices(self) -> list[DeviceView]:
        """The devices this account's encryption knows, with their trust."""
        return list_devices(self._require())

    def verify_device(self, user: str, device_id: str, seen: str) -> DeviceView:
        return verify_device(self._require(), user, device_id, seen)

    async def upload_file(
        self, conversation: str, filename: str, content_type: str, data: bytes
    ) -> tuple[str, str]:
        """Put a file on the homeserver for `conversation`: its mxc URI and `details` (for an
        encrypted room the file is encrypted first and `details` holds its keys)."""
        from unibox.channels.matrix import media_send as media

        client = self._require()
        room_id = await self._room_for(conversation)
        if self.e2e is not None and room_id not in client.rooms:
            await self._learn_rooms()  # just made or joined: is it encrypted?
        room = client.rooms.get(room_id)
        details = ""
        if room is not None and room.encrypted:
            data, details = media.encrypt(data)
            content_type = "application/octet-stream"
        uri = await media.upload(
            self.url, self.session.access_token, data, filename=filename,
            content_type=content_type, account=self.account.name, ca_file=self.account.ca_file,
        )  # fmt: skip
        return uri, details

    async def send_file(
        self, conversation: str, *, filename: str, content_type: str, size: int, remote: str,
        details: str, caption: str, origin_id: str, reply_to: str = "",
    ) -> SendResult:  # fmt: skip
        """Send a file already uploaded (`remote`, from upload_file) as an m.file/m.image/…"""
        from unibox.channels.matrix import media_send as media

        client = self._require()
        room_id = await self._room_for(conversation)
        content = media.file_content(
            filename=filename, content_type=content_type, size=size, remote=remote,
            details=details, caption=caption,
        )  # fmt: skip
        if reply_to.startswith("$"):
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        if self.e2e is not None and room_id not in client.rooms:
            await self._learn_rooms()
        sent = await self._call(
            client.room_send(room_id, "m.room.message", content, tx_id=origin_id or None,
                             ignore_unverified_devices=True), "send the file")  # fmt: skip
        return SendResult(str(sent.event_id))

    async def mark_read(self, conversation: str, remote_id: str) -> None:
        """The user read `conversation` up to `remote_id` here: tell the homeserver."""
        client = self._require()
        room_id = await self._room_for(conversation)
        await self._call(
            client.room_read_markers(room_id, remote_id, remote_id), "mark the chat read"
        )


def page(items: list[Item], cursor: HistoryCursor) -> HistoryPage:
    messages = tuple(i for i in items if isinstance(i, ChatMessage))
    updates = tuple(i for i in items if isinstance(i, ChatUpdate))
    return HistoryPage(messages, cursor, updates)

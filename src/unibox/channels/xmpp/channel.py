"""XmppChannel: one XMPP account as a Channel (channels/base.py), with slixmpp.

One-to-one chats come from the account's own archive (MAM), rooms from
theirs; live messages, carbons of the user's other clients (XEP-0280) and
room messages arrive through `live()`. Every message is keyed by its
archive id (XEP-0359 stanza-id), the same live and from the archive, so the
store keeps it once. A server without an archive still works, live only:
`notice()` says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar
from xml.etree.ElementTree import Element

from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout

from unibox.channels.base import (
    Bounce,
    Capabilities,
    ChannelAccount,
    ConversationInfo,
    HistoryCursor,
    HistoryPage,
    SendResult,
)
from unibox.channels.xmpp import mam, rooms, stanzas
from unibox.channels.xmpp.client import login, make_client, settle_tasks, where
from unibox.channels.xmpp.stanzas import Context, Room
from unibox.core.errors import ChannelError, ConnectionLost
from unibox.core.items import ChatAddress, ChatMessage

log = logging.getLogger("unibox.xmpp")

SEND_TIMEOUT = 20.0
SENT_REMEMBERED = 1000  # how many sent ids a late bounce is matched against
NS_CARBONS = "urn:xmpp:carbons:2"
_CLOSED = object()


class XmppChannel:
    """An XMPP account: roster and rooms, archive backfill, live messages, sending."""

    kind: ClassVar[str] = "xmpp"
    capabilities: ClassVar[Capabilities] = Capabilities(group_chats=True, history=True)

    def __init__(
        self,
        account: ChannelAccount,
        *,
        first_page: int | None = None,
        page: int | None = None,
    ) -> None:
        self.account = account
        self.first_page = first_page or mam.FIRST_PAGE
        self.page = page or mam.PAGE
        self.me = stanzas.bare(account.address)
        self._client: ClientXMPP | None = None
        self._rooms: dict[str, Room] = {}
        self._names: dict[str, str] = {}
        self._ctx = Context(self.me, self._names, self._rooms)
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._waiting: dict[str, asyncio.Future[str]] = {}  # origin id -> the room's echo id
        self._sent: dict[str, None] = {}  # origin ids sent on this connection, oldest first
        self._own_archive = False
        self._room_archives: set[str] = set()
        self._notices: list[str] = []
        self._stream_problem = ""
        self._connected = False

    # ------------------------------------------------------------------ session

    async def connect(self) -> None:
        client = make_client(self.account)
        client.auto_authorize = None  # a subscription request is the user's to answer
        client.auto_subscribe = False
        await login(client, self.account)
        self._client = client
        self._connected = True
        client.add_event_handler("message", self._on_message)
        client.add_event_handler("message_error", lambda msg: self._on_error(msg.xml))
        client.add_event_handler("carbon_received", self._on_carbon)
        client.add_event_handler("carbon_sent", self._on_carbon)
        client.add_event_handler("groupchat_presence", self._on_room_presence)
        client.add_event_handler("stream_error", self._on_stream_error)
        client.add_event_handler("disconnected", self._on_disconnected)
        try:
            await client.get_roster(timeout=mam.QUERY_TIMEOUT)
        except (IqError, IqTimeout):
            log.info("%s: no roster", self.account.name)
        self._read_roster()
        client.send_presence()
        with contextlib.suppress(IqError, IqTimeout):
            await client.plugin["xep_0280"].enable(timeout=mam.QUERY_TIMEOUT)
        self._own_archive = await rooms.has_archive(client, self.me)
        if not self._own_archive:
            self._notices.append(
                "The server keeps no message archive (XEP-0313): unibox keeps the messages "
                "that arrive while it runs, and cannot read earlier ones."
            )
        await self._join_rooms(client)

    def _read_roster(self) -> None:
        assert self._client is not None
        roster = self._client.client_roster
        for jid in roster:
            name = str(roster[jid]["name"] or "")
            key = stanzas.bare(str(jid))
            if key and key != self.me:
                self._names[key] = name

    async def _join_rooms(self, client: ClientXMPP) -> None:
        wanted = rooms.merge(
            rooms.rooms_from_setting(self.account.settings.get("rooms", "")),
            await rooms.bookmarked_rooms(client),
        )
        nick = self.account.settings.get("nick", "") or self.me.partition("@")[0]
        for room in wanted:
            try:
                joined = await rooms.join(client, room, nick)
            except Exception as exc:  # a room that refuses is a notice, not a failed account
                self._notices.append(rooms.join_problem(room.jid, exc))
                continue
            self._rooms[joined.jid] = joined
            self._names.pop(joined.jid, None)
            if await rooms.has_archive(client, joined.jid):
                self._room_archives.add(joined.jid)

    async def close(self) -> None:
        client, self._client = self._client, None
        self._connected = False
        self._queue.put_nowait(_CLOSED)
        if client is None:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.disconnect(wait=1.0), 3.0)
        client.abort()
        await settle_tasks(client)

    def notice(self) -> str:
        return " ".join(self._notices)

    # ------------------------------------------------------------------ what there is

    async def conversations(self) -> list[ConversationInfo]:
        chats = [
            ConversationInfo(jid, name)
            for jid, name in sorted(self._names.items())
            if jid not in self._rooms
        ]
        for room in self._rooms.values():
            members = tuple(
                ChatAddress(stanzas.KIND, jid or f"{room.jid}/{nick}", nick)
                for nick, jid in sorted(room.occupants.items())
                if nick != room.nick
            )
            chats.append(ConversationInfo(room.jid, room.name, is_group=True, members=members))
        return chats

    def archives(self) -> list[str]:
        own = [""] if self._own_archive else []
        return own + sorted(self._room_archives)

    def backfill(self, archive: str, cursor: HistoryCursor) -> AsyncIterator[HistoryPage]:
        client = self._require()
        in_room = bool(archive)

        def read(archive_id: str, stamp: datetime | None, el: Element) -> ChatMessage | None:
            # A room's messages come from the room's archive only (its ids are the room's).
            if (el.get("type") == "groupchat") != in_room:
                return None
            return stanzas.read_message(
                el, self._ctx, archive_id=archive_id, stamp=stamp, is_history=True
            )

        return mam.walk(client, archive, cursor, read, first_page=self.first_page, page=self.page)

    async def live(self) -> AsyncIterator[ChatMessage | Bounce]:
        while True:
            item = await self._queue.get()
            if item is _CLOSED:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    # ------------------------------------------------------------------ sending

    async def send(
        self, conversation: str, text: str, *, origin_id: str, reply_to: str = ""
    ) -> SendResult:
        client = self._require()
        to = stanzas.bare(conversation) if "/" not in conversation else conversation
        if not to:
            raise ChannelError(f"“{conversation}” is not an XMPP address.", retryable=False)
        in_room = to in self._rooms
        msg = client.make_message(mto=to, mbody=text, mtype="groupchat" if in_room else "chat")
        msg["id"] = origin_id
        msg["origin_id"]["id"] = origin_id
        if reply_to:
            el = msg.xml.makeelement(f"{{{stanzas.NS_REPLY}}}reply", {"id": reply_to, "to": to})
            msg.xml.append(el)
        echo: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiting[origin_id] = echo
        try:
            msg.send()
            if in_room:
                # The room answers with our message as everyone sees it, or with an error.
                remote = await asyncio.wait_for(asyncio.shield(echo), SEND_TIMEOUT)
                return SendResult(remote)
            # A bounce from our own server (no such user, no route) comes before the answer
            # to a ping sent after the message: the stream keeps its order.
            ping: asyncio.Future[Any] = asyncio.ensure_future(
                client.plugin["xep_0199"].send_ping(client.boundjid.domain, timeout=SEND_TIMEOUT)
            )
            # The echo future fails at once if the server closes the stream instead.
            either: set[asyncio.Future[Any]] = {ping, echo}
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            if echo.done():
                ping.cancel()
                echo.result()  # raises the bounce
            with contextlib.suppress(IqError):
                await ping
            if echo.done():
                echo.result()
            self._remember(origin_id)  # a remote server may still bounce it
            return SendResult()
        except (IqTimeout, TimeoutError):
            raise ConnectionLost(
                f"{where(self.account)} did not confirm the message in time."
            ) from None
        finally:
            self._waiting.pop(origin_id, None)

    def _remember(self, origin_id: str) -> None:
        self._sent[origin_id] = None
        while len(self._sent) > SENT_REMEMBERED:
            del self._sent[next(iter(self._sent))]

    # ------------------------------------------------------------------ events

    def _require(self) -> ClientXMPP:
        if self._client is None or not self._connected:
            raise ConnectionLost(f"Not connected to {where(self.account)}.")
        return self._client

    def _on_message(self, msg: Any) -> None:
        el: Element = msg.xml
        if el.get("type") == "error":
            return  # message_error has it
        if (
            el.find(f"{{{NS_CARBONS}}}sent") is not None
            or el.find(f"{{{NS_CARBONS}}}received") is not None
        ):
            return  # carbons come through _on_carbon, checked to be from our own account
        if el.find(f"{{{mam.NS_MAM}}}result") is not None:
            return  # an archive result: the query collects it
        item = stanzas.read_message(el, self._ctx)
        if item is None:
            return
        if item.is_group and item.origin_id in self._waiting:
            waiting = self._waiting[item.origin_id]
            if not waiting.done():
                waiting.set_result(item.remote_id)
        self._queue.put_nowait(item)

    def _on_carbon(self, msg: Any) -> None:
        el: Element = msg.xml
        for kind in ("sent", "received"):
            inner = el.find(
                f"{{{NS_CARBONS}}}{kind}/{{{mam.NS_FORWARD}}}forwarded/{{{stanzas.NS_CLIENT}}}message"
            )
            if inner is not None and inner.get("type") != "error":
                item = stanzas.read_message(inner, self._ctx)
                if item is not None:
                    self._queue.put_nowait(item)

    def _on_error(self, el: Element) -> None:
        key = el.get("id", "")
        origin = el.find(f"{{{stanzas.NS_SID}}}origin-id")
        if key not in self._waiting and key not in self._sent and origin is not None:
            key = origin.get("id", "")  # a server that gave the message back with its own id
        waiting = self._waiting.get(key)
        words = stanzas.error_words(el)
        peer = stanzas.bare(el.get("from", "")) or el.get("from", "")
        said = f"The message to {peer} was not delivered: {words}."
        if waiting is not None and not waiting.done():
            waiting.set_exception(ChannelError(said, retryable=False))
        elif key in self._sent:
            # It came back after send() returned: a remote server gave up on it later.
            self._sent.pop(key)
            self._queue.put_nowait(Bounce(key, said))
        else:
            log.info("%s: a message came back: %s", self.account.name, words)

    def _on_room_presence(self, presence: Any) -> None:
        el: Element = presence.xml
        room = self._rooms.get(stanzas.bare(el.get("from", "")))
        if room is None:
            return
        nick = stanzas.resource(el.get("from", ""))
        if el.get("type") == "unavailable":
            return  # they left the room; they stay one of its people
        item = el.find(f"{{{stanzas.NS_MUC_USER}}}x/{{{stanzas.NS_MUC_USER}}}item")
        real = stanzas.bare(item.get("jid", "")) if item is not None else ""
        if nick:
            room.occupants[nick] = real or room.occupants.get(nick, "")

    def _on_stream_error(self, error: Any) -> None:
        self._stream_problem = str(error["text"] or error["condition"] or "")

    def _on_disconnected(self, _reason: Any) -> None:
        if not self._connected:
            return
        self._connected = False
        said = f" ({self._stream_problem})" if self._stream_problem else ""
        problem: ChannelError = ConnectionLost(
            f"{where(self.account)} closed the connection{said}."
        )
        problem_words = self._stream_problem.lower()
        if problem_words.startswith(("policy-violation", "not-well-formed")) or any(
            w in problem_words for w in ("too large", "too big")
        ):
            problem = ChannelError(
                f"{where(self.account)} refused a message and closed the connection{said}.",
                retryable=False,
            )
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(problem)
                waiting.exception()  # retrieved here: a send may be past waiting for it
        self._queue.put_nowait(ConnectionLost(str(problem)))

"""Another person's XMPP client, for tests: a real slixmpp session on its own thread.

    with XmppPeer(prosody, "bob@localhost") as bob:
        bob.send("alice@localhost", "Hello")
        bob.wait_for(lambda got: any(m.body == "Hi" for m in got))

Blocking calls, so a test (or a Qt test) can drive it without an event loop.
It logs in plainly over loopback, as unibox's "plain" security does.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from slixmpp import JID, ClientXMPP

from .prosody import Prosody


@dataclass(frozen=True)
class Received:
    sender: str  # full JID as the stanza said
    body: str
    type: str
    xml: str


PLUGINS = ("xep_0030", "xep_0045", "xep_0048", "xep_0049", "xep_0199", "xep_0280", "xep_0359")


class XmppPeer:
    """A logged-in XMPP client with its own event-loop thread."""

    def __init__(self, server: Prosody, jid: str, password: str | None = None) -> None:
        self.server = server
        self.jid = jid
        self.password = password if password is not None else server.password
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._client: ClientXMPP | None = None

    def __enter__(self) -> XmppPeer:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self, coro: Any, timeout: float = 30.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def start(self, *, presence: bool = True, carbons: bool = False) -> XmppPeer:
        self._thread.start()
        self._run(self._start(presence, carbons))
        return self

    async def _start(self, presence: bool, carbons: bool) -> None:
        client = ClientXMPP(
            self.jid,
            self.password,
            plugin_config={"feature_mechanisms": {"unencrypted_scram": True}},
        )
        client.enable_starttls = client.enable_direct_tls = False
        client.enable_plaintext = True
        for plugin in PLUGINS:
            client.register_plugin(plugin)
        started: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        client.add_event_handler("session_start", lambda _e: started.set_result(True))
        client.add_event_handler("failed_all_auth", lambda _e: started.set_result(False))
        client.add_event_handler("message", self._on_message)
        client.connect(self.server.host, self.server.port)
        if not await asyncio.wait_for(started, 20):
            raise RuntimeError(f"{self.jid} could not log in")
        self._client = client
        await client.get_roster()
        if presence:
            client.send_presence()
        if carbons:
            await client.plugin["xep_0280"].enable()

    def _on_message(self, msg: Any) -> None:
        with self._lock:
            self.received.append(
                Received(str(msg["from"]), str(msg["body"]), str(msg["type"]), str(msg))
            )

    def stop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                self._run(asyncio.wait_for(client.disconnect(wait=1.0), 5), 10)
            except Exception:
                client.abort()
            self._run(self._settle(client), 10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()

    @staticmethod
    async def _settle(client: ClientXMPP) -> None:
        """Let the client's own tasks end here, not in a destructor on a closed loop."""
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        client._run_out_filters = None

    @property
    def client(self) -> ClientXMPP:
        assert self._client is not None, "not started"
        return self._client

    def send(self, to: str, body: str, *, mtype: str = "chat", origin_id: str | None = None) -> str:
        """Send a message and wait until the server has handled it; its origin-id."""
        oid = origin_id or uuid.uuid4().hex

        async def go() -> None:
            msg = self.client.make_message(mto=JID(to), mbody=body, mtype=mtype)  # type: ignore[arg-type]
            msg["origin_id"]["id"] = oid
            msg.send()
            await self._barrier()

        self._run(go())
        return oid

    def send_nowait(self, to: str, body: str, *, mtype: str = "chat") -> None:
        """Send without waiting for the server (many in a row: call barrier() after)."""

        def go() -> None:
            msg = self.client.make_message(mto=JID(to), mbody=body, mtype=mtype)  # type: ignore[arg-type]
            msg["origin_id"]["id"] = uuid.uuid4().hex
            msg.send()

        self._loop.call_soon_threadsafe(go)

    def barrier(self) -> None:
        """Wait until the server has handled everything sent before."""
        self._run(self._barrier(), 120)

    async def _barrier(self) -> None:
        """The server answers a ping after it has routed what was sent before it."""
        await self.client.plugin["xep_0199"].send_ping(
            JID(self.client.boundjid.domain), timeout=120
        )

    def send_raw(self, xml: str) -> None:
        """Send a stanza as written (for stanzas no well-behaved client would send)."""

        async def go() -> None:
            self.client.send_raw(xml)
            await self._barrier()

        self._run(go())

    def join(self, room: str, nick: str) -> None:
        self._run(
            self.client.plugin["xep_0045"].join_muc_wait(JID(room), nick, maxstanzas=0, timeout=20)
        )

    def add_contact(self, jid: str, name: str = "") -> None:
        """Put someone on this account's roster (no subscription asked)."""

        async def go() -> None:
            await self.client.update_roster(JID(jid), name=name)

        self._run(go())

    def bookmark_rooms(self, rooms: list[tuple[str, str]]) -> None:
        """Store autojoin bookmarks (room JID, nick) in private storage (XEP-0048/0049)."""

        async def go() -> None:
            from slixmpp.plugins.xep_0048 import Bookmarks

            marks = Bookmarks()
            for room, nick in rooms:
                marks.add_conference(room, nick, autojoin=True)
            await self.client.plugin["xep_0048"].set_bookmarks(marks, method="xep_0049")

        self._run(go())

    def wait_for(
        self, condition: Callable[[list[Received]], bool], timeout: float = 30.0
    ) -> list[Received]:
        """Wait (a hang guard, not a threshold) until the messages received satisfy it."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                got = list(self.received)
            if condition(got):
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.jid} did not receive what was expected: {got!r}")
            time.sleep(0.02)

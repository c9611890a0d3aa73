"""The other side of an encrypted Matrix chat in tests: a real matrix-nio client with
end-to-end encryption (its own device and key store), driven from synchronous tests.

    peer = E2EPeer(synapse, bob, tmp_path / "bob")
    room = peer.encrypted_room(alice.user_id)     # m.room.encryption on, as Element makes them
    peer.say(room, "hello")                        # encrypted for every device it knows
    peer.join_invited()                            # the rooms others started with it
    peer.texts(room)                               # what it can decrypt, oldest first
    peer.export_keys(path, "passphrase")           # Element's room-key export format
    peer.close()

The client runs on an event loop in a thread of its own; every method waits for its
requests to finish.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    MegolmEvent,
    RoomMessageText,
    RoomPreset,
    ToDeviceMessage,
)
from nio.crypto import TrustState

from .synapse import MatrixUser, Synapse

T = TypeVar("T")
ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


class E2EPeer:
    """A registered user's own device, with encryption, acting through nio."""

    def __init__(
        self, server: Synapse, user: MatrixUser, store_dir: Path, *, reinstalled: bool = False
    ) -> None:
        """`reinstalled`: the user's device id with new keys (a fresh store), as a device
        wiped or taken over would have: Synapse takes its new device keys, not its one-time
        keys (their ids are the old ones')."""
        self.server = server
        self.user = user
        self.reinstalled = reinstalled
        store_dir.mkdir(parents=True, exist_ok=True)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
        self.client = AsyncClient(
            server.url, user.user_id, device_id=user.device_id, store_path=str(store_dir),
            config=config,
        )  # fmt: skip
        self.client.restore_login(user.user_id, user.device_id, user.access_token)
        self._run(self._keys())

    @property
    def user_id(self) -> str:
        return self.user.user_id

    @property
    def device_id(self) -> str:
        return self.user.device_id

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    @staticmethod
    def _ok(response: Any) -> Any:
        if isinstance(response, ErrorResponse):
            raise RuntimeError(f"{type(response).__name__}: {response.message}")
        return response

    async def _keys(self) -> None:
        c = self.client
        if c.should_upload_keys:
            answer = await c.keys_upload()
            if self.reinstalled and isinstance(answer, ErrorResponse) and c.olm is not None:
                c.olm.account.shared = True  # the device keys went up; the rest cannot
                c.olm.uploaded_key_count = c.olm.account.max_one_time_keys
            else:
                self._ok(answer)
        if c.should_query_keys:
            self._ok(await c.keys_query())
        if c.should_claim_keys:
            self._ok(await c.keys_claim(c.get_users_for_key_claiming()))
        for user in list(c.device_store.users):
            for device in c.device_store.active_user_devices(user):
                if device.trust_state == TrustState.unset:
                    c.ignore_device(device)  # trust on first use, as unibox does
        await c.send_to_device_messages()

    async def _sync(self) -> None:
        self._ok(await self.client.sync(timeout=0, full_state=self.client.next_batch is None))
        await self._keys()

    def sync(self) -> None:
        self._run(self._sync())

    def encrypted_room(self, invite: str) -> str:
        async def make() -> str:
            room = self._ok(
                await self.client.room_create(
                    is_direct=True, preset=RoomPreset.trusted_private_chat, invite=[invite],
                    initial_state=[ENCRYPTION],
                )
            )  # fmt: skip
            await self._sync()
            return str(room.room_id)

        return self._run(make())

    def join_invited(self) -> list[str]:
        """Accept every room this user is invited to (after a sync); their ids."""

        async def join() -> list[str]:
            await self._sync()
            rooms = list(self.client.invited_rooms)
            for room_id in rooms:
                self._ok(await self.client.join(room_id))
            await self._sync()
            return rooms

        return self._run(join())

    def say(self, room_id: str, text: str) -> str:
        return self.send_content(room_id, {"msgtype": "m.text", "body": text})

    def send_content(self, room_id: str, content: dict[str, Any]) -> str:
        """Any m.room.message content (a file's, say), encrypted like `say`'s text."""

        async def send() -> str:
            await self._sync()
            await self.client.joined_members(room_id)
            await self._keys()
            sent = self._ok(
                await self.client.room_send(
                    room_id, "m.room.message", content, ignore_unverified_devices=True
                )
            )
            return str(sent.event_id)

        return self._run(send())

    def say_with_late_key(
        self, room_id: str, text: str, to: str, device_id: str
    ) -> tuple[str, Any]:
        """Send `text` encrypted with a new session that no one has got yet; returns the event
        id and a function that then sends its key to `to`'s `device_id` (a late to-device)."""

        async def send() -> tuple[str, str, str]:
            await self._sync()
            await self.client.joined_members(room_id)
            await self._keys()
            olm = self.client.olm
            assert olm is not None
            olm.create_outbound_group_session(room_id)
            session = olm.outbound_group_sessions[room_id]
            key, session_id = session.session_key, session.id
            session.shared = True  # nio sends nothing now: the key goes later
            content = {"msgtype": "m.text", "body": text}
            sent = self._ok(await self.client.room_send(room_id, "m.room.message", content))
            return str(sent.event_id), key, session_id

        event_id, key, session_id = self._run(send())

        async def share() -> None:
            olm = self.client.olm
            assert olm is not None
            await self._keys()
            device = olm.device_store[to][device_id]
            if olm.session_store.get(device.curve25519) is None:
                self._ok(await self.client.keys_claim({to: [device_id]}))
            session = olm.session_store.get(device.curve25519)
            assert session is not None, "no olm session with the device"
            payload = {"algorithm": "m.megolm.v1.aes-sha2", "room_id": room_id,
                       "session_id": session_id, "session_key": key}  # fmt: skip
            encrypted = olm._olm_encrypt(session, device, "m.room_key", payload)
            message = ToDeviceMessage("m.room.encrypted", to, device_id, encrypted)
            self._ok(await self.client.to_device(message))

        return event_id, lambda: self._run(share())

    def texts(self, room_id: str) -> list[str]:
        """The room's text messages this device can read, oldest first ("<undecrypted>" if not)."""

        async def read() -> list[str]:
            await self._sync()
            page = self._ok(
                await self.client.room_messages(room_id, start=self.client.next_batch, limit=100)
            )
            found = []
            for event in reversed(page.chunk):
                if isinstance(event, RoomMessageText):
                    found.append(event.body)
                elif isinstance(event, MegolmEvent):
                    found.append("<undecrypted>")
            return found

        return self._run(read())

    def messages(self, room_id: str) -> list[dict[str, Any]]:
        """The m.room.message events this device decrypted (their JSON), oldest first."""

        async def read() -> list[dict[str, Any]]:
            await self._sync()
            page = self._ok(
                await self.client.room_messages(room_id, start=self.client.next_batch, limit=100)
            )
            return [
                e.source for e in reversed(page.chunk)
                if not isinstance(e, MegolmEvent) and e.source.get("type") == "m.room.message"
            ]  # fmt: skip

        return self._run(read())

    def export_keys(self, path: Path, passphrase: str) -> None:
        self._run(self.client.export_keys(str(path), passphrase, count=1000))

    def close(self) -> None:
        async def end() -> None:
            await self.client.close()

        self._run(end())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

"""End-to-end encryption of one Matrix account: nio's olm machine (vodozemac), trust on
first use, and encrypted events kept until their key arrives.

Where the keys live: nio's SQLite store of the device (its olm account, the
olm and megolm sessions, the devices it has seen) is in the profile, in the
account's own folder (`keys_dir`); everything secret in it is pickled with a
random key that only the keyring holds (`Session.pickle_key`). A store that
cannot be opened (damaged, or its key gone from the keyring) is an error of
this account alone, and signing in again starts a new device.

Trust: a device seen for the first time is trusted on first use, one whose
keys changed never silently; each message is marked with how its sender's
device stands (trust.py).

An event that cannot be decrypted yet is stored as a placeholder saying so,
and kept here (pending.sqlite3 beside the keys: it is still encrypted) with a
key request to the user's other devices. When its key comes (a to-device
room key, a forwarded key, an imported export, key_import.py) it is decrypted
and reported as changes of the placeholder (placeholders.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import AsyncClient, MegolmEvent
from nio.exceptions import EncryptionError, LocalProtocolError

from unibox.channels.matrix import events as ev
from unibox.channels.matrix.key_import import import_export
from unibox.channels.matrix.pending import PendingEvents
from unibox.channels.matrix.placeholders import (
    DECRYPTED,
    E2E,
    late,
    mark,
    placeholder,
    unreadable_text,
    waiting_text,
)
from unibox.channels.matrix.trust import changed_words, device_keys, distrust_changed, trust_of
from unibox.channels.matrix.trust import trust_new_devices as _trust_new_devices
from unibox.core.bridges import bridge_bot
from unibox.core.errors import AuthError, ChannelError, ConnectionLost
from unibox.core.items import ChatMessage, ChatUpdate

__all__ = [
    "DECRYPTED", "E2E", "Encryption", "ImportResult", "changed_words", "keys_broken",
    "unreadable_text", "waiting_text",
]  # fmt: skip

log = logging.getLogger("unibox.channels.matrix")
Item = ChatMessage | ChatUpdate
Call = Callable[[Any, str], Awaitable[Any]]

NO_ROOMS = {"room": {"rooms": []}, "presence": {"not_types": ["*"]},
            "account_data": {"not_types": ["*"]}}  # fmt: skip
ACK_SECONDS = 10


def keys_broken(name: str, why: str) -> ChannelError:
    return ChannelError(
        f"The end-to-end encryption keys of {name} cannot be opened ({why}). Start a new "
        f"device session: unibox account login-matrix {name} --password-stdin. Messages "
        "encrypted before may stay unreadable unless you import a room-key export "
        "(unibox account import-matrix-keys).",
        retryable=False,
    )


@dataclass(frozen=True, slots=True)
class ImportResult:
    imported: int  # room keys new to this device
    decrypted: int  # waiting messages now readable
    items: tuple[Item, ...] = ()


class Encryption:
    """The end-to-end side of one account's client: keys around each sync, trust, retries."""

    def __init__(self, name: str, keys_dir: Path, me: str) -> None:
        self.name = name
        self.keys_dir = keys_dir
        self.me = me
        self.pending: PendingEvents | None = None
        self._waiting: dict[str, tuple[str, str, str]] = {}  # event -> room, sender key, session
        self.decrypted_now = 0  # how many kept events the last retry decrypted
        self._changed: list[tuple[str, str, str, str]] = []  # user, device, ed25519, curve

    def prepare(self) -> Path:
        """The folder for nio's store (made private); before the client is made."""
        try:
            self.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.pending = PendingEvents(self.keys_dir / "pending.sqlite3")
            self._waiting = self.pending.waiting()
            self._changed = self.pending.changed_keys()
        except (OSError, sqlite3.Error) as exc:
            raise keys_broken(self.name, str(exc)) from exc
        return self.keys_dir

    def restore(self, client: AsyncClient, user_id: str, device_id: str, token: str) -> None:
        """restore_login, which opens the store: a store that will not open is said in words."""
        try:
            client.restore_login(user_id, device_id, token)
        except Exception as exc:  # vodozemac's pickle errors, peewee's, sqlite3's
            raise keys_broken(self.name, f"{type(exc).__name__}: {exc}") from exc
        if client.olm is None:
            raise keys_broken(self.name, "nio did not load them")

    # ------------------------------------------------------------------ around a sync

    async def after_sync(self, client: AsyncClient, call: Call) -> None:
        """Publish, fetch and claim keys as nio asks, trust new devices, send its to-device.

        A refusal is logged, not raised: the sync and what is already decrypted go on (two
        processes on one device, a window and `unibox send`, may race to publish the same
        one-time keys); a lost connection or sign-in is raised as for any request.
        """
        if client.should_upload_keys:
            await _refusal_logged(call(client.keys_upload(), "publish this device's keys"))
        if client.should_query_keys:
            before = device_keys(client)
            got = await _refusal_logged(
                call(client.keys_query(), "fetch the encryption keys of the chat's people")
            )
            if got is not None:
                distrust_changed(client, got.device_keys, before, name=self.name,
                                 pending=self.pending)  # fmt: skip
                self._changed = self.pending.changed_keys() if self.pending is not None else []
        if client.should_claim_keys:
            users = client.get_users_for_key_claiming()
            await _refusal_logged(call(client.keys_claim(users), "claim encryption keys"))
        self.trust_new_devices(client)
        if client.outgoing_to_device_messages:
            await client.send_to_device_messages()

    async def acknowledge(self, client: AsyncClient, since: str) -> None:
        """One last sync of no room: the homeserver drops the to-device messages (room keys)
        read so far, which a next first sync would otherwise bring again."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                client.sync(timeout=0, since=since, sync_filter=NO_ROOMS), ACK_SECONDS
            )

    def changed_devices(self) -> list[tuple[str, str]]:
        """(user, device id) of the devices whose keys changed (blocked, see above)."""
        return sorted({(user, device) for user, device, _ed, _curve in self._changed})

    def trust_new_devices(self, client: AsyncClient) -> None:
        """Trust on first use: a device never seen before gets room keys (nio's "ignored")."""
        _trust_new_devices(client)

    # ------------------------------------------------------------------ reading events

    def items(
        self, client: AsyncClient, events: Iterable[Any], view: ev.RoomView, *, is_history: bool
    ) -> list[Item]:
        found: list[Item] = []
        for event in events:
            source = getattr(event, "source", event)
            if not isinstance(source, dict):
                continue
            if isinstance(event, MegolmEvent):
                found += self._undecrypted(event, source, view)
                continue
            if source.get("type") == "m.room.encrypted":  # of a kind nio cannot decrypt
                found += self._undecrypted(None, source, view)
                continue
            item = ev.read_event(source, view, me=self.me, is_history=is_history)
            if not getattr(event, "decrypted", False):
                if item is not None:
                    found.append(item)
                continue
            event_id = str(source.get("event_id") or "")
            trust = self.trust(client, event)
            if event_id in self._waiting:  # stored as waiting: it is readable now
                found += late(event_id, item, view, trust)
                self._forget([event_id])
            elif isinstance(item, ChatMessage):
                found += [item, mark(item, trust)]
            elif item is not None:
                found.append(item)
        return found

    def _undecrypted(
        self, event: MegolmEvent | None, source: dict[str, Any], view: ev.RoomView
    ) -> list[Item]:
        """A placeholder for an event not decrypted: kept to retry when it is megolm (`event`),
        said to be unreadable when it is encrypted some other way."""
        event_id, sender_id = source.get("event_id"), source.get("sender")
        if not isinstance(event_id, str) or not isinstance(sender_id, str):
            return []
        if bridge_bot(sender_id) is not None:
            return []  # a bridge bot's line is dropped once readable too (events.read_event)
        if event is not None and self.pending is not None and event_id not in self._waiting:
            source = {**source, "room_id": view.room_id}
            self.pending.keep(view.room_id, source)
            self._waiting[event_id] = (view.room_id, event.sender_key, event.session_id)
        return placeholder(source, view, self.me, waiting=event is not None)

    def trust(self, client: AsyncClient, event: Any) -> str:
        """How the device that encrypted `event` stands: verified, tofu, changed, unknown, own."""
        return trust_of(client, event, self._changed)

    def _forget(self, event_ids: Iterable[str]) -> None:
        ids = list(event_ids)
        if self.pending is not None and ids:
            self.pending.drop(ids)
        for event_id in ids:
            self._waiting.pop(event_id, None)

    # ------------------------------------------------------------------ keys later

    async def request_keys(self, client: AsyncClient, call: Call, events: Iterable[Any]) -> None:
        """Ask the user's other devices for the keys of events that did not decrypt."""
        asked: set[str] = set()
        for event in events:
            if not isinstance(event, MegolmEvent) or event.session_id in asked:
                continue
            asked.add(event.session_id)
            if event.session_id in client.outgoing_key_requests:
                continue
            try:
                await call(client.request_room_key(event), "ask for a room key")
            except (ChannelError, LocalProtocolError) as exc:
                log.info("%s: no key request for %s: %s", self.name, event.event_id, exc)

    def retry(self, client: AsyncClient, views: Callable[[str], ev.RoomView]) -> list[Item]:
        """Every kept event whose key is here now, decrypted: the changes of its placeholder."""
        olm = client.olm
        if self.pending is None or olm is None or not self._waiting:
            return []
        found: list[Item] = []
        done: list[str] = []
        keys = olm.inbound_group_store
        ready = [e for e, (room, sender, session) in self._waiting.items()
                 if keys.get(room, sender, session) is not None]  # fmt: skip
        for room_id, source in self.pending.sources(ready) if ready else ():
            event = MegolmEvent.from_dict(source)
            if not isinstance(event, MegolmEvent):
                done.append(str(source.get("event_id")))  # not one nio can ever read
                continue
            event.room_id = room_id
            if olm.inbound_group_store.get(room_id, event.sender_key, event.session_id) is None:
                continue  # its key is still missing
            try:
                decrypted = client.decrypt_event(event)
            except EncryptionError as exc:
                log.info("%s: %s stays encrypted: %s", self.name, event.event_id, exc)
                continue
            view = views(room_id)
            item = ev.read_event(decrypted.source, view, me=self.me, is_history=True)
            found += late(event.event_id, item, view, self.trust(client, decrypted))
            done.append(event.event_id)
        self._forget(done)
        self.decrypted_now = len(done)
        return found

    async def import_keys(
        self, client: AsyncClient, path: Path, passphrase: str,
        views: Callable[[str], ev.RoomView],
    ) -> ImportResult:  # fmt: skip
        """Room keys from an export file (Element's "Export E2E room keys", nio's export_keys)."""
        new = import_export(client, path, passphrase, self.keys_dir / "import.tmp")
        items = self.retry(client, views)
        return ImportResult(new, self.decrypted_now if items else 0, tuple(items))


async def _refusal_logged(request: Awaitable[Any]) -> Any:
    try:
        return await request
    except (AuthError, ConnectionLost):
        raise
    except ChannelError as exc:
        log.warning("matrix keys: %s", exc)
        return None

"""Chat accounts (XMPP, …) syncing together on one asyncio loop.

Each account is its own task: connect, send what the outbox holds, backfill
every archive from its stored cursor (page and cursor in one transaction),
then, when watching, stay live. A failing or slow account never holds up
another: its error goes on its account row (`last_error`) and to `on_error`,
and it tries again with backoff. Store writes run on one writer thread, so
the loop keeps reading the network while SQLite commits. ChangeSets are
announced after their commit.

Its parts: chat_channels.py (the channel for an account), chat_outbox.py
(sending what the outbox holds), chat_live.py (staying live).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from unibox.channels.base import Bounce, Channel, HistoryPage
from unibox.core.errors import ChannelError, Unreachable, UserError
from unibox.core.items import ChangeSet, ChatMessage, ChatUpdate
from unibox.secrets import SecretStore
from unibox.store.chat_accounts import ChatAccount, record_chat_sync
from unibox.store.store import Store
from unibox.sync.chat_channels import account_secret, channel_account, make_channel, matrix_keys_dir
from unibox.sync.chat_live import LIVE_BATCH, OUTBOX_CHECK_SECONDS, stay_live
from unibox.sync.chat_outbox import drain_outbox

__all__ = [
    "LIVE_BATCH", "ONE_SHOT_BACKOFF", "OUTBOX_CHECK_SECONDS", "WATCH_BACKOFF", "ChatAccountSync",
    "ChatFailure", "account_secret", "channel_account", "make_channel", "matrix_keys_dir",
]  # fmt: skip

log = logging.getLogger("unibox.sync.chat")
T = TypeVar("T")

WATCH_BACKOFF = (2.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0)
ONE_SHOT_BACKOFF = (1.0, 3.0)


@dataclass(frozen=True, slots=True)
class ChatFailure:
    account: str
    message: str
    retryable: bool


class ChatAccountSync:
    """One chat account: a sync to the end of its archives, or a watch that stays live."""

    def __init__(
        self,
        store: Store,
        secrets: SecretStore,
        account: ChatAccount,
        *,
        writer: ThreadPoolExecutor,
        on_changes: Callable[[ChangeSet], None] | None = None,
        on_error: Callable[[ChatFailure], None] | None = None,
        on_synced: Callable[[str], None] | None = None,
        channel_factory: Callable[[ChatAccount, str], Channel] | None = None,
    ) -> None:
        from unibox.store.chat import ChatIngestor

        self.store = store
        self.secrets = secrets
        self.account = account
        self.writer = writer
        self.on_changes = on_changes or (lambda _c: None)
        self.on_error = on_error or (lambda _f: None)
        self.on_synced = on_synced or (lambda _name: None)  # up to date: the window says so
        self.channel_factory = channel_factory or self._make_channel
        self.ingestor = ChatIngestor(account.id, [account.settings.address])
        self.kick = asyncio.Event()  # "sync now": drain the outbox at once
        self.stored = 0

    async def _write(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.writer, fn)

    # ------------------------------------------------------------------ one pass

    async def sync_once(self, backoff: Sequence[float] = ONE_SHOT_BACKOFF) -> None:
        """Send, then read every archive to its end; retries what may pass, raises the rest."""
        attempt = 0
        while True:
            try:
                channel = await self._connect()
                try:
                    await self._pass(channel)
                finally:
                    await channel.close()
                await self._record(channel.notice(), synced=True)
                self.on_synced(self.account.name)
                return
            except ChannelError as exc:
                await self._failed(exc)
                # A server that cannot be reached is said at once, as for mail.
                if not exc.retryable or isinstance(exc, Unreachable) or attempt >= len(backoff):
                    raise
                await asyncio.sleep(backoff[attempt])
                attempt += 1

    async def send_pending(self) -> None:
        """Only send what the outbox holds (no history): `unibox send` and `reply`."""
        try:
            channel = await self._connect()
        except ChannelError as exc:
            await self._failed(exc)
            raise
        try:
            await self.drain_outbox(channel)
        finally:
            await channel.close()

    def _make_channel(self, account: ChatAccount, secret: str) -> Channel:
        if account.kind != "matrix":
            return make_channel(account, secret)
        return make_channel(account, secret, keys_dir=str(matrix_keys_dir(self.store, account)))

    def _secret(self) -> str:
        return account_secret(self.store, self.secrets, self.account)

    async def _connect(self) -> Channel:
        secret = await asyncio.get_running_loop().run_in_executor(None, self._secret)
        channel = self.channel_factory(self.account, secret)
        try:
            await channel.connect()
        except BaseException:
            await channel.close()
            raise
        return channel

    async def _pass(self, channel: Channel) -> None:
        await self.drain_outbox(channel)
        for archive in channel.archives():
            await self.backfill(channel, archive)
        await self.drain_outbox(channel)  # queued while the history came in

    async def backfill(self, channel: Channel, archive: str) -> None:
        from unibox.store.chat import load_cursor

        def cursor() -> Any:
            with self.store.read() as s:
                return load_cursor(s, self.account.id, archive)

        start = await self._write(cursor)
        # The next page is read while the writer stores this one; pages are stored in order.
        storing: asyncio.Future[None] | None = None
        try:
            async for page in channel.backfill(archive, start):
                if storing is not None:
                    await storing
                storing = asyncio.ensure_future(self._store_page(archive, page))
        finally:
            if storing is not None:
                await storing

    async def _store_page(self, archive: str, page: HistoryPage) -> None:
        from unibox.store.chat import save_cursor

        def write() -> ChangeSet:
            with self.store.write() as s:
                changes = self._ingest(s, page.items, page.updates)
                save_cursor(s, self.account.id, archive, page.cursor)
                return changes

        changes = await self._write(write)
        self.stored += len(changes.messages_added)
        if changes:
            self.on_changes(changes)

    def _ingest(
        self, s: Any, items: Sequence[ChatMessage], updates: Sequence[ChatUpdate]
    ) -> ChangeSet:
        """Messages, then the changes waiting for them, then the changes that came along."""
        changes = self.ingestor.ingest(s, items)
        if not updates and self.account.kind != "matrix":
            return changes
        from unibox.store.chat_updates import apply_updates, settle_new

        changes.merge(settle_new(s, self.account.id, changes.messages_added))
        changes.merge(apply_updates(s, self.account.id, updates))
        return changes

    async def store_live(self, items: Sequence[ChatMessage | ChatUpdate]) -> None:
        messages = [i for i in items if isinstance(i, ChatMessage)]
        updates = [i for i in items if isinstance(i, ChatUpdate)]

        def write() -> ChangeSet:
            with self.store.write() as s:
                return self._ingest(s, messages, updates)

        changes = await self._write(write)
        self.stored += len(changes.messages_added)
        if changes:
            self.on_changes(changes)

    async def store_bounce(self, bounce: Bounce) -> None:
        """A message sent earlier came back: its row and its bubble say "Not sent: why"."""
        from unibox.store.chat import chat_bounced
        from unibox.store.chat_view import delivery_changes
        from unibox.store.intent import intent_write

        def write() -> ChangeSet:
            with intent_write(self.store) as s:
                oid = chat_bounced(s, self.account.id, bounce.origin_id, bounce.error)
                return ChangeSet() if oid is None else delivery_changes(s, oid)

        log.info("%s: %s", self.account.name, bounce.error)
        changes = await self._write(write)
        if changes:
            self.on_changes(changes)

    async def drain_outbox(self, channel: Channel) -> None:
        """Send every due chat message; a refusal goes on its row, a lost connection ends it."""
        await drain_outbox(channel, self.store, self.account.id, self._write, self.on_changes)

    # ------------------------------------------------------------------ watch

    async def watch(self, stop: asyncio.Event) -> None:
        """Sync, then stay live until `stop`; reconnect with backoff on a dropped connection.

        Returns when stopped, or when an error only the user can fix (a wrong
        password) ended it.
        """
        failures = 0
        while not stop.is_set():
            try:
                channel = await self._connect()
            except ChannelError as exc:
                await self._failed(exc)
                if not exc.retryable:
                    return
                failures += 1
                await _wait(stop, WATCH_BACKOFF[min(failures - 1, len(WATCH_BACKOFF) - 1)])
                continue
            try:
                await self._pass(channel)
                await self._record(channel.notice(), synced=True)
                self.on_synced(self.account.name)
                failures = 0
                await self._stay_live(channel, stop)
            except ChannelError as exc:
                await self._failed(exc)
                if not exc.retryable:
                    return
                failures += 1
                await _wait(stop, WATCH_BACKOFF[min(failures - 1, len(WATCH_BACKOFF) - 1)])
            finally:
                await channel.close()

    async def _stay_live(self, channel: Channel, stop: asyncio.Event) -> None:
        await stay_live(
            channel, stop, self.kick, drain=self.drain_outbox, store_bounce=self.store_bounce,
            store_live=self.store_live,
        )  # fmt: skip

    # ------------------------------------------------------------------ state

    async def _record(self, error: str, *, synced: bool) -> None:
        def write() -> None:
            with self.store.write() as s:
                record_chat_sync(s, self.account.id, error, synced=synced)

        await self._write(write)

    async def _failed(self, exc: ChannelError) -> None:
        log.info("%s: %s", self.account.name, exc)
        with contextlib.suppress(UserError):
            await self._record(str(exc), synced=False)
        self.on_error(ChatFailure(self.account.name, str(exc), exc.retryable))


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)

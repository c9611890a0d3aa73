"""Chat accounts (XMPP, …) syncing together on one asyncio loop.

Each account is its own task: connect, send what the outbox holds, backfill
every archive from its stored cursor (page and cursor in one transaction),
then, when watching, stay live. A failing or slow account never holds up
another: its error goes on its account row (`last_error`) and to `on_error`,
and it tries again with backoff. Store writes run on one writer thread, so
the loop keeps reading the network while SQLite commits. ChangeSets are
announced after their commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from unibox.channels.base import Bounce, Channel, ChannelAccount, HistoryPage
from unibox.core.errors import ChannelError, Unreachable, UserError
from unibox.core.items import ChangeSet, ChatMessage, ChatUpdate
from unibox.secrets import SecretStore
from unibox.store.chat_accounts import ChatAccount, record_chat_sync
from unibox.store.store import Store

log = logging.getLogger("unibox.sync.chat")
T = TypeVar("T")

WATCH_BACKOFF = (2.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0)
ONE_SHOT_BACKOFF = (1.0, 3.0)
OUTBOX_CHECK_SECONDS = 2.0  # a message queued by another process (the CLI) goes within this
LIVE_BATCH = 500


@dataclass(frozen=True, slots=True)
class ChatFailure:
    account: str
    message: str
    retryable: bool


def matrix_keys_dir(store: Store, account: ChatAccount) -> Path:
    """Where a Matrix account's end-to-end keys live: its own folder in the profile."""
    return Path(store.path).parent / "matrix-keys" / str(account.id)


def account_secret(store: Store, secrets: SecretStore, account: ChatAccount) -> str:
    """The account's secret from the keyring; a Matrix session from before end-to-end
    encryption gets its key for its keys, kept beside it. (With keys already made, a
    missing key is a fault the channel reports.)"""
    secret = secrets.get(account.secret_ref)
    if account.kind == "matrix" and secret:
        from unibox.channels.matrix.session import Session

        session = Session.load(secret)
        fresh = not matrix_keys_dir(store, account).exists()
        if session.access_token and not session.pickle_key and fresh:
            secret = session.with_pickle_key().dump()
            secrets.set(account.secret_ref, secret)
    return secret


def channel_account(account: ChatAccount, secret: str, keys_dir: str = "") -> ChannelAccount:
    s = account.settings
    return ChannelAccount(
        name=account.name,
        address=s.address,
        host=s.host,
        port=s.port,
        security=s.security,
        ca_file=s.ca_file,
        secret=secret,
        settings={
            "rooms": s.rooms,
            "nick": s.nick,
            "instance": s.instance,
            "homeserver": s.homeserver,
            "keys_dir": keys_dir,
        },
    )


def make_channel(account: ChatAccount, secret: str, *, keys_dir: str = "") -> Channel:
    """The channel for an account's kind."""
    if account.kind == "xmpp":
        from unibox.channels.xmpp import XmppChannel

        return XmppChannel(channel_account(account, secret))
    if account.kind == "mastodon":
        from unibox.channels.mastodon import MastodonChannel

        return MastodonChannel(channel_account(account, secret))
    if account.kind == "matrix":
        from unibox.channels.matrix import MatrixChannel

        return MatrixChannel(channel_account(account, secret, keys_dir))
    raise ChannelError(f"unibox cannot sync “{account.kind}” accounts.", retryable=False)


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
        from unibox.store.chat import chat_failed, chat_sent, due_chats
        from unibox.store.chat_view import delivery_changes
        from unibox.store.intent import intent_write

        def due() -> Any:
            with self.store.read() as s:
                return due_chats(s, self.account.id)

        for item in await self._write(due):
            try:
                if item.files:
                    from unibox.sync.chat_files import send_with_file

                    result = await send_with_file(channel, item, self.store, self._write)
                else:
                    result = await channel.send(
                        item.conversation, item.text, origin_id=item.origin_id,
                        reply_to=item.reply_to,
                    )  # fmt: skip
            except ChannelError as exc:
                error = str(exc)

                final = not exc.retryable

                def failed(
                    oid: int = item.id, error: str = error, final: bool = final
                ) -> ChangeSet:
                    with intent_write(self.store) as s:
                        chat_failed(s, oid, error, final=final)
                        return delivery_changes(s, oid)

                self.on_changes(await self._write(failed))  # the window says "Not sent: why"
                if exc.retryable:
                    raise
                continue

            def sent(oid: int = item.id, remote: str = result.remote_id) -> ChangeSet:
                with intent_write(self.store) as s:
                    chat_sent(s, oid, remote)
                    return delivery_changes(s, oid)

            self.on_changes(await self._write(sent))  # "Sending…" goes from its bubble
        await self._tell_reads(channel)

    async def _tell_reads(self, channel: Channel) -> None:
        """Chats the user read here: their read markers to the server (Matrix)."""
        mark = getattr(channel, "mark_read", None)
        if mark is None:
            return
        from unibox.store.chat_updates import read_told, reads_to_tell

        def due() -> list[tuple[str, str]]:
            with self.store.read() as s:
                return reads_to_tell(s, self.account.id)

        for conversation, event_id in await self._write(due):
            await mark(conversation, event_id)

            def told(c: str = conversation, e: str = event_id) -> None:
                with self.store.write() as s:
                    read_told(s, self.account.id, c, e)

            await self._write(told)

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
        queue: asyncio.Queue[Any] = asyncio.Queue()
        ended = object()

        async def pump() -> None:
            try:
                async for item in channel.live():
                    await queue.put(item)
            except BaseException as exc:
                await queue.put(exc)
                return
            await queue.put(ended)

        pumping = asyncio.create_task(pump())
        try:
            while not stop.is_set():
                getting = asyncio.ensure_future(queue.get())
                stopping = asyncio.ensure_future(stop.wait())
                kicked = asyncio.ensure_future(self.kick.wait())
                done, _ = await asyncio.wait(
                    {getting, stopping, kicked},
                    timeout=OUTBOX_CHECK_SECONDS,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for waiter in (stopping, kicked):
                    waiter.cancel()
                if getting not in done:
                    getting.cancel()
                    self.kick.clear()
                    await self.drain_outbox(channel)
                    continue
                batch: list[ChatMessage | ChatUpdate] = []
                item = getting.result()
                while True:
                    if item is ended:
                        raise ChannelError("The chat connection ended.", retryable=True)
                    if isinstance(item, BaseException):
                        raise item
                    if isinstance(item, Bounce):
                        await self.store_bounce(item)
                    else:
                        batch.append(item)
                    if len(batch) >= LIVE_BATCH or queue.empty():
                        break
                    item = queue.get_nowait()
                if batch:
                    await self.store_live(batch)
        finally:
            pumping.cancel()
            with contextlib.suppress(BaseException):
                await pumping

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

"""The chat engine: every chat account's sync as a task on one asyncio loop.

`run_once` syncs the accounts to the end of their archives, together, and
returns each one's error (`unibox sync`). A `ChatEngine` keeps them live on
its own thread (`unibox sync --watch`, the window): `watch`, `kick` ("sync
now"), `remove` and `stop` are safe to call from any thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.secrets import SecretStore
from unibox.store.chat_accounts import ChatAccount
from unibox.store.store import Store
from unibox.sync.chat import ChatAccountSync, ChatFailure

log = logging.getLogger("unibox.sync.chat")


def run_once(
    store: Store,
    secrets: SecretStore,
    accounts: Iterable[ChatAccount],
    *,
    on_changes: Callable[[ChangeSet], None] | None = None,
    on_error: Callable[[ChatFailure], None] | None = None,
    **kwargs: Any,
) -> dict[str, str]:
    """Sync every account to the end of its archives, side by side; {name: error} of those
    that failed."""
    targets = list(accounts)
    if not targets:
        return {}

    async def all_of_them() -> dict[str, str]:
        with ThreadPoolExecutor(1, thread_name_prefix="chat-writer") as writer:
            syncs = [
                ChatAccountSync(
                    store,
                    secrets,
                    a,
                    writer=writer,
                    on_changes=on_changes,
                    on_error=on_error,
                    **kwargs,
                )
                for a in targets
            ]
            results = await asyncio.gather(*(s.sync_once() for s in syncs), return_exceptions=True)
        failed: dict[str, str] = {}
        for account, result in zip(targets, results, strict=True):
            if isinstance(result, UserError):
                failed[account.name] = str(result)
            elif isinstance(result, BaseException):
                log.error("sync of %s stopped", account.name, exc_info=result)
                failed[account.name] = (
                    f"Syncing stopped because of an unexpected problem ({type(result).__name__})."
                )
        return failed

    return asyncio.run(all_of_them())


class ChatEngine:
    """Chat accounts kept live on one event loop, in a thread of its own."""

    def __init__(
        self,
        store: Store,
        secrets: SecretStore,
        *,
        on_changes: Callable[[ChangeSet], None] | None = None,
        on_error: Callable[[ChatFailure], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.store = store
        self.secrets = secrets
        self.on_changes = on_changes
        self.on_error = on_error
        self._kwargs = kwargs
        self._loop = asyncio.new_event_loop()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="chat-writer")
        self._thread = threading.Thread(target=self._run, name="chat sync", daemon=True)
        self._syncs: dict[str, tuple[ChatAccountSync, asyncio.Event, asyncio.Task[None]]] = {}
        self._lock = threading.Lock()
        self._started = False
        self._stopped = False

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def _call(self, fn: Callable[[], Any], timeout: float = 10.0) -> Any:
        async def inside() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(inside(), self._loop).result(timeout)

    @property
    def account_names(self) -> list[str]:
        with self._lock:
            return list(self._syncs)

    def watch(self, account: ChatAccount) -> bool:
        """Keep this account live (synced at once); False if it already is, or the engine ended."""
        with self._lock:
            if self._stopped or account.name in self._syncs:
                return False
            if not self._started:
                self._thread.start()
                self._started = True

        def start() -> None:
            sync = ChatAccountSync(
                self.store,
                self.secrets,
                account,
                writer=self._writer,
                on_changes=self.on_changes,
                on_error=self.on_error,
                **self._kwargs,
            )
            stop = asyncio.Event()
            task = self._loop.create_task(self._guarded(sync, stop))
            with self._lock:
                self._syncs[account.name] = (sync, stop, task)

        self._call(start)
        return True

    async def _guarded(self, sync: ChatAccountSync, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await sync.watch(stop)
            except Exception as exc:  # a bug: say so in words, keep the other accounts going
                log.exception("chat sync of %s stopped", sync.account.name)
                if self.on_error is not None:
                    self.on_error(
                        ChatFailure(
                            sync.account.name,
                            "Syncing stopped because of an unexpected problem "
                            f"({type(exc).__name__}).",
                            False,
                        )
                    )
            if stop.is_set():
                return
            # It gave up on what only the user can fix: wait for "sync now" or "retry".
            sync.kick.clear()
            await sync.kick.wait()

    def kick(self, name: str | None = None) -> list[str]:
        """Sync now (send what is queued; an account that gave up tries again)."""
        with self._lock:
            targets = [(n, s) for n, (s, _stop, _t) in self._syncs.items() if name in (None, n)]
        for _name, sync in targets:
            self._loop.call_soon_threadsafe(sync.kick.set)
        return [n for n, _s in targets]

    def remove(self, name: str, timeout: float = 10.0) -> bool:
        with self._lock:
            entry = self._syncs.pop(name, None)
        if entry is None:
            return True
        _sync, stop, task = entry
        self._loop.call_soon_threadsafe(stop.set)
        return self._wait_tasks([task], timeout)

    def _wait_tasks(self, tasks: list[asyncio.Task[None]], timeout: float) -> bool:
        if not tasks:
            return True

        async def ended() -> None:
            await asyncio.wait(tasks, timeout=timeout)

        try:
            asyncio.run_coroutine_threadsafe(ended(), self._loop).result(timeout + 1)
        except Exception:
            return False
        return all(t.done() for t in tasks)

    def stop(self, timeout: float = 6.0) -> bool:
        """End every watch (each closes its connection) and the loop; True if all ended."""
        with self._lock:
            self._stopped = True
            entries = list(self._syncs.values())
            self._syncs.clear()
            started = self._started
        if not started:
            self._writer.shutdown(wait=False)
            return True
        for _sync, stop, _task in entries:
            self._loop.call_soon_threadsafe(stop.set)
        ended = self._wait_tasks([t for _s, _stop, t in entries], timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._writer.shutdown(wait=ended)
        return ended and not self._thread.is_alive()

    def wait(self) -> None:
        """Block until every watch has ended (they end only when stopped or given up)."""
        with self._lock:
            tasks = [t for _s, _stop, t in self._syncs.values()]
        if tasks:
            self._wait_tasks(tasks, timeout=10**9)

"""Keeps every mail account, chat account and address book syncing in the background while
the window is open."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from unibox.core.items import ChangeSet
from unibox.secrets import SecretStore
from unibox.store.accounts import AccountInfo
from unibox.store.store import Store
from unibox.sync.mail import Progress, SyncReport
from unibox.sync.runner import SyncFailure, SyncRunner, Wake
from unibox.ui.book_syncs import BookSyncs

log = logging.getLogger("unibox.sync")

SYNCED_KINDS = ("imap", "pop3")


class _Runner(SyncRunner):
    """A SyncRunner that lets the held ChangeSets go once each sync is over."""

    after_sync: Callable[[], None] = staticmethod(lambda: None)

    def sync_once(self, *args: Any, **kwargs: Any) -> SyncReport:
        try:
            return super().sync_once(*args, **kwargs)
        finally:
            self.after_sync()


@dataclass(eq=False)
class _Account:
    info: AccountInfo
    # Set to end the current SyncRunner.watch: "sync now", "retry" or quitting.
    # A Wake, so an IDLE waiting on the server wakes at once.
    kick: Wake = field(default_factory=Wake)
    thread: threading.Thread | None = None
    removed: bool = False  # the account is gone: its loop ends


class SyncService:
    """One thread per mail account running SyncRunner.watch; never the GUI thread.

    Chat accounts (XMPP, …) run together on the chat engine's own loop thread
    (sync/chat_engine.py), their ChangeSets announced after their commit.

    `sync_now` and `retry` end the account's current watch (at once while
    it idles; after the running sync otherwise) and start a new one, which
    syncs at once. `stop` ends every sync between two batches. A watch that
    gave up (a wrong password, a certificate problem) waits for a retry.
    Callbacks run on the sync threads: the window passes the bridge's
    thread-safe post_* methods.

    The engine announces a ChangeSet from inside the write transaction that
    made it, before the commit; a view reading at once would not see it yet.
    So each thread's ChangeSets are held until that thread's next progress
    report, failure or the end of the sync, which all come after the commit.
    """

    def __init__(
        self,
        store: Store,
        secrets: SecretStore,
        *,
        interval: float,
        on_progress: Callable[[Progress], None],
        on_changes: Callable[[ChangeSet], None],
        on_failure: Callable[[SyncFailure], None],
    ) -> None:
        self.interval = interval
        self._on_progress = on_progress
        self._on_changes = on_changes
        self._on_failure = on_failure
        self.runner = _Runner(
            store,
            secrets,
            on_progress=self._progress,
            on_changes=self._hold,
            on_error=self._failure,
        )
        self.runner.after_sync = self._release
        self.books = BookSyncs(
            store,
            secrets,
            interval=lambda: self.interval,
            on_progress=on_progress,
            on_changes=on_changes,
            on_failure=on_failure,
        )
        self._accounts: dict[str, _Account] = {}
        self._store = store
        self._secrets = secrets
        self._chats: Any = None  # sync.chat_engine.ChatEngine, made for the first chat account
        self._chat_names: set[str] = set()
        self._held: dict[int, ChangeSet] = {}
        self._quit = threading.Event()
        self._lock = threading.Lock()

    @property
    def account_names(self) -> list[str]:
        with self._lock:
            return list(self._accounts) + sorted(self._chat_names)

    @property
    def chat_names(self) -> list[str]:
        """The chat accounts among `account_names` (their lines speak of messages, not mail)."""
        with self._lock:
            return sorted(self._chat_names)

    def start(self, accounts: Iterable[AccountInfo]) -> None:
        for account in accounts:
            self.add(account)

    def add(self, account: AccountInfo) -> bool:
        """Start syncing an account (only kinds the engine syncs); False if it is not synced."""
        if self._quit.is_set():
            return False
        from unibox.store.chat_accounts import is_chat_kind

        if is_chat_kind(account.kind):
            return self._add_chat(account.name)
        if account.kind not in SYNCED_KINDS:
            return False
        with self._lock:
            if account.name in self._accounts:
                return False
            entry = self._accounts[account.name] = _Account(account)
        entry.thread = threading.Thread(
            target=self._loop, args=(entry,), name=f"sync {account.name}", daemon=True
        )
        entry.thread.start()
        return True

    def _add_chat(self, name: str) -> bool:
        """Keep a chat account live on the chat engine's loop (one for all of them)."""
        from unibox.store.chat_accounts import chat_accounts
        from unibox.sync.chat_engine import ChatEngine

        with self._store.read() as s:
            found = chat_accounts(s, name)
        if not found:
            return False
        with self._lock:
            if self._chats is None:
                self._chats = ChatEngine(
                    self._store,
                    self._secrets,
                    on_changes=self._on_changes,  # announced after their commit
                    on_error=lambda f: self._on_failure(
                        SyncFailure(f.account, f.message, f.retryable)
                    ),
                    # Up to date: its line in the status bar says so, as a mail account's does.
                    on_synced=lambda account: self._on_progress(
                        Progress(account, "", "done", 0, 0)
                    ),
                )
            engine = self._chats
        if not engine.watch(found[0]):
            return False
        with self._lock:
            self._chat_names.add(name)
        return True

    def start_books(self) -> list[str]:
        """Start syncing every address book in the store; their status-bar labels."""
        return [] if self._quit.is_set() else self.books.start()

    def sync_now(self, name: str | None = None) -> list[str]:
        """Sync this account or address book (everything when None) now; the names kicked."""
        with self._lock:
            targets = [a for n, a in self._accounts.items() if name is None or n == name]
        for entry in targets:
            entry.kick.set()
        kicked = self.books.kick(name)
        chats = self._chats.kick(name) if self._chats is not None else []
        started = self.start_books() if name is None else []  # added meanwhile (the CLI)
        return [a.info.name for a in targets] + chats + kicked + started

    retry = sync_now

    def remove(self, name: str, timeout: float = 30.0) -> bool:
        """Stop syncing an account (its current batch ends first); True once it stopped.

        Blocks up to `timeout` seconds: call it off the GUI thread.
        """
        with self._lock:
            entry = self._accounts.pop(name, None)
            chat = name in self._chat_names
            self._chat_names.discard(name)
        if chat and self._chats is not None:
            return bool(self._chats.remove(name, timeout))
        if entry is None:
            return True
        entry.removed = True
        self.runner.stop_account(name)
        entry.kick.set()
        if entry.thread is not None and entry.thread is not threading.current_thread():
            entry.thread.join(timeout)
        ended = entry.thread is None or not entry.thread.is_alive()
        self.runner.resume_account(name)  # a new account may take the name later
        return ended

    def stop(self, timeout: float = 6.0) -> bool:
        """Ask every watch to end and wait up to `timeout` seconds; True if all ended.

        A sync in the middle of a batch finishes that batch first; one that
        does not end in time is left to die with the process (each batch is
        one transaction, so the store stays consistent).
        """
        self._quit.set()
        self.runner.request_stop()
        with self._lock:
            entries = list(self._accounts.values())
        for entry in entries:
            entry.kick.set()
        deadline = time.monotonic() + timeout
        for entry in entries:
            if entry.thread is not None:
                entry.thread.join(max(0.0, deadline - time.monotonic()))
        books_ended = self.books.stop(deadline)
        if self._chats is not None:
            books_ended = self._chats.stop(max(0.5, deadline - time.monotonic())) and books_ended
        ended = all(e.thread is None or not e.thread.is_alive() for e in entries) and books_ended
        if ended:
            self.runner.close()
            for entry in entries:
                entry.kick.close()
        else:
            log.info("a sync is still finishing a batch; leaving it to the process exit")
        return ended

    def _hold(self, changes: ChangeSet) -> None:
        with self._lock:
            self._held.setdefault(threading.get_ident(), ChangeSet()).merge(changes)

    def _release(self) -> None:
        with self._lock:
            changes = self._held.pop(threading.get_ident(), None)
        if changes:
            self._on_changes(changes)

    def _progress(self, progress: Progress) -> None:
        self._release()
        self._on_progress(progress)

    def _failure(self, failure: SyncFailure) -> None:
        self._release()
        self._on_failure(failure)

    def _loop(self, entry: _Account) -> None:
        account = entry.info
        while not self._quit.is_set() and not entry.removed:
            try:
                self.runner.watch(account, self.interval, entry.kick)
            except Exception as exc:  # a bug: say so in words, keep the window running
                log.exception("sync of %s stopped", account.name)
                self._failure(
                    SyncFailure(
                        account.name,
                        f"Syncing stopped because of an unexpected problem ({type(exc).__name__}).",
                        False,
                    )
                )
            if self._quit.is_set() or entry.removed:
                return
            # Ended without a kick: the watch gave up on an error only the user can fix.
            entry.kick.wait()
            entry.kick.clear()

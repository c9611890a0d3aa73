"""Keeps every CardDAV address book syncing while the window is open.

One thread per book (a slow or hung server holds up no other book, and no
mail), never the GUI thread. Each reports like a mail account: a Progress
under the label "Address book NAME" when it starts and when it is done, a
SyncFailure in words when it fails, and a ChangeSet (people) after each
sync that changed someone, so the People page refreshes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from unibox.config import phone_region
from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.secrets import SecretStore
from unibox.store import address_books as books
from unibox.store.address_books import BookInfo
from unibox.store.store import Store
from unibox.sync.book_watch import AddressBookWatch
from unibox.sync.mail import Progress
from unibox.sync.runner import WATCH_BACKOFF, SyncFailure, Wake
from unibox.ui.widgets.sync_status import BOOK_PREFIX

log = logging.getLogger("unibox.sync.contacts")

BOOK_PHASE = "contacts"


def book_label(name: str) -> str:
    """How the status bar names an address book (mail accounts go by their name)."""
    return f"{BOOK_PREFIX}{name}"


@dataclass(eq=False)
class _Book:
    id: int
    name: str
    kick: Wake = field(default_factory=Wake)
    thread: threading.Thread | None = None
    removed: bool = False

    @property
    def label(self) -> str:
        return book_label(self.name)


class BookSyncs:
    """Every configured address book, each on its own thread, on the mail interval.

    `kick(label)` syncs a book now (after a failure too: that is Retry),
    `stop` ends every loop after its current sync. Callbacks run on the
    sync threads: the window passes the bridge's thread-safe post_* methods.
    """

    def __init__(
        self,
        store: Store,
        secrets: SecretStore,
        *,
        interval: Callable[[], float],
        on_progress: Callable[[Progress], None],
        on_changes: Callable[[ChangeSet], None],
        on_failure: Callable[[SyncFailure], None],
    ) -> None:
        self.store = store
        self._interval = interval
        self._on_progress = on_progress
        self._on_failure = on_failure
        self.watch = AddressBookWatch(store, secrets, on_changes=on_changes)
        self._books: dict[int, _Book] = {}
        self._quit = threading.Event()
        self._lock = threading.Lock()

    @property
    def labels(self) -> list[str]:
        with self._lock:
            return [b.label for b in self._books.values()]

    def start(self) -> list[str]:
        """Start every book in the store not yet syncing; the labels started."""
        with self.store.read() as s:
            listed = books.list_books(s)
        return [book_label(b.name) for b in listed if self.add(b)]

    def add(self, book: BookInfo) -> bool:
        if self._quit.is_set():
            return False
        with self._lock:
            if book.id in self._books:
                return False
            entry = self._books[book.id] = _Book(book.id, book.name)
        entry.thread = threading.Thread(
            target=self._loop, args=(entry,), name=f"addressbook-{book.id}", daemon=True
        )
        entry.thread.start()
        return True

    def kick(self, label: str | None = None) -> list[str]:
        """Sync this book (every book when None) now; the labels kicked."""
        with self._lock:
            targets = [b for b in self._books.values() if label is None or b.label == label]
        for entry in targets:
            entry.kick.set()
        return [b.label for b in targets]

    def remove(self, name: str, timeout: float = 30.0) -> bool:
        """Stop syncing the book called `name`; True once its thread ended.

        Its current sync ends first, so this blocks up to `timeout` seconds:
        call it off the GUI thread.
        """
        with self._lock:
            entry = next((b for b in self._books.values() if b.name == name), None)
            if entry is not None:
                del self._books[entry.id]
        if entry is None:
            return True
        entry.removed = True
        entry.kick.set()
        if entry.thread is not None and entry.thread is not threading.current_thread():
            entry.thread.join(timeout)
        return entry.thread is None or not entry.thread.is_alive()

    def stop(self, deadline: float) -> bool:
        """End every loop by `deadline` (time.monotonic()); True if all ended."""
        self._quit.set()
        with self._lock:
            entries = list(self._books.values())
        for entry in entries:
            entry.kick.set()
        for entry in entries:
            if entry.thread is not None:
                entry.thread.join(max(0.0, deadline - time.monotonic()))
        ended = all(e.thread is None or not e.thread.is_alive() for e in entries)
        if ended:
            for entry in entries:
                entry.kick.close()
        return ended

    def _over(self, entry: _Book) -> bool:
        return self._quit.is_set() or entry.removed

    def _wait(self, entry: _Book, timeout: float | None) -> None:
        entry.kick.wait(timeout)
        entry.kick.clear()

    def _loop(self, entry: _Book) -> None:
        failures = 0
        while not self._over(entry):
            with self.store.read() as s:
                book = next((b for b in books.list_books(s) if b.id == entry.id), None)
            if book is None:
                return  # removed meanwhile
            self._on_progress(Progress(entry.label, "", BOOK_PHASE, 0, 0))
            try:
                self.watch.region = phone_region(self.store.path.parent)
                self.watch.sync_book(book)
            except UserError as exc:
                retryable = bool(getattr(exc, "retryable", False))
                self._on_failure(SyncFailure(entry.label, str(exc), retryable))
                if self._over(entry):
                    return
                if not retryable:  # only the user can fix it: wait for Retry
                    failures = 0
                    self._wait(entry, None)
                    continue
                delay = min(WATCH_BACKOFF[min(failures, len(WATCH_BACKOFF) - 1)], self._interval())
                failures += 1
                self._wait(entry, delay)
                continue
            except Exception as exc:  # a bug: say so in words, keep the window running
                log.exception("sync of address book %s stopped", entry.name)
                self._on_failure(
                    SyncFailure(
                        entry.label,
                        f"Syncing stopped because of an unexpected problem ({type(exc).__name__}).",
                        False,
                    )
                )
                if not self._over(entry):
                    self._wait(entry, None)
                continue
            failures = 0
            self._on_progress(Progress(entry.label, "", "done", 0, 0))
            if not self._over(entry):
                self._wait(entry, self._interval())

"""Address books on the `--watch` schedule: each synced every interval, on its own
thread, so a slow or broken CardDAV server never holds up mail."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.secrets import SecretStore
from unibox.store import address_books as books
from unibox.store.address_books import BookInfo
from unibox.store.store import Store
from unibox.sync.contacts import ContactSyncReport, sync_address_book
from unibox.sync.runner import WATCH_BACKOFF, SyncFailure

log = logging.getLogger("unibox.sync.contacts")

# Address books added while watching are picked up within this many seconds.
RELIST_SECONDS = 60.0


class AddressBookWatch:
    """Syncs every configured address book, now and then every `interval` seconds.

    A failure is reported in words (`on_error`) and recorded on the book
    (`unibox addressbook list` shows it); one that may pass (the server is
    unreachable) is retried with the same growing delays as mail, one that
    will not (a refused password, a certificate) stops that book until the
    next start. Other books, and mail, carry on.
    """

    def __init__(
        self,
        store: Store,
        secrets: SecretStore,
        *,
        region: str = "",
        on_error: Callable[[SyncFailure], None] | None = None,
        on_changes: Callable[[ChangeSet], None] | None = None,
    ) -> None:
        self.store = store
        self.secrets = secrets
        self.region = region
        self.on_error = on_error or (lambda _f: None)
        self.on_changes = on_changes or (lambda _c: None)

    def has_books(self) -> bool:
        with self.store.read() as s:
            return bool(books.list_books(s))

    def sync_book(self, book: BookInfo) -> ContactSyncReport:
        """One two-way sync of `book`; records the outcome on it, raises a failure."""
        from unibox.channels.carddav import CardDavClient, DavAccount
        from unibox.store.merge_suggestions import refresh_suggestions

        try:
            password = self.secrets.get(book.secret_ref)
            client = CardDavClient(DavAccount(book.url, book.username, password, book.ca_file))
            try:
                report = sync_address_book(self.store, client, book, self.region)
            finally:
                client.close()
        except UserError as exc:
            with self.store.write() as s:
                books.set_sync_result(s, book.id, str(exc))
            raise
        if report.people:
            with self.store.write() as s:
                refresh_suggestions(s, report.people)
            self.on_changes(ChangeSet(people=set(report.people)))
        return report

    def watch(self, interval: float, stop: threading.Event) -> None:
        """Until `stop` is set: each book on its own thread (a hung server holds up no
        other), books added meanwhile picked up within `RELIST_SECONDS`."""
        threads: dict[int, threading.Thread] = {}
        while not stop.is_set():
            with self.store.read() as s:
                listed = books.list_books(s)
            for book in listed:
                if book.id not in threads:
                    threads[book.id] = threading.Thread(
                        target=self.watch_book,
                        args=(book.id, interval, stop),
                        name=f"addressbook-{book.id}",
                        daemon=True,
                    )
                    threads[book.id].start()
            stop.wait(RELIST_SECONDS)

    def watch_book(self, book_id: int, interval: float, stop: threading.Event) -> None:
        """Sync one book every `interval` seconds; failures retried with backoff."""
        failures = 0
        while not stop.is_set():
            with self.store.read() as s:
                book = next((b for b in books.list_books(s) if b.id == book_id), None)
            if book is None:
                return  # removed meanwhile
            try:
                self.sync_book(book)
            except UserError as exc:
                # Only a server that may come back is retried; a missing password is not.
                retryable = bool(getattr(exc, "retryable", False))
                self.on_error(SyncFailure(book.name, str(exc), retryable))
                if not retryable:
                    return
                delay = min(WATCH_BACKOFF[min(failures, len(WATCH_BACKOFF) - 1)], interval)
                failures += 1
                log.info("%s: %s; trying again in %.0f s", book.name, exc, delay)
                stop.wait(delay)
                continue
            failures = 0
            stop.wait(interval)

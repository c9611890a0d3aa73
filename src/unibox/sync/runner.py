"""Running account syncs: retries with backoff, and IMAP IDLE for push."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from unibox.channels.imap import ImapSession
from unibox.channels.sasl import Credential
from unibox.core.errors import AuthError, ChannelError, Unreachable, UserError
from unibox.core.items import ChangeSet, FolderStatus
from unibox.core.triage import Clock, utc_now
from unibox.secrets import SecretStore
from unibox.store.accounts import AccountInfo
from unibox.store.store import Store
from unibox.sync.account_work import AccountWork, work_due
from unibox.sync.credentials import credential_for
from unibox.sync.mail import MailAccountSync, Progress, SyncReport, SyncStopped, endpoint_for
from unibox.sync.pipeline import FetchPipeline

log = logging.getLogger("unibox.sync")

ONE_SHOT_BACKOFF = (1.0, 3.0, 8.0)
WATCH_BACKOFF = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0)
IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: re-issue IDLE before 29 minutes
# IDLE also looks every few seconds for local work due (a change the user made, a send-later time).
IDLE_CHECK_SECONDS = 5.0


class Wake(threading.Event):
    """A threading.Event that a select() can wait on too (it has a fileno()).

    Setting it makes its socket readable, so an IMAP IDLE waiting on the
    server and on this wakes at once for "sync now" or quitting, instead of
    at its next check.
    """

    def __init__(self) -> None:
        super().__init__()
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)

    def fileno(self) -> int:
        return self._reader.fileno()

    def set(self) -> None:
        super().set()
        with contextlib.suppress(OSError):  # full (already readable) or closed
            self._writer.send(b"!")

    def clear(self) -> None:
        super().clear()
        with contextlib.suppress(OSError):
            while self._reader.recv(512):
                pass

    def close(self) -> None:
        self._reader.close()
        self._writer.close()


@dataclass(frozen=True, slots=True)
class SyncFailure:
    account: str
    message: str
    retryable: bool
    reauth: bool = False  # an OAuth2 sign-in that was refused: only signing in again helps


def needs_sign_in(account: AccountInfo, exc: Exception) -> bool:
    """An OAuth2 account whose grant or token the provider or server refused."""
    return account.settings.auth == "oauth2" and isinstance(exc, AuthError)


class SyncRunner:
    """Syncs accounts with one shared parser pool; reports progress and changes."""

    def __init__(
        self,
        store: Store,
        secrets: SecretStore,
        *,
        on_progress: Callable[[Progress], None] | None = None,
        on_changes: Callable[[ChangeSet], None] | None = None,
        on_error: Callable[[SyncFailure], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.secrets = secrets
        self.on_progress = on_progress
        self.on_changes = on_changes
        self.on_error = on_error or (lambda _f: None)
        self.sleep = sleep
        self.clock = clock
        self.pipeline = FetchPipeline()
        # Set by request_stop(): every sync ends after its current batch.
        self.stopping = threading.Event()
        self.phone_region: str | None = None  # from the profile's settings, when first needed
        self._stopped_accounts: set[str] = set()
        self._lock = threading.Lock()

    def stop_account(self, name: str) -> None:
        """End this account's sync between batches, and its watch (it is being removed)."""
        with self._lock:
            self._stopped_accounts.add(name)

    def resume_account(self, name: str) -> None:
        with self._lock:
            self._stopped_accounts.discard(name)

    def _should_stop(self, name: str) -> bool:
        return self.stopping.is_set() or name in self._stopped_accounts

    def request_stop(self) -> None:
        """End every sync between batches (each batch is one transaction) and every watch."""
        self.stopping.set()

    def close(self) -> None:
        self.pipeline.close()

    def sync_once(
        self,
        account: AccountInfo,
        *,
        backoff: Sequence[float] | None = None,
        only_folders: Sequence[str] | None = None,
    ) -> SyncReport:
        """Sync one account, retrying what may pass (a dropped connection); raises the rest.

        A server that cannot be reached at all (refused, not found, no greeting) is
        reported at once: retrying within seconds would only keep the user waiting.
        """
        password = credential_for(self.secrets, account)
        backoff = ONE_SHOT_BACKOFF if backoff is None else backoff
        attempt = 0
        while True:
            try:
                if account.kind == "pop3":
                    return self._sync_pop3(account, password)
                # The user's changes and mail reach the server first, then its state is read.
                work = AccountWork(self.store, account, password, clock=self.clock)
                self._emit(work.run().changes)
                report = MailAccountSync(
                    self.store,
                    account,
                    password,
                    pipeline=self.pipeline,
                    on_progress=self.on_progress,
                    on_changes=self.on_changes,
                    only_folders=only_folders,
                    should_stop=lambda: self._should_stop(account.name),
                ).run()
                self._emit(work.after_sync(report))
                self._suggest_merges(report.changes)
                return report
            except ChannelError as exc:
                reauth = needs_sign_in(account, exc)
                self.on_error(SyncFailure(account.name, str(exc), exc.retryable, reauth))
                if not exc.retryable or isinstance(exc, Unreachable) or attempt >= len(backoff):
                    raise
                log.info("%s: %s Retrying in %.0f s.", account.name, exc, backoff[attempt])
                self.sleep(backoff[attempt])
                attempt += 1

    def _sync_pop3(self, account: AccountInfo, password: Credential) -> SyncReport:
        from unibox.sync.pop3 import Pop3AccountSync
        from unibox.sync.pop3_send import pop3_work

        self._emit(pop3_work(self.store, account, password, self.clock))
        report = Pop3AccountSync(
            self.store,
            account,
            password,
            on_progress=self.on_progress,
            on_changes=self.on_changes,
            should_stop=lambda: self._should_stop(account.name),
            clock=self.clock,
        ).run()
        self._suggest_merges(report.changes)
        return report

    def _suggest_merges(self, changes: ChangeSet) -> None:
        """New correspondents may be people we know under another address, and new mail
        may list a handle in its signature: suggest, never merge."""
        people = changes.people
        # Bodies arrive as new messages, or later for those first synced as headers.
        messages = changes.messages_added | changes.messages_changed
        if not people and not messages:
            return
        from unibox.config import phone_region
        from unibox.store.merge_suggestions import refresh_suggestions
        from unibox.store.signature_evidence import scan_signatures

        if self.phone_region is None:
            self.phone_region = phone_region(self.store.path.parent)
        with self.store.write() as s:
            touched = scan_signatures(s, messages, self.phone_region)
            if refresh_suggestions(s, people):
                touched |= people
        if touched:
            self._emit(ChangeSet(people=touched))

    def _emit(self, changes: ChangeSet) -> None:
        if changes and self.on_changes is not None:
            self.on_changes(changes)

    def watch(self, account: AccountInfo, interval: float, stop: threading.Event) -> None:
        """Sync now, then keep the inbox pushed (IDLE) and everything else polled.

        Returns soon after `stop` is set: at once while waiting when it is a
        Wake (IDLE waits on it), else within the few seconds of one IDLE
        check; a sync in progress first finishes its batch.
        """
        try:
            self._watch(account, interval, stop)
        except SyncStopped:
            log.info("%s: stopped", account.name)

    def _watch(self, account: AccountInfo, interval: float, stop: threading.Event) -> None:
        failures = 0
        next_full = 0.0
        while not stop.is_set() and not self._should_stop(account.name):
            try:
                if time.monotonic() >= next_full:
                    self.sync_once(account, backoff=())
                    next_full = time.monotonic() + interval
                self._idle_until(account, next_full, stop)
                failures = 0
            except UserError as exc:
                # A full disk, a missing password or a wrong one: waiting will not help.
                if not (isinstance(exc, ChannelError) and exc.retryable):
                    reauth = needs_sign_in(account, exc)
                    self.on_error(SyncFailure(account.name, str(exc), False, reauth))
                    return
                if self._should_stop(account.name):
                    return
                delay = WATCH_BACKOFF[min(failures, len(WATCH_BACKOFF) - 1)]
                failures += 1
                log.info("%s: %s Trying again in %.0f s.", account.name, exc, delay)
                stop.wait(delay)
                # Whatever changed while the connection was down (mail whose IDLE
                # notice was lost with it) is read by a whole sync first.
                next_full = 0.0

    def _inbox_moved_on(self, account: AccountInfo, status: FolderStatus) -> bool:
        """Whether the server's INBOX differs from what the store last saw of it."""
        from unibox.store import folders

        with self.store.read() as s:
            stored = [f for f in folders.list_folders(s, account.id) if f.name == "INBOX"]
        if not stored:
            return True
        f = stored[0]
        return (f.uidvalidity, f.uidnext) != (status.uidvalidity, status.uidnext) or (
            status.highestmodseq is not None and f.highestmodseq != status.highestmodseq
        )

    def _idle_until(self, account: AccountInfo, deadline: float, stop: threading.Event) -> None:
        if account.kind == "pop3":  # no push in POP3: the next sync is the next look
            while not stop.is_set() and time.monotonic() < deadline:
                stop.wait(min(IDLE_CHECK_SECONDS, max(0.0, deadline - time.monotonic())))
                if work_due(self.store, account, int(self.clock().timestamp())):
                    self.sync_once(account, backoff=())
            return
        password = credential_for(self.secrets, account)
        with ImapSession(endpoint_for(account), password) as imap:
            if "IDLE" not in imap.capabilities:
                stop.wait(max(0.0, deadline - time.monotonic()))
                return
            if self._inbox_moved_on(account, imap.select("INBOX")):
                # Mail that came between the last sync and this SELECT raises no
                # IDLE notice (the server counts it as already seen): read it now.
                self.sync_once(account, backoff=(), only_folders=["INBOX"])
            wake = stop if isinstance(stop, Wake) else None
            while not stop.is_set() and time.monotonic() < deadline:
                wait = min(
                    IDLE_RENEW_SECONDS, max(1.0, deadline - time.monotonic()), IDLE_CHECK_SECONDS
                )
                # Also every few seconds: a change the user made, or a send-later time.
                changed = imap.idle_wait(wait, wake)
                if stop.is_set():
                    return
                now = int(self.clock().timestamp())
                if changed or work_due(self.store, account, now):
                    self.sync_once(account, backoff=(), only_folders=["INBOX"])

"""Syncing a POP3 account: download what the store lacks, by UIDL, into its local Inbox.

One session: UIDL lists the maildrop, each message not yet known is fetched
whole with RETR (newest first; TOP would only add a round trip, since POP3 has
no bodies to leave for later), parsed by the MIME path of IMAP mail, and
written in batches, each batch one transaction with its UIDLs. A connection
lost mid-RETR loses only that message's bytes: the next try downloads it.
Mail stays on the server unless the account deletes it N days after download;
deletions are marked with DELE and happen only at a clean QUIT, and the store
notes them after that.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from unibox.channels.pop3 import Pop3Endpoint, Pop3Session
from unibox.channels.sasl import Credential
from unibox.core.items import ChangeSet, FetchedMail
from unibox.core.triage import Clock, utc_now
from unibox.store.accounts import AccountInfo, record_sync
from unibox.store.ingest import Ingestor
from unibox.store.pop3_state import (
    due_for_deletion,
    known_uidls,
    mark_deleted,
    pop3_inbox,
    store_downloaded,
)
from unibox.store.store import Store
from unibox.sync.mail import Progress, SyncReport, SyncStopped
from unibox.sync.pipeline import to_incoming

log = logging.getLogger("unibox.sync")

BATCH_MESSAGES = 50
BATCH_BYTES = 8 * 1024 * 1024


def pop3_endpoint(account: AccountInfo) -> Pop3Endpoint:
    s = account.settings
    server = s.incoming
    return Pop3Endpoint(
        server.host, server.port, server.security, s.username, s.ca_file, s.fingerprint
    )


class Pop3AccountSync:
    """One sync run of one POP3 account over one session."""

    def __init__(
        self,
        store: Store,
        account: AccountInfo,
        password: Credential,
        *,
        on_progress: Callable[[Progress], None] | None = None,
        on_changes: Callable[[ChangeSet], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        clock: Clock = utc_now,
        session_factory: Callable[[Pop3Endpoint, Credential], Pop3Session] = Pop3Session,
    ) -> None:
        self.store = store
        self.account = account
        self._password = password
        self.on_progress = on_progress or (lambda _p: None)
        self.on_changes = on_changes or (lambda _c: None)
        self.should_stop = should_stop
        self.clock = clock
        self.session_factory = session_factory
        self.report = SyncReport(account.name)

    def now(self) -> int:
        return int(self.clock().timestamp())

    def run(self) -> SyncReport:
        try:
            pop = self.session_factory(pop3_endpoint(self.account), self._password)
            try:
                deleting = self._run(pop)
                pop.quit()  # commits the deletions
            except BaseException:
                pop.abort()  # nothing marked is deleted
                raise
            if deleting:
                with self.store.write() as s:
                    mark_deleted(s, self._folder_id, deleting, self.now())
                self.report.removed += len(deleting)
        except SyncStopped:
            raise
        except Exception as exc:
            with contextlib.suppress(Exception), self.store.write() as s:
                record_sync(s, self.account.id, str(exc) or type(exc).__name__)
            raise
        with self.store.write() as s:
            record_sync(s, self.account.id, "")
        return self.report

    def _run(self, pop: Pop3Session) -> list[str]:
        name = self.account.name
        self.on_progress(Progress(name, "Inbox", "folders", 0, 0))
        on_server = pop.uidls()
        with self.store.write() as s:
            self._folder_id = pop3_inbox(s, self.account.id)
            known = known_uidls(s, self._folder_id)
        self.report.folders_checked = 1
        new = sorted((n, u) for u, n in on_server.items() if u not in known)
        new.reverse()  # newest first: the highest message numbers arrived last
        if new:
            self.report.folders_changed = 1
            self._download(pop, new)
        deleting = due_for_deletion(
            known, list(on_server), self.account.settings.delete_after_days, self.now()
        )
        for uidl in deleting:
            pop.dele(on_server[uidl])
        self.on_progress(Progress(name, "", "done", 1, 1))
        return deleting

    def _download(self, pop: Pop3Session, new: list[tuple[int, str]]) -> None:
        ingestor = Ingestor(self.account.id, self._folder_id, [self.account.email])
        total = len(new)
        done = 0
        batch: list[tuple[str, FetchedMail]] = []
        size = 0
        self.on_progress(Progress(self.account.name, "Inbox", "bodies", 0, total))
        try:
            for number, uidl in new:
                raw = pop.retr(number)
                # A UID for parsing only (to_incoming matches by it); stored under the next one.
                batch.append((uidl, FetchedMail(len(batch) + 1, (), len(raw), None, raw)))
                size += len(raw)
                if len(batch) >= BATCH_MESSAGES or size >= BATCH_BYTES:
                    done += self._write(ingestor, batch)
                    self.on_progress(Progress(self.account.name, "Inbox", "bodies", done, total))
                    batch, size = [], 0
                    self._check_stop()
        finally:
            # What arrived whole before a failure is kept: the next try starts after it.
            if batch:
                done += self._write(ingestor, batch)
            self.report.raw_only += ingestor.raw_only
            self.report.not_stored += ingestor.not_stored

    def _write(self, ingestor: Ingestor, batch: list[tuple[str, FetchedMail]]) -> int:
        items = to_incoming([m for _u, m in batch], compress=False)
        pairs = [(uidl, item) for (uidl, _m), item in zip(batch, items, strict=True)]
        with self.store.write() as s:
            changes = store_downloaded(s, ingestor, self._folder_id, pairs, self.now())
        self.report.new_messages += len(pairs)
        self.report.bodies += len(pairs)
        self.report.changes.merge(changes)
        if changes:
            self.on_changes(changes)
        return len(pairs)

    def _check_stop(self) -> None:
        if self.should_stop():
            log.info("%s: stopping between batches, as asked", self.account.name)
            raise SyncStopped(self.account.name)

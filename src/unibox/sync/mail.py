"""Syncing one mail account: folders, expunges, flags, then new mail.

Order of work, so the newest mail shows first on a large account:
1. the folder list, then per folder a cheap STATUS: unchanged folders cost
   one round trip and nothing else;
2. per changed folder (inbox first): expunges, flag changes (CONDSTORE's
   CHANGEDSINCE where offered, else a full FLAGS comparison), and the headers
   of the newest new mail (a window of HEADERS_FIRST_WINDOW), so the list
   fills within a second or two;
3. bodies, newest first: those of the window, then older mail whole in one
   pass (headers for all of it first would parse every message twice),
   fetched and parsed on every core and written in batches.
Each batch is one transaction keyed by (folder, UID): a kill at any point
leaves a consistent store that the next run completes without duplicates.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from unibox.channels.imap import ImapSession
from unibox.channels.imap_conn import ImapEndpoint
from unibox.channels.sasl import Credential, portable
from unibox.core.errors import ChannelError, with_detail
from unibox.core.items import ChangeSet, FolderRole, FolderStatus, IncomingMessage
from unibox.store import folders as store_folders
from unibox.store.accounts import AccountInfo, record_sync
from unibox.store.folders import FolderState
from unibox.store.ingest import Ingestor
from unibox.store.store import Store
from unibox.sync.endpoints import imap_endpoint
from unibox.sync.pipeline import FetchJob, FetchPipeline

log = logging.getLogger("unibox.sync")

# Fewer new messages than this are fetched whole at once: a headers pass would
# only add a round trip.
HEADERS_FIRST_THRESHOLD = 200
HEADERS_FIRST_WINDOW = 1000
HEADER_JOB = 1000
LARGE_MESSAGE_BYTES = 1024 * 1024
SMALL_MESSAGE_GUESS = 32 * 1024
BODY_JOB_MESSAGES = 250
BODY_JOB_BYTES = 8 * 1024 * 1024
_ROLE_ORDER = {FolderRole.INBOX.value: 0, FolderRole.SENT.value: 1, FolderRole.ARCHIVE.value: 3}


@dataclass(frozen=True, slots=True)
class Progress:
    account: str
    folder: str
    phase: str  # "folders", "headers", "bodies", "flags", "done"
    done: int
    total: int


@dataclass(slots=True)
class SyncReport:
    account: str
    new_messages: int = 0
    bodies: int = 0
    flag_changes: int = 0
    removed: int = 0
    folders_checked: int = 0
    folders_changed: int = 0
    raw_only: int = 0  # stored as raw source alone: they could not be written as read
    not_stored: int = 0  # could not be stored at all; the next sync tries them again
    changes: ChangeSet = field(default_factory=ChangeSet)


def endpoint_for(account: AccountInfo) -> ImapEndpoint:
    return imap_endpoint(account.settings)


class SyncStopped(Exception):
    """A sync ended early because someone asked it to stop (quitting); not a failure."""


class MailAccountSync:
    """One sync run of one account over one connection."""

    def __init__(
        self,
        store: Store,
        account: AccountInfo,
        password: Credential,
        *,
        pipeline: FetchPipeline | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_changes: Callable[[ChangeSet], None] | None = None,
        only_folders: Iterable[str] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self.store = store
        self.should_stop = should_stop
        self.account = account
        self.endpoint = endpoint_for(account)
        self._password = password
        self.pipeline = pipeline or FetchPipeline()
        self._own_pipeline = pipeline is None
        self.on_progress = on_progress or (lambda _p: None)
        self.on_changes = on_changes or (lambda _c: None)
        self.only_folders = set(only_folders) if only_folders is not None else None
        self.report = SyncReport(account.name)
        self._unfetched: dict[int, list[int]] = {}  # folder id -> UIDs left for the body pass
        self._folder = ""  # the folder being synced, named when a failure is reported

    def run(self) -> SyncReport:
        try:
            with ImapSession(self.endpoint, self._password) as imap:
                self._run(imap)
        except SyncStopped:
            raise  # asked for, not a failure: the next sync goes on from here
        except Exception as exc:
            error: Exception = exc
            if isinstance(exc, ChannelError) and self._folder and self._folder not in str(exc):
                error = with_detail(exc, f"folder “{self._folder}”")
            # Remember the failure for the window; if even that cannot be written
            # (a full disk), the original error is the one to report.
            with contextlib.suppress(Exception), self.store.write() as s:
                record_sync(s, self.account.id, str(error) or type(error).__name__)
            if error is exc:
                raise
            raise error from exc
        finally:
            if self._own_pipeline:
                self.pipeline.close()
        with self.store.write() as s:
            record_sync(s, self.account.id, "")
        return self.report

    def _run(self, imap: ImapSession) -> None:
        self.on_progress(Progress(self.account.name, "", "folders", 0, 0))
        remote = imap.list_folders()
        with self.store.write() as s:
            states = store_folders.upsert_folders(s, self.account.id, remote)
        todo = [
            f
            for f in states
            if f.sync_enabled and (self.only_folders is None or f.name in self.only_folders)
        ]
        todo.sort(key=lambda f: (_ROLE_ORDER.get(f.role, 2), f.name))
        needs_bodies: list[tuple[FolderState, FolderStatus]] = []
        renumbered = False
        for folder in todo:
            self._check_stop()
            self._folder = folder.name
            self.report.folders_checked += 1
            status = imap.status(folder.name)
            if folder.uidvalidity is not None and status.uidvalidity != folder.uidvalidity:
                log.info("%s: UIDVALIDITY changed; re-matching by Message-ID", folder.name)
                with self.store.write() as s:
                    store_folders.reset_uidvalidity(s, folder.id)
                renumbered = True
                folder = _reset(folder)
            if self._unchanged(folder, status):
                continue
            self.report.folders_changed += 1
            needs_bodies.append((folder, self._sync_folder_structure(imap, folder)))
        for folder, seen in needs_bodies:
            self._check_stop()
            self._folder = folder.name
            self._fetch_bodies(imap, folder, seen)
            # The state from before fetching: whatever changed since shows up next time.
            with self.store.write() as s:
                store_folders.save_status(s, folder.id, seen)
        self._folder = ""
        if renumbered:
            with self.store.write() as s:
                changes = store_folders.hide_unplaced(s, self.account.id)
            self._emit(changes)
        self.on_progress(Progress(self.account.name, "", "done", 1, 1))

    def _unchanged(self, folder: FolderState, status: FolderStatus) -> bool:
        if folder.uidvalidity != status.uidvalidity or folder.uidnext != status.uidnext:
            return False
        if status.highestmodseq is not None and folder.highestmodseq != status.highestmodseq:
            return False
        with self.store.read() as s:
            stored, without_body = store_folders.folder_counts(s, folder.id)
        return stored == status.exists and not without_body

    def _sync_folder_structure(self, imap: ImapSession, folder: FolderState) -> FolderStatus:
        """Expunges, flag changes and headers of new mail for one folder."""
        status = imap.select(folder.name)
        with self.store.read() as s:
            local = store_folders.local_uids(s, folder.id)
        if imap.qresync and folder.highestmodseq and folder.uidnext and local:
            # One pass tells flag changes and expunges (VANISHED) since last time.
            updates, vanished = imap.changes_since(list(local), folder.highestmodseq)
            gone = [u for u in local if u in vanished]
            new = [u for u in imap.uids_from(folder.uidnext) if u not in local]
        else:
            server = self._server_uids(imap, folder, status, local)
            server_set = set(server)
            gone = [u for u in local if u not in server_set]
            known = [u for u in server if u in local]
            since = folder.highestmodseq if imap.condstore else None
            updates = imap.fetch_flags(known, changed_since=since)
            new = [u for u in server if u not in local]
        if gone:
            with self.store.write() as s:
                changes = store_folders.remove_uids(s, folder.id, gone)
            self._emit(changes)
            self.report.removed += len(gone)
        changed = [u for u in updates if u.uid in local and " ".join(u.flags) != local[u.uid]]
        if changed:
            with self.store.write() as s:
                changes = store_folders.apply_flags(s, folder.id, changed)
            self._emit(changes)
            self.report.flag_changes += len(changed)
        new.sort(reverse=True)
        if len(new) > HEADERS_FIRST_THRESHOLD:
            # Headers first for the newest mail, enough to fill the window at once;
            # older mail then arrives whole in one pass instead of two.
            window = new[:HEADERS_FIRST_WINDOW]
            self._unfetched[folder.id] = new[HEADERS_FIRST_WINDOW:]
            jobs = self._jobs(folder, status, _header_chunks(window), headers_only=True)
            self._ingest_stream(imap, folder, "headers", jobs, len(window))
        elif new:
            jobs = self._jobs(folder, status, [tuple(new)], headers_only=False)
            self._ingest_stream(imap, folder, "bodies", jobs, len(new))
        self.report.new_messages += len(new)
        return status

    def _server_uids(
        self, imap: ImapSession, folder: FolderState, status: FolderStatus, local: dict[int, str]
    ) -> list[int]:
        """Every UID in the folder, asking for the whole list only when something was expunged."""
        if folder.uidnext and local and max(local) < folder.uidnext:
            arrived = imap.uids_from(folder.uidnext)
            if status.exists == len(local) + len(arrived):
                return sorted(local) + arrived  # only additions since last time
        return imap.all_uids()

    def _fetch_bodies(self, imap: ImapSession, folder: FolderState, seen: FolderStatus) -> None:
        with self.store.read() as s:
            missing = store_folders.missing_body_sizes(s, folder.id)
        unfetched = self._unfetched.pop(folder.id, [])
        if unfetched:
            # Sizes of never-fetched mail are unknown: ask which are large, so
            # one job never holds a pile of big attachments in memory.
            imap.select(folder.name)
            large = imap.large_uids(LARGE_MESSAGE_BYTES)
            missing += [
                (u, BODY_JOB_BYTES if u in large else SMALL_MESSAGE_GUESS) for u in unfetched
            ]
            missing.sort(reverse=True)
        if missing:
            jobs = self._jobs(folder, seen, _body_chunks(missing), headers_only=False)
            self._ingest_stream(imap, folder, "bodies", jobs, len(missing))

    def _jobs(
        self,
        folder: FolderState,
        status: FolderStatus,
        chunks: Iterable[tuple[int, ...]],
        *,
        headers_only: bool,
    ) -> Iterator[FetchJob]:
        for uids in chunks:
            yield FetchJob(
                self.endpoint,
                folder.name,
                status.uidvalidity,
                uids,
                headers_only,
                portable(self._password),
            )

    def _ingest_stream(
        self,
        imap: ImapSession,
        folder: FolderState,
        phase: str,
        jobs: Iterable[FetchJob],
        total: int,
    ) -> None:
        """Write each fetched chunk, in order, as the pipeline delivers it."""
        ingestor = Ingestor(self.account.id, folder.id, [self.account.email])
        done = 0
        self.on_progress(Progress(self.account.name, folder.name, phase, 0, total))
        try:
            for items in self.pipeline.run(jobs, total, imap):
                done += self._write(ingestor, items, phase)
                self.on_progress(Progress(self.account.name, folder.name, phase, done, total))
                self._check_stop()
        finally:
            self.report.raw_only += ingestor.raw_only
            self.report.not_stored += ingestor.not_stored

    def _check_stop(self) -> None:
        """Between batches only: each batch is one transaction, so nothing is half written."""
        if self.should_stop():
            log.info("%s: stopping between batches, as asked", self.account.name)
            raise SyncStopped(self.account.name)

    def _write(self, ingestor: Ingestor, items: list[IncomingMessage], phase: str) -> int:
        with self.store.write() as s:
            changes = ingestor.ingest(s, items)
        self._emit(changes)
        if phase == "bodies":
            self.report.bodies += len(items)
        return len(items)

    def _emit(self, changes: ChangeSet) -> None:
        """Announce a change; call it after the commit, or a reader that looks at once misses it."""
        self.report.changes.merge(changes)
        if changes:
            self.on_changes(changes)


def _header_chunks(uids: list[int]) -> Iterator[tuple[int, ...]]:
    """Newest first; a small first chunk so the newest mail shows at once."""
    sizes = [100, 400]
    start = 0
    while start < len(uids):
        size = sizes.pop(0) if sizes else HEADER_JOB
        yield tuple(uids[start : start + size])
        start += size


def _body_chunks(missing: list[tuple[int, int]]) -> Iterator[tuple[int, ...]]:
    """Jobs of bounded message count and bytes, newest first."""
    chunk: list[int] = []
    total = 0
    for uid, size in missing:
        chunk.append(uid)
        total += size
        if len(chunk) >= BODY_JOB_MESSAGES or total >= BODY_JOB_BYTES:
            yield tuple(chunk)
            chunk, total = [], 0
    if chunk:
        yield tuple(chunk)


def _reset(folder: FolderState) -> FolderState:
    return FolderState(
        folder.id,
        folder.account_id,
        folder.name,
        folder.role,
        folder.sync_enabled,
        None,
        None,
        None,
    )

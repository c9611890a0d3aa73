"""Fetching and parsing mail on every core while the writer stores it.

A first sync is bound by CPU, not by the network: imapclient's response
parser, MIME parsing and compression cost far more than moving the bytes.
So large jobs go to worker processes that each keep their own IMAP
connection, fetch a chunk of UIDs, parse and compress it, and hand back
plain items. The calling thread only writes to SQLite. Small jobs (an
incremental sync) run inline on the caller's connection.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from unibox.channels.imap import ImapSession
from unibox.channels.imap_conn import ImapEndpoint
from unibox.channels.sasl import Credential
from unibox.core.content_key import content_key
from unibox.core.errors import ChannelError
from unibox.core.items import FetchedMail, IncomingMessage
from unibox.core.rawcodec import RAW_CODEC, compress_raw
from unibox.core.snippets import make_snippet
from unibox.sync.lifeline import PoolKeeper, die_with_parent

log = logging.getLogger("unibox.sync")

# Below this many messages a pool costs more to start than it saves.
POOL_THRESHOLD = 400
# Jobs in flight per worker: enough to keep workers busy, few enough to bound memory.
WINDOW_PER_WORKER = 2


@dataclass(frozen=True, slots=True)
class FetchJob:
    """Fetch these UIDs of one folder (headers only, or whole messages)."""

    endpoint: ImapEndpoint
    folder: str
    uidvalidity: int
    uids: tuple[int, ...]
    headers_only: bool
    password: Credential = field(repr=False, default="")


def to_incoming(mails: Sequence[FetchedMail], *, compress: bool) -> list[IncomingMessage]:
    """Parse fetched mail into items for the store (HTML is derived later, on open)."""
    # Imported here: a sync with nothing new never needs the MIME stack.
    from unibox.core.mime import parse_many, parse_message
    from unibox.core.mime_limits import DEFAULT_LIMITS

    limits = replace(DEFAULT_LIMITS, html=False)
    full = [m for m in mails if not m.headers_only]
    parsed = dict(
        zip((m.uid for m in full), parse_many([m.raw for m in full], limits=limits), strict=True)
    )
    for m in mails:
        if m.headers_only:
            parsed[m.uid] = parse_message(m.raw, headers_only=True)
    return [
        IncomingMessage(
            uid=m.uid,
            flags=m.flags,
            size=m.size,
            internal_date=m.internal_date,
            parsed=parsed[m.uid],
            raw=None if m.headers_only else (compress_raw(m.raw) if compress else m.raw),
            modseq=m.modseq,
            raw_codec=RAW_CODEC if compress and not m.headers_only else "",
            snippet=None if m.headers_only else make_snippet(parsed[m.uid].text),
            content_key=content_key(m.raw, m.size),
        )
        for m in mails
    ]


def fetch_with(imap: ImapSession, job: FetchJob) -> list[FetchedMail]:
    """Run one job on an open session (selecting the folder if needed)."""
    if imap.selected != job.folder:
        status = imap.select(job.folder)
        if status.uidvalidity != job.uidvalidity:
            raise ChannelError(
                f"The folder “{job.folder}” was renumbered by the server during the sync.",
                retryable=True,
            )
    fetch = imap.fetch_headers if job.headers_only else imap.fetch_full
    return [m for chunk in fetch(job.uids) for m in chunk]


# -- worker process side ----------------------------------------------------------

_worker_sessions: dict[ImapEndpoint, ImapSession] = {}


def _close_worker_sessions() -> None:
    for session in _worker_sessions.values():
        session.close()
    _worker_sessions.clear()


def _run_job(job: FetchJob) -> list[IncomingMessage]:
    session = _worker_sessions.get(job.endpoint)
    if session is None:
        if not _worker_sessions:
            atexit.register(_close_worker_sessions)
        session = _worker_sessions[job.endpoint] = ImapSession(job.endpoint, job.password)
    try:
        mails = fetch_with(session, job)
    except BaseException:
        # A broken connection must not be reused by the next job.
        _worker_sessions.pop(job.endpoint, None)
        raise
    return to_incoming(mails, compress=True)


# -- caller side ----------------------------------------------------------------------


class FetchPipeline:
    """Runs fetch jobs inline or in a process pool, yielding results in job order."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or max(1, os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        self._keeper: PoolKeeper | None = None
        self._lock = threading.Lock()

    def run(
        self, jobs: Iterable[FetchJob], total: int, inline: ImapSession
    ) -> Iterator[list[IncomingMessage]]:
        if total < POOL_THRESHOLD or self.workers < 2:
            for job in jobs:
                yield to_incoming(fetch_with(inline, job), compress=False)
            return
        pool = self._ensure_pool()
        window: deque[Future[list[IncomingMessage]]] = deque()
        try:
            for job in jobs:
                window.append(pool.submit(_run_job, job))
                if len(window) >= self.workers * WINDOW_PER_WORKER:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:
                future.cancel()

    def _ensure_pool(self) -> ProcessPoolExecutor:
        with self._lock:  # two accounts may start large syncs at once
            return self._make_pool()

    def _make_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the parent may hold threads, Qt or SQLite handles.
            ctx = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=ctx,
                initializer=die_with_parent,  # a kill -9 of this process ends them too
                initargs=(os.getpid(),),
            )
            self._keeper = PoolKeeper(pool, self.workers)
            self._pool = pool
        return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            keeper, self._keeper = self._keeper, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if keeper is not None:
            keeper.release()

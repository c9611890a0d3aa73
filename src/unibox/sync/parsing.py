"""Parsing fetched mail, in worker processes when there is a lot of it."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from unibox.core.items import FetchedMail, IncomingMessage
from unibox.core.mime import parse_many, parse_message

# Below this many messages a pool costs more to start than it saves.
POOL_THRESHOLD = 400


def to_incoming(mails: Sequence[FetchedMail]) -> list[IncomingMessage]:
    """Parse one chunk; runs in a worker process, so it takes and returns plain data."""
    full = [m for m in mails if not m.headers_only]
    heads = [m for m in mails if m.headers_only]
    parsed = dict(zip((m.uid for m in full), parse_many([m.raw for m in full]), strict=True))
    for m in heads:
        parsed[m.uid] = parse_message(m.raw, headers_only=True)
    return [
        IncomingMessage(
            uid=m.uid,
            flags=m.flags,
            size=m.size,
            internal_date=m.internal_date,
            parsed=parsed[m.uid],
            raw=None if m.headers_only else m.raw,
            modseq=m.modseq,
        )
        for m in mails
    ]


class Parser:
    """Parses inline for small jobs and in a process pool for large ones."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or max(1, (os.cpu_count() or 1))
        self._pool: Executor | None = None

    def submit(
        self, mails: Sequence[FetchedMail], expected_total: int
    ) -> Future[list[IncomingMessage]]:
        if expected_total < POOL_THRESHOLD or self.workers < 2:
            done: Future[list[IncomingMessage]] = Future()
            try:
                done.set_result(to_incoming(mails))
            except BaseException as exc:  # surfaced by .result() like a pool would
                done.set_exception(exc)
            return done
        return self._ensure_pool().submit(to_incoming, mails)

    def _ensure_pool(self) -> Executor:
        if self._pool is None:
            # spawn, not fork: the parent may hold threads, Qt or SQLite handles.
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

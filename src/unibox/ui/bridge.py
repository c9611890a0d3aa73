"""Store reads and slow tasks off the GUI thread; engine events as signals on the GUI thread."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.store.store import Store

log = logging.getLogger("unibox.ui")
T = TypeVar("T")
Lane = Literal["main", "side", "bulk"]

# A sync writes a batch every few milliseconds: views refresh at most this often.
CHANGES_COALESCE_MS = 120


class Bridge(QObject):
    """Runs store reads on one worker thread and hands each result back on the GUI thread.

    Reads are serialized, so a view that asks twice gets its answers in order;
    callers drop answers they no longer want (see the models' generations).
    Reads go to one of three readers ("lanes"), each serial: "main" for what
    someone is waiting for (the newest rows of a list, a message to open),
    "side" for what may take long and nobody waits for (counts, the person
    panel), "bulk" for the whole id list of a long view or search. A search
    typed letter by letter thus never waits behind the previous letter's
    long list; cancel_pending("bulk") drops lists nobody wants any more.
    Slow work that is not a read (a connection test, a download, a write)
    runs on a separate pool through `run`, so it never delays the list.
    Any thread may call post_changes, post_progress and post_failure (the
    sync engine's callbacks).

    Signals:
        changes(ChangeSet): the store changed; each view refreshes what it names.
            ChangeSets posted in quick succession arrive merged into one.
        error(str): a sentence for the user when background work failed.
        sync_progress(Progress): an account's sync moved on.
        sync_failed(SyncFailure): an account's sync failed; the message is a sentence.
    """

    changes = Signal(object)
    error = Signal(str)
    sync_progress = Signal(object)
    sync_failed = Signal(object)
    _finished = Signal(int, object, object)  # task id, result, exception
    _posted = Signal()
    _progress = Signal(object)
    _failure = Signal(object)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._lanes: dict[str, QThreadPool] = {}
        for lane in ("main", "side", "bulk"):
            pool = self._lanes[lane] = QThreadPool(self)
            pool.setMaxThreadCount(1)
        self._tasks = QThreadPool(self)
        self._tasks.setMaxThreadCount(4)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None]]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._pending: ChangeSet | None = None
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(CHANGES_COALESCE_MS)
        self._flush_timer.timeout.connect(self._flush_changes)
        queued = Qt.ConnectionType.QueuedConnection
        self._finished.connect(self._deliver, queued)
        self._posted.connect(self._schedule_flush, queued)
        self._progress.connect(self.sync_progress.emit, queued)
        self._failure.connect(self.sync_failed.emit, queued)

    @property
    def store(self) -> Store:
        return self._store

    def read(
        self, query: Callable[[Session], T], done: Callable[[T], None], *, lane: Lane = "main"
    ) -> None:
        """Run query(session) in a short read transaction off the GUI thread, then done(result)."""

        def work() -> T:
            with self._store.read() as session:
                return query(session)

        self._submit(self._lanes[lane], work, done, self._report)

    def cancel_pending(self, lane: Lane) -> None:
        """Drop the reads of a lane that have not started (their done() never runs)."""
        self._lanes[lane].clear()

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run work() on a task thread (network, files, writes), then done(result) here.

        An exception goes to failed(exc) on the GUI thread, or to the error signal.
        """
        self._submit(self._tasks, work, done, failed or self._report)

    def _submit(
        self,
        pool: QThreadPool,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None],
    ) -> None:
        if self._closed:  # the window is closing: nobody is left to take the answer
            return
        task = next(self._ids)
        self._callbacks[task] = (done, failed)

        def job() -> None:
            try:
                result = work()
            except Exception as exc:  # handed to the GUI thread, which reports it
                self._finished.emit(task, None, exc)
            else:
                self._finished.emit(task, result, None)

        pool.start(job)

    def post_changes(self, changes: ChangeSet) -> None:
        """Announce a store change; safe to call from any thread."""
        if not changes:
            return
        with self._lock:
            first = self._pending is None
            if self._pending is None:
                self._pending = ChangeSet()
            self._pending.merge(changes)
        if first:  # later ones merge into the pending set until it is delivered
            self._emit_safely(self._posted)

    def post_progress(self, progress: object) -> None:
        """Any thread: a sync.mail.Progress, re-emitted as sync_progress on the GUI thread."""
        self._emit_safely(self._progress, progress)

    def post_failure(self, failure: object) -> None:
        """Any thread: a sync.runner.SyncFailure, re-emitted as sync_failed."""
        self._emit_safely(self._failure, failure)

    @staticmethod
    def _emit_safely(signal: Any, *args: object) -> None:
        # A sync thread may report once more while the window is being torn down.
        try:
            signal.emit(*args)
        except RuntimeError:
            log.debug("the window is gone; a late sync report was dropped")

    def wait_idle(self, timeout_ms: int = 5000) -> bool:
        pools = (*self._lanes.values(), self._tasks)
        return all(p.waitForDone(timeout_ms) for p in pools)

    def close(self) -> None:
        self._closed = True
        self._flush_timer.stop()
        pools = (*self._lanes.values(), self._tasks)
        for pool in pools:
            pool.clear()
        for pool in pools:
            pool.waitForDone(10_000)
        self._callbacks.clear()

    @Slot()
    def _schedule_flush(self) -> None:
        # The first change goes out at once; what follows within the interval waits for it.
        if not self._flush_timer.isActive():
            self._flush_changes()

    @Slot()
    def _flush_changes(self) -> None:
        with self._lock:
            changes, self._pending = self._pending, None
        if changes:
            self._flush_timer.start()
            self.changes.emit(changes)

    def _report(self, exc: Exception) -> None:
        log.error("background work failed", exc_info=exc)
        text = str(exc) if isinstance(exc, UserError) else "Reading the mail store failed."
        self.error.emit(text)

    @Slot(int, object, object)
    def _deliver(self, task: int, result: object, exc: object) -> None:
        callbacks = self._callbacks.pop(task, None)
        if callbacks is None:
            return
        done, failed = callbacks
        if isinstance(exc, Exception):
            failed(exc)
            return
        done(result)

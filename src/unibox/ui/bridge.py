"""Store reads off the GUI thread, and store changes, delivered as signals on the GUI thread."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.store.store import Store

log = logging.getLogger("unibox.ui")
T = TypeVar("T")


class Bridge(QObject):
    """Runs store reads on one worker thread and hands each result back on the GUI thread.

    Reads are serialized, so a view that asks twice gets its answers in order;
    callers drop answers they no longer want (see the models' generations).
    Any thread may call post_changes (the sync engine's on_changes callback).

    Signals:
        changes(ChangeSet): the store changed; each view refreshes what it names.
        error(str): a sentence for the user when background work failed.
    """

    changes = Signal(object)
    error = Signal(str)
    _finished = Signal(int, object, object)  # task id, result, exception
    _posted = Signal(object)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._posted.connect(self.changes.emit, Qt.ConnectionType.QueuedConnection)

    def read(self, query: Callable[[Session], T], done: Callable[[T], None]) -> None:
        """Run query(session) in a short read transaction off the GUI thread, then done(result)."""
        task = next(self._ids)
        self._callbacks[task] = done

        def work() -> None:
            try:
                with self._store.read() as session:
                    result = query(session)
            except Exception as exc:  # handed to the GUI thread, which reports it
                self._finished.emit(task, None, exc)
            else:
                self._finished.emit(task, result, None)

        self._pool.start(work)

    def post_changes(self, changes: ChangeSet) -> None:
        """Announce a store change; safe to call from any thread."""
        if changes:
            self._posted.emit(changes)

    def wait_idle(self, timeout_ms: int = 5000) -> bool:
        return self._pool.waitForDone(timeout_ms)

    def close(self) -> None:
        self._pool.clear()
        self._pool.waitForDone(10_000)
        self._callbacks.clear()

    @Slot(int, object, object)
    def _deliver(self, task: int, result: object, exc: object) -> None:
        done = self._callbacks.pop(task, None)
        if done is None:
            return
        if isinstance(exc, BaseException):
            log.error("background read failed", exc_info=exc)
            text = str(exc) if isinstance(exc, UserError) else "Reading the mail store failed."
            self.error.emit(text)
            return
        done(result)

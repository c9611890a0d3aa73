"""Worker processes that die with the process that started them.

A `unibox sync` killed with kill -9 runs no cleanup: its pool's workers, each
holding an IMAP connection, would live on for minutes, and a few such kills
exhaust the server's connections per user. Two lines of defence, both set up
by the pool's initializer in every worker:

* Linux's PR_SET_PDEATHSIG: the kernel sends SIGKILL when the parent ends,
  even while the worker is busy in C code. It fires when the *thread* that
  started the worker ends, so the pool's workers are all started at once by a
  thread of their own that lives as long as the pool (`PoolKeeper`): sync
  threads come and go ("sync now" ends one), and must not take workers along.
* Everywhere: a thread that waits on the pipe from the parent (it reads EOF
  once the parent is gone, however it ended) and then ends the worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: end this process as soon as `parent_pid` is gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # gone before the signal was asked for
        os._exit(1)
    threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="unibox-lifeline", daemon=True
    ).start()


def _watch_parent(parent_pid: int) -> None:
    parent = multiprocessing.parent_process()
    sentinel = parent.sentinel if parent is not None else None
    if sentinel is not None:
        multiprocessing.connection.wait([sentinel])
    else:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
    os._exit(1)  # no cleanup: the parent that would want the results is gone


class PoolKeeper:
    """Starts every worker of a pool from one thread that lives until `release()`."""

    def __init__(self, pool: ProcessPoolExecutor, workers: int) -> None:
        self._workers = workers
        self._started = threading.Event()
        self._release = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._keep, args=(pool,), name="unibox-pool-keeper", daemon=True
        )
        self._thread.start()
        self._started.wait()
        if self._error is not None:
            raise self._error

    def _keep(self, pool: ProcessPoolExecutor) -> None:
        try:
            # All now, from this thread: a pool with all its workers never starts
            # one from a caller's thread (only a worker that ended is replaced).
            for _ in range(self._workers):
                pool._adjust_process_count()
        except BaseException as exc:
            self._error = exc
        finally:
            self._started.set()
        self._release.wait()

    def release(self) -> None:
        """After the pool's shutdown: the thread ends (any worker left gets SIGKILL)."""
        self._release.set()
        self._thread.join()

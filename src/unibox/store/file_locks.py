"""Reading the store file beside SQLite without dropping SQLite's locks.

SQLite's locks are POSIX advisory locks (fcntl): they belong to a process and
a file, and closing *any* descriptor of that file drops every lock the process
holds on it, SQLite's own included (sqlite.org/howtocorrupt.html, 2.2). The
header check (health.header_problem) opened and closed the store file; after
that, another process closing its last connection (a raw look-up, a finished
command) saw no other user, checkpointed and deleted the -wal and -shm files.
This process's open connections went on with the deleted ones: they never saw
again what other processes stored, and what they stored themselves was lost.

So the file is read here: with a plain open and close while no connection of
this process is open on it; otherwise through a descriptor kept open until the
last of those connections closes. The engine counts its connections in
(`opening`, before SQLite opens the file) and out (`closed`), under the same
lock as the read, so no connection can start while a plain read is open.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from pathlib import Path

_lock = threading.Lock()
_live: Counter[str] = Counter()  # open SQLite connections of this process, by file
_kept: dict[str, int] = {}  # a descriptor to read through while there are such connections
_retired: list[int] = []  # one of a file since replaced (a restore): closing it is not safe


def _key(path: Path) -> str:
    return os.path.realpath(path)


def opening(path: Path) -> None:
    """A connection of this process is about to open `path` (call `closed` after it)."""
    with _lock:
        _live[_key(path)] += 1


def closed(path: Path) -> None:
    key = _key(path)
    with _lock:
        _live[key] -= 1
        if _live[key] > 0:
            return
        del _live[key]
        fd = _kept.pop(key, None)
        if fd is not None:  # no lock of ours is on the file now: closing drops nothing
            os.close(fd)


def read_head(path: Path, size: int) -> tuple[int, bytes]:
    """The file's length and its first `size` bytes; FileNotFoundError when it is absent."""
    key = _key(path)
    with _lock:
        if not _live[key]:
            with path.open("rb") as f:
                return os.fstat(f.fileno()).st_size, f.read(size)
        fd = _kept.get(key)
        if fd is not None and os.fstat(fd).st_ino != os.stat(path).st_ino:
            _retired.append(_kept.pop(key))  # the file was replaced under the same name
            fd = None
        if fd is None:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            _kept[key] = fd
        return os.fstat(fd).st_size, os.pread(fd, size, 0)

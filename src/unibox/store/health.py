"""Is the store file whole? Cheap checks before opening it, and the sentence when it is not.

On every open unibox reads the file's 100-byte header: the SQLite magic,
the page size, and the page count that SQLite keeps there, compared with
the file's length (a truncated file is shorter than its header says). This
costs one small read, whatever the size of the store; `PRAGMA quick_check`
reads every page and is left to `unibox check` (and to the window, in the
background). A store that is damaged is never opened for writing, never
replaced, never started afresh: the user is told what happened and how to
get the data back.

A new store is created under a temporary name and moved into place once its
tables exist, so a 0-byte store file is never a store being created: it is
one that was emptied, and it is refused like any other damaged store.
"""

from __future__ import annotations

import os
from pathlib import Path

from unibox.core.errors import UserError
from unibox.store import file_locks

MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100


class StoreDamaged(UserError):
    """The store file is not a whole SQLite database; nothing was changed in it."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(damage_sentence(path, what))
        self.path = path
        self.what = what


def damage_sentence(path: Path, what: str) -> str:
    """One line: what happened, that nothing was changed, and the two ways back."""
    return (
        f"The store {path} is damaged ({what}) and was left as it is. "
        "Restore a backup with “unibox restore BACKUP” (it keeps the damaged file aside), "
        "or move the file aside and add your accounts again to fetch the mail back; "
        "notes, tags and follow-ups come back only from a backup."
    )


def is_damage(exc: BaseException) -> bool:
    """Is this sqlite3/SQLAlchemy error SQLite saying the file is not a sound database?"""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    return any(
        words in text
        for words in ("malformed", "not a database", "file is not a database", "corrupt")
    )


def _wal_has_frames(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 32  # more than the WAL header: it may hold pages
    except OSError:
        return False


def header_problem(path: Path) -> str | None:
    """What is wrong with the file as its header tells (None: whole, or absent)."""
    try:
        # Never a plain open and close while SQLite has the file open here: see file_locks.
        size, header = file_locks.read_head(path, HEADER_BYTES)
    except FileNotFoundError:
        return None
    if size == 0:
        return "the file is empty: 0 bytes"
    if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
        return "the file does not start with an SQLite header"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "the header names an impossible page size"
    if size % page_size:
        return f"the file ends in the middle of a page: {size:,} bytes"
    pages = int.from_bytes(header[28:32], "big")
    # The count is only current when "version-valid-for" equals the change counter.
    counted = header[92:96] == header[24:28] and pages > 0
    if counted and size < pages * page_size and not _wal_has_frames(path):
        return f"the file is truncated: {size // page_size:,} of {pages:,} pages"
    return None


def check_header(path: Path) -> None:
    """Raise StoreDamaged when the header shows the file is not whole."""
    problem = header_problem(path)
    if problem is not None:
        raise StoreDamaged(path, problem)


def temporary_name(path: Path) -> Path:
    """Where a new store is built before it is moved to `path`."""
    return path.with_name(f".{path.name}.new-{os.getpid()}")

"""A backup of the store in one SQLite file, taken with SQLite's online backup API.

The copy is made in one step of `sqlite3.Connection.backup`: one read
transaction, so in WAL mode it is a consistent snapshot of the last commit
while a sync goes on writing (the writer is never blocked). The backup file
is the store plus one table, `unibox_backup_file`, holding the profile's
other local-only files (settings, drafts) that the caller passes, and
`unibox_backup_info` (when, which schema). It is checked with
`PRAGMA integrity_check` before it replaces anything, and written under a
temporary name, so an earlier backup under the same name survives until the
new one is whole.

Restoring checks the backup the same way, refuses while another process has
the store open, keeps the current store aside (`unibox.sqlite3.before-restore-
TIME`), and puts a clean copy in its place.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from unibox.core.errors import UserError
from unibox.store.engine import SCHEMA_HEAD
from unibox.store.health import MAGIC, header_problem

FILES_TABLE = "unibox_backup_file"
INFO_TABLE = "unibox_backup_info"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup holds, as `unibox backup` and `unibox restore` report it."""

    path: Path
    taken_at: int
    schema: str
    messages: int
    files: dict[str, bytes]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _integrity(conn: sqlite3.Connection) -> list[str]:
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def _is_backup(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                return False
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(
                conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (INFO_TABLE,)
                ).fetchone()
            )
        finally:
            conn.close()
    except (OSError, sqlite3.DatabaseError):
        return False


def take_backup(store_file: Path, target: Path, files: dict[str, bytes]) -> BackupInfo:
    """Copy the store (and `files`, name -> bytes) into `target`, checked, then renamed."""
    if target.exists() and not _is_backup(target):
        raise UserError(f"{target} exists and is not a unibox backup; choose another name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{store_file}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # one step: one read transaction, one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        taken = int(time.time())
        schema = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        copy.execute(f"CREATE TABLE {INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT)")
        copy.execute(f"CREATE TABLE {FILES_TABLE} (name TEXT PRIMARY KEY, data BLOB)")
        copy.executemany(
            f"INSERT INTO {INFO_TABLE} VALUES (?, ?)",
            [("taken_at", str(taken)), ("schema", schema)],
        )
        copy.executemany(f"INSERT INTO {FILES_TABLE} VALUES (?, ?)", list(files.items()))
        copy.commit()
        problems = _integrity(copy)
        messages = int(copy.execute("SELECT count(*) FROM message").fetchone()[0])
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    copy.close()
    if problems:
        partial.unlink(missing_ok=True)
        raise UserError(
            f"The backup could not be made: the store itself is damaged ({problems[0]}); "
            f"the file {store_file} was left as it is."
        )
    _fsync(partial)
    os.replace(partial, target)
    return BackupInfo(target, taken, schema, messages, files)


def read_backup(path: Path) -> BackupInfo:
    """A backup checked whole (header, integrity, made by this or an older unibox)."""
    if not path.is_file():
        raise UserError(f"There is no backup file {path}.")
    problem = header_problem(path)
    if problem is not None or not _is_backup(path):
        raise UserError(f"{path} is not a unibox backup ({problem or 'no backup table'}).")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = _integrity(conn)
        if problems:
            raise UserError(f"The backup {path} is damaged ({problems[0]}); nothing was restored.")
        info = dict(conn.execute(f"SELECT key, value FROM {INFO_TABLE}").fetchall())
        files = {n: bytes(d) for n, d in conn.execute(f"SELECT name, data FROM {FILES_TABLE}")}
        messages = int(conn.execute("SELECT count(*) FROM message").fetchone()[0])
    finally:
        conn.close()
    if info.get("schema", "") > SCHEMA_HEAD:
        raise UserError(
            f"The backup {path} was made by a newer unibox (schema {info.get('schema')}); "
            "restore it with that version."
        )
    return BackupInfo(path, int(info.get("taken_at", 0)), info.get("schema", ""), messages, files)


def damaged(store_file: Path) -> bool:
    """Is the store file there but not whole (its header, or SQLite's quick_check, says so)?"""
    if not store_file.exists():
        return False
    if header_problem(store_file) is not None:
        return True
    try:
        conn = sqlite3.connect(f"file:{store_file}?mode=ro", uri=True, timeout=30)
    except sqlite3.DatabaseError:
        return True
    try:
        return conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        return True
    finally:
        conn.close()


def in_use(store_file: Path) -> bool:
    """Has another process the store open? (Leaving WAL mode needs the only connection.)"""
    if not store_file.exists() or header_problem(store_file) is not None:
        return False
    conn = sqlite3.connect(store_file, timeout=0)
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if mode != "delete":
            return True
        conn.execute("PRAGMA journal_mode=WAL")  # as the store runs; the WAL was checkpointed
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:  # damaged: nobody can be using it for much
        return False
    finally:
        conn.close()


def put_in_place(backup: Path, store_file: Path) -> Path | None:
    """The backup's store becomes the store; returns where the old one was kept, if any."""
    fresh = store_file.with_name(f".{store_file.name}.restoring-{os.getpid()}")
    fresh.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    copy = sqlite3.connect(fresh)
    try:
        source.backup(copy)
        copy.execute(f"DROP TABLE {INFO_TABLE}")
        copy.execute(f"DROP TABLE {FILES_TABLE}")
        copy.commit()
        copy.execute("VACUUM")
        copy.execute("PRAGMA journal_mode=WAL")
    except BaseException:
        copy.close()
        fresh.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    copy.close()
    _fsync(fresh)
    aside = None
    if store_file.exists():
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = store_file.with_name(f"{store_file.name}.before-restore-{stamp}")
        os.replace(store_file, aside)
        for side in ("-wal", "-shm"):
            leftover = store_file.with_name(store_file.name + side)
            if leftover.exists():
                os.replace(leftover, aside.with_name(aside.name + side))
    os.replace(fresh, store_file)
    return aside

"""Two unibox processes on one store: what one stores, the other sees, however often either
opens the store (SQLite's locks survive the header check; store/file_locks.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from unibox.store import file_locks
from unibox.store.store import Store

SRC = str(Path(__file__).parents[2] / "src")

ADD = """
import sys
from sqlalchemy import text
from unibox.store.store import Store
with Store(__import__("pathlib").Path(sys.argv[1])).write() as s:
    s.execute(text("INSERT INTO account (name, kind, email, display_name, settings_json, "
                   "secret_ref, created_at, last_error) "
                   "VALUES ('Elsewhere', 'imap', '', '', '{}', '', 0, '')"))
"""
LOOK = """
import sys
from pathlib import Path
from unibox.store.sync_state import caldav_names
caldav_names(Path(sys.argv[1]))  # a raw look-up, as `unibox sync` makes before its store
"""


def _in_child(code: str, path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-c", code, str(path)], env=env, check=True, timeout=120)


def _names(store: Store) -> list[str]:
    with store.read() as s:
        return list(s.execute(text("SELECT name FROM account ORDER BY name")).scalars())


@pytest.mark.timeout(240)
def test_what_another_process_stores_is_seen_after_this_one_opened_the_store_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "unibox.sqlite3"
    window = Store(path)  # the window (or a watch) keeps its store open
    assert _names(window) == []
    Store(path)  # a second Store here reads the file's header
    _in_child(LOOK, path)  # another process looks and is done (it was the last to close)
    _in_child(ADD, path)  # another one stores an account
    assert _names(window) == ["Elsewhere"]
    assert path.with_name(path.name + "-wal").exists()


def test_the_header_is_read_through_a_kept_descriptor_only_while_connections_are_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "unibox.sqlite3"
    store = Store(path)
    with store.read() as s:
        s.execute(text("SELECT 1"))
    key = os.path.realpath(path)
    assert file_locks._live[key] >= 1
    size, head = file_locks.read_head(path, 16)
    assert head == b"SQLite format 3\x00" and size == path.stat().st_size
    assert key in file_locks._kept
    store.close()
    assert key not in file_locks._live and key not in file_locks._kept

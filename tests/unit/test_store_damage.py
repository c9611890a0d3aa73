"""A damaged store file: one sentence saying what happened and how back; never replaced."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from unibox import cli
from unibox.config import store_path
from unibox.store.health import StoreDamaged, header_problem
from unibox.store.store import Store


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _truncate_mid_page(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2 + 100)


def _empty(path: Path) -> None:
    os.truncate(path, 0)


def _garbage_header(path: Path) -> None:
    with path.open("r+b") as f:
        f.write(b"\xde\xad\xbe\xef" * 25)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "truncated mid-page": _truncate_mid_page,
    "0 bytes": _empty,
    "garbage header": _garbage_header,
}


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profile whose store holds tables (made by a first command)."""
    profile = tmp_path / "profile"
    monkeypatch.setenv("UNIBOX_PROFILE", str(profile))
    assert cli.main(["stats"]) == 0
    return store_path(profile)


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_store_is_one_sentence_and_left_as_it_is(
    stored: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    DAMAGE[damage](stored)
    before = stored.read_bytes()
    capsys.readouterr()
    for command in (["stats"], ["search", "anything"], ["outbox"], ["account", "list"]):
        assert cli.main(command) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith(f"unibox: The store {stored} is damaged")
        assert "unibox restore" in err and "Traceback" not in err
    assert stored.read_bytes() == before  # never started afresh, never repaired behind the back
    assert not list(stored.parent.glob(".*.new-*"))


def test_a_new_store_is_built_aside_so_a_missing_file_is_a_new_profile(tmp_path: Path) -> None:
    path = tmp_path / "new" / "unibox.sqlite3"
    store = Store(path)
    store.close()
    assert header_problem(path) is None
    assert [p.name for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))] == [
        path.name
    ]
    path.unlink()
    Store(path).close()  # deleted on purpose: a fresh store, as for a new user


def test_damage_found_while_reading_is_the_same_sentence(stored: Path) -> None:
    from sqlalchemy import text

    store = Store(stored)
    store.close()
    with stored.open("r+b") as f:  # the schema page itself: every query trips on it
        f.seek(0)
        page = bytearray(f.read(4096))
        page[100:4096] = os.urandom(3996)
        f.seek(0)
        f.write(page)
    with pytest.raises(StoreDamaged, match="is damaged"):
        opened = Store(stored)
        with opened.read() as s:
            s.execute(text("SELECT count(*) FROM message")).scalar()


def test_garbage_in_the_middle_is_found_by_unibox_check(
    stored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert cli.main(["check"]) == 0
    assert capsys.readouterr().out.startswith("The store is sound: 0 messages")
    pages = stored.stat().st_size // 4096
    with stored.open("r+b") as f:
        f.seek((pages // 2) * 4096)
        f.write(os.urandom(8192))
    gc.collect()  # the first command ran in this process: its cached pages go with it
    assert cli.main(["check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"unibox: The store {stored} is damaged (") and err.count("\n") == 1
    assert "unibox restore" in err

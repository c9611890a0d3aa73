"""`unibox backup` and `unibox restore`: what exists only here survives a lost or damaged store."""

from __future__ import annotations

import gc
import io
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.integration.cli_helpers import add_account, run, search, stats
from tests.integration.conftest import subprocess_env
from unibox.config import PHONE_REGION, Settings, store_path
from unibox.store.store import Store

pytestmark = pytest.mark.integration


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = run(*args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_backup_and_restore_round_trip_keeps_what_exists_only_here(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for i in range(4):
        dovecot.deliver(mail_user, simple_message(f"Contract {i}", "terms", message_id=f"c{i}@x"))
    assert add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch) == 0
    assert run("sync") == 0
    first = search(capsys, "contract")[0]["id"]
    # Only here: a note on a person, a follow-up, a message waiting to go, a setting, a draft.
    assert run("person", "log", "ann@example.org", "Called about the contract") == 0
    assert run("mark", str(first), "followup:2031-01-01T09:00") == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("Later.\n"))
    send = ("send", "--account", "Work", "--to", "bob@example.org", "--subject", "Queued")
    assert run(*send, "--at", "2031-01-01T09:00") == 0
    Settings(profile).set(PHONE_REGION, "FR")
    (profile / "drafts").mkdir(exist_ok=True)
    (profile / "drafts" / "d1.json").write_text('{"subject": "Half written"}')
    backup = tmp_path / "backup.unibox"
    said = _out(capsys, "backup", str(backup))
    assert said.startswith("Backed up 4 messages and 2 other file(s) to ")
    before = {
        "person": _out(capsys, "person", "show", "ann@example.org", "--json"),
        "followups": json.loads(_out(capsys, "followups", "--json")),
        "outbox": json.loads(_out(capsys, "outbox", "--json")),
    }
    assert "Called about the contract" in before["person"]

    # The store is lost; the settings and the draft changed meanwhile.
    for p in profile.glob("unibox.sqlite3*"):
        p.unlink()
    Settings(profile).set(PHONE_REGION, "DE")
    (profile / "drafts" / "d1.json").unlink()
    assert run("stats") == 0  # a new, empty store: the profile was deleted on purpose
    capsys.readouterr()
    assert run("restore", str(backup)) == 1  # it holds no data, but it is sound: ask first
    assert "add --force" in capsys.readouterr().err
    gc.collect()  # the commands above ran in this process: as if they had exited
    said = _out(capsys, "restore", str(backup), "--force")
    assert said.startswith("Restored 4 messages from the backup of ")
    assert list(profile.glob("unibox.sqlite3.before-restore-*"))  # kept aside, not deleted
    assert _out(capsys, "person", "show", "ann@example.org", "--json") == before["person"]
    assert json.loads(_out(capsys, "followups", "--json")) == before["followups"]
    assert json.loads(_out(capsys, "outbox", "--json")) == before["outbox"]
    assert Settings(profile).get(PHONE_REGION) == "FR"
    assert (profile / "drafts" / "d1.json").read_text() == '{"subject": "Half written"}'
    assert _out(capsys, "check").startswith("The store is sound: 4 messages")
    assert run("sync") == 0
    assert stats(capsys)["messages"] == 4


def test_a_backup_taken_while_a_sync_writes_is_whole_and_restores(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    tmp_path: Path,
    test_keyring: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 2500
    dovecot.deliver_many(mail_user, generate_mailbox(n, seed=21))
    assert add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch) == 0
    db = store_path(profile)
    proc = subprocess.Popen(
        [sys.executable, "-m", "unibox.cli", "sync"],
        env=subprocess_env(profile, test_keyring),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while _count(db, "SELECT count(*) FROM message_body") == 0:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        backup = tmp_path / "during-sync.unibox"
        assert run("backup", str(backup)) == 0
        writing = proc.poll() is None
    finally:
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err  # the backup never got in the sync's way
    assert writing, "the sync ended before the backup was taken"
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        taken = conn.execute("SELECT count(*) FROM message").fetchone()[0]
    assert 0 < taken <= n
    # Restored into a new profile (no store yet: no --force needed), then synced.
    other = tmp_path / "other"
    monkeypatch.setenv("UNIBOX_PROFILE", str(other))
    said = _out(capsys, "restore", str(backup))
    assert said.startswith(f"Restored {taken:,} messages")
    assert _out(capsys, "check").startswith(f"The store is sound: {taken:,} messages")
    assert run("sync") == 0
    s = stats(capsys)
    assert s["messages"] == n and s["messages_without_body"] == 0
    assert _count(store_path(other), "SELECT count(*) FROM message_location") == n


def test_a_damaged_backup_is_refused_and_a_damaged_store_is_replaced_without_force(
    tmp_path: Path, profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("stats") == 0
    backup = tmp_path / "b.unibox"
    assert run("backup", str(backup)) == 0
    broken = tmp_path / "broken.unibox"
    data = bytearray(backup.read_bytes())
    data[4096 : 4096 + 8192] = os.urandom(8192)
    broken.write_bytes(bytes(data))
    capsys.readouterr()
    assert run("restore", str(broken), "--force") == 1
    assert "is damaged" in capsys.readouterr().err
    assert run("backup", "/etc/hostname") == 1  # never over a file that is not a backup
    assert "is not a unibox backup" in capsys.readouterr().err
    db = store_path(profile)
    held = Store(db)  # the window, say
    with held.read() as s:
        s.execute(text("SELECT 1"))
    assert run("restore", str(backup), "--force") == 1
    assert "has the store open" in capsys.readouterr().err
    held.close()
    os.truncate(db, db.stat().st_size // 2)
    damaged = db.read_bytes()
    assert run("stats") == 1
    assert "unibox restore" in capsys.readouterr().err
    assert run("restore", str(backup)) == 0  # the sentence's advice works as said
    [aside] = [p for p in profile.glob("unibox.sqlite3.before-restore-*") if p.name[-1].isdigit()]
    assert aside.read_bytes() == damaged
    assert run("stats") == 0

"""Mail sync against a real Dovecot, through the CLI contract where a user would use it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.helpers.proxy import CuttingProxy
from tests.integration.cli_helpers import add_account, run, search, stats
from tests.integration.conftest import subprocess_env
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store import accounts
from unibox.store.store import Store
from unibox.sync.runner import SyncRunner

pytestmark = pytest.mark.integration


def test_first_and_incremental_sync(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for raw in generate_mailbox(40, seed=3, me=f"{mail_user}@example.com"):
        dovecot.deliver(mail_user, raw)
    dovecot.deliver(
        mail_user,
        simple_message(
            "Sent report", "Done.", from_=f"Me <{mail_user}@example.com>", to="ann@example.org"
        ),
        folder="Sent",
    )
    assert add_account(dovecot, mail_user, monkeypatch=monkeypatch) == 0
    assert run("sync") == 0
    s = stats(capsys)
    assert s["messages"] == 41
    assert s["messages_without_body"] == 0
    assert s["accounts"] == 1
    assert s["people"] > 5
    # Syncing never marks mail as read on the server.
    with dovecot.imap(mail_user) as other:
        other.select_folder("INBOX", readonly=True)
        assert other.search(["SEEN"]) == []
    dovecot.deliver(
        mail_user, simple_message("Zebra crossing plan", "See the attached zebra plan.")
    )
    assert run("sync") == 0
    assert stats(capsys)["messages"] == 42
    hits = search(capsys, "zebra")
    assert [h["subject"] for h in hits] == ["Zebra crossing plan"]
    assert hits[0]["folder"] == "INBOX" and hits[0]["account"] == "Work"
    assert search(capsys, "in:sent")[0]["subject"] == "Sent report"
    # A no-change re-sync changes nothing.
    assert run("sync") == 0
    assert stats(capsys)["messages"] == 42


@pytest.mark.parametrize("qresync", [True, False], ids=["qresync", "uid-comparison"])
def test_changes_by_another_client_come_back(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    qresync: bool,
) -> None:
    from unibox.channels.imap import ImapSession

    quick_resyncs: list[int] = []
    changes_since = ImapSession.changes_since

    def spy(self: ImapSession, *args: Any, **kwargs: Any) -> Any:
        quick_resyncs.append(1)
        return changes_since(self, *args, **kwargs)

    monkeypatch.setattr(ImapSession, "changes_since", spy)
    if not qresync:  # as against a server without QRESYNC: UID and FLAGS comparison
        original = ImapSession.__init__

        def without_qresync(self: ImapSession, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self.qresync = False

        monkeypatch.setattr(ImapSession, "__init__", without_qresync)
    for i in range(6):
        dovecot.deliver(mail_user, simple_message(f"Note {i}", f"body {i}"))
    add_account(dovecot, mail_user, monkeypatch=monkeypatch)
    assert run("sync") == 0
    assert stats(capsys)["unread"] == 6
    with dovecot.imap(mail_user) as other:
        other.select_folder("INBOX")
        uids = sorted(other.search(["ALL"]))
        other.add_flags(uids[:2], [b"\\Seen"])
        other.add_flags(uids[2:3], [b"\\Flagged"])
        other.move(uids[5:], "Archive")
        other.delete_messages(uids[4:5])
        other.expunge()
    assert run("sync") == 0
    s = stats(capsys)
    assert s["messages"] == 5  # one deleted; the moved one lives on in Archive
    assert s["unread"] == 3
    assert [h["subject"] for h in search(capsys, "is:flagged")] == ["Note 2"]
    assert [h["folder"] for h in search(capsys, 'subject:"Note 5"')] == ["Archive"]
    assert bool(quick_resyncs) == qresync


def test_uidvalidity_change_keeps_everything(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for i in range(5):
        dovecot.deliver(mail_user, simple_message(f"Contract {i}", "terms"))
    dovecot.deliver(
        mail_user, simple_message("From the other address", "hi", from_="Ann <ann@home.example>")
    )
    add_account(dovecot, mail_user, monkeypatch=monkeypatch)
    assert run("sync") == 0
    before = sorted(h["id"] for h in search(capsys, "contract"))
    # What exists only here: a follow-up, a done mark, a note, a merge of two people.
    assert run("mark", str(before[0]), "followup:2031-01-01T09:00") == 0
    assert run("mark", str(before[1]), "done") == 0
    assert run("person", "log", "ann@example.org", "Called about the contract") == 0
    assert run("person", "merge", "ann@example.org", "ann@home.example") == 0
    local = _local_state(capsys, profile)
    dovecot.reset_uidvalidity(mail_user, "INBOX")
    assert run("sync") == 0
    after = sorted(h["id"] for h in search(capsys, "contract"))
    assert after == before
    assert stats(capsys)["messages"] == 6
    assert _local_state(capsys, profile) == local


def _local_state(capsys: pytest.CaptureFixture[str], profile: Path) -> dict[str, Any]:
    """Follow-ups, triage, the person's record (notes, handles), as the user sees them."""
    from unibox.store.triage import get_state

    capsys.readouterr()
    assert run("person", "show", "ann@example.org", "--json") == 0
    person = json.loads(capsys.readouterr().out)
    store = Store(store_path(profile))
    with store.read() as s:
        triage = {h["id"]: get_state(s, h["id"]) for h in search(capsys, "contract")}
    store.engine.dispose()
    assert sum(t.followup_due is not None for t in triage.values()) == 1
    assert sum(t.done for t in triage.values()) == 1
    assert "Called about the contract" in json.dumps(person)
    assert "ann@home.example" in json.dumps(person)
    return {"person": person, "triage": triage}


def test_idle_pushes_new_mail_long_before_the_next_interval(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dovecot.deliver(mail_user, simple_message("First", "one"))
    add_account(dovecot, mail_user, monkeypatch=monkeypatch)
    store = Store(store_path(profile))
    with store.read() as s:
        account = accounts.get_account(s, "Work")
    runner = SyncRunner(store, SecretStore())
    stop = threading.Event()
    worker = threading.Thread(target=runner.watch, args=(account, 3600.0, stop), daemon=True)
    worker.start()
    try:
        _wait_for(lambda: _count(store) == 1, 15)
        # Delivered at once, so usually before the IDLE connection's SELECT: such mail
        # raises no IDLE notice and must be read when IDLE starts. The next scheduled
        # sync is an hour away; 45 s is a hang guard, not a speed limit (it used to
        # take the server's own ~70-100 s re-check to show up).
        dovecot.deliver(mail_user, simple_message("Pushed", "two"))
        _wait_for(lambda: _count(store) == 2, 45)
    finally:
        stop.set()
        worker.join(15)
        runner.close()


def _count(store: Store) -> int:
    from unibox.store.queries import stats as store_stats

    with store.read() as s:
        return store_stats(s)["messages"]


def _wait_for(check: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_wrong_password_is_one_clear_sentence(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nocheck = ("--no-check",)  # the sync, not the adding, is under test
    add_account(
        dovecot, mail_user, password="not-the-password", extra=nocheck, monkeypatch=monkeypatch
    )
    capsys.readouterr()
    assert run("sync") == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "rejected the user name or password" in err
    assert "not-the-password" not in err


def test_starttls_not_offered_is_refused_before_the_password(
    dovecot_no_starttls: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_account(
        dovecot_no_starttls,
        mail_user,
        security="starttls",
        extra=("--no-check",),
        monkeypatch=monkeypatch,
    )
    capsys.readouterr()
    assert run("sync") == 1
    assert "does not offer STARTTLS" in capsys.readouterr().err


def test_unencrypted_imap_only_to_loopback(
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    code = run(
        "account",
        "add-mail",
        "--name",
        "X",
        "--email",
        "x@example.org",
        "--imap-host",
        "imap.example.org",
        "--imap-port",
        "143",
        "--imap-security",
        "plain",
        "--username",
        "x",
        "--password-stdin",
    )
    assert code == 1
    assert "Unencrypted IMAP is allowed only to this computer" in capsys.readouterr().err


def test_certificate_checks(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dovecot.deliver(mail_user, simple_message("Secure", "tls"))
    nocheck = ("--no-check",)  # the sync, not the adding, is under test
    add_account(
        dovecot,
        mail_user,
        security="ssl",
        ca=False,
        name="NoCA",
        extra=nocheck,
        monkeypatch=monkeypatch,
    )
    capsys.readouterr()
    assert run("sync", "--account", "NoCA") == 1
    assert "could not be verified" in capsys.readouterr().err
    add_account(
        dovecot,
        mail_user,
        security="ssl",
        ca=False,
        name="BadPin",
        extra=("--fingerprint", "00" * 32, *nocheck),
        monkeypatch=monkeypatch,
    )
    assert run("sync", "--account", "BadPin") == 1
    assert "does not match the pinned fingerprint" in capsys.readouterr().err
    add_account(
        dovecot,
        mail_user,
        security="ssl",
        ca=False,
        name="Pinned",
        extra=("--fingerprint", dovecot.fingerprint_sha256),
        monkeypatch=monkeypatch,
    )
    assert run("sync", "--account", "Pinned") == 0
    add_account(dovecot, mail_user, security="ssl", name="WithCA", monkeypatch=monkeypatch)
    assert run("sync", "--account", "WithCA") == 0


def test_unreachable_server(
    profile: Path,
    mail_user: str,
    dovecot: Dovecot,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.helpers.ports import free_port

    add_account(
        dovecot,
        mail_user,
        security="plain",
        port=free_port(),
        extra=("--no-check",),
        monkeypatch=monkeypatch,
    )
    monkeypatch.setattr("unibox.sync.runner.ONE_SHOT_BACKOFF", (0.01,))
    capsys.readouterr()
    assert run("sync") == 1
    assert "refused the connection" in capsys.readouterr().err


def test_dropped_connection_mid_fetch_is_retried_and_nothing_partial_is_stored(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raws = generate_mailbox(120, seed=5)
    dovecot.deliver_many(mail_user, raws)
    proxy = CuttingProxy(dovecot.imap_port, cut_after_bytes=300_000)
    try:
        add_account(
            dovecot,
            mail_user,
            security="plain",
            port=proxy.port,
            extra=("--no-check",),  # the proxy cuts the sync's connection, not a check's
            monkeypatch=monkeypatch,
        )
        monkeypatch.setattr("unibox.sync.runner.ONE_SHOT_BACKOFF", (0.05, 0.05))
        assert run("sync") == 0
        assert proxy.cuts_done == 1
    finally:
        proxy.close()
    s = stats(capsys)
    assert s["messages"] == 120
    assert s["messages_without_body"] == 0


def test_kill_during_sync_then_rerun_loses_and_duplicates_nothing(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    test_keyring: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 3000
    dovecot.deliver_many(mail_user, generate_mailbox(n, seed=9))
    add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch)
    db = store_path(profile)
    env = subprocess_env(profile, test_keyring)
    proc = subprocess.Popen(
        [sys.executable, "-m", "unibox.cli", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Kill it once some, but not all, mail has been written.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if _rows(db, "SELECT count(*) FROM message_body") > 0:
            break
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    assert _rows(db, "SELECT count(*) FROM message_body") < n, "sync finished before the kill"
    assert run("sync") == 0
    s = stats(capsys)
    assert s["messages"] == n
    assert s["messages_without_body"] == 0
    assert _rows(db, "SELECT count(*) FROM message_location") == n
    assert _rows(db, "SELECT count(DISTINCT message_id_header) FROM message") == n
    assert Store(db).check_integrity() == []


def _rows(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_no_secret_in_the_store(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dovecot.deliver(mail_user, simple_message("Hi", "x"))
    add_account(dovecot, mail_user, monkeypatch=monkeypatch)
    assert run("sync") == 0
    password = dovecot.password.encode()
    for path in profile.rglob("*"):
        if path.is_file():
            assert password not in path.read_bytes(), path


def test_a_sync_suggests_merging_one_person_seen_under_two_addresses(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    me = f"{mail_user}@example.com"
    dovecot.deliver(
        mail_user, simple_message("From work", "a", from_="Zoë Müller <zoe@work.example>", to=me)
    )
    dovecot.deliver(
        mail_user, simple_message("From home", "b", from_="Zoë Müller <zoe@home.example>", to=me)
    )
    add_account(dovecot, mail_user, monkeypatch=monkeypatch)
    assert run("sync") == 0
    # The sync itself made the suggestion (the window shows it without asking).
    assert _rows(store_path(profile), "SELECT count(*) FROM merge_suggestion") == 1
    assert stats(capsys)["people"] == 2
    capsys.readouterr()
    assert run("person", "suggestions", "--json") == 0
    suggested = json.loads(capsys.readouterr().out)
    assert len(suggested) == 1 and "name" in json.dumps(suggested).lower()
    assert suggested[0]["kind"] == "merge"
    assert run("person", "merge", "zoe@work.example", "zoe@home.example") == 0
    assert stats(capsys)["people"] == 1

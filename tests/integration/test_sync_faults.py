"""Faults between unibox and a real Dovecot: each sync converges to an undisturbed one.

One mailbox (two folders, some mail read or flagged) is synced once without a
proxy; that store is the reference. Every fault then syncs the same mailbox
through a FaultProxy, and the store must end up the same: the same messages in
the same places with the same flags and the server's exact bytes, nothing
doubled, nothing kept half-fetched.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.helpers.ports import free_port
from tests.helpers.proxy import Fault, FaultProxy, fault_proxy
from tests.integration.cli_helpers import add_account, run
from unibox.config import store_path
from unibox.core.errors import ChannelError
from unibox.core.rawcodec import decompress_raw
from unibox.secrets import SecretStore
from unibox.store.accounts import get_account
from unibox.store.store import Store
from unibox.sync.runner import SyncRunner, Wake

pytestmark = pytest.mark.integration
__all__ = ["fault_proxy"]

SHARED_USER = "faults-shared"
NO_CHECK = ("--no-check",)  # added through a proxy: the login check would meet the fault
Proxy = Callable[..., FaultProxy]
Snapshot = list[tuple[Any, ...]]


def snapshot(profile: Path) -> Snapshot:
    """Every stored (folder, UID) with its message, flags, state and source bytes."""
    db = sqlite3.connect(store_path(profile))
    try:
        rows = db.execute(
            "SELECT f.name, l.uid, m.message_id_header, m.subject, l.flags, m.is_seen,"
            " m.is_flagged, m.parse_state, r.codec, r.data"
            " FROM message_location l JOIN folder f ON f.id = l.folder_id"
            " JOIN message m ON m.id = l.message_id"
            " LEFT JOIN message_raw r ON r.message_id = m.id"
            " WHERE m.deleted_at IS NULL ORDER BY f.name, l.uid"
        ).fetchall()
        messages = db.execute("SELECT count(*) FROM message").fetchone()[0]
    finally:
        db.close()
    assert messages == len(rows), "a message is stored twice or in no folder"
    return [
        (*row[:8], hashlib.sha256(decompress_raw(row[9], row[8])).hexdigest() if row[9] else None)
        for row in rows
    ]


@pytest.fixture(scope="module")
def reference(dovecot: Dovecot, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The shared mailbox, and the store an undisturbed sync makes of it."""
    dovecot.deliver_many(
        SHARED_USER,
        generate_mailbox(150, seed=21),
        flags=lambda i: ["\\Seen"] * (i % 3 == 0) + ["\\Flagged"] * (i % 10 == 0),
    )
    dovecot.deliver_many(SHARED_USER, generate_mailbox(40, seed=22), folder="Archive")
    base = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UNIBOX_PROFILE", str(base / "profile"))
        mp.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(base / "keyring.cfg"))
        assert add_account(dovecot, SHARED_USER, security="plain", monkeypatch=mp) == 0
        assert run("sync") == 0
        found = snapshot(base / "profile")
    assert len(found) == 190 and all(r[7] != "headers" and r[8] for r in found)
    return found


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("unibox.sync.runner.ONE_SHOT_BACKOFF", (0.01, 0.01, 0.01))


FAULTS = {
    # Mid-literal: inside the first message body of a FETCH.
    "cut-mid-literal": Fault("cut", after=b"BODY[] {", after_bytes=3000),
    # Truncated: a FETCH response line cut before its end (no literal yet).
    "truncated-response": Fault("cut", after=b" FETCH (", after_bytes=6),
    # Reset (RST, not FIN) in the middle of the bodies.
    "reset-mid-fetch": Fault("reset", after=b"BODY[] {", after_bytes=200_000),
    # The server stops answering in the middle of a FETCH, past the read timeout.
    "stall-mid-fetch": Fault("stall", after=b"BODY[] {", after_bytes=50_000),
    # Two connections in a row dropped right after the greeting.
    "cut-twice-after-greeting": Fault("cut", after=b"* OK", after_bytes=2, times=2),
}


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize("name", list(FAULTS))
def test_a_fault_during_sync_is_retried_and_converges_to_an_undisturbed_sync(
    name: str,
    reference: Snapshot,
    dovecot: Dovecot,
    profile: Path,
    fault_proxy: Proxy,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fault = Fault(**{k: v for k, v in vars(FAULTS[name]).items() if k != "fired"})
    if fault.action == "stall":
        monkeypatch.setattr("unibox.channels.imap_conn.TIMEOUT_SECONDS", 1.0)
    proxy = fault_proxy(dovecot.imap_port, fault)
    assert (
        add_account(
            dovecot,
            SHARED_USER,
            security="plain",
            port=proxy.port,
            extra=NO_CHECK,
            monkeypatch=monkeypatch,
        )
        == 0
    )
    caplog.set_level(logging.INFO, "unibox.sync")
    assert run("sync") == 0
    assert fault.fired == fault.times
    assert snapshot(profile) == reference
    retried = [r.getMessage() for r in caplog.records if "Retrying" in r.getMessage()]
    assert retried and all(".;" not in m and ". Retrying in" in m for m in retried), retried
    # And the next sync finds nothing to do.
    assert run("sync") == 0
    assert snapshot(profile) == reference


def test_when_retries_run_out_the_sync_names_account_and_folder_and_others_still_sync(
    reference: Snapshot,
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    fault_proxy: Proxy,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    quick_retries: None,
) -> None:
    always = Fault("cut", after=b"BODY[] {", after_bytes=3000, times=1000)
    proxy = fault_proxy(dovecot.imap_port, always)
    assert (
        add_account(
            dovecot,
            SHARED_USER,
            security="plain",
            port=proxy.port,
            extra=NO_CHECK,
            monkeypatch=monkeypatch,
        )
        == 0
    )
    dovecot.deliver(mail_user, simple_message("Home news", "all well at home"))
    assert (
        add_account(dovecot, mail_user, security="plain", name="Home", monkeypatch=monkeypatch) == 0
    )
    capsys.readouterr()
    assert run("sync") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("unibox: Work: ") and "“INBOX”" in err[0], err
    assert "lost" in err[0] and ".)" not in err[0] and ". (" not in err[0]
    assert always.fired == 4  # the first try and three retries
    stored = {r[0:2]: r for r in snapshot(profile)}
    # Home synced; of Work, nothing half-fetched is kept as a message with a body.
    assert any(r[3] == "Home news" for r in stored.values())
    work = [r for r in stored.values() if r[2] in {x[2] for x in reference}]
    assert all(r[8] is None or r in reference for r in work)


def test_a_reset_during_idle_is_noticed_and_mail_whose_notice_was_lost_is_synced(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    fault_proxy: Proxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for i in range(3):
        dovecot.deliver(mail_user, simple_message(f"Old {i}", "before the watch"))
    # The server's notice of the fourth message is where the connection is reset.
    reset = Fault("reset", after=b"* 4 EXISTS")
    idling = Fault("watch", after=b"+ idling")
    proxy = fault_proxy(dovecot.imap_port, reset, idling)
    assert (
        add_account(
            dovecot,
            mail_user,
            security="plain",
            port=proxy.port,
            extra=NO_CHECK,
            monkeypatch=monkeypatch,
        )
        == 0
    )
    monkeypatch.setattr("unibox.sync.runner.WATCH_BACKOFF", (0.05,))
    store = Store(store_path(profile))
    with store.read() as s:
        account = get_account(s, "Work")
    runner = SyncRunner(store, SecretStore())
    stop = Wake()
    watch = threading.Thread(target=runner.watch, args=(account, 3600.0, stop), daemon=True)
    watch.start()
    try:
        assert _until(lambda: idling.fired > 0), "the watch never reached IDLE"
        dovecot.deliver(mail_user, simple_message("New", "while idling"))
        assert _until(lambda: len(snapshot(profile)) == 4), "the new mail was never synced"
        assert reset.fired == 1
    finally:
        stop.set()
        watch.join(30)
        runner.close()
    subjects = sorted(r[3] for r in snapshot(profile))
    assert subjects == ["New", "Old 0", "Old 1", "Old 2"]


def _until(condition: Callable[[], bool], guard: float = 60.0) -> bool:
    """Wait for a condition (the guard only keeps a broken test from hanging)."""
    deadline = time.monotonic() + guard
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class SilentServer:
    """Accepts connections and never says a word (a hung server behind a live port)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.accepted.append(self._listener.accept()[0])

    def close(self) -> None:
        for s in [self._listener, *self.accepted]:
            s.close()


def _sync_failing(profile: Path, slept: list[float]) -> str:
    store = Store(store_path(profile))
    with store.read() as s:
        account = get_account(s, "Work")
    runner = SyncRunner(store, SecretStore(), sleep=slept.append)
    try:
        with pytest.raises(ChannelError) as failed:
            runner.sync_once(account)
    finally:
        runner.close()
    return str(failed.value)


def test_a_refused_connection_is_reported_at_once_without_retries(
    dovecot: Dovecot, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = free_port()
    assert (
        add_account(
            dovecot,
            "nobody-home",
            security="plain",
            port=closed,
            extra=NO_CHECK,
            monkeypatch=monkeypatch,
        )
        == 0
    )
    slept: list[float] = []
    reason = _sync_failing(profile, slept)
    assert reason == f"127.0.0.1:{closed} refused the connection; is the server running?"
    assert slept == []  # no waiting for a server that is not there


def test_a_server_that_never_answers_is_given_up_after_one_connect_timeout(
    dovecot: Dovecot,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    silent = SilentServer()
    try:
        port = silent.port
        assert (
            add_account(
                dovecot,
                "nobody-home",
                security="plain",
                port=port,
                extra=NO_CHECK,
                monkeypatch=monkeypatch,
            )
            == 0
        )
        monkeypatch.setattr("unibox.channels.imap_conn.CONNECT_TIMEOUT_SECONDS", 0.2)
        slept: list[float] = []
        reason = _sync_failing(profile, slept)
        assert reason == f"127.0.0.1:{silent.port} did not answer in time."
        assert slept == [] and len(silent.accepted) == 1
        # The command line says it in one line, once.
        capsys.readouterr()
        assert run("sync") == 1
        assert capsys.readouterr().err == (
            f"unibox: Work: 127.0.0.1:{silent.port} did not answer in time.\n"
        )
        assert len(silent.accepted) == 2
    finally:
        silent.close()


def test_a_synced_account_whose_server_stalls_is_asked_once_not_twice(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    fault_proxy: Proxy,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dovecot.deliver(mail_user, simple_message("Hello", "x"))
    stall = Fault("stall", times=0)  # armed below, once the account has synced
    proxy = fault_proxy(dovecot.imap_port, stall)
    add = {"port": proxy.port, "extra": NO_CHECK, "monkeypatch": monkeypatch}
    assert add_account(dovecot, mail_user, security="plain", **add) == 0
    assert run("sync") == 0
    stall.times = 1000
    monkeypatch.setattr("unibox.channels.imap_conn.CONNECT_TIMEOUT_SECONDS", 0.2)
    capsys.readouterr()
    # The quick no-change check meets the stalled server: the full sync is not tried too.
    assert run("sync") == 1
    assert (
        capsys.readouterr().err == f"unibox: Work: 127.0.0.1:{proxy.port} did not answer in time.\n"
    )
    assert stall.fired == 1

"""POP3 accounts against Dovecot's real POP3: download once by UIDL, leave mail, TLS, faults."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.helpers.proxy import Fault, fault_proxy
from tests.helpers.smtp import SMTP_WARNING, SmtpServer, smtp_server
from tests.integration.cli_helpers import run, search, stats
from tests.integration.test_secret_leaks import assert_nowhere
from unibox.channels.pop3 import Pop3Session
from unibox.config import UNDO_SEND_SECONDS, Settings, store_path
from unibox.secrets import SecretStore
from unibox.services.mail import Outgoing, queue_new
from unibox.store import accounts, folders, outbox
from unibox.store.schema_actions import OutboxMessage
from unibox.store.store import Store
from unibox.sync.runner import SyncRunner, Wake

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["fault_proxy", "smtp_server"]


def add_pop3(
    dovecot: Dovecot,
    user: str,
    monkeypatch: pytest.MonkeyPatch,
    *,
    security: str = "starttls",
    port: int | None = None,
    password: str | None = None,
    extra: tuple[str, ...] = (),
) -> int:
    if port is None:
        port = dovecot.pop3s_port if security == "ssl" else dovecot.pop3_port
    host = "127.0.0.1" if security == "plain" else "localhost"
    monkeypatch.setattr(sys, "stdin", io.StringIO((password or dovecot.password) + "\n"))
    return run(
        "account", "add-pop3", "--name", "Home", "--email", f"{user}@example.com",
        "--pop3-host", host, "--pop3-port", str(port), "--pop3-security", security,
        "--username", user, "--password-stdin", "--ca-file", str(dovecot.ca_file), *extra,
    )  # fmt: skip


@pytest.fixture
def retrs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The message numbers downloaded with RETR, counted on the real session."""
    done: list[int] = []
    real = Pop3Session.retr

    def counted(self: Pop3Session, number: int) -> bytes:
        raw = real(self, number)
        done.append(number)
        return raw

    monkeypatch.setattr(Pop3Session, "retr", counted)
    yield done


def on_server(dovecot: Dovecot, user: str) -> int:
    with dovecot.imap(user) as client:
        return int(client.select_folder("INBOX", readonly=True)[b"EXISTS"])


def subjects(capsys: pytest.CaptureFixture[str]) -> list[str]:
    hits = search(capsys, "in:inbox")
    return sorted(hit["subject"] for hit in hits)


def test_mail_is_downloaded_once_and_left_on_the_server(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    retrs: list[int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for n in range(3):
        dovecot.deliver(mail_user, simple_message(f"Greenhouse note {n}", f"Tomatoes {n}."))
    assert add_pop3(dovecot, mail_user, monkeypatch) == 0
    capsys.readouterr()
    assert run("account", "list", "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["kind"] == "pop3" and listed["pop3"]["port"] == dovecot.pop3_port
    assert listed["delete_after_days"] == 0

    assert run("sync") == 0
    assert subjects(capsys) == [f"Greenhouse note {n}" for n in range(3)]
    assert len(retrs) == 3
    assert search(capsys, "tomatoes 1")[0]["subject"] == "Greenhouse note 1"

    assert run("sync") == 0  # nothing new: nothing downloaded again
    assert len(retrs) == 3 and stats(capsys)["messages"] == 3
    assert on_server(dovecot, mail_user) == 3  # left on the server

    dovecot.deliver(mail_user, simple_message("Greenhouse note 3", "Peppers."))
    assert run("sync") == 0
    assert len(retrs) == 4 and stats(capsys)["messages"] == 4


def test_a_no_change_sync_is_answered_by_the_quick_check(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    retrs: list[int],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quick = "nothing changed on the server (quick check)"
    caplog.set_level(logging.INFO, logger="unibox.sync")
    dovecot.deliver(mail_user, simple_message("Seed catalogue", "Beans."))
    assert add_pop3(dovecot, mail_user, monkeypatch) == 0
    assert run("sync") == 0
    assert quick not in caplog.text and len(retrs) == 1
    caplog.clear()
    assert run("sync") == 0
    assert quick in caplog.text and len(retrs) == 1
    caplog.clear()
    dovecot.deliver(mail_user, simple_message("Seed order", "Peas."))
    assert run("sync") == 0
    assert quick not in caplog.text and len(retrs) == 2
    assert subjects(capsys) == ["Seed catalogue", "Seed order"]


def test_mail_is_deleted_from_the_server_only_days_after_download(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for n in range(2):
        dovecot.deliver(mail_user, simple_message(f"Old invoice {n}", "Paid."))
    extra = ("--delete-after-days", "7")
    assert add_pop3(dovecot, mail_user, monkeypatch, extra=extra) == 0
    store = Store(store_path(profile))
    try:
        with store.read() as s:
            [account] = accounts.list_accounts(s)
        now = dt.datetime.now(dt.UTC)
        ten_days_ago = now - dt.timedelta(days=10)
        SyncRunner(store, SecretStore(), clock=lambda: ten_days_ago).sync_once(account)
        dovecot.deliver(mail_user, simple_message("New invoice", "Due."))
        SyncRunner(store, SecretStore(), clock=lambda: now).sync_once(account)
        # The two downloaded ten days ago are gone from the server; the new one stays.
        assert on_server(dovecot, mail_user) == 1
        SyncRunner(store, SecretStore(), clock=lambda: now).sync_once(account)
    finally:
        store.close()
    assert subjects(capsys) == ["New invoice", "Old invoice 0", "Old invoice 1"]
    assert on_server(dovecot, mail_user) == 1


def test_a_connection_cut_mid_retr_converges_with_nothing_doubled(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    retrs: list[int],
    fault_proxy: object,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    filler = "A long line about the harvest. " * 40
    for n in range(4):
        dovecot.deliver(mail_user, simple_message(f"Harvest {n}", f"{filler}\n" * 20))
    cut = Fault("cut", after=b"Subject: Harvest 2", after_bytes=2000)
    proxy = fault_proxy(dovecot.pop3_port, cut)  # type: ignore[operator]
    assert add_pop3(dovecot, mail_user, monkeypatch, security="plain", port=proxy.port) == 0
    capsys.readouterr()
    assert run("sync") == 0  # the sync tries again after the cut
    assert cut.fired == 1
    assert subjects(capsys) == [f"Harvest {n}" for n in range(4)]
    assert stats(capsys)["messages"] == 4
    assert run("sync") == 0
    assert stats(capsys)["messages"] == 4
    bodies = [h["snippet"] for h in search(capsys, "harvest")]
    assert len(bodies) == 4 and all(b.startswith("A long line") for b in bodies)


def test_implicit_tls_with_the_test_ca(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dovecot.deliver(mail_user, simple_message("Over TLS", "Encrypted."))
    assert add_pop3(dovecot, mail_user, monkeypatch, security="ssl") == 0
    assert run("sync") == 0
    assert subjects(capsys) == ["Over TLS"]


def test_a_pinned_certificate_replaces_the_ca_and_a_wrong_pin_sends_no_password(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def add(pin: str) -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(dovecot.password + "\n"))
        return run(
            "account", "add-pop3", "--name", "Home", "--email", f"{mail_user}@example.com",
            "--pop3-host", "localhost", "--pop3-port", str(dovecot.pop3s_port),
            "--username", mail_user, "--password-stdin", "--fingerprint", pin,
        )  # fmt: skip

    assert add("ab" * 32) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "does not match the pinned fingerprint" in err, err
    assert "did not send your password" in err
    assert add(dovecot.fingerprint_sha256) == 0
    dovecot.deliver(mail_user, simple_message("Pinned", "Trusted by its fingerprint."))
    assert run("sync") == 0
    assert subjects(capsys) == ["Pinned"]


def test_an_untrusted_certificate_and_a_wrong_password_are_one_line_each(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(dovecot.password + "\n"))
    code = run(
        "account", "add-pop3", "--name", "Home", "--email", f"{mail_user}@example.com",
        "--pop3-host", "localhost", "--pop3-port", str(dovecot.pop3s_port),
        "--username", mail_user, "--password-stdin",
    )  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1 and "could not be verified" in err, err

    code = add_pop3(dovecot, mail_user, monkeypatch, password="not-the-password")
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1, err
    assert "rejected the user name or password" in err and "not-the-password" not in err


def test_a_server_without_stls_is_refused_never_downgraded(
    dovecot_no_starttls: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = add_pop3(dovecot_no_starttls, mail_user, monkeypatch, security="starttls")
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1 and "does not offer STLS" in err, err


def test_mail_sent_from_a_pop3_account_goes_over_smtp_and_is_kept_in_sent(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    smtp_server: SmtpServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp_server.add_user(mail_user, dovecot.password)
    smtp = ("--smtp-host", "localhost", "--smtp-port", str(smtp_server.port))
    extra = (*smtp, "--smtp-security", "starttls")
    assert add_pop3(dovecot, mail_user, monkeypatch, extra=extra) == 0
    Settings(profile).set(UNDO_SEND_SECONDS, 0)
    monkeypatch.setattr(sys, "stdin", io.StringIO("The seedlings are up.\n"))
    assert run("send", "--account", "Home", "--to", "ann@example.org",
               "--subject", "Seedlings") == 0  # fmt: skip
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("ann@example.org",) and b"Subject: Seedlings" in received.data
    [sent] = search(capsys, "in:sent")
    assert sent["subject"] == "Seedlings" and sent["folder"] == "Sent"
    capsys.readouterr()
    assert run("outbox", "--json", "--all") == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["state"] == "done"
    assert run("sync") == 0
    assert len(smtp_server.messages) == 1  # sent once


def test_a_send_cut_short_by_a_crash_goes_again_once(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A row left "sending" by a dead process never reached the end of its message
    (from there it is "unconfirmed"): with no server Sent to look in, it is sent again."""
    smtp_server.add_user(mail_user, dovecot.password)
    smtp = ("--smtp-host", "localhost", "--smtp-port", str(smtp_server.port))
    assert (
        add_pop3(dovecot, mail_user, monkeypatch, extra=(*smtp, "--smtp-security", "starttls")) == 0
    )
    store = Store(store_path(profile))
    try:
        queued = queue_new(
            store, "Home", Outgoing(to=("ann@example.org",), subject="Crashed", body="Again."),
            undo_seconds=0,
        )  # fmt: skip
        with store.write() as s:
            assert outbox.claim(s, queued.id, 0)  # "sending" since 1970: its lease is long over
            s.execute(update(OutboxMessage).values(next_attempt_at=0))
    finally:
        store.close()
    assert run("sync") == 0
    [received] = smtp_server.messages
    assert b"Subject: Crashed" in received.data
    assert run("sync") == 0
    assert len(smtp_server.messages) == 1


def test_a_watch_downloads_new_mail_as_it_comes(
    dovecot: Dovecot, mail_user: str, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert add_pop3(dovecot, mail_user, monkeypatch) == 0
    store = Store(store_path(profile))
    runner = SyncRunner(store, SecretStore())
    stop = Wake()
    with store.read() as s:
        [account] = accounts.list_accounts(s)
    watch = threading.Thread(target=runner.watch, args=(account, 0.2, stop), daemon=True)
    watch.start()

    def stored() -> int:
        with store.read() as s:
            return sum(f.messages for f in folders.list_folders(s, account.id))

    def synced() -> bool:
        with store.read() as s:
            return accounts.get_account(s, account.name).last_sync_at is not None

    try:
        deadline = time.monotonic() + 60  # hang guards, not measures
        while not synced() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert synced() and stored() == 0  # the first sync found nothing
        dovecot.deliver(mail_user, simple_message("While watching", "Fresh."))
        while stored() == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stored() == 1
    finally:
        stop.set()
        watch.join(30)
        runner.close()
        store.close()
    assert not watch.is_alive()


def test_a_wrong_pop3_password_is_said_in_one_line_and_stored_only_in_the_keyring(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    sentinel = "Pop3-Sentinel-8e2a"
    dovecot.deliver(mail_user, simple_message("Hello", "x"))
    extra = ("--no-check",)
    assert add_pop3(dovecot, mail_user, monkeypatch, password=sentinel, extra=extra) == 0
    assert SecretStore().get("mail:Home") == sentinel
    keeper = sqlite3.connect(store_path(profile))  # holds the WAL open, to look into it
    try:
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
        assert run("sync") == 1
        assert run("-v", "sync") == 1
        said = capsys.readouterr()
    finally:
        keeper.close()
    lines = [line for line in said.err.splitlines() if line.startswith("unibox: Home:")]
    assert lines and all("rejected the user name or password" in line for line in lines)
    assert_nowhere(sentinel, profile, said.out + said.err, caplog.records)

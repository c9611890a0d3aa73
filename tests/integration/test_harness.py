"""The real-server test harness works: Dovecot fixtures, TLS files, delivery, mail generator."""

from __future__ import annotations

import email
import hashlib
import poplib
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest
from imapclient import IMAPClient

from tests.helpers.dovecot import SPECIAL_FOLDERS, Dovecot
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.helpers.ports import ServerStartError, free_port, free_ports, wait_for_port
from tests.helpers.tls import TlsFiles

pytestmark = pytest.mark.integration

REQUIRED_CAPS = {b"IDLE", b"CONDSTORE", b"QRESYNC", b"MOVE", b"UIDPLUS", b"SPECIAL-USE"}


def _message_ids(client: IMAPClient, folder: str) -> dict[int, str]:
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    if not uids:
        return {}
    got = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    return {
        uid: str(email.message_from_bytes(data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"])["Message-ID"])
        for uid, data in got.items()
    }


# --------------------------------------------------------------------------- capabilities, TLS


def test_capabilities_after_login(dovecot: Dovecot, mail_user: str) -> None:
    with dovecot.imap(mail_user) as client:
        caps = set(client.capabilities())
    assert caps >= REQUIRED_CAPS, REQUIRED_CAPS - caps


def test_starttls_offered_and_verifies(
    dovecot: Dovecot, mail_user: str, tls_files: TlsFiles
) -> None:
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10)
    try:
        assert b"STARTTLS" in client.capabilities()
        client.starttls(tls_files.client_context())
        peer = client._imap.sock.getpeercert(binary_form=True)
        assert hashlib.sha256(peer).hexdigest() == dovecot.fingerprint_sha256
        client.login(mail_user, dovecot.password)
        assert set(client.capabilities()) >= REQUIRED_CAPS
    finally:
        client.logout()


def test_no_starttls_instance(dovecot_no_starttls: Dovecot, mail_user: str) -> None:
    server = dovecot_no_starttls
    client = IMAPClient(server.host, port=server.imap_port, ssl=False, timeout=10)
    try:
        caps = set(client.capabilities())
        assert b"STARTTLS" not in caps
        assert b"LOGINDISABLED" not in caps
        client.login(mail_user, server.password)
        assert set(client.capabilities()) >= REQUIRED_CAPS
    finally:
        client.logout()
    with pytest.raises(RuntimeError, match="no IMAPS"):
        _ = server.imaps_port


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_imaps_verifies_with_test_ca(
    dovecot: Dovecot, mail_user: str, tls_files: TlsFiles, host: str
) -> None:
    ctx = ssl.create_default_context(cafile=str(dovecot.ca_file))
    with IMAPClient(host, port=dovecot.imaps_port, ssl=True, ssl_context=ctx, timeout=10) as c:
        peer = c._imap.sock.getpeercert(binary_form=True)
        assert hashlib.sha256(peer).hexdigest() == tls_files.fingerprint_sha256
        c.login(mail_user, dovecot.password)
        assert b"IDLE" in c.capabilities()
    # Without the test CA the certificate is not trusted.
    with (
        socket.create_connection((dovecot.host, dovecot.imaps_port), timeout=10) as raw,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        ssl.create_default_context().wrap_socket(raw, server_hostname="localhost")


def test_tls_files_match_openssl(tls_files: TlsFiles) -> None:
    out = subprocess.run(
        ["openssl", "x509", "-in", str(tls_files.server_cert), "-noout", "-fingerprint",
         "-sha256", "-ext", "subjectAltName"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert tls_files.fingerprint_sha256_colons in out
    assert "DNS:localhost" in out and "IP Address:127.0.0.1" in out
    verify = subprocess.run(
        ["openssl", "verify", "-CAfile", str(tls_files.ca_cert), str(tls_files.server_cert)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_pop3_login(dovecot: Dovecot, mail_user: str) -> None:
    dovecot.deliver(mail_user, simple_message("Pop me", "hello"))
    pop = poplib.POP3(dovecot.host, dovecot.pop3_port, timeout=10)
    try:
        pop.user(mail_user)
        pop.pass_(dovecot.password)
        assert pop.stat()[0] == 1
    finally:
        pop.quit()


# --------------------------------------------------------------------------- folders, delivery


def test_special_use_folders_subscribed(dovecot: Dovecot, mail_user: str) -> None:
    with dovecot.imap(mail_user) as client:
        listed = {name: set(flags) for flags, _sep, name in client.list_folders()}
        subscribed = {name for _f, _s, name in client.list_sub_folders()}
        found = {attr: client.find_special_folder(attr.encode()) for _n, attr in SPECIAL_FOLDERS}
    for name, attr in SPECIAL_FOLDERS:
        assert attr.encode() in listed[name], (name, listed.get(name))
        assert name in subscribed
        assert found[attr] == name
    assert "INBOX" in listed


def test_deliver_appends_with_flags_and_date(dovecot: Dovecot, mail_user: str) -> None:
    when = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    uid1 = dovecot.deliver(
        mail_user, simple_message("One", "first", message_id="<one@example.org>")
    )
    uid2 = dovecot.deliver(
        mail_user,
        simple_message("Zwei ü", "zweite Nachricht", in_reply_to="<one@example.org>"),
        folder="Projects/Alpha",
        flags=("\\Seen", "\\Flagged"),
        internal_date=when,
    )
    assert uid1 == 1 and uid2 == 1
    with dovecot.imap(mail_user) as client:
        assert client.folder_exists("Projects/Alpha")
        assert "Projects/Alpha" in {n for _f, _s, n in client.list_sub_folders()}
        assert _message_ids(client, "INBOX") == {1: "<one@example.org>"}
        client.select_folder("Projects/Alpha", readonly=True)
        data = client.fetch([uid2], ["FLAGS", "INTERNALDATE", "BODY.PEEK[]"])[uid2]
    assert set(data[b"FLAGS"]) - {b"\\Recent"} == {b"\\Seen", b"\\Flagged"}
    internal = data[b"INTERNALDATE"]
    assert internal.astimezone(UTC) == when
    msg = email.message_from_bytes(data[b"BODY[]"], policy=policy.default)
    assert msg["Subject"] == "Zwei ü" and msg["In-Reply-To"] == "<one@example.org>"
    assert dovecot.maildir(mail_user, "Projects/Alpha").is_dir()


def test_deliver_many_bulk(dovecot: Dovecot, mail_user: str) -> None:
    msgs = generate_mailbox(600, seed=11, me=f"{mail_user}@example.com")
    uids = dovecot.deliver_many(mail_user, msgs[:500])
    assert uids == list(range(1, 501))
    # A second batch continues the UIDs; a flag function and another folder work too.
    assert dovecot.deliver_many(mail_user, msgs[500:510]) == list(range(501, 511))
    archived = dovecot.deliver_many(
        mail_user, msgs[510:], folder="Archive", flags=lambda i: ("\\Seen",) if i % 3 else ()
    )
    assert archived == list(range(1, 91))
    with dovecot.imap(mail_user) as client:
        status = client.folder_status("INBOX", ["MESSAGES", "UIDNEXT", "UNSEEN"])
        assert status[b"MESSAGES"] == 510 and status[b"UIDNEXT"] == 511
        assert status[b"UNSEEN"] == 510
        ids = _message_ids(client, "INBOX")
        # UIDs follow the order of the list; sizes and bodies are byte-exact.
        expected = [str(email.message_from_bytes(m)["Message-ID"]) for m in msgs[:510]]
        assert [ids[u] for u in range(1, 511)] == expected
        got = client.fetch([1, 250, 510], ["RFC822.SIZE", "BODY.PEEK[]", "INTERNALDATE"])
        for uid in (1, 250, 510):
            assert got[uid][b"BODY[]"] == msgs[uid - 1]
            assert got[uid][b"RFC822.SIZE"] == len(msgs[uid - 1])
            date = email.message_from_bytes(msgs[uid - 1], policy=policy.default)["Date"]
            assert got[uid][b"INTERNALDATE"].astimezone(UTC) == date.datetime.astimezone(UTC)
        client.select_folder("Archive", readonly=True)
        assert len(client.search(["SEEN"])) == 60
        assert len(client.search(["UNSEEN"])) == 30


def test_second_client_sees_changes(dovecot: Dovecot, mail_user: str) -> None:
    for i in range(3):
        dovecot.deliver(mail_user, simple_message(f"N{i}", "x"))
    with dovecot.imap(mail_user) as first, dovecot.imap(mail_user) as second:
        first.enable("CONDSTORE")
        info = first.select_folder("INBOX")
        modseq = info[b"HIGHESTMODSEQ"]
        second.select_folder("INBOX")
        second.add_flags([1], [b"\\Seen"])
        second.move([3], "Archive")
        first.noop()
        changed = first.fetch([1, 2], ["FLAGS", "MODSEQ"], modifiers=[f"CHANGEDSINCE {modseq}"])
        assert list(changed) == [1]
        assert first.search(["ALL"]) == [1, 2]


def test_users_are_isolated(dovecot: Dovecot, mail_user_factory: Callable[[], str]) -> None:
    alice, bob = mail_user_factory(), mail_user_factory()
    assert alice != bob
    dovecot.deliver(alice, simple_message("For Alice", "secret"))
    dovecot.deliver(alice, simple_message("Alice's project", "x"), folder="Alice Only")
    with dovecot.imap(bob) as client:
        assert client.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"] == 0
        assert not client.folder_exists("Alice Only")
    with dovecot.imap(alice) as client:
        assert client.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"] == 1


# --------------------------------------------------------------------------- UIDVALIDITY


@pytest.mark.parametrize("folder", ["INBOX", "Projects/Ünïcode"])
def test_reset_uidvalidity_keeps_messages(dovecot: Dovecot, mail_user: str, folder: str) -> None:
    for i in range(3):
        dovecot.deliver(
            mail_user, simple_message(f"S{i}", "x", message_id=f"<s{i}@ex.org>"), folder
        )
    dovecot.deliver_many(mail_user, generate_mailbox(20, seed=4), folder)
    with dovecot.imap(mail_user) as client:
        before = _message_ids(client, folder)
        old_validity = client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"]
    old, new = dovecot.reset_uidvalidity(mail_user, folder)
    assert old == old_validity and new != old
    with dovecot.imap(mail_user) as client:
        status = client.folder_status(folder, ["UIDVALIDITY", "MESSAGES", "UIDNEXT"])
        assert status[b"UIDVALIDITY"] == new
        after = _message_ids(client, folder)
        # Same messages in the same order, none under its old UID.
        assert [after[u] for u in sorted(after)] == [before[u] for u in sorted(before)]
        assert not set(after) & set(before)
        assert status[b"UIDNEXT"] == max(after) + 1
    # New mail still gets the next UID.
    uid = dovecot.deliver(mail_user, simple_message("After", "x"), folder)
    assert uid == max(after) + 1
    errors = [ln for ln in dovecot.log_tail(400).splitlines() if mail_user in ln and "Error" in ln]
    assert errors == []


# --------------------------------------------------------------------------- ports, startup


def test_free_ports_and_wait_for_port() -> None:
    ports = free_ports(3)
    assert len(set(ports)) == 3 and all(1024 <= p <= 65535 for p in ports)
    with socket.create_server(("127.0.0.1", 0)) as server:
        wait_for_port(server.getsockname()[1], timeout=2)
    t0 = time.monotonic()
    with pytest.raises(ServerStartError, match="did not accept connections") as info:
        wait_for_port(free_port(), timeout=0.3, what="nothing", log_tail=lambda: "LOG-TAIL-HERE")
    assert "LOG-TAIL-HERE" in str(info.value)
    assert time.monotonic() - t0 < 3


class _BrokenDovecot(Dovecot):
    def _config(self) -> str:
        return super()._config() + "no_such_setting_unibox = 1\n"


def test_start_failure_reports_log(tls_files: TlsFiles) -> None:
    if not Dovecot.available():
        pytest.skip("Dovecot cannot run here")
    server = _BrokenDovecot(tls=tls_files, keep_dir=False)
    t0 = time.monotonic()
    with pytest.raises(ServerStartError, match="no_such_setting_unibox"):
        server.start(timeout=60)
    assert time.monotonic() - t0 < 30  # reported when Dovecot exits, not at the timeout
    server.stop()


def test_start_stop_timing(tls_files: TlsFiles) -> None:
    if not Dovecot.available():
        pytest.skip("Dovecot cannot run here")
    server = Dovecot(tls=tls_files, starttls=False, keep_dir=False)
    server.start()
    assert server.running
    directory = server.directory
    server.stop()
    assert not server.running and not directory.exists()
    assert server.start_seconds < 2, server.start_seconds
    assert server.stop_seconds < 4, server.stop_seconds
    # It can start again, and a non-graceful stop is immediate.
    server.start()
    with server.imap("again") as client:
        client.noop()
    server.stop(graceful=False)
    assert not server.running
    assert server.stop_seconds < 1, server.stop_seconds


_CRASHING_CHILD = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.helpers.dovecot import Dovecot
from tests.helpers.tls import load_tls_files
server = Dovecot(starttls=False, tls=load_tls_files(Path(sys.argv[2]))).start()
print(server.directory, server._proc.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_crashed_owner_leaves_no_server_behind(tls_files: TlsFiles) -> None:
    if not Dovecot.available():
        pytest.skip("Dovecot cannot run here")
    root = Path(__file__).resolve().parents[2]
    child = subprocess.run(
        [sys.executable, "-c", _CRASHING_CHILD, str(root), str(tls_files.directory)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    directory, master = child.stdout.split()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{master}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{master}").exists(), "dovecot outlived its owner"
    assert Path(directory).exists()
    server = Dovecot(tls=tls_files, starttls=False, keep_dir=False, root_dir=Path(directory).parent)
    server.start()
    server.stop(graceful=False)
    assert not Path(directory).exists()

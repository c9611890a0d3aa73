"""kill -9 of `unibox sync` at a chosen moment, then everything a user would check.

One rig: a real Dovecot user with a large mailbox (INBOX and Archive) not yet
synced, aiosmtpd for sending, and a base profile (the account added, a few
seed messages synced). Each run copies the base profile, queues two messages
in the outbox and two flag changes, starts `unibox sync` as its own process
(its own session), SIGKILLs it after `kill_at` seconds, and then checks:

* no process of that session is left running (the parsing workers die too);
* `PRAGMA integrity_check` is ok, and the queued messages and flag changes
  are all still there;
* the next `unibox sync` (and, once the leases of the killed process have run
  out, the outgoing half again) converges: the store's (folder, UID) set is
  the server's, every message has its body, each queued message reached the
  SMTP server once and Sent once (or waits for the person as "may have been
  sent"), and the server has the flags asked for.

Used by tests/integration/test_kill_sync.py (a few runs) and
benchmarks/bench_kills.py (a hundred).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.helpers.smtp import SmtpServer

SEEDS_PER_RUN = 2  # each run flags one seed message and marks another read


@dataclass
class RunResult:
    """What one kill left behind and what the next sync made of it."""

    kill_at: float
    finished_before_kill: bool = False
    finished_in: float | None = None  # seconds, when it finished before the kill
    stray_processes: int = 0
    integrity_after_kill: list[str] = field(default_factory=list)
    intent_missing: int = 0  # queued messages or flag changes gone after the kill
    resync_code: int = 0
    integrity_after_resync: list[str] = field(default_factory=list)
    lost: int = 0  # on the server, not in the store
    extra: int = 0  # in the store, not on the server
    doubled: int = 0  # one (folder, UID) twice in the store
    without_body: int = 0
    # Per queued message: (copies the SMTP server got, copies in Sent, left to the person
    # as "may have been sent" because the server's reply never reached the disk).
    outgoing: list[tuple[int, int, bool]] = field(default_factory=list)
    flags_wrong: int = 0

    @property
    def maybe_sent(self) -> int:
        return sum(maybe for _smtp, _sent, maybe in self.outgoing)

    @property
    def sent_once(self) -> bool:
        """Each message went once and is in Sent once; or, left to the person, at most once."""
        return all(
            (smtp == 1 and sent == 1) or (maybe and smtp <= 1 and sent == 0)
            for smtp, sent, maybe in self.outgoing
        )

    @property
    def sound(self) -> bool:
        """Nothing lost, doubled or broken (maybe-sent messages are sound: the person is asked)."""
        return (
            not self.integrity_after_kill
            and not self.integrity_after_resync
            and self.stray_processes == 0
            and self.intent_missing == 0
            and self.resync_code == 0
            and self.lost == self.extra == self.doubled == self.without_body == 0
            and self.flags_wrong == 0
            and self.sent_once
        )


def _integrity(db: Path) -> list[str]:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()


class KillRig:
    """The servers, the mailbox and the base profile that every run starts from."""

    def __init__(
        self,
        dovecot: Dovecot,
        smtp: SmtpServer,
        user: str,
        workdir: Path,
        messages: int,
        *,
        max_runs: int,
    ) -> None:
        self.dovecot = dovecot
        self.smtp = smtp
        self.user = user
        self.workdir = workdir
        self.messages = messages
        self.keyring = workdir / "keyring.cfg"
        self.base = workdir / "base"
        self.runs = 0
        # Seed messages, each touched by one run only (the base profile knows them as unread
        # and unflagged), and what the server should show once every change is pushed.
        self.seeds = SEEDS_PER_RUN * (max_runs + 1)
        self.flagged: set[int] = set()
        self.read: set[int] = set()

    def env(self, profile: Path) -> dict[str, str]:
        env = dict(os.environ)
        env["UNIBOX_PROFILE"] = str(profile)
        env["UNIBOX_INSECURE_TEST_KEYRING"] = str(self.keyring)
        return env

    def cli(self, profile: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "unibox.cli", *args],
            env=self.env(profile),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def prepare(self) -> None:
        """Seeds synced into the base profile; then the large mailbox arrives, unsynced."""
        from unibox.config import UNDO_SEND_SECONDS, Settings

        self.dovecot.deliver_many(
            self.user, [simple_message(_seed(i), f"seed body {i}") for i in range(self.seeds)]
        )
        Settings(self.base).set(UNDO_SEND_SECONDS, 0)
        self.smtp.add_user(self.user, self.dovecot.password)
        added = self.cli(
            self.base,
            *("account", "add-mail", "--name", "Work", "--email", f"{self.user}@example.com"),
            *("--imap-host", "127.0.0.1", "--imap-port", str(self.dovecot.imap_port)),
            *("--imap-security", "plain", "--smtp-host", "127.0.0.1"),
            *("--smtp-port", str(self.smtp.port), "--smtp-security", "plain"),
            *("--username", self.user, "--password-stdin"),
            stdin=self.dovecot.password + "\n",
        )
        assert added.returncode == 0, added.stderr
        synced = self.cli(self.base, "sync")
        assert synced.returncode == 0, synced.stderr
        raws = generate_mailbox(self.messages, seed=17)
        half = len(raws) // 2
        self.dovecot.deliver_many(self.user, raws[:half])
        self.dovecot.deliver_many(self.user, raws[half:], folder="Archive")

    def undisturbed_seconds(self) -> float:
        """How long a whole sync of the large mailbox takes here (kill points lie within)."""
        profile = self._fresh("timing")
        started = time.monotonic()
        done = self.cli(profile, "sync")
        assert done.returncode == 0, done.stderr
        took = time.monotonic() - started
        shutil.rmtree(profile, ignore_errors=True)
        return took

    def _fresh(self, name: str) -> Path:
        profile = self.workdir / name
        shutil.rmtree(profile, ignore_errors=True)
        shutil.copytree(self.base, profile)
        return profile

    # -- one run ------------------------------------------------------------------------

    def run(self, kill_at: float) -> RunResult:
        from unibox.config import store_path

        self.runs += 1
        profile = self._fresh(f"run-{self.runs}")
        db = store_path(profile)
        result = RunResult(kill_at)
        queued = self._queue_intent(db)
        proc = subprocess.Popen(
            [sys.executable, "-m", "unibox.cli", "sync"],
            env=self.env(profile),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started = time.monotonic()
        try:
            proc.wait(kill_at)
            result.finished_before_kill = True
            result.finished_in = time.monotonic() - started
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        result.stray_processes = _reap_session(proc.pid)
        result.integrity_after_kill = _integrity(db)
        result.intent_missing = self._intent_missing(db, queued)
        done = self.cli(profile, "sync")
        result.resync_code = done.returncode
        self._outgoing_after_leases(db)
        done = self.cli(profile, "sync")  # takes in the copies just filed in Sent
        result.resync_code = result.resync_code or done.returncode
        result.integrity_after_resync = _integrity(db)
        self._compare(db, result)
        self._check_outbox(db, queued, result)
        result.flags_wrong = self._flags_wrong()
        shutil.rmtree(profile, ignore_errors=True)
        return result

    def _queue_intent(self, db: Path) -> list[str]:
        """Two messages in the outbox and two flag changes; returns the Message-IDs."""
        from sqlalchemy import select

        from unibox.services.mail import Outgoing, act, queue_new
        from unibox.store.actions import Action, ActionKind
        from unibox.store.schema import Message
        from unibox.store.store import Store

        store = Store(db)
        try:
            ids = []
            for k in range(2):
                mail = Outgoing(
                    to=["ann@example.org"],
                    subject=f"Kill run {self.runs} message {k}",
                    body="Exactly once.\n",
                )
                ids.append(queue_new(store, "Work", mail, undo_seconds=0).message_id)
            first = SEEDS_PER_RUN * self.runs
            for seed, kind, marks in (
                (first, ActionKind.FLAG, self.flagged),
                (first + 1, ActionKind.READ, self.read),
            ):
                with store.read() as s:
                    mid = s.scalar(select(Message.id).where(Message.subject == _seed(seed)))
                assert mid is not None
                act(store, [mid], Action(kind))
                marks.add(seed)
            return ids
        finally:
            store.close()

    def _intent_missing(self, db: Path, queued: list[str]) -> int:
        conn = sqlite3.connect(db, timeout=30)
        try:
            rows = conn.execute(
                f"SELECT count(*) FROM outbox WHERE message_id_header IN "
                f"({','.join('?' * len(queued))})",
                queued,
            ).fetchone()[0]
            ops = conn.execute(
                "SELECT count(*) FROM pending_op WHERE state IN ('pending', 'done')"
            ).fetchone()[0]
        finally:
            conn.close()
        # The base profile has no pending operation: this run's two are all there are.
        return (len(queued) - rows) + max(0, SEEDS_PER_RUN - ops)

    def _outgoing_after_leases(self, db: Path) -> None:
        """The outgoing half of a sync as it will run once the killed process's leases end."""
        from unibox.store import outbox
        from unibox.store.accounts import get_account
        from unibox.store.store import Store
        from unibox.sync.account_work import AccountWork

        store = Store(db)
        try:
            with store.read() as s:
                account = get_account(s, "Work")
            later = datetime.now(UTC) + timedelta(seconds=outbox.SENDING_LEASE_SECONDS + 1)
            AccountWork(store, account, self.dovecot.password, clock=lambda: later).run()
        finally:
            store.close()

    def _server_places(self) -> set[tuple[str, int]]:
        client = self.dovecot.imap(self.user)
        try:
            places = set()
            for _flags, _sep, name in client.list_folders():
                folder = name.decode() if isinstance(name, bytes) else str(name)
                client.select_folder(folder, readonly=True)
                places |= {(folder, int(uid)) for uid in client.search(["ALL"])}
            return places
        finally:
            client.logout()

    def _compare(self, db: Path, result: RunResult) -> None:
        conn = sqlite3.connect(db, timeout=30)
        try:
            rows = conn.execute(
                "SELECT f.name, l.uid FROM message_location l JOIN folder f ON f.id = l.folder_id"
            ).fetchall()
            result.without_body = conn.execute(
                "SELECT count(*) FROM message m WHERE m.deleted_at IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM message_body b WHERE b.message_id = m.id)"
            ).fetchone()[0]
        finally:
            conn.close()
        stored = Counter((str(name), int(uid)) for name, uid in rows)
        server = self._server_places()
        result.doubled = sum(n - 1 for n in stored.values() if n > 1)
        result.lost = len(server - set(stored))
        result.extra = len(set(stored) - server)

    def _check_outbox(self, db: Path, queued: list[str], result: RunResult) -> None:
        conn = sqlite3.connect(db, timeout=30)
        try:
            states = dict(
                conn.execute(
                    f"SELECT message_id_header, state FROM outbox WHERE message_id_header IN "
                    f"({','.join('?' * len(queued))})",
                    queued,
                ).fetchall()
            )
        finally:
            conn.close()
        client = self.dovecot.imap(self.user)
        try:
            client.select_folder("Sent", readonly=True)
            in_sent = {
                mid: len(client.search(["HEADER", "Message-ID", f"<{mid}>"])) for mid in queued
            }
        finally:
            client.logout()
        copies: Counter[str] = Counter()
        for got in self.smtp.messages:
            for mid in queued:
                if f"<{mid}>".encode() in got.data:
                    copies[mid] += 1
        result.outgoing = [(copies[m], in_sent[m], states.get(m) == "unconfirmed") for m in queued]

    def _flags_wrong(self) -> int:
        """Seed messages whose flags on the server are not what the runs so far asked for."""
        client = self.dovecot.imap(self.user)
        try:
            client.select_folder("INBOX", readonly=True)
            uids = client.search(["SUBJECT", "Seed message"])
            got = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        finally:
            client.logout()
        wrong = 0
        for data in got.values():
            subject = data[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().split(":", 1)[1].strip()
            seed = int(subject.rsplit(" ", 1)[1])
            flags = set(data[b"FLAGS"])
            wrong += (b"\\Flagged" in flags) != (seed in self.flagged)
            wrong += (b"\\Seen" in flags) != (seed in self.read)
        return wrong + abs(len(got) - self.seeds)


def _seed(i: int) -> str:
    return f"Seed message {i:04d}"


def _reap_session(sid: int) -> int:
    """Processes of the killed command's session still alive a moment later; then end them."""
    deadline = time.monotonic() + 3
    left: list[psutil.Process] = []
    while time.monotonic() < deadline:
        left = [p for p in psutil.process_iter() if _session_of(p) == sid]
        if not left:
            return 0
        time.sleep(0.1)
    for p in left:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    psutil.wait_procs(left, timeout=5)
    return len(left)


def _session_of(p: psutil.Process) -> int | None:
    try:
        return os.getsid(p.pid)
    except OSError:
        return None

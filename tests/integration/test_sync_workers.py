"""Sync worker processes die with their parent, and a server's refusal is said as it was.

A `unibox sync` killed with kill -9 used to leave its pool's workers running,
each holding an IMAP connection, until the server refused further logins
("Maximum number of connections from user+IP exceeded"), which unibox then
reported as a wrong password.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import psutil
import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.helpers.tls import TlsFiles
from tests.integration.cli_helpers import add_account, run, stats
from tests.integration.conftest import subprocess_env
from unibox.channels.imap import ImapSession
from unibox.channels.imap_conn import ImapEndpoint
from unibox.core.items import IncomingMessage
from unibox.sync.pipeline import POOL_THRESHOLD, FetchJob, FetchPipeline

pytestmark = pytest.mark.integration

BIG_USER = "workers-big"
BIG = 1200  # enough for the header pass to go to the worker pool


@pytest.fixture(scope="module")
def big_mailbox(dovecot: Dovecot) -> str:
    dovecot.deliver_many(BIG_USER, generate_mailbox(BIG, seed=31))
    return BIG_USER


def _until(condition: Callable[[], bool], guard: float = 60.0) -> bool:
    """Wait for a condition (the guard only keeps a broken test from hanging)."""
    deadline = time.monotonic() + guard
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _none_alive(processes: list[psutil.Process]) -> bool:
    return not any(_alive(p) for p in processes)


def _busy_workers(proc: subprocess.Popen[bytes], port: int) -> list[psutil.Process]:
    """The worker processes of `proc` once one of them talks to the IMAP server."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60  # a hang guard, not a measure
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            workers = [
                c for c in parent.children(recursive=True) if "spawn_main" in " ".join(c.cmdline())
            ]
            if any(c.raddr and c.raddr.port == port for w in workers for c in w.net_connections()):
                return workers
        except psutil.NoSuchProcess:
            pass  # a worker ended meanwhile: look again
        time.sleep(0.02)
    return []


def test_kill_9_of_sync_leaves_no_worker_and_no_connection_behind(
    big_mailbox: str,
    dovecot: Dovecot,
    profile: Path,
    test_keyring: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert add_account(dovecot, big_mailbox, security="plain", monkeypatch=monkeypatch) == 0
    env = subprocess_env(profile, test_keyring)
    for _round in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "unibox.cli", "sync"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert _busy_workers(proc, dovecot.imap_port), "no worker fetched before the end"
            everyone = psutil.Process(proc.pid).children(recursive=True)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert _until(partial(_none_alive, everyone)), [
            (p.pid, p.cmdline()) for p in everyone if _alive(p)
        ]
        # The server sees their connections end too.
        assert _until(lambda: dovecot.session_pids(big_mailbox) == [])
    # And nothing stands in the way of the next sync.
    assert run("sync") == 0
    assert stats(capsys)["messages"] == BIG


def test_a_pool_outlives_the_sync_thread_that_started_it(
    big_mailbox: str, dovecot: Dovecot
) -> None:
    # PR_SET_PDEATHSIG fires when the starting *thread* ends; "sync now" ends sync threads.
    ep = ImapEndpoint("127.0.0.1", dovecot.imap_port, "plain", big_mailbox)
    pipeline = FetchPipeline(workers=2)
    try:
        with ImapSession(ep, dovecot.password) as imap:
            status = imap.select("INBOX")
            uids = imap.all_uids()[:POOL_THRESHOLD]

            def fetch() -> Iterator[list[IncomingMessage]]:
                jobs = (
                    FetchJob(
                        ep,
                        "INBOX",
                        status.uidvalidity,
                        tuple(uids[i : i + 100]),
                        True,
                        dovecot.password,
                    )
                    for i in range(0, len(uids), 100)
                )
                return pipeline.run(jobs, len(uids), imap)

            first: list[list[IncomingMessage]] = []
            starter = threading.Thread(target=lambda: first.extend(fetch()))
            starter.start()
            starter.join()
            again = list(fetch())  # the same pool, its starting thread gone
        assert sum(map(len, first)) == sum(map(len, again)) == len(uids)
    finally:
        pipeline.close()


def test_a_server_refusing_the_login_is_quoted_not_called_a_wrong_password(
    tls_files: TlsFiles,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("unibox.sync.runner.ONE_SHOT_BACKOFF", (0.01,))
    with Dovecot(tls=tls_files, max_userip_connections=2) as server:
        server.deliver_many(mail_user, [simple_message("Hello", "x")])
        assert add_account(server, mail_user, security="plain", monkeypatch=monkeypatch) == 0
        held = [server.imap(mail_user) for _ in range(2)]
        try:
            capsys.readouterr()
            assert run("sync") == 1
            err = capsys.readouterr().err
        finally:
            for client in held:
                client.logout()
        assert "rejected the user name or password" not in err
        assert err == (
            "unibox: Work: 127.0.0.1 refused the login: [LIMIT] Maximum number of connections "
            "from user+IP exceeded (mail_max_userip_connections=2)\n"
        )
        # Once connections are free again, the same account syncs.
        assert run("sync") == 0

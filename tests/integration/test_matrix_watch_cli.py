"""`unibox sync --watch` with a Matrix account, the real CLI as a child process: a watch
killed with -9 in the middle of a backfill and started again stores everything once; a line
the peer writes comes in and is found by `unibox search`; `unibox reply` goes out meanwhile."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.synapse import MatrixUser, Synapse, _die_with_parent
from tests.integration.cli_helpers import run, search
from tests.integration.conftest import subprocess_env
from tests.integration.test_matrix_sync import add_matrix, stored, talk

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
HISTORY = 400  # four pages and more after the first sync's newest 20


def _watch(profile: Path, keyring: Path, log: Path) -> subprocess.Popen[bytes]:
    env = subprocess_env(profile, keyring)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).parents[2] / "src"), env.get("PYTHONPATH", "")]
    )
    return subprocess.Popen(
        [sys.executable, "-m", "unibox", "sync", "--watch"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
        start_new_session=True,  # its own group: whatever it started is found (and killed)
        preexec_fn=_die_with_parent,
    )


def _wait(what: str, ok: Callable[[], bool], watch: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120  # a hang guard: the condition is what is waited for
    while not ok():
        assert watch.poll() is None, f"the watch ended: {log.read_text()}"
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_watch_killed_mid_backfill_resumes_and_stays_live(
    synapse: Synapse,
    matrix_user_factory: Callable[[str], MatrixUser],
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer, room = talk(synapse, alice, bob)
    for i in range(HISTORY):
        peer.say(room, f"history {i:03d}")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    log = tmp_path / "watch.log"

    watch = _watch(profile, test_keyring, log)
    try:
        _wait("the first messages did not come", lambda: len(stored(profile)) > 0, watch, log)
    finally:
        watch.kill()  # -9, wherever it is
        watch.wait(30)
    assert watch.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while not _group_gone(watch.pid):  # nothing it started is left running
        assert time.monotonic() < deadline, "a process of the killed watch is still running"
        time.sleep(0.05)
    with capsys.disabled():
        print(f"\nkilled with {len(stored(profile))} of {HISTORY} stored", file=sys.stderr)

    watch = _watch(profile, test_keyring, log)
    try:
        _wait("the history did not come", lambda: len(stored(profile)) == HISTORY, watch, log)
        peer.say(room, "lunch at the harbour?")
        _wait("the live line did not come", lambda: len(stored(profile)) == HISTORY + 1,
              watch, log)  # fmt: skip
        hits = search(capsys, "harbour")
        assert [(h["channel"], h["snippet"]) for h in hits] == [("matrix", "lunch at the harbour?")]
        (question,) = [r for r in stored(profile) if r["body"] == "lunch at the harbour?"]
        monkeypatch.setattr(sys, "stdin", io.StringIO("Yes, at noon"))
        assert run("reply", str(question["id"])) == 0  # while the watch runs
        deadline = time.monotonic() + 120
        while peer.messages(room, limit=1)[0]["content"]["body"] != "Yes, at noon":
            assert time.monotonic() < deadline, "the reply did not reach the peer"
            time.sleep(0.1)
        _wait("the reply is not in the chat", lambda: len(stored(profile)) == HISTORY + 2,
              watch, log)  # fmt: skip
    finally:
        watch.send_signal(signal.SIGINT)
        code = watch.wait(30)
    assert code in (0, 130), log.read_text()
    assert _group_gone(watch.pid)
    got = stored(profile)
    assert len({r["remote_id"] for r in got}) == len(got) == HISTORY + 2  # nothing twice
    bodies = sorted(r["body"] for r in got)
    assert bodies == sorted(
        [f"history {i:03d}" for i in range(HISTORY)] + ["lunch at the harbour?", "Yes, at noon"]
    )
    (answer,) = [r for r in got if r["body"] == "Yes, at noon"]
    assert answer["direction"] == "out" and answer["in_reply_to"] is not None

"""The Synapse test server: users talk through it, and it never outlives its owner."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.helpers.synapse import MatrixUser, Synapse, synapse_available

pytestmark = pytest.mark.timeout(180)


def test_two_users_talk_in_a_direct_chat(
    synapse: Synapse, matrix_user_factory: Callable[[str], MatrixUser]
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    assert alice.user_id == synapse.user_id(alice.localpart)
    room = synapse.api(
        alice.access_token,
        "POST",
        "/createRoom",
        {"invite": [bob.user_id], "is_direct": True, "preset": "trusted_private_chat"},
    )["room_id"]
    synapse.api(bob.access_token, "POST", f"/join/{room}", {})
    body = {"msgtype": "m.text", "body": "hello bob"}
    synapse.api(alice.access_token, "PUT", f"/rooms/{room}/send/m.room.message/t1", body)
    page = synapse.api(bob.access_token, "GET", f"/rooms/{room}/messages?dir=b&limit=10")
    texts = [e["content"].get("body") for e in page["chunk"] if e["type"] == "m.room.message"]
    assert texts == ["hello bob"]


def test_registered_user_logs_in_with_its_password(
    synapse: Synapse, matrix_user_factory: Callable[[str], MatrixUser]
) -> None:
    carol = matrix_user_factory("carol")
    login = {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": carol.localpart},
        "password": carol.password,
    }
    ok = requests.post(f"{synapse.url}/_matrix/client/v3/login", json=login, timeout=30)
    assert ok.status_code == 200 and ok.json()["user_id"] == carol.user_id
    login["password"] = "wrong"
    refused = requests.post(f"{synapse.url}/_matrix/client/v3/login", json=login, timeout=30)
    assert refused.status_code == 403 and refused.json()["errcode"] == "M_FORBIDDEN"


_CRASHING_CHILD = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from tests.helpers.synapse import Synapse
server = Synapse().start()
print(server.directory, server._proc.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_synapse_dies_with_its_owner() -> None:
    if not synapse_available():
        pytest.skip("matrix-synapse is not installed")
    root = Path(__file__).resolve().parents[2]
    child = subprocess.run(
        [sys.executable, "-c", _CRASHING_CHILD, str(root)],
        capture_output=True, text=True, timeout=150, check=False,
    )  # fmt: skip
    assert child.returncode < 0, child.stderr
    _directory, pid = child.stdout.split()
    deadline = time.monotonic() + 20
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "synapse outlived its owner"


def test_a_bridge_posts_as_its_puppets_and_bot(
    synapse: Synapse, matrix_user_factory: Callable[[str], MatrixUser]
) -> None:
    from tests.helpers.matrix_bridge import MatrixBridge

    alice = matrix_user_factory("alice")
    bridge = MatrixBridge(synapse, "telegram")
    olga = bridge.puppet("700100200", "Olga Petrova (Telegram)")
    assert olga.user_id == synapse.user_id("telegram_700100200")
    room = olga.direct_chat(alice.user_id)
    synapse.api(alice.access_token, "POST", f"/join/{room}", {})
    olga.invite(room, bridge.bot.user_id)
    bridge.bot.join(room)
    olga.say(room, "Привет!")
    bridge.bot.notice(room, "Telegram connection restored")
    page = synapse.api(alice.access_token, "GET", f"/rooms/{room}/messages?dir=b&limit=20")
    said = [
        (e["sender"], e["content"]["msgtype"], e["content"]["body"])
        for e in page["chunk"] if e["type"] == "m.room.message"
    ]  # fmt: skip
    assert said == [
        (bridge.bot.user_id, "m.notice", "Telegram connection restored"),
        (olga.user_id, "m.text", "Привет!"),
    ]
    profile = synapse.api(alice.access_token, "GET", f"/profile/{olga.user_id}")
    assert profile["displayname"] == "Olga Petrova (Telegram)"
    # The namespace is the bridge's: nobody else may register in it.
    with pytest.raises(RuntimeError, match="M_EXCLUSIVE"):
        synapse.register("telegram_555")

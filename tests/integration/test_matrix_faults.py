"""Matrix faults against real Synapses: a revoked session, a homeserver that is down or
rate-limits, an event of an unknown type, a message too large. Each is said for its account
in words; other accounts go on; nothing is stored twice or lost."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.synapse import MatrixUser, Synapse, synapse_available
from tests.integration.cli_helpers import run
from tests.integration.test_matrix_sync import add_matrix, json_out, stored, talk
from unibox.config import store_path
from unibox.store.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
Factory = Callable[[str], MatrixUser]


@pytest.fixture(scope="module")
def strict_synapse() -> Iterator[Synapse]:
    """A Synapse that rate-limits messages (2 a second, bursts of 3), and can be stopped."""
    if not synapse_available():
        pytest.skip("matrix-synapse is not installed")
    with Synapse(rate_limited=True) as server:
        yield server


def test_a_revoked_session_fails_only_its_account_and_a_new_login_loses_nothing(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob, erin = (matrix_user_factory(r) for r in ("alice", "bob", "erin"))
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert add_matrix(synapse, erin, monkeypatch, name="Erin") == 0
    peer, room = talk(synapse, alice, bob)
    peer.say(room, "first")
    assert run("sync") == 0
    # Signed out everywhere (as "sign out all other sessions" in Element does).
    MatrixPeer(synapse, alice).api("POST", "/logout/all", {})
    peer.say(room, "while signed out")
    erin_room = peer.direct_chat(erin.user_id)
    MatrixPeer(synapse, erin).join(erin_room)
    peer.say(erin_room, "for erin")
    capsys.readouterr()
    assert run("sync") == 1
    err = capsys.readouterr().err
    assert "Mx:" in err and "no longer accepts the sign-in" in err and "login-matrix" in err
    assert [r["body"] for r in stored(profile)] == ["first"]
    assert [r["body"] for r in stored(profile, "Erin")] == ["for erin"]
    listed = {a["name"]: a for a in json_out(capsys, "account", "list", "--json")}
    assert listed["Mx"]["state"] == "error" and listed["Erin"]["state"] == "synced"

    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong\n"))
    assert run("account", "login-matrix", "Mx", "--password-stdin") == 1
    assert "refused the user name or password" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO(alice.password + "\n"))
    assert run("account", "login-matrix", "Mx", "--password-stdin") == 0
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)] == ["first", "while signed out"]


def test_unknown_events_are_skipped_and_a_too_large_message_fails_for_good(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer, room = talk(synapse, alice, bob)
    peer.send_event(room, "com.example.game.move", {"move": "e4"})
    peer.send_event(room, "m.room.message", {"msgtype": "org.example.poll", "body": "Poll: Fri?"})
    peer.say(room, "after the odd ones")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    assert sorted(r["body"] for r in stored(profile)) == ["Poll: Fri?", "after the odd ones"]

    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO("x" * 1_000_000))
    assert run("send", "--account", "Mx", "--to", bob.user_id) == 1
    assert "too large" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("a normal one"))
    assert run("send", "--account", "Mx", "--to", bob.user_id) == 0
    assert run("sync") == 0  # the refused one is not tried again
    states = [r["state"] for r in json_out(capsys, "outbox", "--all", "--json")]
    assert states == ["failed", "sent"]
    assert peer.messages(room)[0]["content"]["body"] == "a normal one"


def test_a_rate_limit_is_waited_out_and_a_down_homeserver_is_said(
    strict_synapse: Synapse,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from unibox.services.chat import chat_account, queue_message

    alice, bob = strict_synapse.new_user("alice"), strict_synapse.new_user("bob")
    peer, room = talk(strict_synapse, alice, bob)
    assert add_matrix(strict_synapse, alice, monkeypatch) == 0
    store = Store(store_path(profile))
    account = chat_account(store, "Mx")
    assert account is not None
    for i in range(8):  # more than the homeserver takes at once
        queue_message(store, account, bob.user_id, f"burst {i}")
    assert run("sync") == 0
    sent = [e["content"]["body"] for e in peer.messages(room)]
    assert sorted(sent) == sorted(f"burst {i}" for i in range(8))  # each once
    assert any("429" in r.getMessage() for r in caplog.records)  # it was told to wait, and did

    strict_synapse.pause()
    try:
        capsys.readouterr()
        assert run("sync") == 1
        err = capsys.readouterr().err
        assert "Mx:" in err and "Cannot reach the homeserver" in err
        queue_message(store, account, bob.user_id, "written while it was down")
    finally:
        strict_synapse.resume()
    peer.say(room, "back up")
    assert run("sync") == 0
    bodies = [r["body"] for r in stored(profile)]
    assert bodies.count("back up") == 1 and bodies.count("written while it was down") == 1
    theirs = [e["content"]["body"] for e in peer.messages(room)]
    assert theirs.count("written while it was down") == 1

"""A chat unibox starts is end-to-end encrypted, as Element's are: `unibox send` to a person
with no direct chat yet makes an encrypted room, and the first message already goes
encrypted to the invitee's device, against a real Synapse and a second real nio client."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.matrix_e2e_peer import E2EPeer
from tests.helpers.synapse import MatrixUser, Synapse, synapse_available
from tests.integration.cli_helpers import run
from tests.integration.test_matrix_sync import add_matrix, json_out, stored

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
Factory = Callable[[str], MatrixUser]


@pytest.fixture
def bob_e2e(synapse: Synapse, matrix_user_factory: Factory, tmp_path: Path) -> Iterator[E2EPeer]:
    peer = E2EPeer(synapse, matrix_user_factory("bob"), tmp_path / "bob-keys")
    try:
        yield peer
    finally:
        peer.close()


def test_a_chat_unibox_starts_is_encrypted_and_the_invitee_reads_the_first_message(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = matrix_user_factory("alice")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("the spare key is under the heron"))
    assert run("send", "--account", "Mx", "--to", bob_e2e.user_id) == 0  # no chat with Bob yet

    (room,) = bob_e2e.join_invited()
    state = synapse.api(alice.access_token, "GET", f"/rooms/{room}/state/m.room.encryption")
    assert state == {"algorithm": "m.megolm.v1.aes-sha2"}
    page = synapse.api(alice.access_token, "GET", f"/rooms/{room}/messages?dir=b&limit=50")
    kinds = [e["type"] for e in page["chunk"] if e["type"].startswith("m.room.")]
    assert "m.room.encrypted" in kinds and "m.room.message" not in kinds
    homeserver = b"".join(p.read_bytes() for p in synapse.directory.glob("homeserver.db*"))
    assert b"spare key is under the heron" not in homeserver
    assert bob_e2e.texts(room) == ["the spare key is under the heron"]  # Bob's device reads it

    bob_e2e.say(room, "thanks, found it")
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)] == [
        "the spare key is under the heron",
        "thanks, found it",
    ]


def test_a_homeserver_that_refuses_encrypted_rooms_gets_no_chat_in_clear(
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not synapse_available():
        pytest.skip("matrix-synapse is not installed")
    with Synapse(refuse_encryption=True) as server:
        alice, bob = server.new_user("alice"), server.new_user("bob")
        assert add_matrix(server, alice, monkeypatch) == 0
        monkeypatch.setattr(sys, "stdin", io.StringIO("is this private?"))
        capsys.readouterr()
        assert run("send", "--account", "Mx", "--to", bob.user_id) == 1
        err = capsys.readouterr().err
        assert "refused to start an encrypted chat" in err
        assert "unibox starts no unencrypted chats" in err
        (row,) = json_out(capsys, "outbox", "--all", "--json")
        assert row["state"] == "failed" and "encrypted chat" in str(row["last_error"])
        invites = server.api(bob.access_token, "GET", "/sync?timeout=0").get("rooms", {})
        assert not invites.get("invite")  # Bob got no chat, in clear or otherwise

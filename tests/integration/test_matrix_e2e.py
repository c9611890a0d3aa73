"""End-to-end encrypted Matrix rooms against a real Synapse: unibox and a second real nio
client (its own device and keys) exchange encrypted messages; the homeserver sees only
ciphertext; a message whose key comes late is stored as waiting and then read in clear."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.matrix_e2e_peer import E2EPeer
from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.synapse import MatrixUser, Synapse
from tests.integration.cli_helpers import run
from tests.integration.test_matrix_sync import add_matrix, json_out, stored
from unibox.channels.matrix.session import Session
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store.chat_e2e import e2e_states
from unibox.store.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
Factory = Callable[[str], MatrixUser]


@pytest.fixture
def bob_e2e(synapse: Synapse, matrix_user_factory: Factory, tmp_path: Path) -> Iterator[E2EPeer]:
    peer = E2EPeer(synapse, matrix_user_factory("bob"), tmp_path / "bob-keys")
    try:
        yield peer
    finally:
        peer.close()


def encrypted_chat(synapse: Synapse, alice: MatrixUser, bob: E2EPeer) -> str:
    """Bob (with encryption) opens an encrypted direct chat; Alice joins it elsewhere."""
    room = bob.encrypted_room(alice.user_id)
    MatrixPeer(synapse, alice).join(room)
    return room


def states(profile: Path) -> dict[str, str]:
    """{body: how it was encrypted} of the account's stored messages."""
    rows = stored(profile)
    with Store(store_path(profile)).read() as s:
        found = e2e_states(s, [r["id"] for r in rows])
    return {r["body"]: found.get(r["id"], "") for r in rows}


def raw_events(synapse: Synapse, user: MatrixUser, room: str) -> list[dict[str, object]]:
    page = synapse.api(user.access_token, "GET", f"/rooms/{room}/messages?dir=b&limit=50")
    return [e for e in page["chunk"] if e["type"] in ("m.room.message", "m.room.encrypted")]


def test_two_clients_exchange_encrypted_messages_and_synapse_sees_only_ciphertext(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice = matrix_user_factory("alice")
    room = encrypted_chat(synapse, alice, bob_e2e)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0  # unibox's new device publishes its keys
    bob_e2e.say(room, "the vault code is quokka-4711")
    assert run("sync") == 0
    assert states(profile) == {"the vault code is quokka-4711": "tofu"}
    hits = json_out(capsys, "search", "vault", "--json")
    assert [h["snippet"] for h in hits] == ["the vault code is quokka-4711"]

    (row,) = stored(profile)
    monkeypatch.setattr(sys, "stdin", io.StringIO("got it, quokka-4711 it is"))
    assert run("reply", str(row["id"])) == 0
    assert bob_e2e.texts(room)[-2:] == [
        "the vault code is quokka-4711",
        "got it, quokka-4711 it is",
    ]
    assert run("sync") == 0
    assert states(profile) == {
        "the vault code is quokka-4711": "tofu",
        "got it, quokka-4711 it is": "own",
    }

    events = raw_events(synapse, alice, room)
    assert [e["type"] for e in events] == ["m.room.encrypted"] * 2
    dump = b"".join(p.read_bytes() for p in profile.glob("unibox.sqlite3*"))
    homeserver = b"".join(p.read_bytes() for p in synapse.directory.glob("homeserver.db*"))
    # (A plain "4711" could be in any hex or base64 string: the words are what is looked for.)
    for plain in (b"vault code is quokka-4711", b"got it, quokka-4711 it is"):
        assert plain in dump and plain not in homeserver  # clear here, never on the server
    # The keys are in the profile, and what protects them only in the keyring.
    keys = list((profile / "matrix-keys").rglob("*.db"))
    assert keys and all(b"quokka-4711" not in k.read_bytes() for k in keys)
    session = Session.load(SecretStore().get("matrix:Mx"))
    assert session.pickle_key and all(session.pickle_key.encode() not in k.read_bytes()
                                      for k in keys)  # fmt: skip


def test_a_message_whose_key_comes_late_says_so_then_reads_in_clear(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice = matrix_user_factory("alice")
    room = encrypted_chat(synapse, alice, bob_e2e)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    device = Session.load(SecretStore().get("matrix:Mx")).device_id
    _event, send_key = bob_e2e.say_with_late_key(
        room, "the harbour meeting moved to 3", alice.user_id, device
    )
    assert run("sync") == 0
    (waiting,) = stored(profile)
    assert waiting["body"].startswith("This message could not be decrypted yet")
    assert f"{bob_e2e.user.localpart}'s device" in waiting["body"]
    assert states(profile) == {waiting["body"]: "undecrypted"}
    assert json_out(capsys, "search", "harbour", "--json") == []

    send_key()
    assert run("sync") == 0
    (now,) = stored(profile)
    assert (now["id"], now["body"]) == (waiting["id"], "the harbour meeting moved to 3")
    assert states(profile) == {"the harbour meeting moved to 3": "tofu"}
    hits = json_out(capsys, "search", "harbour", "--json")
    assert [h["snippet"] for h in hits] == ["the harbour meeting moved to 3"]
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)] == ["the harbour meeting moved to 3"]


@pytest.mark.parametrize("fault", ["damaged", "key gone from the keyring"])
def test_keys_that_cannot_be_opened_fail_only_their_account_and_a_new_device_goes_on(
    fault: str,
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, carol = matrix_user_factory("alice"), matrix_user_factory("carol")
    room = encrypted_chat(synapse, alice, bob_e2e)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert add_matrix(synapse, carol, monkeypatch, name="Other") == 0
    assert run("sync") == 0
    bob_e2e.say(room, "first, readable")
    assert run("sync") == 0
    secrets = SecretStore()
    if fault == "damaged":
        for db in (profile / "matrix-keys").rglob("@alice*.db"):
            db.write_bytes(b"\0garbage" * 100)
    else:
        session = Session.load(secrets.get("matrix:Mx"))
        secrets.set("matrix:Mx", Session(session.user_id, session.access_token,
                                         session.device_id).dump())  # fmt: skip
    capsys.readouterr()
    assert run("sync") == 1
    err = capsys.readouterr().err
    assert "end-to-end encryption keys of Mx cannot be opened" in err
    assert "login-matrix Mx" in err and "Other" not in err
    assert [r["body"] for r in stored(profile)] == ["first, readable"]  # nothing lost

    monkeypatch.setattr(sys, "stdin", io.StringIO(alice.password + "\n"))
    assert run("account", "login-matrix", "Mx", "--password-stdin") == 0
    assert run("sync") == 0  # the new device publishes its keys
    bob_e2e.say(room, "second, for the new device")
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)] == ["first, readable", "second, for the new device"]


def test_a_session_from_before_encryption_gets_its_key_in_the_keyring(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = matrix_user_factory("alice")
    room = encrypted_chat(synapse, alice, bob_e2e)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    secrets = SecretStore()
    old = Session.load(secrets.get("matrix:Mx"))
    secrets.set("matrix:Mx", Session(old.user_id, old.access_token, old.device_id).dump())
    assert run("sync") == 0
    assert Session.load(secrets.get("matrix:Mx")).pickle_key
    bob_e2e.say(room, "encrypted for the upgraded device")
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)] == ["encrypted for the upgraded device"]


def test_a_room_key_export_opens_the_history_unibox_could_not_decrypt(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice = matrix_user_factory("alice")
    room = bob_e2e.encrypted_room(alice.user_id)
    MatrixPeer(synapse, alice).join(room)
    element = E2EPeer(synapse, alice, tmp_path / "alice-element")  # Alice's other client
    try:
        bob_e2e.say(room, "the lighthouse key is under the mat")
        bob_e2e.say(room, "and the boat leaves at six")
        assert element.texts(room)[-2:] == [
            "the lighthouse key is under the mat",
            "and the boat leaves at six",
        ]
        export = tmp_path / "element-keys.txt"
        element.export_keys(export, "correct horse")
    finally:
        element.close()
    assert add_matrix(synapse, alice, monkeypatch) == 0  # a new device: it never got the keys
    assert run("sync") == 0
    before = stored(profile)
    assert len(before) == 2 and all("could not be decrypted yet" in r["body"] for r in before)

    def import_keys(path: Path, passphrase: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(passphrase + "\n"))
        capsys.readouterr()
        code = run("account", "import-matrix-keys", "Mx", str(path), "--passphrase-stdin")
        out = capsys.readouterr()
        return code, out.out, out.err

    code, _out, err = import_keys(export, "wrong horse")
    assert code == 1 and "passphrase is wrong" in err
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(export.read_text()[:200])
    code, _out, err = import_keys(damaged, "correct horse")
    assert code == 1 and "not a room-key export file, or it is damaged" in err
    assert stored(profile) == before  # nothing lost, nothing changed

    # As saved on Windows, with a line end after the last line.
    export.write_bytes(export.read_bytes().replace(b"\n", b"\r\n") + b"\r\n")
    code, out, _err = import_keys(export, "correct horse")
    assert code == 0
    assert out.strip() == (
        "1 room key imported; 2 messages that could not be decrypted now read in clear."
    )
    after = stored(profile)
    assert [r["id"] for r in after] == [r["id"] for r in before]
    assert [r["body"] for r in after] == [
        "the lighthouse key is under the mat",
        "and the boat leaves at six",
    ]
    assert set(states(profile).values()) == {"tofu"}
    hits = json_out(capsys, "search", "lighthouse", "--json")
    assert [h["snippet"] for h in hits] == ["the lighthouse key is under the mat"]
    assert run("sync") == 0
    assert stored(profile) == after


def test_a_device_whose_keys_change_is_not_trusted_and_the_account_says_so(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice = matrix_user_factory("alice")
    room = encrypted_chat(synapse, alice, bob_e2e)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    bob_e2e.say(room, "hello from my phone")
    assert run("sync") == 0
    (listed,) = json_out(capsys, "account", "list", "--json")
    assert "changed" not in json.dumps(listed)

    # The same device id comes back with other keys (wiped, or someone else's).
    other = E2EPeer(synapse, bob_e2e.user, tmp_path / "bob-again", reinstalled=True)
    try:
        other.say(room, "it is really me, trust me")
        assert run("sync") == 0
        assert states(profile) == {
            "hello from my phone": "tofu",
            "it is really me, trust me": "changed",
        }
        (listed,) = json_out(capsys, "account", "list", "--json")
        said = json.dumps(listed, ensure_ascii=False)
        assert f"{bob_e2e.user_id}'s device {bob_e2e.device_id} changed" in said
        assert "not trusted" in said
        # What unibox sends is not for the changed device: it cannot read it.
        (_hello, claim) = stored(profile)
        monkeypatch.setattr(sys, "stdin", io.StringIO("prove it"))
        assert run("reply", str(claim["id"])) == 0
        assert other.texts(room)[-1] == "<undecrypted>"
    finally:
        other.close()


def test_the_watch_decrypts_live_and_a_late_key_updates_the_stored_line(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.integration.test_matrix_watch import wait_for
    from unibox.store.chat_accounts import chat_accounts
    from unibox.sync.chat_engine import ChatEngine

    alice = matrix_user_factory("alice")
    room = encrypted_chat(synapse, alice, bob_e2e)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    store = Store(store_path(profile))
    with store.read() as s:
        (account,) = chat_accounts(s)
    engine = ChatEngine(store, SecretStore())
    assert engine.watch(account)
    try:
        device = Session.load(SecretStore().get("matrix:Mx")).device_id
        wait_for("the device's keys did not go up", lambda: bool(
            synapse.api(bob_e2e.user.access_token, "POST", "/keys/query",
                        {"device_keys": {alice.user_id: []}})["device_keys"][alice.user_id]
            .get(device)))  # fmt: skip
        bob_e2e.say(room, "live and encrypted")
        wait_for("the live message", lambda: states(profile) == {"live and encrypted": "tofu"})
        _event, send_key = bob_e2e.say_with_late_key(room, "late key", alice.user_id, device)
        wait_for("the waiting line", lambda: len(stored(store)) == 2)
        assert "could not be decrypted yet" in stored(store)[1]["body"]
        send_key()
        wait_for("the late key", lambda: [r["body"] for r in stored(store)][1:] == ["late key"])
    finally:
        engine.stop()
    assert states(profile) == {"live and encrypted": "tofu", "late key": "tofu"}


def test_a_reply_to_an_invitation_into_an_encrypted_room_is_encrypted(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = matrix_user_factory("alice")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    room = bob_e2e.encrypted_room(alice.user_id)  # Alice is invited, not joined
    assert run("sync") == 0
    (invitation,) = stored(profile)
    assert "Invitation" in invitation["body"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("glad to join, quietly"))
    assert run("reply", str(invitation["id"])) == 0
    assert bob_e2e.texts(room)[-1] == "glad to join, quietly"
    assert [e["type"] for e in raw_events(synapse, alice, room)] == ["m.room.encrypted"]


def test_a_device_verified_by_its_fingerprint_marks_its_messages_verified(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice = matrix_user_factory("alice")
    room = encrypted_chat(synapse, alice, bob_e2e)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    bob_e2e.say(room, "before you checked")
    assert run("sync") == 0
    devices = json_out(capsys, "account", "matrix-devices", "Mx", "--json")
    (bob_device,) = [d for d in devices if d["user_id"] == bob_e2e.user_id]
    assert bob_device["device_id"] == bob_e2e.device_id
    assert bob_device["trust"] == "trusted on first use"
    key = bob_e2e.client.olm.account.identity_keys["ed25519"]  # what Bob's Element shows
    assert bob_device["fingerprint"].replace(" ", "") == key

    def verify(seen: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(seen + "\n"))
        capsys.readouterr()
        code = run("account", "matrix-devices", "Mx", "--verify", bob_e2e.user_id,
                   bob_e2e.device_id)  # fmt: skip
        out = capsys.readouterr()
        return code, out.out + out.err

    code, said = verify(key[::-1])
    assert code == 1 and "not the one of" in said
    code, said = verify(bob_device["fingerprint"])
    assert code == 0 and "is verified" in said
    (bob_device,) = [
        d for d in json_out(capsys, "account", "matrix-devices", "Mx", "--json")
        if d["user_id"] == bob_e2e.user_id
    ]  # fmt: skip
    assert bob_device["trust"] == "verified"
    bob_e2e.say(room, "after you checked")
    assert run("sync") == 0
    assert states(profile) == {"before you checked": "tofu", "after you checked": "verified"}
    keys = list((profile / "matrix-keys").iterdir())
    assert len(keys) == 1 and any(keys[0].glob("*.db"))
    assert run("account", "remove", "Mx") == 0
    assert not keys[0].exists()  # the device's keys go with the account


def test_an_event_encrypted_in_an_unknown_way_says_it_cannot_be_read(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = matrix_user_factory("alice")
    room = encrypted_chat(synapse, alice, bob_e2e)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    odd = {"algorithm": "org.example.future.v9", "ciphertext": "c2VjcmV0"}
    MatrixPeer(synapse, bob_e2e.user).send_event(room, "m.room.encrypted", odd)
    assert run("sync") == 0
    assert states(profile) == {
        "This message is encrypted in a way unibox cannot read (org.example.future.v9).": (
            "unreadable"
        )
    }

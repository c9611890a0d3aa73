"""Files in an end-to-end encrypted Matrix room, against a real Synapse and a second nio client
with its own keys: a file that client sends (encrypted, `content.file`) opens in unibox as
it was; a file unibox sends reaches it encrypted and decrypts to what was sent; the
homeserver holds only ciphertext of both."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from nio.crypto.attachments import decrypt_attachment, encrypt_attachment

from tests.helpers.matrix_e2e_peer import E2EPeer
from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.synapse import MatrixUser, Synapse
from tests.integration.cli_helpers import run
from tests.integration.test_matrix_media import save
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


def stored_media(synapse: Synapse, token: str, uri: str) -> bytes:
    server, _, media_id = uri.removeprefix("mxc://").partition("/")
    got = requests.get(
        f"{synapse.url}/_matrix/client/v1/media/download/{server}/{media_id}",
        headers={"Authorization": f"Bearer {token}"}, timeout=30,
    )  # fmt: skip
    got.raise_for_status()
    return got.content


def test_files_both_ways_in_an_encrypted_room(
    synapse: Synapse,
    matrix_user_factory: Factory,
    bob_e2e: E2EPeer,
    profile: Path,
    tmp_path: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice = matrix_user_factory("alice")
    room = bob_e2e.encrypted_room(alice.user_id)
    MatrixPeer(synapse, alice).join(room)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0  # unibox's device publishes its keys

    contract = os.urandom(30_000)
    ciphertext, keys = encrypt_attachment(contract)
    uri = MatrixPeer(synapse, bob_e2e.user).upload(ciphertext, "application/octet-stream")
    bob_e2e.send_content(room, {
        "msgtype": "m.file", "body": "contract.pdf", "file": {"url": uri, **keys},
        "info": {"mimetype": "application/pdf", "size": len(contract)},
    })  # fmt: skip
    assert run("sync") == 0
    (row,) = stored(profile)
    assert row["body"] == "[file: contract.pdf]"
    listed = json_out(capsys, "attachments", str(row["id"]), "--json")
    assert [(a["filename"], a["size"], a["downloaded"]) for a in listed] == [
        ("contract.pdf", len(contract), False)
    ]
    code, err = save(capsys, row["id"], 1, tmp_path)
    assert code == 0, err
    assert (tmp_path / "contract.pdf").read_bytes() == contract

    signed = tmp_path / "signed.pdf"
    signed.write_bytes(os.urandom(20_000))
    monkeypatch.setattr(sys, "stdin", io.StringIO("signed, here you are"))
    assert run("reply", str(row["id"]), "--attach", str(signed)) == 0
    event = bob_e2e.messages(room)[-1]
    content = event["content"]
    assert (content["msgtype"], content["body"], content["filename"]) == (
        "m.file", "signed, here you are", "signed.pdf"
    )  # fmt: skip
    assert "url" not in content  # encrypted: the address is in content.file with its keys
    on_server = stored_media(synapse, bob_e2e.user.access_token, content["file"]["url"])
    assert on_server != signed.read_bytes()
    plain = decrypt_attachment(
        on_server, content["file"]["key"]["k"], content["file"]["hashes"]["sha256"],
        content["file"]["iv"],
    )  # fmt: skip
    assert plain == signed.read_bytes()

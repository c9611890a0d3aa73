"""Matrix files and images against a real Synapse: listed at sync with their names and sizes,
downloaded through the media API only when opened, kept for the next open (also offline), and
every failure said in words: the homeserver down, the media deleted, an encrypted file altered."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.png import png
from tests.helpers.synapse import MatrixUser, Synapse
from tests.integration.cli_helpers import run
from tests.integration.test_matrix_sync import add_matrix, json_out, stored, talk
from unibox.config import store_path
from unibox.store.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
Factory = Callable[[str], MatrixUser]


def kept_bytes(profile: Path) -> int:
    """How many media bytes the store holds."""
    with Store(store_path(profile)).read() as s:
        total = s.execute(text("SELECT coalesce(sum(length(data)), 0) FROM chat_media"))
        return int(total.scalar() or 0)


def by_text(profile: Path) -> dict[str, dict[str, Any]]:
    return {r["body"].split("\n")[0]: r for r in stored(profile)}


def save(capsys: pytest.CaptureFixture[str], mid: int, n: int, to: Path) -> tuple[int, str]:
    capsys.readouterr()
    code = run("attachments", str(mid), "--save", str(n), "--to", str(to))
    return code, capsys.readouterr().err


def test_files_and_images_list_at_sync_and_download_once_when_opened(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer, room = talk(synapse, alice, bob)
    report = os.urandom(150_000)
    photo = png(64, 48)
    peer.send_file(room, report, "Quarterly report.pdf", "application/pdf")
    peer.send_file(
        room, photo, "harbour.png", "image/png", msgtype="m.image",
        caption="the boats at dawn", info={"w": 64, "h": 48},
    )  # fmt: skip
    _gone, gone_uri = peer.send_file(room, b"soon deleted", "notes.txt", "text/plain")
    peer.say(room, "did you get them?")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0

    rows = by_text(profile)
    assert set(rows) == {
        "[file: Quarterly report.pdf]", "[image: harbour.png]", "[file: notes.txt]",
        "did you get them?",
    }  # fmt: skip
    listed = json_out(capsys, "attachments", str(rows["[file: Quarterly report.pdf]"]["id"]),
                      "--json")  # fmt: skip
    assert [(a["filename"], a["content_type"], a["size"], a["downloaded"]) for a in listed] == [
        ("Quarterly report.pdf", "application/pdf", 150_000, False)
    ]
    image_id = rows["[image: harbour.png]"]["id"]
    assert [(a["filename"], a["size"]) for a in json_out(capsys, "attachments", str(image_id),
            "--json")] == [("harbour.png", len(photo))]  # fmt: skip
    assert kept_bytes(profile) == 0  # nothing downloaded at sync time
    hits = json_out(capsys, "search", "boats dawn", "--json")
    assert [h["id"] for h in hits] == [image_id]  # the caption is searchable
    assert [h["id"] for h in json_out(capsys, "search", "quarterly", "--json")] == [
        rows["[file: Quarterly report.pdf]"]["id"]
    ]

    # Opened: downloaded through the media API, equal to what was sent, and kept.
    code, err = save(capsys, rows["[file: Quarterly report.pdf]"]["id"], 1, tmp_path)
    assert code == 0, err
    assert (tmp_path / "Quarterly report.pdf").read_bytes() == report
    assert kept_bytes(profile) == len(report)

    # The homeserver down: the kept file opens anyway; one not yet fetched says why not.
    synapse.pause()
    try:
        code, err = save(capsys, rows["[file: Quarterly report.pdf]"]["id"], 1, tmp_path / "b.pdf")
        assert code == 0, err
        assert (tmp_path / "b.pdf").read_bytes() == report
        code, err = save(capsys, image_id, 1, tmp_path)
        assert code == 1 and "Cannot reach the homeserver" in err and "harbour.png" in err
        assert not (tmp_path / "harbour.png").exists()
    finally:
        synapse.resume()
    code, err = save(capsys, image_id, 1, tmp_path)
    assert code == 0, err
    assert (tmp_path / "harbour.png").read_bytes() == photo

    # Deleted on the server before it was opened: said in words.
    synapse.delete_media(gone_uri)
    code, err = save(capsys, rows["[file: notes.txt]"]["id"], 1, tmp_path)
    assert code == 1 and "“notes.txt” is no longer on the homeserver" in err

    # A message without attachments, and one asked for an attachment it has not.
    assert run("attachments", str(rows["did you get them?"]["id"])) == 0
    assert "has no attachments" in capsys.readouterr().out
    code, err = save(capsys, image_id, 2, tmp_path)
    assert code == 1 and "has no attachment 2" in err
    assert run("sync") == 0
    assert len(stored(profile)) == 4  # a re-sync adds nothing

    # Redacted by its sender: the message goes, and its kept bytes with it.
    peer.redact(room, _image_event(peer, room))
    assert run("sync") == 0
    assert len(stored(profile)) == 3
    assert kept_bytes(profile) == len(report)


def _image_event(peer: MatrixPeer, room: str) -> str:
    return next(
        e["event_id"] for e in peer.messages(room) if e["content"].get("msgtype") == "m.image"
    )


def test_media_larger_than_the_limit_is_refused_in_words(
    synapse: Synapse, matrix_user_factory: Factory
) -> None:
    import asyncio

    from unibox.channels.matrix import media
    from unibox.core.errors import ChannelError

    bob = matrix_user_factory("bob")
    uri = MatrixPeer(synapse, bob).upload(os.urandom(5000), "application/octet-stream")
    got = asyncio.run(media.download(synapse.url, bob.access_token, uri, name="a", account="Mx"))
    assert len(got) == 5000
    with pytest.raises(ChannelError, match="too large to open here") as caught:
        asyncio.run(
            media.download(
                synapse.url, bob.access_token, uri, name="big.iso", account="Mx", limit=4096
            )
        )
    assert "“big.iso”" in str(caught.value) and not caught.value.retryable


def test_an_encrypted_file_is_decrypted_on_open_and_a_wrong_hash_refused(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer, room = talk(synapse, alice, bob)
    secret = b"the plan, encrypted end to end\n" * 500
    peer.send_encrypted_file(room, secret, "plan.txt", "text/plain")
    peer.send_encrypted_file(room, secret, "altered.txt", "text/plain", tamper=True)
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    rows = by_text(profile)
    listed = json_out(capsys, "attachments", str(rows["[file: plan.txt]"]["id"]), "--json")
    assert [(a["filename"], a["size"], a["downloaded"]) for a in listed] == [
        ("plan.txt", len(secret), False)
    ]
    with Store(store_path(profile)).read() as s:
        details = s.execute(text("SELECT details FROM chat_media")).scalars().all()
    assert all(json.loads(d)["file"]["iv"] for d in details)

    code, err = save(capsys, rows["[file: plan.txt]"]["id"], 1, tmp_path)
    assert code == 0, err
    assert (tmp_path / "plan.txt").read_bytes() == secret
    code, err = save(capsys, rows["[file: altered.txt]"]["id"], 1, tmp_path)
    assert code == 1 and "“altered.txt” was altered" in err
    assert not (tmp_path / "altered.txt").exists()
    assert kept_bytes(profile) == len(secret)  # the refused one is not kept


def test_a_revoked_sign_in_says_to_sign_in_again_before_a_download(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer, room = talk(synapse, alice, bob)
    peer.send_file(room, b"%PDF-1.4 tiny", "tiny.pdf", "application/pdf")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    MatrixPeer(synapse, alice).api("POST", "/logout/all", {})
    code, err = save(capsys, stored(profile)[0]["id"], 1, tmp_path)
    assert code == 1 and "no longer accepts the sign-in" in err and "login-matrix" in err


def test_send_and_reply_with_a_file_through_the_outbox(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io
    import sys

    import requests

    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer, room = talk(synapse, alice, bob)
    question = peer.say(room, "can you send the floor plan?")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    plan, photo = tmp_path / "floor plan.pdf", tmp_path / "site.png"
    plan.write_bytes(os.urandom(70_000))
    photo.write_bytes(png(40, 30))

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run("send", "--account", "Mx", "--to", bob.user_id, "--attach", str(plan)) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("the site this morning"))
    asked = by_text(profile)["can you send the floor plan?"]["id"]
    assert run("reply", str(asked), "--attach", str(photo)) == 0

    got = list(reversed(peer.messages(room)))[-2:]
    assert [(e["content"]["msgtype"], e["content"]["body"]) for e in got] == [
        ("m.file", "floor plan.pdf"), ("m.image", "the site this morning"),
    ]  # fmt: skip
    assert got[1]["content"]["filename"] == "site.png"
    assert got[1]["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == question
    for event, sent in zip(got, (plan, photo), strict=True):
        server, _, media_id = event["content"]["url"].removeprefix("mxc://").partition("/")
        fetched = requests.get(
            f"{synapse.url}/_matrix/client/v1/media/download/{server}/{media_id}",
            headers={"Authorization": f"Bearer {bob.access_token}"}, timeout=30,
        )  # fmt: skip
        assert fetched.content == sent.read_bytes()
        assert event["content"]["info"]["size"] == sent.stat().st_size

    assert run("sync") == 0
    mine = [r for r in stored(profile) if r["direction"] == "out"]
    assert [r["body"] for r in mine] == [
        "[file: floor plan.pdf]",
        "[image: site.png]\nthe site this morning",
    ]  # fmt: skip — the homeserver's copies became these, not new messages
    assert all(r["remote_id"].startswith("$") for r in mine)
    listed = json_out(capsys, "attachments", str(mine[0]["id"]), "--json")
    assert [(a["filename"], a["downloaded"], a["remote"][:6]) for a in listed] == [
        ("floor plan.pdf", True, "mxc://")
    ]
    capsys.readouterr()
    two = ("--attach", str(plan), "--attach", str(photo))
    assert run("send", "--account", "Mx", "--to", bob.user_id, *two) == 2
    assert "one file" in capsys.readouterr().err

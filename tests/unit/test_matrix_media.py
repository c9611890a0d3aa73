"""Matrix media events as attachments: plain, encrypted (EncryptedFile), stickers, captions,
and an encrypted file that does not match its hash refused in words."""

from __future__ import annotations

import json

import pytest
from nio.crypto.attachments import encrypt_attachment

from unibox.channels.matrix import media, media_send
from unibox.channels.matrix.events import RoomView, read_event
from unibox.core.errors import SecurityError
from unibox.core.items import ChatMessage

ROOM = RoomView("!r:localhost", "@bob:localhost", False)


def event(content: dict[str, object], kind: str = "m.room.message") -> ChatMessage:
    source = {"type": kind, "event_id": "$e", "sender": "@bob:localhost",
              "origin_server_ts": 1_790_000_000_000, "content": content}  # fmt: skip
    item = read_event(source, ROOM, me="@alice:localhost", is_history=True)
    assert isinstance(item, ChatMessage)
    return item


def test_an_image_with_a_caption_and_a_thumbnail() -> None:
    item = event({
        "msgtype": "m.image", "body": "the boats at dawn", "filename": "../harbour.png",
        "url": "mxc://localhost/abc",
        "info": {"mimetype": "image/png", "size": 1234, "w": 640, "h": 480,
                 "thumbnail_url": "mxc://localhost/thumb"},
    })  # fmt: skip
    assert item.text == "[image: harbour.png]\nthe boats at dawn"
    (a,) = item.attachments
    assert (a.filename, a.content_type, a.size, a.remote) == (
        "harbour.png", "image/png", 1234, "mxc://localhost/abc"
    )  # fmt: skip
    assert json.loads(a.details) == {
        "kind": "image", "thumbnail": "mxc://localhost/thumb", "w": 640, "h": 480
    }  # fmt: skip


def test_a_sticker_a_file_without_info_and_an_encrypted_file() -> None:
    sticker = event({"body": "wave", "url": "mxc://localhost/st", "info": {}}, "m.sticker")
    assert sticker.text == "[sticker: wave]"
    assert sticker.attachments[0].content_type == "image/png"
    plain = event({"msgtype": "m.file", "body": "notes", "url": "mxc://localhost/n"})
    assert (plain.attachments[0].filename, plain.attachments[0].size) == ("notes", 0)
    _data, keys = encrypt_attachment(b"secret")
    secret = event({"msgtype": "m.video", "body": "clip.mp4",
                    "file": {"url": "mxc://localhost/enc", **keys}})  # fmt: skip
    (a,) = secret.attachments
    assert a.remote == "mxc://localhost/enc" and a.content_type == "video/mp4"
    assert json.loads(a.details)["file"]["sha256"] == keys["hashes"]["sha256"]


def test_media_without_an_address_is_text_only_and_text_has_none() -> None:
    assert event({"msgtype": "m.file", "body": "lost.pdf"}).attachments == ()
    assert event({"msgtype": "m.file", "body": "x", "url": "https://evil/x"}).attachments == ()
    assert event({"msgtype": "m.text", "body": "hello"}).attachments == ()


def test_decrypt_checks_the_hash() -> None:
    ciphertext, keys = encrypt_attachment(b"the plan")
    item = event({"msgtype": "m.file", "body": "plan.txt",
                  "file": {"url": "mxc://localhost/p", **keys}})  # fmt: skip
    details = item.attachments[0].details
    assert media.decrypt(ciphertext, details, "plan.txt") == b"the plan"
    with pytest.raises(SecurityError, match=r"“plan\.txt” was altered"):
        media.decrypt(ciphertext[:-1] + b"?", details, "plan.txt")
    assert media.decrypt(b"plain bytes", '{"kind":"file"}', "a") == b"plain bytes"


def test_a_file_sent_into_an_encrypted_room_is_read_back_as_it_was() -> None:
    ciphertext, details = media_send.encrypt(b"floor plan")
    content = media_send.file_content(
        filename="plan.pdf", content_type="application/pdf", size=10,
        remote="mxc://localhost/up", details=details, caption="",
    )  # fmt: skip
    assert "url" not in content and content["file"]["url"] == "mxc://localhost/up"
    (a,) = event(content).attachments
    assert (a.filename, a.content_type, a.size) == ("plan.pdf", "application/pdf", 10)
    assert media.decrypt(ciphertext, a.details, "plan.pdf") == b"floor plan"
    plain = media_send.file_content(
        filename="site.png", content_type="image/png", size=3, remote="mxc://localhost/s",
        details='{"kind":"image"}', caption="the site",
    )  # fmt: skip
    assert (plain["msgtype"], plain["body"], plain["url"]) == (
        "m.image", "the site", "mxc://localhost/s"
    )  # fmt: skip

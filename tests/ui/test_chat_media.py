"""A Matrix chat's image and file in the reading pane, against a real Synapse: the picture
loads through the media API when the chat is shown, the file is a chip that saves, and a
file deleted on the server says so."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.png import png
from tests.helpers.synapse import MatrixUser, Synapse
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store.chat_accounts import chat_accounts
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.widgets.attachment_strip import AttachmentChip
from unibox.ui.widgets.chat_bubbles import Bubble
from unibox.ui.widgets.chat_media import Picture
from unibox.ui.widgets.chat_view import ChatView

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def matrix_store(
    synapse: Synapse,
    matrix_user_factory: Callable[[str], MatrixUser],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Store, MatrixPeer, dict[str, Any]]]:
    """A profile whose Matrix account has synced a chat with a photo, a report and a note."""
    from unibox.services.matrix import create_matrix_account, matrix_settings
    from unibox.sync.chat_engine import run_once

    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer = MatrixPeer(synapse, bob)
    room = peer.direct_chat(alice.user_id)
    MatrixPeer(synapse, alice).join(room)
    peer.api("PUT", f"/profile/{bob.user_id}/displayname", {"displayname": "Bob Lindqvist"})
    sent = {"photo": png(360, 240), "report": os.urandom(48_000)}
    peer.say(room, "Here are the pictures from the harbour, and the report.")
    peer.send_file(room, sent["photo"], "harbour.png", "image/png", msgtype="m.image",
                   caption="The boats at dawn", info={"w": 360, "h": 240})  # fmt: skip
    peer.send_file(room, sent["report"], "Quarterly report.pdf", "application/pdf")
    _event, sent["gone_uri"] = peer.send_file(room, b"old notes", "notes.txt", "text/plain")
    store = Store(store_path(tmp_path / "profile"))
    create_matrix_account(
        store, SecretStore(), name="Mx", settings=matrix_settings(synapse.url, alice.user_id),
        password=alice.password,
    )  # fmt: skip
    with store.read() as s:
        accounts = chat_accounts(s)
    assert run_once(store, SecretStore(), accounts) == {}
    yield store, peer, sent
    store.close()


def media_of(view: ChatView) -> dict[str, Bubble]:
    """The chat's bubbles with a file, by the name of their first."""
    return {b.line.attachments[0].filename: b for b in view.lines.bubbles if b.media}


def picture_of(view: ChatView, name: str) -> Picture:
    media = media_of(view)[name].media
    assert media is not None and media.picture is not None
    return media.picture


def chip_of(view: ChatView, name: str) -> AttachmentChip:
    media = media_of(view)[name].media
    assert media is not None
    return media.chips[0]


def peer_room(peer: MatrixPeer) -> str:
    (room,) = peer.api("GET", "/joined_rooms")["joined_rooms"]
    return str(room)


def test_a_matrix_chat_shows_its_picture_and_saves_its_file(
    qtbot: Any,
    matrix_store: tuple[Store, MatrixPeer, dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from unibox.app import build_window
    from unibox.ui.theme import apply_theme

    store, peer, sent = matrix_store
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    window: MainWindow = build_window(store)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    try:
        model = window.messages
        qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
        window.message_list.select_row(0)
        view = window.chat_view
        qtbot.waitUntil(lambda: len(view.lines.bubbles) == 4, timeout=10_000)
        assert set(media_of(view)) == {"harbour.png", "Quarterly report.pdf", "notes.txt"}
        photo = media_of(view)["harbour.png"]
        assert photo.text.text() == "The boats at dawn"  # the caption, not "[image: …]"
        assert [c.name for c in photo.media.chips] == ["harbour.png"]  # type: ignore[union-attr]
        # A reload (the chat marked read) builds the bubbles again: ask the current one.
        qtbot.waitUntil(lambda: picture_of(view, "harbour.png").loaded, timeout=30_000)
        picture = picture_of(view, "harbour.png")
        assert (picture.width(), picture.height()) == (280, 186)  # scaled into the bubble
        assert media_of(view)["Quarterly report.pdf"].media.picture is None  # type: ignore[union-attr]

        target = tmp_path / "saved report.pdf"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        chip_of(view, "Quarterly report.pdf").chosen.emit("save")
        qtbot.waitUntil(target.exists, timeout=30_000)
        assert target.read_bytes() == sent["report"]
        status = window.statusBar()
        qtbot.waitUntil(lambda: "Saved “saved report.pdf”" in status.currentMessage())

        peer.server.delete_media(sent["gone_uri"])
        chip_of(view, "notes.txt").chosen.emit("save")
        qtbot.waitUntil(lambda: "no longer on the homeserver" in status.currentMessage(),
                        timeout=30_000)  # fmt: skip
        assert "notes.txt" in status.currentMessage()

        # A file of the user's own, sent from the reply box with what was written as caption.
        mine = tmp_path / "my view.png"
        mine.write_bytes(png(200, 120, (200, 90, 40)))
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(mine), ""))
        assert view.attach_button.isVisible()
        view.input.setPlainText("And the view from my window")
        view.attach_button.click()
        qtbot.waitUntil(lambda: len(view.lines.bubbles) == 5, timeout=10_000)
        sent_bubble = media_of(view)["my view.png"]
        assert sent_bubble.mine and sent_bubble.text.text() == "And the view from my window"
        # Its bytes are here already: the picture shows before it is sent.
        qtbot.waitUntil(lambda: picture_of(view, "my view.png").loaded, timeout=10_000)
        from unibox.services.chat import chat_account, send_now

        account = chat_account(store, "Mx")
        assert account is not None
        send_now(store, SecretStore(), account)
        last = peer.messages(peer_room(peer), limit=10)[0]
        assert (last["content"]["msgtype"], last["content"]["filename"]) == (
            "m.image", "my view.png"
        )  # fmt: skip
        from unibox.core.items import ChangeSet

        shown = view.shown
        assert shown is not None
        window.bridge.post_changes(ChangeSet(conversations={shown.conversation_id}))
        qtbot.waitUntil(
            lambda: media_of(view)["my view.png"].line.delivery == "sent", timeout=10_000
        )
        qtbot.waitUntil(lambda: picture_of(view, "my view.png").loaded, timeout=10_000)

        qtbot.waitUntil(lambda: view.scroller.verticalScrollBar().value()
                        == view.scroller.verticalScrollBar().maximum())  # fmt: skip
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().toImage().save(str(SHOTS / "matrix-media.png"))
    finally:
        window.close()
        window.bridge.close()

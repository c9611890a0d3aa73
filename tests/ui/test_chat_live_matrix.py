"""A Matrix chat live in the window, against a real Synapse: a line the peer writes while the
window runs comes into the inbox by itself, and a reply from the reading pane reaches them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.synapse import MatrixUser, Synapse
from tests.ui.test_sync import close_window, open_window
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store.store import Store
from unibox.ui.models.message_list import Role

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]
WAIT = 60_000  # a hang guard: the conditions are what is waited for


@pytest.fixture
def matrix_profile(
    synapse: Synapse,
    matrix_user_factory: Callable[[str], MatrixUser],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Store, MatrixPeer, str]]:
    """A profile with a Matrix account (not synced yet) and a direct chat its peer opened."""
    from unibox.services.matrix import create_matrix_account, matrix_settings

    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer = MatrixPeer(synapse, bob)
    peer.api("PUT", f"/profile/{bob.user_id}/displayname", {"displayname": "Bob Lindqvist"})
    room = peer.direct_chat(alice.user_id)
    MatrixPeer(synapse, alice).join(room)
    store = Store(store_path(tmp_path / "profile"))
    create_matrix_account(
        store, SecretStore(), name="Mx", settings=matrix_settings(synapse.url, alice.user_id),
        password=alice.password,
    )  # fmt: skip
    yield store, peer, room
    store.close()


def _bodies(peer: MatrixPeer, room: str) -> list[str]:
    return [str(e["content"].get("body")) for e in peer.messages(room, limit=10)]


def test_a_line_written_while_the_window_runs_comes_in_and_the_reply_goes_out(
    qtbot: Any, matrix_profile: tuple[Store, MatrixPeer, str]
) -> None:
    store, peer, room = matrix_profile
    window = open_window(qtbot, store)
    try:
        syncs = window.syncs
        assert syncs is not None
        qtbot.waitUntil(lambda: syncs.chat_names == ["Mx"], timeout=WAIT)
        peer.say(room, "Are you at the harbour at noon?")
        model = window.messages

        def row_of_bob() -> int | None:
            for n in range(model.rowCount()):
                r = model.index(n).data(Role.ROW)
                if r is not None and r.sender_name == "Bob Lindqvist" and r.chat:
                    return n
            return None

        qtbot.waitUntil(lambda: row_of_bob() is not None, timeout=WAIT)  # no click, no F5
        n = row_of_bob()
        assert n is not None
        window.message_list.select_row(n)
        view = window.chat_view
        qtbot.waitUntil(
            lambda: (
                [b.text.text() for b in view.lines.bubbles] == ["Are you at the harbour at noon?"]
            ),
            timeout=WAIT,
        )
        view.input.setFocus()
        qtbot.keyClicks(view.input, "Yes, by the fish market.")
        qtbot.keyClick(view.input, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: _bodies(peer, room)[0] == "Yes, by the fish market.", timeout=WAIT)
        qtbot.waitUntil(lambda: "Sending…" not in view.lines.bubbles[-1].when.text(), timeout=WAIT)
        assert [b.text.text() for b in view.lines.bubbles] == [
            "Are you at the harbour at noon?",
            "Yes, by the fish market.",
        ]
    finally:
        close_window(window)

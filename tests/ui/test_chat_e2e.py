"""An encrypted Matrix chat in the reading pane, against a real Synapse and a second real nio
client: each encrypted line has a lock saying how its sender's device is trusted, a line
whose key has not come says so, and Settings › Accounts › "Import room keys…" opens it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.helpers.matrix_e2e_peer import E2EPeer
from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.synapse import MatrixUser, Synapse
from unibox.channels.matrix.session import Session
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store.chat_accounts import chat_accounts
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.settings.room_keys import RoomKeysButton

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
GATE = "The code for the gate is 2231."
BOAT = "The boat leaves at six from pier 4."


@pytest.fixture
def encrypted_store(
    synapse: Synapse,
    matrix_user_factory: Callable[[str], MatrixUser],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Store, Path, str]]:
    """A profile whose Matrix account has synced an encrypted chat: one line it could read,
    one whose key never came; and the sender's room-key export."""
    from unibox.services.matrix import create_matrix_account, matrix_settings
    from unibox.sync.chat_engine import run_once

    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    alice = matrix_user_factory("alice")
    bob = E2EPeer(synapse, matrix_user_factory("bob"), tmp_path / "bob-keys")
    try:
        room = bob.encrypted_room(alice.user_id)
        MatrixPeer(synapse, alice).join(room)
        MatrixPeer(synapse, bob.user).api(
            "PUT", f"/profile/{bob.user_id}/displayname", {"displayname": "Bob Lindqvist"}
        )
        store = Store(store_path(tmp_path / "profile"))
        create_matrix_account(
            store, SecretStore(), name="Mx", settings=matrix_settings(synapse.url, alice.user_id),
            password=alice.password,
        )  # fmt: skip
        with store.read() as s:
            accounts = chat_accounts(s)
        assert run_once(store, SecretStore(), accounts) == {}  # the device's keys go up
        device = Session.load(SecretStore().get("matrix:Mx")).device_id
        bob.say(room, GATE)
        bob.say_with_late_key(room, BOAT, alice.user_id, device)  # its key is never sent
        export = tmp_path / "bob-keys.txt"
        bob.export_keys(export, "correct horse")
    finally:
        bob.close()
    assert run_once(store, SecretStore(), accounts) == {}
    yield store, export, alice.password
    store.close()


def test_locks_say_how_lines_were_encrypted_and_an_import_opens_the_waiting_one(
    qtbot: Any,
    encrypted_store: tuple[Store, Path, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from unibox.app import build_window
    from unibox.ui.theme import apply_theme

    store, export, password = encrypted_store
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    window: MainWindow = build_window(store)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.messages.rowCount() > 0, timeout=10_000)
        window.message_list.select_row(0)
        view = window.chat_view
        qtbot.waitUntil(lambda: len(view.lines.bubbles) == 2, timeout=15_000)
        gate, boat = view.lines.bubbles
        assert gate.text.text() == GATE
        assert gate.lock is not None and "trusted on first use" in gate.lock.toolTip()
        assert boat.text.text().startswith("This message could not be decrypted yet")
        assert boat.lock is not None and "not decrypted yet" in boat.lock.toolTip()
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().toImage().save(str(SHOTS / "matrix-e2e.png"))

        from unibox.ui.settings.dialog import SettingsDialog

        dialog = SettingsDialog(window.prefs, window.bridge, SecretStore(), parent=window)
        dialog.show_page("Accounts")
        dialog.resize(1000, 640)
        dialog.show()
        page = dialog.accounts
        button: RoomKeysButton = page.room_keys
        qtbot.waitUntil(lambda: button.isVisible(), timeout=10_000)
        passphrase = ["wrong horse"]
        monkeypatch.setattr(button, "ask_file", lambda: str(export))
        monkeypatch.setattr(button, "ask_passphrase", lambda _path: (passphrase[0], True))
        button.click()
        qtbot.waitUntil(lambda: "passphrase is wrong" in page.problem.text(), timeout=30_000)
        passphrase[0] = "correct horse"
        button.click()
        qtbot.waitUntil(lambda: "imported" in page.problem.text(), timeout=30_000)
        assert "1 message that could not be decrypted now reads in clear" in page.problem.text()
        dialog.grab().toImage().save(str(SHOTS / "matrix-room-keys.png"))

        # The password field signs a Matrix account in again (a new device, its own keys);
        # it never puts the password where the session and the keys' key are kept.
        before = Session.load(SecretStore().get("matrix:Mx"))
        page.password.setText(password)
        page.change_password.click()
        qtbot.waitUntil(lambda: "signed in again" in page.problem.text(), timeout=30_000)
        after = Session.load(SecretStore().get("matrix:Mx"))
        assert after.access_token and after.pickle_key and after.device_id != before.device_id
        dialog.close()

        qtbot.waitUntil(
            lambda: [b.text.text() for b in view.lines.bubbles] == [GATE, BOAT], timeout=15_000
        )
        boat = view.lines.bubbles[1]
        assert boat.lock is not None and "trusted on first use" in boat.lock.toolTip()
        window.grab().toImage().save(str(SHOTS / "matrix-e2e-imported.png"))
    finally:
        window.close()
        window.bridge.close()

"""Triage from the window reaches a real IMAP server: e in the window, the mail leaves INBOX."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.ui.test_sync import add_mail_account, close_window, open_window, subjects
from unibox.config import store_path
from unibox.store.store import Store
from unibox.ui.widgets.sync_status import SyncState

pytestmark = pytest.mark.integration


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    yield store
    store.close()


def _folder_subjects(dovecot: Dovecot, user: str, folder: str) -> list[str]:
    """What a second IMAP client sees in a folder."""
    client = dovecot.imap(user)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        if not uids:
            return []
        found = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        return sorted(
            v[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().split(":", 1)[1].strip()
            for v in found.values()
        )
    finally:
        client.logout()


def test_e_in_the_window_archives_on_the_server(
    qtbot: Any, dovecot: Dovecot, mail_user: str, profile: Store
) -> None:
    for subject in ("Keep me", "Archive me"):
        dovecot.deliver(mail_user, simple_message(subject, "Body text."))
    add_mail_account(profile, dovecot, mail_user)
    window = open_window(qtbot, profile)
    try:
        status = window.sync_status
        qtbot.waitUntil(lambda: window.messages.rowCount() == 2, timeout=20_000)
        qtbot.waitUntil(lambda: status.accounts["Work"].state is SyncState.IDLE, timeout=20_000)
        assert window.sidebar_model.has_accounts
        syncs = window.syncs
        assert syncs is not None
        kicked: list[str | None] = []
        real_sync_now = syncs.sync_now

        def spy(name: str | None = None) -> list[str]:
            kicked.append(name)
            return real_sync_now(name)

        syncs.sync_now = spy  # type: ignore[method-assign]
        row = subjects(qtbot, window).index("Archive me")
        window.message_list.select_row(row)
        window.message_list.setFocus()
        qtbot.keyClick(window.message_list, Qt.Key.Key_E)
        assert subjects(qtbot, window) == ["Keep me"]  # gone from the list at once
        # The window nudges the sync; the server follows without F5.
        qtbot.waitUntil(
            lambda: _folder_subjects(dovecot, mail_user, "INBOX") == ["Keep me"], timeout=30_000
        )
        assert _folder_subjects(dovecot, mail_user, "Archive") == ["Archive me"]
        assert set(kicked) == {"Work"}  # the window asked for that account's sync
    finally:
        close_window(window)

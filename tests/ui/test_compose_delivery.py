"""End to end: a message written in the compose window leaves after the undo delay, by itself.

Real Dovecot (IMAP, the Sent folder) and aiosmtpd (submission), the window's own sync engine.
"""

from __future__ import annotations

import email
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.dovecot import Dovecot
from tests.helpers.smtp import SmtpServer, smtp_server
from unibox.app import build_window
from unibox.config import UNDO_SEND_SECONDS, Settings, store_path
from unibox.secrets import SecretStore
from unibox.store import accounts
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.widgets.sync_status import SyncState

pytestmark = pytest.mark.integration
__all__ = ["smtp_server"]
UNDO = 2


@pytest.fixture
def profile_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    Settings(store.path.parent).set(UNDO_SEND_SECONDS, UNDO)
    yield store
    store.close()


def add_account(store: Store, dovecot: Dovecot, smtp: SmtpServer, user: str) -> None:
    SecretStore().set("mail:Work", dovecot.password)
    smtp.add_user(user, dovecot.password)
    with store.write() as s:
        accounts.add_account(
            s,
            name="Work",
            kind="imap",
            email=f"{user}@example.com",
            display_name="Me Tester",
            settings=accounts.MailSettings(
                imap=accounts.MailServer("localhost", dovecot.imap_port, "starttls"),
                smtp=accounts.MailServer("localhost", smtp.port, "starttls"),
                username=user,
                ca_file=str(dovecot.ca_file),
            ),
            secret_ref="mail:Work",
        )


def sent_subjects(dovecot: Dovecot, user: str) -> list[str]:
    client = dovecot.imap(user)
    try:
        client.select_folder("Sent", readonly=True)
        uids = client.search("ALL")
        found = client.fetch(uids, ["BODY.PEEK[HEADER]"]) if uids else {}
        headers = [email.message_from_bytes(d[b"BODY[HEADER]"]) for d in found.values()]
        return [str(h["Subject"]) for h in headers]
    finally:
        client.logout()


def test_a_message_written_in_the_window_is_delivered_after_the_undo_delay(
    qtbot: Any, dovecot: Dovecot, mail_user: str, smtp_server: SmtpServer, profile_store: Store
) -> None:
    add_account(profile_store, dovecot, smtp_server, mail_user)
    window: MainWindow = build_window(profile_store, sync=True)
    qtbot.addWidget(window)
    window.show()
    try:
        status = window.sync_status
        qtbot.waitUntil(lambda: status.accounts["Work"].state is SyncState.IDLE, timeout=20_000)
        launcher = window.composer
        launcher.new()
        qtbot.waitUntil(lambda: launcher.opened is not None)
        compose = launcher.opened
        assert compose is not None
        assert compose.fields.account.currentText() == f"Me Tester <{mail_user}@example.com>"
        compose.fields.to.setText("Bob Builder <bob@example.org>")
        compose.fields.subject.setText("Site visit on Friday")
        compose.body.setPlainText("Nine o'clock at the gate.")
        qtbot.keyClick(compose.body, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        notice = launcher.notice
        qtbot.waitUntil(notice.isVisible)
        assert notice.label.text().startswith("Sending to Bob Builder in ")
        assert smtp_server.messages == []  # still within the undo delay
        qtbot.waitUntil(lambda: len(smtp_server.messages) == 1, timeout=30_000)
        [got] = smtp_server.messages
        assert got.rcpt_tos == ("bob@example.org",)
        assert b"Subject: Site visit on Friday" in got.data
        qtbot.waitUntil(
            lambda: sent_subjects(dovecot, mail_user) == ["Site visit on Friday"], timeout=30_000
        )
        qtbot.waitUntil(lambda: notice.label.text() == "Sent to Bob Builder.", timeout=10_000)
    finally:
        assert window.syncs is not None
        assert window.syncs.stop(timeout=15), "a sync thread did not end"
        window.close()
        window.bridge.close()

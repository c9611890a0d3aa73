"""Settings › Accounts › Edit: servers and password changed, tested and saved (real Dovecot)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.helpers.ports import free_port
from tests.helpers.smtp import SmtpServer, smtp_server  # noqa: F401  (a fixture)
from tests.ui.test_sync import add_mail_account, close_window, open_window, subjects
from unibox.config import store_path
from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store import accounts, folders
from unibox.store.store import Store
from unibox.sync.runner import SyncRunner
from unibox.ui.account_setup import form_for, settings_for, update_account
from unibox.ui.main_window import MainWindow
from unibox.ui.widgets.account_edit import EditAccountDialog

pytestmark = pytest.mark.integration


@pytest.fixture
def profile_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    yield store
    store.close()


def _stored(store: Store) -> accounts.AccountInfo:
    with store.read() as s:
        return accounts.get_account(s, "Work")


def _edit_dialog(qtbot: Any, window: MainWindow) -> EditAccountDialog:
    settings = window.open_settings("Accounts")
    page = settings.accounts
    qtbot.waitUntil(lambda: page.current is not None and page.current.account.name == "Work")
    assert page.edit.isEnabled()
    qtbot.mouseClick(page.edit, Qt.MouseButton.LeftButton)
    dialog = page.edit_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _answer(qtbot: Any, dialog: EditAccountDialog) -> str:
    qtbot.waitUntil(lambda: dialog.add_button.isEnabled(), timeout=20_000)
    return dialog.message.text()


def test_a_wrong_port_is_tested_fixed_and_saved_then_the_account_syncs(
    qtbot: Any, dovecot: Dovecot, mail_user: str, profile_store: Store
) -> None:
    dovecot.deliver(mail_user, simple_message("Before the fix", "Waiting on the server."))
    dovecot.deliver(mail_user, simple_message("Second one", "Also waiting."))
    closed = free_port()
    add_mail_account(profile_store, dovecot, mail_user, port=closed)
    window = open_window(qtbot, profile_store)
    try:
        dialog = _edit_dialog(qtbot, window)
        assert dialog.imap.host.text() == "localhost"
        assert dialog.imap.port.text() == str(closed)
        assert dialog.username.text() == mail_user
        assert dialog.password.text() == ""  # the keyring keeps it
        assert not dialog.account_name.isEnabled()

        # As stored: Test connection says the server is not there, in words.
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        said = _answer(qtbot, dialog)
        assert f"localhost:{closed} refused the connection" in said
        assert dialog.message.property("problem") is True

        # The right port: Test connection signs in (with the stored password) and saves nothing.
        dialog.imap.port.setText(str(dovecot.imap_port))
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        said = _answer(qtbot, dialog)
        assert said.startswith("Signed in to localhost") and "Nothing was saved" in said
        assert dialog.message.property("problem") is False
        assert not dialog.rematch.isVisible()  # same host and user: nothing to match again
        assert _stored(profile_store).settings.imap.port == closed

        with qtbot.waitSignal(dialog.account_changed, timeout=20_000) as changed:
            qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()
        assert changed.args[0].settings.imap.port == dovecot.imap_port
        assert _stored(profile_store).settings.imap.port == dovecot.imap_port
        assert SecretStore().get("mail:Work") == dovecot.password
        page = window.settings_dialog.accounts  # type: ignore[union-attr]
        assert f"localhost:{dovecot.imap_port}" in page.server.text()

        # Its sync started again on the new port: the mail arrives.
        qtbot.waitUntil(lambda: window.messages.rowCount() == 2, timeout=30_000)
        assert sorted(subjects(qtbot, window)) == ["Before the fix", "Second one"]
    finally:
        close_window(window)


def test_a_wrong_password_is_said_and_nothing_is_saved(
    qtbot: Any, dovecot: Dovecot, mail_user: str, profile_store: Store
) -> None:
    add_mail_account(profile_store, dovecot, mail_user)
    window = open_window(qtbot, profile_store)
    try:
        dialog = _edit_dialog(qtbot, window)
        dialog.display_name.setText("Someone Else")
        dialog.imap.port.setText(str(dovecot.imap_port))
        qtbot.keyClicks(dialog.password, "not-the-password")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter saves
        said = _answer(qtbot, dialog)
        assert f"localhost rejected the user name or password for {mail_user}" in said
        assert dialog.message.property("problem") is True
        assert dialog.isVisible() and dialog.password.text() == "not-the-password"
        assert SecretStore().get("mail:Work") == dovecot.password
        assert _stored(profile_store).display_name == ""
    finally:
        close_window(window)


def test_a_new_host_keeps_the_mail_and_matches_the_folders_again(
    qtbot: Any, dovecot: Dovecot, mail_user: str, profile_store: Store
) -> None:
    dovecot.deliver(mail_user, simple_message("Kept across servers", "Same mailbox."))
    add_mail_account(profile_store, dovecot, mail_user)
    runner = SyncRunner(profile_store, SecretStore())
    try:
        runner.sync_once(_stored(profile_store))
        with profile_store.read() as s:
            before = {m.subject: m.id for m in _messages(s)}
            inbox = next(f for f in folders.list_folders(s, _stored(profile_store).id))

        # Only the port (same value, other form): folders keep their state.
        old = _stored(profile_store).settings
        with profile_store.write() as s:
            accounts.update_mail_account(
                s, "Work", email=f"{mail_user}@example.com", display_name="", settings=old
            )
        with profile_store.read() as s:
            assert folders.list_folders(s, inbox.account_id)[0].uidvalidity == inbox.uidvalidity

        # The same server by another name: said in the dialog, matched again on the next sync.
        window = open_window(qtbot, profile_store)
        try:
            dialog = _edit_dialog(qtbot, window)
            dialog.imap.host.setText("127.0.0.1")
            assert dialog.rematch.isVisible()
            assert "mail already on this computer is kept" in dialog.rematch.text()
            assert "127.0.0.1" in dialog.rematch.text()
            dialog.imap.host.setText("localhost")
            assert not dialog.rematch.isVisible()
        finally:
            close_window(window)
        moved = accounts.MailSettings(
            imap=accounts.MailServer("127.0.0.1", old.imap.port, old.imap.security),
            smtp=None,
            username=old.username,
            ca_file=old.ca_file,
        )
        with profile_store.write() as s:
            accounts.update_mail_account(
                s, "Work", email=f"{mail_user}@example.com", display_name="", settings=moved
            )
        with profile_store.read() as s:
            assert {f.uidvalidity for f in folders.list_folders(s, inbox.account_id)} == {0}
        runner.sync_once(_stored(profile_store))
        with profile_store.read() as s:
            after = {m.subject: m.id for m in _messages(s)}
            matched = folders.list_folders(s, inbox.account_id)
        assert after == before  # the same messages, none twice, none lost
        assert all(f.uidvalidity for f in matched)
    finally:
        runner.close()


def _messages(s: Any) -> list[Any]:
    from sqlalchemy import select

    from unibox.store.schema import Message

    return list(s.scalars(select(Message).where(Message.deleted_at.is_(None))))


def test_nothing_is_saved_while_the_old_sync_is_still_running(
    dovecot: Dovecot, mail_user: str, profile_store: Store
) -> None:
    add_mail_account(profile_store, dovecot, mail_user)
    account = _stored(profile_store)
    form = form_for(account)
    moved = settings_for(replace(form, imap_host="127.0.0.1"))
    with pytest.raises(UserError, match="still finishing a sync, so nothing was saved"):
        update_account(
            profile_store, SecretStore(), account, form, moved, "new-pw", lambda _name: False
        )
    assert _stored(profile_store).settings == account.settings
    assert SecretStore().get("mail:Work") == dovecot.password


def test_test_connection_signs_in_to_the_smtp_server_too(
    qtbot: Any,
    dovecot: Dovecot,
    mail_user: str,
    profile_store: Store,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    smtp_server.add_user(mail_user, dovecot.password)
    add_mail_account(profile_store, dovecot, mail_user)
    window = open_window(qtbot, profile_store)
    try:
        dialog = _edit_dialog(qtbot, window)
        closed = free_port()
        dialog.smtp.host.setText("localhost")
        dialog.smtp.set_security("starttls")
        dialog.smtp.port.setText(str(closed))
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert f"localhost:{closed} refused the connection" in _answer(qtbot, dialog)
        dialog.smtp.port.setText(str(smtp_server.port))
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        said = _answer(qtbot, dialog)
        assert "Signed in to localhost" in said and "localhost accepts your mail" in said
        with qtbot.waitSignal(dialog.account_changed, timeout=20_000):
            qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        smtp = _stored(profile_store).settings.smtp
        assert smtp is not None
        assert (smtp.host, smtp.port, smtp.security) == ("localhost", smtp_server.port, "starttls")
    finally:
        close_window(window)

"""Adding an account from the window: first run, the dialog, a real Dovecot, then mail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.ui.test_sync import close_window, open_window, subjects
from unibox.config import store_path
from unibox.core.errors import UserError
from unibox.secrets import SecretStore, SecretStoreError
from unibox.store import accounts
from unibox.store.store import Store
from unibox.ui.account_setup import MailAccountForm, settings_for
from unibox.ui.main_window import MainWindow
from unibox.ui.widgets.account_dialog import AddAccountDialog

pytestmark = pytest.mark.integration


@pytest.fixture
def empty_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    yield store
    store.close()


def fill(dialog: AddAccountDialog, qtbot: Any, dovecot: Dovecot, user: str, password: str) -> None:
    dialog.display_name.setText("Mira Castell")
    qtbot.keyClicks(dialog.email, f"{user}@example.com")
    assert dialog.imap.host.text() == "imap.example.com"  # guessed until edited
    dialog.password.setText(password)
    dialog.imap.host.setText("localhost")
    dialog.imap.set_security("starttls")
    assert dialog.imap.port.text() == "143"
    dialog.imap.port.setText(str(dovecot.imap_port))
    dialog.smtp.host.clear()
    dialog.username.setText(user)
    dialog.account_name.setText("Work")
    dialog.more.setChecked(True)
    dialog.ca_file.setText(str(dovecot.ca_file))


def open_dialog(qtbot: Any, window: MainWindow) -> AddAccountDialog:
    """Add account clicked on the first-run page; the dialog once it shows. On a busy
    machine the click may come before the sync side is loaded: it opens once it is."""
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome, timeout=10_000)
    qtbot.mouseClick(window.welcome.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            window.accounts.account_dialog is not None
            and window.accounts.account_dialog.isVisible()
        ),
        timeout=10_000,
    )
    assert window.accounts.account_dialog is not None
    return window.accounts.account_dialog


def test_first_run_add_account_then_mail_appears(
    qtbot: Any, dovecot: Dovecot, mail_user: str, empty_profile: Store
) -> None:
    dovecot.deliver(mail_user, simple_message("Welcome aboard", "Glad you are here."))
    dovecot.deliver(mail_user, simple_message("Second note", "Another one."))
    window = open_window(qtbot, empty_profile)
    try:
        dialog = open_dialog(qtbot, window)

        # A wrong password: said in words, nothing stored, the dialog stays.
        fill(dialog, qtbot, dovecot, mail_user, "wrong-password")
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert not dialog.add_button.isEnabled()  # testing, off the GUI thread
        qtbot.waitUntil(lambda: dialog.message.property("problem") is True, timeout=20_000)
        assert "rejected the user name or password" in dialog.message.text()
        assert dialog.isVisible() and dialog.add_button.isEnabled()
        with empty_profile.read() as s:
            assert accounts.list_accounts(s) == []
        with pytest.raises(SecretStoreError):
            SecretStore().get("mail:Work")

        dialog.password.setText(dovecot.password)
        with qtbot.waitSignal(dialog.account_added, timeout=20_000) as added:
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert not dialog.isVisible()
        info = added.args[0]
        assert (info.name, info.kind, info.email) == ("Work", "imap", f"{mail_user}@example.com")
        assert info.settings.imap.port == dovecot.imap_port
        assert SecretStore().get("mail:Work") == dovecot.password
        with empty_profile.read() as s:
            stored = accounts.get_account(s, "Work")
        assert stored.settings.ca_file == str(dovecot.ca_file)
        assert stored.display_name == "Mira Castell"

        qtbot.waitUntil(lambda: window.messages.rowCount() == 2, timeout=20_000)
        assert sorted(subjects(qtbot, window)) == ["Second note", "Welcome aboard"]
        # The three panes, no longer the welcome: that follows the sidebar's own read,
        # which may finish after the list's on a busy machine.
        qtbot.waitUntil(lambda: window.pages.currentIndex() == 0, timeout=10_000)
        assert window.sync_status.isVisible()
    finally:
        close_window(window)


def test_the_form_is_checked_before_anything_is_sent() -> None:
    good = MailAccountForm(
        name="Work",
        display_name="",
        email="me@example.org",
        username="me",
        imap_host="imap.example.org",
        imap_port=993,
        imap_security="ssl",
    )
    assert settings_for(good).smtp is None
    bad = {
        "email": "not an address",
        "imap_host": "",
        "imap_security": "plain",
        "fingerprint": "12:34",
        "ca_file": "/nonexistent/ca.pem",
        "name": "",
    }
    for field, value in bad.items():
        values = {f: getattr(good, f) for f in good.__slots__}  # type: ignore[attr-defined]
        values[field] = value
        form = MailAccountForm(**values)
        with pytest.raises(UserError):
            settings_for(form)
    plain_local = {f: getattr(good, f) for f in good.__slots__}  # type: ignore[attr-defined]
    plain_local.update(imap_host="127.0.0.1", imap_security="plain", imap_port=143)
    assert settings_for(MailAccountForm(**plain_local)).imap.security == "plain"

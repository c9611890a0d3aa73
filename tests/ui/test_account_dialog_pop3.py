"""A POP3 account from the window's dialog: POP3 chosen, a real Dovecot, then its mail listed."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.ui.test_account_dialog import empty_profile, open_dialog
from tests.ui.test_sync import close_window, open_window, subjects
from unibox.store import accounts
from unibox.store.store import Store

pytestmark = pytest.mark.integration
__all__ = ["empty_profile"]


def test_a_pop3_account_is_added_in_the_dialog_and_its_mail_appears(
    qtbot: Any, dovecot: Dovecot, mail_user: str, empty_profile: Store
) -> None:
    dovecot.deliver(mail_user, simple_message("Downloaded hello", "Over POP3."))
    dovecot.deliver(mail_user, simple_message("Downloaded again", "Also POP3."))
    window = open_window(qtbot, empty_profile)
    try:
        dialog = open_dialog(qtbot, window)
        assert not dialog.delete_after.isVisibleTo(dialog)  # IMAP first: nothing to delete
        qtbot.keyClicks(dialog.email, f"{mail_user}@example.com")
        dialog.incoming_kind.setCurrentIndex(dialog.incoming_kind.findData("pop3"))
        assert dialog.imap.host.text() == "pop.example.com"  # the guess follows the choice
        assert dialog.imap.port.text() == "995"
        assert dialog.delete_after.isVisibleTo(dialog) and dialog.delete_after.value() == 0
        dialog.imap.set_security("starttls")
        assert dialog.imap.port.text() == "110"
        dialog.imap.host.setText("localhost")
        dialog.imap.port.setText(str(dovecot.pop3_port))
        dialog.smtp.host.clear()
        dialog.username.setText(mail_user)
        dialog.account_name.setText("Home")
        dialog.password.setText(dovecot.password)
        dialog.more.setChecked(True)
        dialog.ca_file.setText(str(dovecot.ca_file))
        dialog.delete_after.setValue(30)
        with qtbot.waitSignal(dialog.account_added, timeout=20_000) as added:
            qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        info = added.args[0]
        assert (info.name, info.kind) == ("Home", "pop3")
        with empty_profile.read() as s:
            stored = accounts.get_account(s, "Home").settings
        assert stored.pop3 is not None and stored.pop3.port == dovecot.pop3_port
        assert stored.delete_after_days == 30

        qtbot.waitUntil(lambda: window.messages.rowCount() == 2, timeout=20_000)
        assert sorted(subjects(qtbot, window)) == ["Downloaded again", "Downloaded hello"]
    finally:
        close_window(window)

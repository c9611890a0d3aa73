"""Notifications from a real sync (Dovecot): history says nothing, new mail is told once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.ui.test_sync import add_mail_account, close_window, open_window
from tests.ui.test_sync import profile_store as profile_store  # a fixture
from unibox.store.store import Store
from unibox.ui.tray import TrayPresenter, attach_tray
from unibox.ui.widgets.sync_status import SyncState

pytestmark = pytest.mark.integration


def test_the_first_sync_is_quiet_and_new_mail_is_told(
    qtbot: Any, dovecot: Dovecot, mail_user: str, profile_store: Store
) -> None:
    last_week = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    for n in range(3):
        old = simple_message(f"Old news {n}", "From before.", date=last_week)
        dovecot.deliver(mail_user, old, internal_date=last_week)
    add_mail_account(profile_store, dovecot, mail_user)
    window = open_window(qtbot, profile_store)
    tray = attach_tray(window, TrayPresenter(window))
    try:
        status = window.sync_status
        qtbot.waitUntil(lambda: window.messages.rowCount() == 3, timeout=20_000)
        qtbot.waitUntil(lambda: status.accounts["Work"].state is SyncState.IDLE, timeout=10_000)
        me = f"Me <{mail_user}@example.com>"
        dovecot.deliver(mail_user, simple_message("Note to self", "Mine.", from_=me))
        dovecot.deliver(
            mail_user, simple_message("Contract draft", "Attached.", from_="Ana Lima <ana@x.org>")
        )
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: window.messages.rowCount() == 5, timeout=20_000)
        qtbot.waitUntil(lambda: len(tray.shown) > 0, timeout=10_000)
        (told,) = tray.shown  # nothing for the history, nothing for my own mail
        assert (told.title, told.body) == ("Ana Lima", "Contract draft")
        tray.clicked()
        qtbot.waitUntil(
            lambda: (
                window.message_view.content is not None
                and window.message_view.content.id == told.message_id
            )
        )
    finally:
        close_window(window)

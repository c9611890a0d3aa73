"""Real accounts sync from the window: against a real Dovecot, never on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from unibox.app import build_window
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store import accounts
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.models.message_list import Role
from unibox.ui.widgets.sync_status import SyncState

pytestmark = pytest.mark.integration


@pytest.fixture
def profile_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    yield store
    store.close()


def add_mail_account(
    store: Store, dovecot: Dovecot, user: str, *, password: str | None = None, port: int = 0
) -> None:
    """What `unibox account add-mail` stores: settings in the store, password in the keyring."""
    ref = "mail:Work"
    SecretStore().set(ref, password or dovecot.password)
    with store.write() as s:
        accounts.add_account(
            s,
            name="Work",
            kind="imap",
            email=f"{user}@example.com",
            display_name="",
            settings=accounts.MailSettings(
                imap=accounts.MailServer("localhost", port or dovecot.imap_port, "starttls"),
                smtp=None,
                username=user,
                ca_file=str(dovecot.ca_file),
            ),
            secret_ref=ref,
        )


def open_window(qtbot: Any, store: Store) -> MainWindow:
    window = build_window(store, sync=True)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    return window


def close_window(window: MainWindow) -> None:
    assert window.syncs is not None
    assert window.syncs.stop(timeout=15), "a sync thread did not end"
    window.close()
    window.bridge.close()


def subjects(qtbot: Any, window: MainWindow) -> list[str]:
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data(Role.ROW)
    qtbot.waitUntil(
        lambda: all(model.cached_row(n) is not None for n in range(model.rowCount())),
        timeout=15_000,
    )
    return [r.subject for n in range(model.rowCount()) if (r := model.cached_row(n))]


def test_mail_syncs_in_the_background_and_appears(
    qtbot: Any, dovecot: Dovecot, mail_user: str, profile_store: Store
) -> None:
    for n in range(3):
        dovecot.deliver(mail_user, simple_message(f"Hello number {n}", "Body text."))
    add_mail_account(profile_store, dovecot, mail_user)
    gui = threading.get_ident()
    seen_threads: set[int] = set()
    window = open_window(qtbot, profile_store)
    assert window.syncs is not None
    runner = window.syncs.runner
    original = runner.sync_once

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen_threads.add(threading.get_ident())
        return original(*args, **kwargs)

    runner.sync_once = spy  # type: ignore[method-assign]
    try:
        status = window.sync_status
        assert status.isVisible()
        qtbot.waitUntil(lambda: window.messages.rowCount() == 3, timeout=20_000)
        assert sorted(subjects(qtbot, window)) == [f"Hello number {n}" for n in range(3)]
        qtbot.waitUntil(lambda: status.accounts["Work"].state is SyncState.IDLE, timeout=10_000)
        assert "Work: up to date" in status.sentence
        assert not status.retry.isVisible()

        # New mail while the window is open: F5 (or the IDLE push) brings it in.
        dovecot.deliver(mail_user, simple_message("Fresh arrival", "Just now."))
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: window.messages.rowCount() == 4, timeout=20_000)
        assert "Fresh arrival" in subjects(qtbot, window)
        assert gui not in seen_threads
    finally:
        close_window(window)


def test_a_wrong_password_is_said_in_words_with_retry(
    qtbot: Any, dovecot: Dovecot, mail_user: str, profile_store: Store
) -> None:
    add_mail_account(profile_store, dovecot, mail_user, password="not-the-password")
    window = open_window(qtbot, profile_store)
    try:
        status = window.sync_status
        qtbot.waitUntil(lambda: status.accounts["Work"].state is SyncState.ERROR, timeout=20_000)
        assert "rejected the user name or password" in status.sentence
        assert status.sentence.startswith("Work: ")
        assert status.retry.isVisible()
        assert not status.bar.isVisible()
        # The user fixes the password in the keyring, then presses Retry.
        SecretStore().set("mail:Work", dovecot.password)
        dovecot.deliver(mail_user, simple_message("After the fix", "Now it works."))
        qtbot.mouseClick(status.retry, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.messages.rowCount() == 1, timeout=20_000)
        qtbot.waitUntil(lambda: status.accounts["Work"].state is SyncState.IDLE, timeout=10_000)
        assert not status.retry.isVisible()
    finally:
        close_window(window)


def test_an_unreachable_server_shows_offline_and_quits_cleanly(
    qtbot: Any, dovecot: Dovecot, mail_user: str, profile_store: Store
) -> None:
    from tests.helpers.ports import free_ports

    (closed,) = free_ports(1)
    add_mail_account(profile_store, dovecot, mail_user, port=closed)
    window = open_window(qtbot, profile_store)
    try:
        status = window.sync_status
        qtbot.waitUntil(lambda: status.accounts["Work"].state is SyncState.OFFLINE, timeout=20_000)
        assert "offline" in status.sentence
        assert "refused the connection" in status.sentence
        assert status.retry.isVisible()
    finally:
        close_window(window)


def test_the_status_line_puts_problems_first() -> None:
    from unibox.sync.mail import Progress
    from unibox.sync.runner import SyncFailure
    from unibox.ui.widgets.sync_status import AccountSync, summary

    work, home = AccountSync("Work"), AccountSync("Home")
    work.progress(Progress("Work", "Archive", "headers", 500, 2000))
    home.progress(Progress("Home", "", "done", 1, 1))
    text, about = summary([work, home])
    assert text == "Work: Downloading the message list in Archive · 500 of 2,000"
    assert about is work
    home.failed(SyncFailure("Home", "The connection to imap.home.example:993 was lost.", True))
    text, about = summary([work, home])
    assert about is home and text.startswith("Home is offline: The connection")
    work.failed(SyncFailure("Work", "The keyring could not be read: locked.", False))
    text, about = summary([work, home])
    assert (text, about) == ("Work: The keyring could not be read: locked.", work)
    for account in (work, home):
        account.progress(Progress(account.name, "", "done", 1, 1))
    assert summary([work, home])[0].startswith("All 2 accounts up to date · checked ")

"""A sentinel password typed into the window (the add-account dialog, Settings' password
field) is found in the keyring and nowhere else: not in the SQLite file or its WAL, the
settings file, any log record or anything the window says."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.helpers.dovecot import Dovecot
from tests.ui.test_account_dialog import fill, open_dialog
from tests.ui.test_settings import _accounts_dialog, _add_work_account
from tests.ui.test_sync import close_window, open_window
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow

WRONG = "Wrong-Sentinel-5c1d"
TYPED = "Settings-Sentinel-9e2b"


def _said(widget: Any) -> str:
    """Every text a widget and its children show in labels."""
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def assert_nowhere(secret: str, folders: list[Path], said: str, caplog: Any) -> None:
    forms = [secret.encode(), secret.encode("utf-16-le")]
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    files = [p for p in files if "keyring" not in p.name]  # the (test) keyring holds it
    assert any(p.name.endswith("-wal") for p in files), "the WAL should be there to look into"
    for path in files:
        data = path.read_bytes()
        assert not any(form in data for form in forms), f"the password is in {path.name}"
    assert secret not in said
    for record in caplog.records:
        assert secret not in record.getMessage(), f"the password is in {record.name}'s log"
        assert not record.exc_info or secret not in str(record.exc_info[1])


@pytest.fixture
def new_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    yield store
    store.close()


@pytest.mark.integration
def test_the_add_account_dialog_keeps_the_password_in_the_keyring_only(
    qtbot: Any, dovecot: Dovecot, mail_user: str, new_profile: Store, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    window = open_window(qtbot, new_profile)
    try:
        dialog = open_dialog(qtbot, window)
        fill(dialog, qtbot, dovecot, mail_user, WRONG)
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.message.property("problem") is True, timeout=20_000)
        said = _said(dialog)
        assert "rejected the user name or password" in said
        dialog.password.setText(dovecot.password)
        with qtbot.waitSignal(dialog.account_added, timeout=20_000):
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert SecretStore().get("mail:Work") == dovecot.password
        folders = [new_profile.path.parent]
        if window.settings is not None:
            folders.append(window.settings.path.parent)
        said += _said(window)
        for secret in (WRONG, dovecot.password):
            assert_nowhere(secret, folders, said, caplog)
    finally:
        close_window(window)


def test_the_settings_password_field_keeps_it_in_the_keyring_only(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    _add_work_account(window)
    dialog = _accounts_dialog(qtbot, window, tmp_path, monkeypatch, "Work")
    page = dialog.accounts
    with qtbot.waitSignal(page.password_changed, timeout=15_000):
        qtbot.keyClicks(page.password, TYPED)
        qtbot.keyClick(page.password, Qt.Key.Key_Return)
    assert SecretStore().get("mail:Work") == TYPED
    assert page.password.text() == ""  # not kept in the field either
    folders = [window.bridge.store.path.parent]
    if window.settings is not None:
        folders.append(window.settings.path.parent)
    assert_nowhere(TYPED, folders, _said(dialog) + _said(window), caplog)

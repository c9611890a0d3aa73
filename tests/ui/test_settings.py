"""Settings › every page: each change is kept in the profile and shows in the window at once."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from unibox.config import PHONE_REGION, QUIET_ACCOUNTS, SYNC_INTERVAL, UNDO_SEND_SECONDS
from unibox.secrets import SecretStore, SecretStoreError
from unibox.store import accounts, folders
from unibox.ui.main_window import MainWindow
from unibox.ui.preferences import (
    GROUP_CONVERSATIONS,
    PERSON_PANEL,
    REMOTE_CONTENT_MESSAGES,
    REMOTE_CONTENT_SENDERS,
    THEME,
)
from unibox.ui.settings import SettingsDialog
from unibox.ui.theme import DARK, LIGHT, apply_theme, set_theme_choice


def _saved(window: MainWindow) -> dict[str, Any]:
    assert window.settings is not None
    return dict(json.loads(window.settings.path.read_text("utf-8")))


def _open(qtbot: Any, window: MainWindow) -> SettingsDialog:
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


@pytest.fixture
def light_again() -> Any:
    yield
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    set_theme_choice(app, "system")
    apply_theme(app, dark=False)


def test_ctrl_comma_opens_settings_and_the_theme_changes_at_once(
    qtbot: Any, window: MainWindow, light_again: None
) -> None:
    dialog = _open(qtbot, window)
    assert [dialog.nav.item(n).text() for n in range(dialog.nav.count())] == [
        "General", "Sync", "Sending", "People", "Privacy", "Accounts", "Sign-in",
    ]  # fmt: skip
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    page = dialog.general
    page.theme.setCurrentIndex(page.theme.findData("dark"))
    assert app.palette().color(QPalette.ColorRole.Base).name() == DARK.base
    assert _saved(window)[THEME.key] == "dark"
    page.theme.setCurrentIndex(page.theme.findData("light"))
    assert app.palette().color(QPalette.ColorRole.Base).name() == LIGHT.base
    assert window.prefs.get(THEME) == "light"
    # Opening it again brings back the same dialog, on the page asked for.
    assert window.open_settings("Privacy") is dialog
    assert dialog.stack.currentWidget() is dialog.privacy


def test_grouping_and_the_person_panel_follow_the_checkboxes(
    qtbot: Any, window: MainWindow
) -> None:
    dialog = _open(qtbot, window)
    assert not window.messages.grouped
    dialog.general.grouped.setChecked(True)
    qtbot.waitUntil(lambda: window.messages.grouped)
    assert window.group_action.isChecked()
    assert _saved(window)[GROUP_CONVERSATIONS.key] is True
    assert window.person_panel.isVisible()
    dialog.general.person_panel.setChecked(False)
    assert not window.person_panel.isVisible()
    assert not window.person_action.isChecked()
    assert window.prefs.get(PERSON_PANEL) is False
    # The View menu changes it back; the page shows that when looked at again.
    window.person_action.trigger()
    dialog.show_page("Sync")
    dialog.show_page("General")
    assert dialog.general.person_panel.isChecked()


def test_sync_sending_and_people_values_are_kept(qtbot: Any, window: MainWindow) -> None:
    dialog = _open(qtbot, window)
    dialog.show_page("Sync")
    dialog.sync.interval.setValue(15)
    assert window.prefs.get(SYNC_INTERVAL) == 900
    dialog.show_page("Sending")
    dialog.sending.undo.setValue(30)
    assert window.prefs.get(UNDO_SEND_SECONDS) == 30
    dialog.sending.undo.setValue(0)
    assert dialog.sending.undo.text() == "Send at once (no undo)"
    dialog.show_page("People")
    region = dialog.people.region
    germany = region.findData("DE")
    assert region.itemText(germany) == "Germany (DE)"
    region.setCurrentIndex(germany)
    saved = _saved(window)
    assert (saved[SYNC_INTERVAL.key], saved[UNDO_SEND_SECONDS.key], saved[PHONE_REGION.key]) == (
        900, 0, "DE",
    )  # fmt: skip
    assert not dialog.people.problem.isVisible()


def test_a_value_the_setting_refuses_is_said_in_a_sentence(qtbot: Any, window: MainWindow) -> None:
    dialog = _open(qtbot, window)
    assert not dialog.people.save(PHONE_REGION, "ZZ")
    assert dialog.people.problem.isVisibleTo(dialog.people)
    assert "“ZZ” is not a country code" in dialog.people.problem.text()
    assert window.prefs.get(PHONE_REGION) == ""


def test_privacy_lists_senders_and_messages_allowed_and_removes_them(
    qtbot: Any, window: MainWindow
) -> None:
    content = window.message_view.content
    assert content is not None
    window.prefs.allow_remote_for("news@pixel-weekly.example", True)
    window.prefs.allow_remote_for_message(content.id, True)
    dialog = _open(qtbot, window)
    dialog.show_page("Privacy")
    senders, messages = dialog.privacy.senders, dialog.privacy.messages
    assert senders.items.item(0).text() == "news@pixel-weekly.example"
    qtbot.waitUntil(lambda: messages.items.item(0).text().startswith(content.subject))
    assert content.sender.name in messages.items.item(0).text()
    messages.items.item(0).setSelected(True)
    qtbot.mouseClick(messages.remove, Qt.MouseButton.LeftButton)
    assert window.prefs.get(REMOTE_CONTENT_MESSAGES) == []
    assert messages.items.item(0).text() == "No single message."
    senders.items.item(0).setSelected(True)
    qtbot.mouseClick(senders.remove, Qt.MouseButton.LeftButton)
    assert window.prefs.get(REMOTE_CONTENT_SENDERS) == []
    assert not senders.remove.isEnabled()


def _accounts_dialog(
    qtbot: Any,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    account: str = "Demo",
) -> SettingsDialog:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    dialog = SettingsDialog(window.prefs, window.bridge, SecretStore(), parent=window)
    dialog.show()
    dialog.show_page("Accounts")
    page = dialog.accounts
    qtbot.waitUntil(lambda: page.list.count() > 0)
    names = [page.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(page.list.count())]
    page.list.setCurrentRow(names.index(account))
    qtbot.waitUntil(lambda: page.current is not None and page.current.account.name == account)
    return dialog


def _add_work_account(window: MainWindow) -> None:
    """A second account, with its password in the (test) keyring like a real one."""
    SecretStore().set("mail:Work", "old-pw")
    with window.bridge.store.write() as s:
        accounts.add_account(
            s,
            name="Work",
            kind="imap",
            email="mira@work.example",
            display_name="Mira",
            settings=accounts.MailSettings(
                imap=accounts.MailServer("imap.work.example", 993, "ssl"),
                smtp=accounts.MailServer("smtp.work.example", 465, "ssl"),
                username="mira",
            ),
            secret_ref="mail:Work",
        )


def test_an_accounts_name_notifications_and_folders(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _accounts_dialog(qtbot, window, tmp_path, monkeypatch).accounts
    assert page.current is not None
    account = page.current.account
    assert account.email in page.address.text()
    assert page.notify.isChecked()
    page.notify.setChecked(False)
    assert window.prefs.get(QUIET_ACCOUNTS) == [account.name]
    page.display_name.setText("Mira C.")
    page.display_name.editingFinished.emit()
    store = window.bridge.store

    def display_name() -> str:
        with store.read() as s:
            return accounts.get_account(s, account.name).display_name

    qtbot.waitUntil(lambda: display_name() == "Mira C.")
    names = [
        page.folders.item(n).data(Qt.ItemDataRole.UserRole) for n in range(page.folders.count())
    ]
    assert names[0] == "INBOX"
    archive = page.folders.item(names.index("Archive"))
    archive.setCheckState(Qt.CheckState.Unchecked)

    def synced() -> dict[str, bool]:
        with store.read() as s:
            return {f.name: f.sync_enabled for f in folders.list_folders(s, account.id)}

    qtbot.waitUntil(lambda: synced()["Archive"] is False)
    assert synced()["INBOX"] is True


def test_a_new_password_goes_to_the_keyring_only(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    _add_work_account(window)
    page = _accounts_dialog(qtbot, window, tmp_path, monkeypatch, "Work").accounts
    assert page.current is not None
    account = page.current.account
    assert "imap.work.example:993 (SSL/TLS)" in page.server.text()
    with qtbot.waitSignal(page.password_changed, timeout=15_000) as changed:
        qtbot.keyClicks(page.password, "n3w-Secret")
        qtbot.keyClick(page.password, Qt.Key.Key_Return)
    assert changed.args == [account.name]
    assert page.password.text() == ""
    assert SecretStore().get(account.secret_ref) == "n3w-Secret"
    assert window.settings is not None
    saved = window.settings.path.read_text() if window.settings.path.exists() else ""
    assert "n3w-Secret" not in saved
    assert "keyring" in page.problem.text()


def test_a_removed_account_leaves_the_window(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    _add_work_account(window)
    window.sidebar_model.reload()
    window.sync_status.watch(["Demo", "Work"])
    dialog = _open(qtbot, window)
    dialog.accounts.secrets = SecretStore()  # the demo window keeps none of its own
    dialog.show_page("Accounts")
    page = dialog.accounts
    qtbot.waitUntil(lambda: page.list.count() == 2)
    page.list.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.current is not None and page.current.account.name == "Work")
    page.confirm = lambda _question: True
    with qtbot.waitSignal(page.removed, timeout=10_000):
        qtbot.mouseClick(page.remove, Qt.MouseButton.LeftButton)
    assert list(window.sync_status.accounts) == ["Demo"]
    assert "“Work” was removed" in window.statusBar().currentMessage()


def test_removing_an_account_says_what_goes_and_what_stays(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    _add_work_account(window)
    page = _accounts_dialog(qtbot, window, tmp_path, monkeypatch, "Work").accounts
    asked: list[str] = []
    page.confirm = lambda question: asked.append(question) is not None  # "Cancel"
    qtbot.mouseClick(page.remove, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    assert "“Work” (mira@work.example)" in asked[0] and "its 0 messages" in asked[0]
    assert "on the server" in asked[0] and "Kept" in asked[0]
    store = window.bridge.store
    with store.read() as s:
        assert [a.name for a in accounts.list_accounts(s)] == ["Demo", "Work"]
    page.confirm = lambda _question: True
    with qtbot.waitSignal(page.removed, timeout=10_000):
        qtbot.mouseClick(page.remove, Qt.MouseButton.LeftButton)
    with store.read() as s:
        assert [a.name for a in accounts.list_accounts(s)] == ["Demo"]
    with pytest.raises(SecretStoreError):
        SecretStore().get("mail:Work")  # the password went with it
    qtbot.waitUntil(lambda: page.list.count() == 1)
    assert "was removed" in page.problem.text()
    qtbot.waitUntil(lambda: page.current is not None and page.current.account.name == "Demo")


class _Syncs:
    """Stands in for the window's SyncService: records what Settings asks of it."""

    def __init__(self) -> None:
        self.interval = 300.0
        self.kicks = 0
        self.runner = SimpleNamespace(secrets=None)

    def sync_now(self) -> list[str]:
        self.kicks += 1
        return ["Demo"]


def test_a_new_sync_interval_restarts_the_syncs_once_the_person_stops(
    qtbot: Any, window: MainWindow
) -> None:
    syncs = _Syncs()
    window.syncs = syncs  # type: ignore[assignment]
    dialog = _open(qtbot, window)
    dialog.show_page("Sync")
    spin = dialog.sync.interval
    spin.setFocus()
    for _ in range(3):  # three steps up with the arrow key: 5 -> 8 minutes
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert window.prefs.get(SYNC_INTERVAL) == 480
    assert syncs.interval == 480.0
    qtbot.waitUntil(lambda: syncs.kicks > 0)
    assert syncs.kicks == 1  # not once per step
    window.syncs = None


def test_an_xmpp_account_shows_its_address_state_and_last_error_not_mail_fields(
    qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unibox.store.chat_accounts import ChatSettings, add_chat_account, record_chat_sync
    from unibox.sync.runner import SyncFailure

    with window.bridge.store.write() as s:
        chat = add_chat_account(
            s,
            name="Chat",
            kind="xmpp",
            display_name="Mira",
            settings=ChatSettings("mira@chat.example", host="chat.example", port=5223),
            secret_ref="xmpp:Chat",
        )
        record_chat_sync(s, chat.id, "The XMPP server refused the password.", synced=False)
    page = _accounts_dialog(qtbot, window, tmp_path, monkeypatch, account="Chat").accounts
    assert "mira@chat.example" in page.address.text()
    assert "chat.example:5223" in page.server.text()
    assert "Last error: The XMPP server refused the password." in page.state.text()
    assert page.folders.isHidden() and page.edit.isHidden()  # no mail folders or servers
    assert "new messages" in page.notify.text()
    assert "its chats" in removal_text_of(page)
    # The status bar gives it a line of its own, as for a mail account.
    status = window.sync_status
    status.watch(["Chat"], chats=["Chat"])
    assert status.sentence == "Chat: checking for new messages…"
    status.on_failure(SyncFailure("Chat", "The XMPP server refused the password.", False))
    assert "Chat: The XMPP server refused the password." in status.toolTip()


def removal_text_of(page: Any) -> str:
    from unibox.ui.settings.accounts import removal_text

    return removal_text(page.current.account, 0)


def test_a_mastodon_account_shows_its_instance_and_takes_a_new_token_checked_first(
    qtbot: Any,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mastodon_mock: Any,
) -> None:
    """Against mastodon-mock (a fake of Mastodon's REST API), not a real Mastodon."""
    from unibox.services.mastodon import create_mastodon_account, mastodon_settings

    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    token = mastodon_mock.user("mirasettings")
    create_mastodon_account(
        window.bridge.store,
        SecretStore(),
        name="Social",
        settings=mastodon_settings(mastodon_mock.url),
        token=token,
    )
    page = _accounts_dialog(qtbot, window, tmp_path, monkeypatch, account="Social").accounts
    assert f"mirasettings@{mastodon_mock.domain}" in page.address.text()
    assert mastodon_mock.url in page.server.text()
    assert page.password.placeholderText() == "New access token"
    assert page.folders.isHidden() and page.edit.isHidden()
    said: list[str] = []
    monkeypatch.setattr(page, "say", said.append)
    page.password.setText("a-token-nobody-issued")
    page.change_password.click()
    qtbot.waitUntil(lambda: bool(said))
    assert "The access token was not saved" in said[-1] and "refused" in said[-1]
    assert SecretStore().get("mastodon:Social") == token  # the old one stays
    fresh = mastodon_mock.user_token("mirasettings")
    page.password.setText(fresh)
    with qtbot.waitSignal(page.password_changed):
        page.change_password.click()
    assert SecretStore().get("mastodon:Social") == fresh
    assert fresh not in page.password.text()

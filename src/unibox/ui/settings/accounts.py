"""The Accounts page: name, servers (edited in ui/widgets/account_edit.py), notifications,
folders, password and removal per account; then the address books (ui/settings/books.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from unibox.secrets import SecretStore
from unibox.store import accounts as store_accounts
from unibox.store import folders as store_folders
from unibox.store.accounts import AccountInfo
from unibox.store.chat_accounts import ChatSettings, chat_accounts, is_chat_kind
from unibox.store.folders import FolderState
from unibox.store.intent import intent_write
from unibox.ui.bridge import Bridge
from unibox.ui.preferences import QUIET_ACCOUNTS, Preferences
from unibox.ui.settings.books import AddressBooksSection
from unibox.ui.settings.page import SettingsPage, ask_to_remove
from unibox.ui.settings.reauth import ReauthButton, signs_in_by_browser, state_words
from unibox.ui.settings.room_keys import RoomKeysButton

if TYPE_CHECKING:
    from unibox.ui.widgets.account_edit import EditAccountDialog


@dataclass(frozen=True, slots=True)
class _Loaded:
    account: AccountInfo
    folders: list[FolderState]
    chat: ChatSettings | None = None  # a chat account's (XMPP, …) own settings


_SECURITY = {"ssl": "SSL/TLS", "tls": "TLS", "starttls": "STARTTLS", "plain": "no encryption"}


def _server_text(account: AccountInfo, chat: ChatSettings | None = None) -> str:
    security = _SECURITY
    if chat is not None and chat.instance:
        return f"Mastodon · {chat.address}\n{chat.instance}"
    if chat is not None:
        where = (
            f"{chat.host}:{chat.port or 5222} ({security.get(chat.security, chat.security)})"
            if chat.host
            else "server found from the address"
        )
        return f"{account.kind.upper()} · {chat.address}\n{where}"
    s = account.settings
    text = f"{s.imap.host}:{s.imap.port} ({security.get(s.imap.security, s.imap.security)})"
    if s.smtp is not None:
        text += f"\nsending: {s.smtp.host}:{s.smtp.port}"
        text += f" ({security.get(s.smtp.security, s.smtp.security)})"
    return text


def state_text(account: AccountInfo) -> str:
    """The account's last sync and its last error (or the server's notice), in words."""
    when = (
        f"Last synced {datetime.fromtimestamp(account.last_sync_at):%Y-%m-%d %H:%M}."
        if account.last_sync_at
        else "Not synced yet."
    )
    return f"{when} Last error: {account.last_error}" if account.last_error else when


def removal_text(account: AccountInfo, messages: int) -> str:
    """What removing an account takes away and what it leaves, in words."""
    if is_chat_kind(account.kind):
        return (
            f"Remove “{account.name}” from unibox?\n\n"
            "Removed from this computer: its chats, and its password in the keyring.\n"
            "Kept: the history on the server (adding the account again brings it back), "
            "and the people, notes and tasks you have."
        )
    return (
        f"Remove “{account.name}” ({account.email}) from unibox?\n\n"
        f"Removed from this computer: its {messages:,} messages and their folders, and its "
        "password in the keyring.\n"
        "Kept: all mail on the server (adding the account again brings it back), and the "
        "people, notes and tasks you have."
    )


class AccountsPage(SettingsPage):
    """Each account's settings; changes are written off the GUI thread.

    Signals:
        add_requested(): the person wants to add an account (the window opens its dialog).
        account_changed(AccountInfo): an account's servers or password were edited (its
            sync was stopped for it): sync it again with these settings.
        password_changed(str): an account (by name) has a new password: sync it again.
        removed(str): an account (by name) and its local mail are gone.
    """

    title = "Accounts"
    add_requested = Signal()
    account_changed = Signal(object)
    password_changed = Signal(str)
    removed = Signal(str)

    def __init__(
        self,
        prefs: Preferences,
        bridge: Bridge,
        secrets: SecretStore | None,
        stop_sync: Callable[[str], object] = lambda _name: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(prefs, parent)
        self.bridge = bridge
        self.secrets = secrets
        self.stop_sync = stop_sync  # runs on a task thread, before the account is deleted
        self.confirm: Callable[[str], bool] = lambda question: ask_to_remove(
            self, "Remove account", question
        )
        self.current: _Loaded | None = None
        self._wanted = ""  # an account to select once the list is loaded
        self.edit_dialog: EditAccountDialog | None = None
        row = QHBoxLayout()
        row.setSpacing(16)
        side = QVBoxLayout()
        self.list = QListWidget(self)
        self.list.setObjectName("AccountList")
        self.list.setFixedWidth(210)
        self.list.currentItemChanged.connect(lambda item, _old: self._select(item))
        self.add_button = QPushButton("&Add account…", self)
        self.add_button.clicked.connect(self.add_requested.emit)
        side.addWidget(self.list, 1)
        side.addWidget(self.add_button)
        row.addLayout(side)
        self.details = QWidget(self)
        row.addWidget(self.details, 1)
        self.form.addRow(row)
        self._build_details()
        self.books = AddressBooksSection(bridge, secrets, self.say, self)
        self.form.addRow(self.books)
        self.finish()
        self.reload()

    def _build_details(self) -> None:
        col = QVBoxLayout(self.details)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(8)
        self.address = QLabel(self.details)
        self.address.setObjectName("AccountAddress")
        self.server = QLabel(self.details)
        self.server.setObjectName("Muted")
        self.state = QLabel(self.details)
        self.state.setObjectName("AccountState")
        self.state.setWordWrap(True)
        self.edit = QPushButton("&Edit servers and password…", self.details)
        self.edit.clicked.connect(self.open_edit)
        self.reauth = ReauthButton(self.bridge, self.secrets, self.details)
        self.reauth.said.connect(self.say)
        self.reauth.signed_in.connect(self._signed_in_again)
        self.room_keys = RoomKeysButton(self.bridge, self.secrets, self.details)
        self.room_keys.said.connect(self.say)
        self.display_name = QLineEdit(self.details)
        self.display_name.setPlaceholderText("Your name on mail you send")
        self.display_name.editingFinished.connect(self._save_display_name)
        self.notify = QCheckBox("Show a notification for new mail", self.details)
        self.notify.toggled.connect(self._save_notify)
        self.folders = QListWidget(self.details)
        self.folders.setObjectName("FolderList")
        self.folders.setMinimumHeight(120)
        self.folders.itemChanged.connect(self._folder_toggled)
        self.password = QLineEdit(self.details)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("New password")
        self.change_password = QPushButton("Change &password", self.details)
        self.change_password.setEnabled(False)
        self.password.textChanged.connect(lambda t: self.change_password.setEnabled(bool(t)))
        self.change_password.clicked.connect(self._save_password)
        self.password.returnPressed.connect(self._save_password)
        self.remove = QPushButton("&Remove account…", self.details)
        self.remove.setObjectName("DangerButton")
        self.remove.clicked.connect(self._remove)
        col.addWidget(self.address)
        server_row = QHBoxLayout()
        server_row.addWidget(self.server, 1)
        server_row.addWidget(self.edit, 0, Qt.AlignmentFlag.AlignTop)
        server_row.addWidget(self.reauth, 0, Qt.AlignmentFlag.AlignTop)
        server_row.addWidget(self.room_keys, 0, Qt.AlignmentFlag.AlignTop)
        col.addLayout(server_row)
        col.addWidget(self.state)
        col.addWidget(self._label("Your &name", self.display_name))
        col.addWidget(self.display_name)
        col.addWidget(self.notify)
        self.folders_label = self._label("&Folders to sync", self.folders)
        col.addWidget(self.folders_label)
        col.addWidget(self.folders, 1)
        col.addStretch(0)
        pw = QHBoxLayout()
        pw.addWidget(self.password, 1)
        pw.addWidget(self.change_password)
        col.addLayout(pw)
        end = QHBoxLayout()
        end.addStretch(1)
        end.addWidget(self.remove)
        col.addLayout(end)
        self.details.setEnabled(False)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self.details)
        label.setBuddy(buddy)
        return label

    # -- loading ---------------------------------------------------------------

    def reload(self) -> None:
        self.bridge.read(store_accounts.list_accounts, self._show_accounts, lane="side")

    def show_account(self, name: str) -> None:
        """Select this account (now, or once the list is loaded)."""
        self._wanted = name
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self._wanted = ""
                self.list.setCurrentRow(row)

    def _show_accounts(self, found: list[AccountInfo]) -> None:
        keep = self._wanted or (self.current.account.name if self.current else None)
        self._wanted = ""
        self.list.clear()
        for account in found:
            chat = is_chat_kind(account.kind)
            second = account.kind.upper() if chat else account.email
            item = QListWidgetItem(f"{account.name}\n{second}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, account.name)
        if not found:
            self.current = None
            self.reauth.show_for(None)
            self.room_keys.show_for(None)
            self.details.setEnabled(False)
            self.address.setText("No account yet: add one to see its settings here.")
            self.server.clear()
            self.state.clear()
            self.folders.clear()
            return
        names = [a.name for a in found]
        self.list.setCurrentRow(names.index(keep) if keep in names else 0)

    def _select(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        name = str(item.data(Qt.ItemDataRole.UserRole))

        def load(s: Session) -> _Loaded:
            account = store_accounts.get_account(s, name)
            chat = chat_accounts(s, name) if is_chat_kind(account.kind) else []
            return _Loaded(
                account,
                store_folders.list_folders(s, account.id),
                chat[0].settings if chat else None,
            )

        self.bridge.read(load, self._show, lane="side")

    def _show(self, loaded: _Loaded) -> None:
        self.current = loaded
        a = loaded.account
        self.details.setEnabled(True)
        chat = loaded.chat is not None
        address = loaded.chat.address if loaded.chat is not None else a.email
        self.address.setText(f"<b>{a.name}</b> · {address}")
        self.server.setText(_server_text(a, loaded.chat))
        self.state.setText(state_words(a, state_text(a)))
        self.display_name.setText(a.display_name)
        self.display_name.setPlaceholderText(
            "Your name in chats" if chat else "Your name on mail you send"
        )
        self.notify.setText(
            "Show a notification for new messages" if chat else "Show a notification for new mail"
        )
        # A chat account has no folders, and its servers are set with `unibox account add-xmpp`.
        self.folders_label.setVisible(not chat)
        self.folders.setVisible(not chat)
        self.notify.blockSignals(True)
        self.notify.setChecked(a.name not in self.prefs.get(QUIET_ACCOUNTS))
        self.notify.blockSignals(False)
        self.folders.blockSignals(True)
        self.folders.clear()
        for f in loaded.folders:
            item = QListWidgetItem(f"{f.name}  ·  {f.messages:,}", self.folders)
            item.setData(Qt.ItemDataRole.UserRole, f.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = Qt.CheckState.Checked if f.sync_enabled else Qt.CheckState.Unchecked
            item.setCheckState(checked)
        self.folders.blockSignals(False)
        self.password.clear()
        has_password = bool(a.secret_ref) and self.secrets is not None
        self.password.setEnabled(has_password)
        token = a.kind == "mastodon"
        self.password.setPlaceholderText(
            ("New access token" if token else "New password")
            if has_password
            else "No password kept"
        )
        self.change_password.setText("Change &token" if token else "Change &password")
        self.remove.setEnabled(self.secrets is not None)
        self.edit.setEnabled(has_password)
        # An OAuth2 account has no password to change: it signs in again through the browser.
        browser = signs_in_by_browser(a)
        self.edit.setVisible(not chat and not browser)
        self.password.setVisible(not browser)
        self.change_password.setVisible(not browser)
        self.reauth.show_for(a)
        self.room_keys.show_for(a)

    # -- changes ---------------------------------------------------------------

    def _write(self, work: Callable[[Session], object], done: Callable[[object], None]) -> None:
        store = self.bridge.store

        def run() -> object:
            with intent_write(store) as s:
                return work(s)

        self.bridge.run(run, done, lambda exc: self.say(str(exc) or "That could not be saved."))

    def _save_display_name(self) -> None:
        if self.current is None:
            return
        name, value = self.current.account.name, self.display_name.text().strip()
        if value == self.current.account.display_name:
            return
        self._write(
            lambda s: store_accounts.set_display_name(s, name, value),
            lambda info: self._kept(info) if isinstance(info, AccountInfo) else None,
        )

    def open_edit(self) -> EditAccountDialog | None:
        """The edit dialog of the account shown (one at a time; a busy one is kept)."""
        if self.current is None or self.secrets is None:
            return None
        from unibox.ui.widgets.account_edit import EditAccountDialog

        old = self.edit_dialog
        if old is not None and old.add_button.isEnabled():
            old.deleteLater()  # idle: nothing in flight still needs it
            old = None
        if old is None:
            old = EditAccountDialog(
                self.bridge, self.secrets, self.current.account, self.stop_sync, self
            )
            old.account_changed.connect(self._account_changed)
            self.edit_dialog = old
        old.show()
        old.raise_()
        old.activateWindow()
        return old

    def _account_changed(self, info: AccountInfo) -> None:
        if self.current is not None and self.current.account.name == info.name:
            self._show(_Loaded(info, self.current.folders, self.current.chat))
        self.say(f"“{info.name}” is saved; syncing it again.")
        self.account_changed.emit(info)
        self.reload()

    def _signed_in_again(self, name: str) -> None:
        self.password_changed.emit(name)  # the window syncs it again
        self.reload()

    def _kept(self, info: AccountInfo) -> None:
        if self.current is not None and self.current.account.name == info.name:
            self.current = _Loaded(info, self.current.folders, self.current.chat)
        self.say("")

    def _save_notify(self, on: bool) -> None:
        if self.current is None:
            return
        name = self.current.account.name
        quiet = [n for n in self.prefs.get(QUIET_ACCOUNTS) if n != name]
        self.save(QUIET_ACCOUNTS, quiet if on else sorted([*quiet, name]))

    def _folder_toggled(self, item: QListWidgetItem) -> None:
        if self.current is None:
            return
        account_id = self.current.account.id
        folder = str(item.data(Qt.ItemDataRole.UserRole))
        on = item.checkState() == Qt.CheckState.Checked
        self._write(
            lambda s: store_folders.set_sync_enabled_by_name(s, account_id, folder, on),
            lambda _r: self.say(""),
        )

    def _save_password(self) -> None:
        password = self.password.text()
        if self.current is None or not password or self.secrets is None:
            return
        account = self.current.account
        secrets = self.secrets
        store = self.bridge.store
        self.password.clear()  # the field does not keep it; the keyring does
        what = "access token" if account.kind == "mastodon" else "password"

        def save() -> None:
            if account.kind == "mastodon":  # checked with the instance first
                from unibox.services.mastodon import set_mastodon_token

                set_mastodon_token(store, secrets, account.name, password)
            elif account.kind == "matrix":  # the keyring keeps a session, never the password
                from unibox.services.matrix import login_again

                login_again(store, secrets, account.name, password)
            else:
                secrets.set(account.secret_ref, password)

        def saved(_r: object) -> None:
            if account.kind == "matrix":
                self.say(f"“{account.name}” is signed in again, as a new device; syncing again.")
            else:
                self.say(f"The new {what} of “{account.name}” is in the keyring; syncing again.")
            self.password_changed.emit(account.name)

        self.bridge.run(save, saved, lambda exc: self.say(f"The {what} was not saved: {exc}"))

    def _remove(self) -> None:
        if self.current is None or self.secrets is None:
            return
        account = self.current.account
        messages = sum(f.messages for f in self.current.folders)
        if not self.confirm(removal_text(account, messages)):
            return
        from unibox.services.accounts import remove_account

        store, secrets, stop_sync = self.bridge.store, self.secrets, self.stop_sync
        self.remove.setEnabled(False)

        def work() -> None:
            stop_sync(account.name)  # no sync may write into an account being removed
            remove_account(store, secrets, account.name)

        def done(_r: object) -> None:
            self.current = None
            self.say(f"“{account.name}” was removed; its mail is still on the server.")
            self.removed.emit(account.name)
            self.reload()

        self.bridge.run(
            work, done, lambda exc: self.say(f"“{account.name}” was not removed: {exc}")
        )

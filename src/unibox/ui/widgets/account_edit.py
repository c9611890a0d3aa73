"""Editing a mail account: the add-account form, filled in, tested, then saved in place."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from unibox.secrets import SecretStore
from unibox.store.accounts import AccountInfo, MailServer, MailSettings, server_changed
from unibox.ui.account_setup import (
    MailAccountForm,
    check_servers,
    form_for,
    stored_password,
    update_account,
)
from unibox.ui.bridge import Bridge
from unibox.ui.widgets.account_dialog import AddAccountDialog


def rematch_text(host: str, *, pop3: bool = False) -> str:
    """What happens to the mail on this computer when the mailbox may be another one."""
    if pop3:
        return (
            "The mail already on this computer is kept. On the next sync unibox downloads "
            f"from {host or 'the server'} only the messages it has not downloaded before."
        )
    return (
        "The mail already on this computer is kept. On the next sync unibox matches each "
        f"folder with {host or 'the server'} again: mail found there keeps its state, mail it "
        "does not have is hidden here (nothing is deleted on any server)."
    )


class EditAccountDialog(AddAccountDialog):
    """An account's name, address, servers, user name and password, changed in place.

    An empty password field keeps the password in the keyring. Test connection
    and Save sign in to both servers first, off the GUI thread; Save stops the
    account's sync (`stop_sync`, on a task thread), stores the change and says so.

    Signals:
        account_changed(AccountInfo): the account as it now is (as it was, if saving
            failed after its sync had stopped): the caller starts its sync again.
    """

    account_changed = Signal(object)

    def __init__(
        self,
        bridge: Bridge,
        secrets: SecretStore,
        account: AccountInfo,
        stop_sync: Callable[[str], object] = lambda _name: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(bridge, secrets, parent)
        self.account = account
        self._stop_sync = stop_sync
        self._sync_stopped = False
        self.setWindowTitle(f"Account “{account.name}”")
        self.title.setText(f"Edit “{account.name}”")
        self.intro.setText(
            "Leave the password empty to keep the one in your system keyring. Test connection "
            "signs in to both servers without saving anything."
        )
        self.password.setPlaceholderText("unchanged")
        self.add_button.setText("&Save")
        self.fill(form_for(account))
        self.account_name.setEnabled(False)
        self.account_name.setToolTip("The name unibox knows the account by; it stays.")
        self.rematch = QLabel(self)
        self.rematch.setObjectName("FormMessage")
        self.rematch.setProperty("problem", True)
        self.rematch.setWordWrap(True)
        self.rematch.hide()
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):  # above the line that answers Test and Save
            layout.insertWidget(layout.indexOf(self.message), self.rematch)
        for field in (self.imap.host, self.username):
            field.textChanged.connect(self._show_rematch)

    def _show_rematch(self) -> None:
        form = self.form()
        typed = MailSettings(
            imap=MailServer(form.imap_host, form.imap_port, form.imap_security),
            smtp=None,
            username=form.username,
        )
        changed = server_changed(self.account.settings, typed)
        pop3 = self.account.kind == "pop3"
        self.rematch.setText(rematch_text(form.imap_host, pop3=pop3) if changed else "")
        if changed != self.rematch.isVisibleTo(self):  # resize only as the note comes or goes
            self.rematch.setVisible(changed)
            self.adjustSize()

    def _check_password(self, password: str) -> None:
        """Empty keeps the stored password: nothing to check here."""

    def _check_work(self, settings: MailSettings, password: str) -> Callable[[], str]:
        secrets, account = self._secrets, self.account
        return lambda: check_servers(settings, stored_password(secrets, account, password))

    def _save_work(
        self, form: MailAccountForm, settings: MailSettings, password: str
    ) -> Callable[[], AccountInfo]:
        store, secrets, account, stop = self._bridge.store, self._secrets, self.account, self._stop
        return lambda: update_account(store, secrets, account, form, settings, password, stop)

    def _stop(self, name: str) -> object:
        self._sync_stopped = True  # set on the task thread; read back on the GUI thread
        return self._stop_sync(name)  # False: it did not end in time

    def _stored(self, account: AccountInfo) -> None:
        self.account = account
        self._sync_stopped = False
        self.account_changed.emit(account)

    def _not_saved(self, attempt: int, exc: Exception) -> None:
        if self._sync_stopped:  # the old settings stay: so does their sync
            self._sync_stopped = False
            self.account_changed.emit(self.account)
        super()._not_saved(attempt, exc)

"""The window's accounts: adding one, syncing now, and what to do when one's sync fails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:  # loaded only once syncing starts, after the first paint
    from unibox.store.accounts import AccountInfo
    from unibox.ui.main_window import MainWindow
    from unibox.ui.widgets.account_dialog import AddAccountDialog


class AccountsSide(QObject):
    """Opens the add-account dialog and starts an account's sync once it is stored;
    Sync now, Retry and Sign in again on the window's accounts (`window.syncs`).

    Attributes:
        account_dialog: the add-account dialog while one is open (one at a time).
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.account_dialog: AddAccountDialog | None = None
        # "Add account" clicked before the sync side was attached: open it then.
        self._add_account_asked = False

    def syncs_attached(self) -> None:
        """The sync side is there: open the dialog asked for before it was."""
        if self._add_account_asked:
            self.add_account()

    def show_syncing(self, names: list[str]) -> None:
        """These accounts have started syncing."""
        syncs = self.window.syncs
        self.window.sync_status.watch(names, syncs.chat_names if syncs is not None else ())

    def add_account(self) -> AddAccountDialog | None:
        """Open the add-account dialog (one at a time); it reports back when stored.

        The welcome page's button may be clicked before the sync side is loaded
        (it loads after the first list has painted): the dialog opens once it is.
        """
        w = self.window
        if w.syncs is None:
            self._add_account_asked = True
            return None
        self._add_account_asked = False
        from unibox.ui.widgets.account_dialog import AddAccountDialog

        if self.account_dialog is None:
            self.account_dialog = AddAccountDialog(
                w.bridge, w.syncs.runner.secrets, w, prefs=w.prefs
            )
            self.account_dialog.account_added.connect(self._account_added)
        self.account_dialog.show()
        self.account_dialog.raise_()
        self.account_dialog.activateWindow()
        return self.account_dialog

    def _account_added(self, account: AccountInfo) -> None:
        w = self.window
        self.account_dialog = None  # the next one starts with an empty form
        w.sidebar_model.reload()
        if w.syncs is not None and w.syncs.add(account):
            w.sync_status.watch([account.name], w.syncs.chat_names)
        w.statusBar().showMessage(f"“{account.name}” was added; its mail is on its way.", 8000)

    def sync_now(self) -> None:
        w = self.window
        if w.syncs is None:
            return
        names = w.syncs.sync_now()
        if names:
            w.sync_status.kicked(names)
        else:
            w.statusBar().showMessage("There is no mail account to sync yet.", 6000)

    def sign_in_again(self, name: str) -> None:
        """Settings › Accounts on this account, where its "Sign in again" is."""
        self.window.open_settings("Accounts").accounts.show_account(name)

    def retry_sync(self, name: str) -> None:
        syncs = self.window.syncs
        if syncs is not None:
            self.window.sync_status.kicked(syncs.retry(name))

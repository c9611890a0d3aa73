"""Opening the Settings dialog from the window, and applying what changes there at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from unibox.config import SYNC_INTERVAL
from unibox.ui.book_syncs import book_label
from unibox.ui.preferences import GROUP_CONVERSATIONS, PERSON_PANEL, THEME
from unibox.ui.theme import set_theme_choice

KICK_TIMER = "settings-sync-restart"
KICK_AFTER_MS = 1500

if TYPE_CHECKING:
    from unibox.store.accounts import AccountInfo
    from unibox.store.address_books import BookInfo
    from unibox.ui.main_window import MainWindow
    from unibox.ui.settings.dialog import SettingsDialog


def open_settings(window: MainWindow, page: str = "") -> SettingsDialog:
    """The window's one Settings dialog, shown and raised (made on first use)."""
    from unibox.ui.settings.dialog import SettingsDialog

    dialog = getattr(window, "settings_dialog", None)
    if dialog is None:
        syncs = window.syncs
        dialog = SettingsDialog(
            window.prefs,
            window.bridge,
            syncs.runner.secrets if syncs is not None else None,
            stop_sync=lambda name: syncs.remove(name) if syncs is not None else None,
            parent=window,
        )
        dialog.changed.connect(lambda key: apply_setting(window, key))
        dialog.accounts.add_requested.connect(lambda: _add_account(window, dialog))
        dialog.accounts.password_changed.connect(window.accounts.retry_sync)
        dialog.accounts.account_changed.connect(lambda info: _account_changed(window, info))
        dialog.accounts.removed.connect(lambda name: _account_removed(window, name))
        section = dialog.accounts.books
        section.stop_book = lambda name: syncs.books.remove(name) if syncs is not None else None
        section.added.connect(lambda book: _book_added(window, book))
        section.removed.connect(lambda name: window.sync_status.forget(book_label(name)))
        section.password_changed.connect(lambda name: window.accounts.retry_sync(book_label(name)))
        window.settings_dialog = dialog
    if page:
        dialog.show_page(page)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def _add_account(window: MainWindow, dialog: SettingsDialog) -> None:
    """The window's add-account dialog; the Accounts page lists the account once it is stored."""
    added = window.accounts.add_account()
    if added is not None:
        added.account_added.connect(lambda _account: dialog.accounts.reload())


def _account_changed(window: MainWindow, account: AccountInfo) -> None:
    """Its sync was stopped to save the change: it starts again on the new settings."""
    if window.syncs is not None and window.syncs.add(account):
        window.sync_status.kicked([account.name])
    window.sidebar_model.reload()


def _account_removed(window: MainWindow, name: str) -> None:
    """Its mail, folders and sync line leave the window at once."""
    window.sidebar_model.reload()
    window.messages.reload()
    window.sync_status.forget(name)
    window.statusBar().showMessage(f"“{name}” was removed; its mail is still on the server.", 8000)


def _book_added(window: MainWindow, book: BookInfo) -> None:
    """It syncs from now on, with its line in the status bar."""
    if window.syncs is not None and window.syncs.books.add(book):
        window.sync_status.watch([book_label(book.name)])


def _kick_later(window: MainWindow) -> None:
    """Restart the syncs on the new interval once the person stops changing it."""
    timer = window.findChild(QTimer, KICK_TIMER)
    if timer is None:
        timer = QTimer(window)
        timer.setObjectName(KICK_TIMER)
        timer.setSingleShot(True)
        timer.setInterval(KICK_AFTER_MS)
        timer.timeout.connect(lambda: window.syncs.sync_now() if window.syncs else None)
    timer.start()


def apply_setting(window: MainWindow, key: str) -> None:
    """Make a changed setting visible now, without a restart."""
    prefs = window.prefs
    if key == THEME.key:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            set_theme_choice(app, prefs.get(THEME))
    elif key == GROUP_CONVERSATIONS.key:
        if window.group_action.isChecked() != prefs.get(GROUP_CONVERSATIONS):
            window.group_action.trigger()
    elif key == PERSON_PANEL.key:
        if window.person_action.isChecked() != prefs.get(PERSON_PANEL):
            window.person_action.trigger()
    elif key == SYNC_INTERVAL.key and window.syncs is not None:
        window.syncs.interval = float(prefs.get(SYNC_INTERVAL))
        _kick_later(window)  # each watch starts again, on the new interval

"""The Settings window: pages listed on the left, each change kept and applied at once."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from unibox.secrets import SecretStore
from unibox.ui.bridge import Bridge
from unibox.ui.preferences import Preferences
from unibox.ui.settings.accounts import AccountsPage
from unibox.ui.settings.basic import GeneralPage, PeoplePage, SendingPage, SyncPage
from unibox.ui.settings.page import SettingsPage
from unibox.ui.settings.privacy import PrivacyPage
from unibox.ui.settings.sign_in import SignInPage


class SettingsDialog(QDialog):
    """General, Sync, Sending, People, Privacy, Accounts and Sign-in; nothing to "apply".

    Signals:
        changed(str): a setting (by key) changed; the window applies it live.
    """

    changed = Signal(str)

    def __init__(
        self,
        prefs: Preferences,
        bridge: Bridge,
        secrets: SecretStore | None = None,
        stop_sync: Callable[[str], object] = lambda _name: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsDialog")
        self.setWindowTitle("Settings")
        self.resize(760, 520)
        self.general = GeneralPage(prefs)
        self.sync = SyncPage(prefs)
        self.sending = SendingPage(prefs)
        self.people = PeoplePage(prefs)
        self.privacy = PrivacyPage(prefs, bridge)
        self.accounts = AccountsPage(prefs, bridge, secrets, stop_sync)
        self.sign_in = SignInPage(prefs, bridge, secrets)
        self.pages: list[SettingsPage] = [
            self.general,
            self.sync,
            self.sending,
            self.people,
            self.privacy,
            self.accounts,
            self.sign_in,
        ]
        self.nav = QListWidget(self)
        self.nav.setObjectName("SettingsNav")
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget(self)
        for page in self.pages:
            self.nav.addItem(page.title)
            self.stack.addWidget(page)
            page.changed.connect(self.changed.emit)
        self.nav.currentRowChanged.connect(self._show_page)
        self.nav.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 12, 12)
        right.addWidget(self.stack, 1)
        right.addWidget(buttons)
        body = QHBoxLayout(self)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addLayout(right, 1)

    def show_page(self, title: str) -> None:
        for row, page in enumerate(self.pages):
            if page.title == title:
                self.nav.setCurrentRow(row)

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            page = self.pages[row]
            self.stack.setCurrentWidget(page)
            refresh = getattr(page, "refresh", None)
            if callable(refresh):
                refresh()

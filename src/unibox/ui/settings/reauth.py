"""Settings › Accounts: "Sign in again" for an OAuth2 account whose sign-in was revoked
or has expired. The browser round trip is services.oauth.reauth, off the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store.accounts import AccountInfo
from unibox.ui.bridge import Bridge
from unibox.ui.browser_sign_in import BrowserSignIn, OpenUrl

REAUTH_TIMEOUT = 600.0  # seconds the browser has to come back


def signs_in_by_browser(account: AccountInfo) -> bool:
    return account.settings.auth == "oauth2" and account.settings.oauth is not None


def state_words(account: AccountInfo, text: str) -> str:
    """The account's state line; a revoked sign-in says where the window signs in again."""
    if signs_in_by_browser(account) and account.last_error:
        return f"{text} Here: press “Sign in again”."
    return text


class ReauthButton(QPushButton):
    """Signs the account shown in again; while the browser is out it cancels instead.

    Signals:
        signed_in(str): the account (by name) has a new sign-in: sync it again.
        said(str): a sentence for the page's message line ("" clears it).
    """

    signed_in = Signal(str)
    said = Signal(str)

    def __init__(
        self, bridge: Bridge, secrets: SecretStore | None, parent: QWidget | None = None
    ) -> None:
        super().__init__("&Sign in again…", parent)
        self._bridge = bridge
        self._secrets = secrets
        self._account: AccountInfo | None = None
        self._browser = BrowserSignIn(bridge, self)
        self._browser.page_opened.connect(self._page_opened)
        self.clicked.connect(self._clicked)
        self.hide()

    def show_for(self, account: AccountInfo | None) -> None:
        """Shown for an OAuth2 account; stressed when its last sync failed."""
        if self._browser.running and (account is None or account.name != self._name):
            self._browser.cancel()
            self._idle()
        self._account = account
        shown = account is not None and signs_in_by_browser(account)
        self.setVisible(shown and self._secrets is not None)
        urgent = bool(shown and account is not None and account.last_error)
        self.setObjectName("PrimaryButton" if urgent else "")
        self.setStyleSheet("/* restyle */")
        self.setStyleSheet("")

    @property
    def _name(self) -> str:
        return self._account.name if self._account is not None else ""

    def _clicked(self) -> None:
        if self._browser.running:
            self._browser.cancel()
            self._idle()
            self.said.emit("The sign-in was cancelled; the account is as it was.")
            return
        if self._account is None or self._secrets is None:
            return
        from unibox.services.oauth import reauth

        store, secrets, name = self._bridge.store, self._secrets, self._account.name

        def work(open_url: OpenUrl, cancel: threading.Event) -> str:
            reauth(store, secrets, name, open_url=open_url, cancel=cancel, timeout=REAUTH_TIMEOUT)
            return name

        self.setText("Cancel sign-in")
        self.said.emit("Opening the sign-in page in your browser…")
        self._browser.start(work, self._done, self._failed)

    def _page_opened(self, url: str, opened: bool) -> None:
        if opened:
            self.said.emit("Finish signing in in your browser; unibox waits here.")
        else:
            self.said.emit(f"No browser opened: open this address in one to sign in: {url}")

    def _idle(self) -> None:
        self.setText("&Sign in again…")

    def _done(self, name: str) -> None:
        self._idle()
        self.said.emit(f"“{name}” is signed in again; syncing it.")
        self.signed_in.emit(name)

    def _failed(self, exc: Exception) -> None:
        self._idle()
        words = str(exc) if isinstance(exc, UserError) else f"({type(exc).__name__})"
        self.said.emit(f"The sign-in did not work: {words}")

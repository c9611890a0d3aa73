"""Signing in from the add-account dialog for real: oidc-provider-mock as the issuer, a
Dovecot that checks each token with it; the test plays the system browser, taking the
page the dialog hands to QDesktopServices."""

from __future__ import annotations

import socket
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.helpers.oidc import CLIENT_ID, CLIENT_SECRET, Browser, Issuer
from tests.helpers.tls import TlsFiles
from tests.ui.test_account_dialog import empty_profile, open_dialog
from tests.ui.test_sync import close_window, open_window, subjects
from unibox.channels.oauth import custom
from unibox.secrets import SecretStore
from unibox.services.oauth import create_oauth_account, mail_settings_for, sign_in
from unibox.store import accounts
from unibox.store.accounts import MailServer
from unibox.store.store import Store
from unibox.ui.widgets.account_dialog import AddAccountDialog

pytestmark = [
    pytest.mark.integration,
    # The mock issuer's libraries announce their own deprecations on import and use.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:oidc_provider_mock"),
]
__all__ = ["empty_profile"]


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with Issuer() as started:
        yield started


@pytest.fixture(scope="module")
def oauth_dovecot(issuer: Issuer, tls_files: TlsFiles) -> Iterator[Dovecot]:
    if not Dovecot.available():
        pytest.skip("Dovecot is not installed or not root")
    server = Dovecot(tls=tls_files, oauth2_introspection_url=issuer.userinfo_url).start()
    try:
        yield server
    finally:
        server.stop(graceful=False)


class SystemBrowser(QObject):
    """Takes what QDesktopServices.openUrl opens over http (the issuer's page is on loopback)."""

    def __init__(self, browser: Browser | None, **tamper: str) -> None:
        super().__init__()
        self.browser = browser
        self.tamper = tamper or None
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        text = url.toString(QUrl.ComponentFormattingOption.FullyEncoded)
        self.opened.append(text)
        if self.browser is not None:  # else the person never comes back
            threading.Thread(
                target=self.browser.sign_in, args=(text,), kwargs={"tamper": self.tamper}
            ).start()


@pytest.fixture
def system_browser() -> Iterator[list[SystemBrowser]]:
    installed: list[SystemBrowser] = []
    yield installed
    QDesktopServices.unsetUrlHandler("http")


def install(installed: list[SystemBrowser], browser: SystemBrowser) -> SystemBrowser:
    installed.append(browser)
    QDesktopServices.setUrlHandler("http", browser, "open")
    return browser


def fill(qtbot: Any, d: AddAccountDialog, email: str, issuer: Issuer, dovecot: Dovecot) -> None:
    d.display_name.setText("Mira Castell")
    qtbot.keyClicks(d.email, email)
    panel = d.oauth.panel
    qtbot.mouseClick(panel.issuer_link, Qt.MouseButton.LeftButton)
    assert panel.issuer.isVisible() and not d.password.isVisible()
    panel.issuer.setText(issuer.url)
    panel.client_id.setText(CLIENT_ID)
    panel.client_secret.setText(CLIENT_SECRET)
    d.imap.host.setText("127.0.0.1")
    d.imap.set_security("plain")
    d.imap.port.setText(str(dovecot.imap_port))
    d.smtp.host.clear()
    d.account_name.setText("Work")


def test_sign_in_from_the_dialog_then_the_first_mail_is_listed(
    qtbot: Any,
    issuer: Issuer,
    oauth_dovecot: Dovecot,
    empty_profile: Store,
    system_browser: list[SystemBrowser],
) -> None:
    email = "mira.dialog@example.org"
    oauth_dovecot.deliver(email, simple_message("Welcome to the team", "Glad you are here."))
    person = Browser(email)
    browser = install(system_browser, SystemBrowser(person))
    window = open_window(qtbot, empty_profile)
    try:
        dialog = open_dialog(qtbot, window)
        fill(qtbot, dialog, email, issuer, oauth_dovecot)
        panel = dialog.oauth.panel
        with qtbot.waitSignal(dialog.account_added, timeout=30_000) as added:
            qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
            # Waiting for the browser, off the GUI thread, with a way out.
            assert panel.cancel.isVisible() and not panel.button.isVisible()
            assert not dialog.email.isEnabled()
        assert person.error is None, person.error
        assert "close this tab" in person.final_page
        [page] = browser.opened
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page).query))
        assert page.startswith(issuer.url)
        assert query["code_challenge_method"] == "S256" and query["login_hint"] == email
        assert not dialog.isVisible()
        info = added.args[0]
        assert (info.name, info.email) == ("Work", email)
        with empty_profile.read() as s:
            stored = accounts.get_account(s, "Work")
        assert stored.settings.auth == "oauth2" and stored.display_name == "Mira Castell"

        qtbot.waitUntil(lambda: window.messages.rowCount() == 1, timeout=30_000)
        assert subjects(qtbot, window) == ["Welcome to the team"]
    finally:
        close_window(window)


def test_cancel_stops_waiting_and_saves_nothing(
    qtbot: Any,
    issuer: Issuer,
    oauth_dovecot: Dovecot,
    empty_profile: Store,
    system_browser: list[SystemBrowser],
) -> None:
    browser = install(system_browser, SystemBrowser(None))  # the person never signs in
    window = open_window(qtbot, empty_profile)
    try:
        dialog = open_dialog(qtbot, window)
        fill(qtbot, dialog, "mira.cancel@example.org", issuer, oauth_dovecot)
        panel = dialog.oauth.panel
        qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(browser.opened) == 1, timeout=20_000)
        qtbot.waitUntil(lambda: "Finish signing in" in panel.hint.text(), timeout=5_000)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(browser.opened[0]).query))
        port = urllib.parse.urlsplit(query["redirect_uri"]).port
        assert port is not None

        qtbot.mouseClick(panel.cancel, Qt.MouseButton.LeftButton)
        assert "cancelled" in dialog.message.text()
        assert panel.button.isVisible() and dialog.email.isEnabled()
        qtbot.waitUntil(lambda: not _listening(port), timeout=10_000)  # the redirect is closed
        with empty_profile.read() as s:
            assert accounts.list_accounts(s) == []
    finally:
        close_window(window)


def test_an_answer_that_is_not_this_sign_ins_is_refused_in_words(
    qtbot: Any,
    issuer: Issuer,
    oauth_dovecot: Dovecot,
    empty_profile: Store,
    system_browser: list[SystemBrowser],
) -> None:
    email = "mira.forged@example.org"
    install(system_browser, SystemBrowser(Browser(email), state="forged"))
    window = open_window(qtbot, empty_profile)
    try:
        dialog = open_dialog(qtbot, window)
        fill(qtbot, dialog, email, issuer, oauth_dovecot)
        qtbot.mouseClick(dialog.oauth.panel.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.message.property("problem") is True, timeout=30_000)
        assert "does not belong to this sign-in" in dialog.message.text()
        assert dialog.isVisible() and dialog.oauth.panel.button.isVisible()
        with empty_profile.read() as s:
            assert accounts.list_accounts(s) == []
    finally:
        close_window(window)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def test_a_revoked_sign_in_is_renewed_from_settings_and_mail_flows_again(
    qtbot: Any,
    issuer: Issuer,
    oauth_dovecot: Dovecot,
    empty_profile: Store,
    system_browser: list[SystemBrowser],
) -> None:
    email = "mira.revoked@example.org"
    oauth_dovecot.deliver(email, simple_message("Before the revoke", "One."))
    person = Browser(email)
    grant = sign_in(
        SecretStore(),
        custom(issuer.url),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        login_hint=email,
        open_url=person.in_thread(),
        timeout=30,
    )
    imap = MailServer("127.0.0.1", oauth_dovecot.imap_port, "plain")
    settings = mail_settings_for(grant, imap=imap)
    create_oauth_account(empty_profile, SecretStore(), grant, name="Work", settings=settings)
    window = open_window(qtbot, empty_profile)
    try:
        qtbot.waitUntil(lambda: window.messages.rowCount() == 1, timeout=30_000)
        issuer.revoke(email)  # "remove access" at the provider: every token of it is void
        window.accounts.sync_now()

        def last_error() -> str:
            with empty_profile.read() as s:
                return accounts.get_account(s, "Work").last_error

        qtbot.waitUntil(lambda: "sign in again" in last_error().lower(), timeout=30_000)
        # The status bar says so, and its button leads to where that is done (not Retry).
        status = window.sync_status
        qtbot.waitUntil(lambda: status.retry.isVisible(), timeout=10_000)
        assert status.retry.text() == "Sign in again…"
        assert "Work" in status.sentence and "sign in again" in status.sentence.lower()
        qtbot.mouseClick(status.retry, Qt.MouseButton.LeftButton)
        dialog = window.settings_dialog
        assert dialog is not None and dialog.isVisible()
        page = dialog.accounts
        assert dialog.stack.currentWidget() is page
        qtbot.waitUntil(
            lambda: page.current is not None and page.current.account.name == "Work",
            timeout=10_000,
        )
        assert page.reauth.isVisible() and not page.edit.isVisible()
        assert not page.password.isVisible()
        assert "press “Sign in again”" in page.state.text()

        browser = install(system_browser, SystemBrowser(Browser(email)))
        oauth_dovecot.deliver(email, simple_message("After signing in again", "Two."))
        qtbot.mouseClick(page.reauth, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "signed in again" in page.problem.text(), timeout=30_000)
        assert len(browser.opened) == 1
        qtbot.waitUntil(lambda: window.messages.rowCount() == 2, timeout=30_000)
        assert sorted(subjects(qtbot, window)) == ["After signing in again", "Before the revoke"]
        qtbot.waitUntil(lambda: last_error() == "", timeout=10_000)
        qtbot.waitUntil(lambda: not status.retry.isVisible(), timeout=10_000)
    finally:
        close_window(window)

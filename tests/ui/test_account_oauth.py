"""The add-account dialog offers "Sign in with Google / Microsoft" when the address says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.dns_server import MxResponder
from unibox.config import OAUTH_GOOGLE_CLIENT_ID, Settings, store_path
from unibox.secrets import SecretStore
from unibox.services.oauth_clients import stored_client_secret
from unibox.store.store import Store
from unibox.ui.bridge import Bridge
from unibox.ui.preferences import Preferences
from unibox.ui.settings.sign_in import SignInPage
from unibox.ui.widgets.account_dialog import AddAccountDialog


@pytest.fixture
def dialog(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AddAccountDialog]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    bridge = Bridge(store)
    d = AddAccountDialog(bridge, SecretStore(), prefs=Preferences(None))
    qtbot.addWidget(d)
    d.show()
    yield d
    d.reject()
    bridge.close()
    store.close()


def offered(d: AddAccountDialog) -> str:
    """The text of the sign-in button the person sees, or "" when none is shown."""
    button = d.oauth.panel.button
    return button.text() if button.isVisible() else ""


def test_a_gmail_address_is_offered_sign_in_with_google(
    qtbot: Any, dialog: AddAccountDialog
) -> None:
    qtbot.keyClicks(dialog.email, "mira.castell@gmail.com")
    assert offered(dialog) == "Sign in with Google"
    assert not dialog.password.isVisible() and not dialog.add_button.isVisible()
    assert "imap.gmail.com" in dialog.oauth.panel.hint.text()
    # No client id kept yet: the dialog asks for it beside the button.
    assert dialog.oauth.panel.client_id.isVisible()
    assert dialog.account_name.text() == "Gmail"

    # A password instead (an app password): Gmail's servers stay filled in.
    qtbot.mouseClick(dialog.oauth.panel.password_link, Qt.MouseButton.LeftButton)
    assert offered(dialog) == ""
    assert dialog.password.isVisible() and dialog.add_button.isVisible()
    assert (dialog.imap.host.text(), dialog.imap.port.text()) == ("imap.gmail.com", "993")
    assert dialog.smtp.host.text() == "smtp.gmail.com"
    back = dialog.oauth.panel.provider_link
    assert back.isVisible() and back.text() == "Sign in with Google instead"
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert offered(dialog) == "Sign in with Google"


def test_a_client_id_kept_in_settings_is_not_asked_for_again(
    qtbot: Any, dialog: AddAccountDialog
) -> None:
    prefs = dialog.oauth.prefs
    assert prefs is not None
    page = SignInPage(prefs)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.google, " 123-abc.apps.googleusercontent.com ")
    qtbot.keyClick(page.google, Qt.Key.Key_Return)
    assert prefs.get(OAUTH_GOOGLE_CLIENT_ID) == "123-abc.apps.googleusercontent.com"
    qtbot.keyClicks(dialog.email, "mira@googlemail.com")
    assert offered(dialog) == "Sign in with Google"
    assert not dialog.oauth.panel.client_id.isVisible()


def test_a_hotmail_address_is_offered_microsoft(qtbot: Any, dialog: AddAccountDialog) -> None:
    qtbot.keyClicks(dialog.email, "paul@hotmail.co.uk")
    assert offered(dialog) == "Sign in with Microsoft"
    assert "outlook.office365.com" in dialog.oauth.panel.hint.text()


def test_a_company_domain_is_offered_its_provider_by_its_mx(
    qtbot: Any, dialog: AddAccountDialog, loopback_dns: MxResponder
) -> None:
    loopback_dns.mx["acme-sales.de"] = [(1, "aspmx.l.google.com"), (5, "alt1.aspmx.l.google.com")]
    loopback_dns.mx["contoso.fr"] = [(0, "contoso-fr.mail.protection.outlook.com")]
    qtbot.keyClicks(dialog.email, "anna@acme-sales.de")
    qtbot.waitUntil(lambda: offered(dialog) == "Sign in with Google", timeout=10_000)
    assert dialog.imap.host.text() == "imap.gmail.com"

    dialog.email.clear()
    qtbot.keyClicks(dialog.email, "paul@contoso.fr")
    qtbot.waitUntil(lambda: offered(dialog) == "Sign in with Microsoft", timeout=10_000)
    # Asked once per domain when typing paused, not once per letter.
    assert loopback_dns.queries.count("contoso.fr") == 1


def test_an_unknown_domain_is_offered_no_provider(
    qtbot: Any, dialog: AddAccountDialog, loopback_dns: MxResponder
) -> None:
    loopback_dns.mx["own-server.net"] = [(10, "mx.own-server.net")]
    qtbot.keyClicks(dialog.email, "me@own-server.net")
    qtbot.waitUntil(lambda: "own-server.net" in loopback_dns.queries, timeout=10_000)
    qtbot.waitUntil(lambda: "own-server.net" in dialog.oauth.looked_up, timeout=10_000)
    assert offered(dialog) == ""
    assert dialog.password.isVisible() and dialog.add_button.isVisible()
    assert dialog.imap.host.text() == "imap.own-server.net"  # the usual guess, as before
    # A provider of one's own stays reachable.
    assert dialog.oauth.panel.issuer_link.isVisible()


def test_from_gmail_to_another_domain_the_guess_follows(
    qtbot: Any, dialog: AddAccountDialog, loopback_dns: MxResponder
) -> None:
    qtbot.keyClicks(dialog.email, "mira@gmail.com")
    assert offered(dialog) == "Sign in with Google"
    dialog.email.setText("mira@castell.org")
    qtbot.waitUntil(lambda: "castell.org" in dialog.oauth.looked_up, timeout=10_000)
    assert offered(dialog) == ""
    assert not dialog.oauth.panel.provider_link.isVisible()  # no "Sign in with Google instead"
    assert dialog.imap.host.text() == "imap.castell.org"
    assert dialog.smtp.host.text() == "smtp.castell.org"


def test_a_client_secret_goes_to_the_keyring_never_into_the_settings_file(
    qtbot: Any, dialog: AddAccountDialog, tmp_path: Path
) -> None:
    settings = Settings(tmp_path / "settings-profile")
    page = SignInPage(Preferences(settings), dialog.bridge, SecretStore())
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.google, "123-abc.apps.googleusercontent.com")
    qtbot.keyClick(page.google, Qt.Key.Key_Return)
    qtbot.keyClicks(page.google_secret, "GOCSPX-not-really-secret")
    qtbot.keyClick(page.google_secret, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "kept in the keyring" in page.google_secret.placeholderText(), timeout=10_000
    )
    assert page.google_secret.text() == ""
    assert stored_client_secret(SecretStore(), "google") == "GOCSPX-not-really-secret"
    kept = settings.path.read_text()
    assert "123-abc.apps.googleusercontent.com" in kept and "GOCSPX" not in kept
    # A new page (the next time Settings opens) says one is kept, without showing it.
    again = SignInPage(Preferences(settings), dialog.bridge, SecretStore())
    qtbot.addWidget(again)
    qtbot.waitUntil(
        lambda: "kept in the keyring" in again.google_secret.placeholderText(), timeout=10_000
    )
    assert "kept" not in again.microsoft_secret.placeholderText()

"""The add-account dialog's OAuth2 side: suggest Google or Microsoft from the address, sign
in through the system browser, store the account with the provider's servers.

The suggestion comes from the address's domain at once, or from its MX
records (services.mail_provider, on a task thread, after typing pauses).
The sign-in itself is services.oauth on a task thread (ui/browser_sign_in.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from unibox.config import OAUTH_CLIENT_IDS
from unibox.core.errors import UserError
from unibox.core.identity import normalize_email
from unibox.secrets import SecretStore
from unibox.services.mail_provider import (
    PROVIDER_NAMES,
    configured_nameserver,
    detect_provider,
    domain_of,
    provider_for_domain,
)
from unibox.store.accounts import AccountInfo, MailServer
from unibox.store.store import Store
from unibox.ui.browser_sign_in import BrowserSignIn, OpenUrl
from unibox.ui.preferences import Preferences
from unibox.ui.widgets.sign_in_panel import ISSUER, OFF, PROVIDER, WAITING, SignInPanel

if TYPE_CHECKING:
    from unibox.ui.widgets.account_dialog import AddAccountDialog

PASSWORD = "password"
DETECT_AFTER_MS = 450  # an MX look-up once typing pauses, not at every letter
SIGN_IN_TIMEOUT = 600.0  # seconds the browser has to come back


def detect(address: str) -> str | None:
    """The provider of an address, its MX asked where $UNIBOX_NAMESERVER says (else the system)."""
    return detect_provider(address, nameserver=configured_nameserver())


@dataclass(frozen=True, slots=True)
class SignInRequest:
    """What one sign-in needs, read from the dialog on the GUI thread."""

    provider: str  # "google", "microsoft" or "custom"
    issuer: str
    client_id: str
    client_secret: str
    email: str
    name: str
    display_name: str
    imap: MailServer | None  # None: the provider's own
    smtp: MailServer | None
    ca_file: str


class AccountOAuth(QObject):
    """Owns the dialog's SignInPanel and decides between password and OAuth2 sign-in."""

    def __init__(
        self,
        dialog: AddAccountDialog,
        secrets: SecretStore,
        prefs: Preferences | None,
        detector: Callable[[str], str | None] = detect,
    ) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.secrets = secrets
        self.prefs = prefs
        self.detector = detector
        self.panel = SignInPanel(dialog)
        self.browser = BrowserSignIn(dialog.bridge, self)
        self.browser.page_opened.connect(self._page_opened)
        self.choice = PASSWORD  # or a provider key, or ISSUER
        self.suggested: str | None = None  # the provider the address points to
        self.enabled = True
        self._declined: set[str] = set()  # domains the person chose a password for
        self.looked_up: dict[str, str | None] = {}  # domain -> provider, as DNS said
        self._shown: tuple[str, str | None] = (PASSWORD, None)
        self._address = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DETECT_AFTER_MS)
        self._timer.timeout.connect(self._look_up)
        self.panel.sign_in_clicked.connect(self.sign_in)
        self.panel.cancel_clicked.connect(self.cancel)
        self.panel.password_clicked.connect(self._use_password)
        self.panel.provider_clicked.connect(self._use_provider)
        self.panel.issuer_clicked.connect(lambda: self._choose(ISSUER))

    @property
    def active(self) -> bool:
        """The dialog signs in through the browser, not with a password."""
        return self.enabled and self.choice != PASSWORD

    def disable(self) -> None:
        """An account being edited keeps how it signs in."""
        self.enabled = False
        self._timer.stop()
        self.panel.hide()

    # -- the suggestion --------------------------------------------------------

    def address_changed(self, address: str) -> None:
        if not self.enabled:
            return
        self._address = address.strip()
        domain = domain_of(self._address)
        self._timer.stop()
        if domain in self.looked_up:
            self._suggest(self.looked_up[domain])
        elif "." not in domain:
            self._suggest(None)
        else:
            known = provider_for_domain(domain)
            if known is not None:
                self._suggest(known)
            else:
                self._timer.start()  # the suggestion so far stays until DNS answers

    def _look_up(self) -> None:
        address, detector = self._address, self.detector
        domain = domain_of(address)

        def found(provider: str | None) -> None:
            self.looked_up[domain] = provider
            if address == self._address:
                self._suggest(provider)

        # A hint that fails is no hint (detect_provider does not raise; a detector may).
        self.dialog.bridge.run(lambda: detector(address), found, lambda _exc: found(None))

    def _suggest(self, provider: str | None) -> None:
        if self.browser.running:
            return
        before, self.suggested = self.suggested, provider
        if before is not None and provider is None:
            self.dialog.guess_hosts()  # the provider's servers no longer apply
        if self.choice == ISSUER:
            self._choose(ISSUER)  # the issuer the person chose stays; the links follow
        elif provider is not None and domain_of(self._address) not in self._declined:
            self._choose(provider)
            self._fill_servers(provider)
        else:
            self._choose(PASSWORD)

    def _fill_servers(self, provider: str) -> None:
        from unibox.channels.oauth import PRESETS

        preset = PRESETS.get(provider)
        if preset is None:
            return
        d = self.dialog
        for fields, server in ((d.imap, preset.imap), (d.smtp, preset.smtp)):
            if server is not None and not fields.host_edited:
                fields.host.setText(server.host)
                fields.set_security(server.security)
                fields.port.setText(str(server.port))

    def _use_password(self) -> None:
        if self.choice != ISSUER:
            self._declined.add(domain_of(self._address))
        self._choose(PASSWORD)

    def _use_provider(self) -> None:
        if self.suggested is not None:
            self._declined.discard(domain_of(self._address))
            self._choose(self.suggested)

    # -- the looks -------------------------------------------------------------

    def _client_id_setting(self, provider: str) -> str:
        setting = OAUTH_CLIENT_IDS.get(provider)
        if setting is None or self.prefs is None:
            return ""
        return self.prefs.get(setting)

    def _choose(self, choice: str, *, again: bool = False) -> None:
        """Show `choice`; what is shown already is left alone (typing re-suggests per key)."""
        if not again and (choice, self.suggested) == self._shown:
            return
        self._shown = (choice, self.suggested)
        self.choice = choice
        d = self.dialog
        if choice == PASSWORD:
            name = PROVIDER_NAMES.get(self.suggested or "", "")
            self.panel.show_mode(OFF, provider_name=name)
        elif choice == ISSUER:
            self.panel.show_mode(
                ISSUER,
                hint="Sign in on your provider's own page, in your browser. Give its OpenID\n"
                "issuer and the client id it gave for unibox; the servers go below.",
            )
        else:
            name = PROVIDER_NAMES[choice]
            from unibox.channels.oauth import PRESETS

            preset = PRESETS[choice]
            hosts = " and ".join(s.host for s in (preset.imap, preset.smtp) if s is not None)
            self.panel.show_mode(
                PROVIDER,
                provider_name=name,
                hint=f"A {name} address: sign in on {name}'s own page, in your browser.\n"
                f"Servers: {hosts}.",
                ask_client_id=not self._client_id_setting(choice),
            )
        d.show_sign_in(choice)

    # -- signing in ------------------------------------------------------------

    def request(self) -> SignInRequest:
        """The dialog's values for a sign-in, or a UserError saying what to fill in."""
        d = self.dialog
        email = d.email.text().strip()
        if not normalize_email(email):
            raise UserError(f"“{email}” is not an e-mail address.")
        name = d.account_name.text().strip()
        if not name:
            raise UserError("Give the account a name, such as “Work”.")
        provider = "custom" if self.choice == ISSUER else self.choice
        client_id = self.panel.client_id.text().strip() or self._client_id_setting(provider)
        if not client_id:
            raise UserError(
                f"Enter the client id of the app registered with "
                f"{PROVIDER_NAMES.get(provider, 'the provider')} (Settings › Sign-in keeps it)."
            )
        issuer = self.panel.issuer.text().strip()
        imap = smtp = None
        if provider == "custom":
            if not issuer:
                raise UserError("Enter the issuer's address, such as https://login.example.org.")
            form = d.form()
            if not form.imap_host:
                raise UserError("Enter the IMAP server, such as imap.example.org.")
            imap = MailServer(form.imap_host, form.imap_port, form.imap_security)
            if form.smtp_host:
                smtp = MailServer(form.smtp_host, form.smtp_port, form.smtp_security)
        return SignInRequest(
            provider=provider,
            issuer=issuer,
            client_id=client_id,
            client_secret=self.panel.client_secret.text().strip(),
            email=email,
            name=name,
            display_name=d.display_name.text().strip(),
            imap=imap,
            smtp=smtp,
            ca_file=d.ca_file.text().strip() if provider == "custom" else "",
        )

    def sign_in(self) -> None:
        """Open the provider's page in the browser and wait, off this thread, for its answer."""
        if self.browser.running:
            return
        try:
            req = self.request()
        except UserError as exc:
            self.dialog.say(str(exc), problem=True)
            return
        self._keep_client_id(req)
        store, secrets = self.dialog.bridge.store, self.secrets

        def work(open_url: OpenUrl, cancel: threading.Event) -> AccountInfo:
            return sign_in_and_store(store, secrets, req, open_url, cancel)

        name = PROVIDER_NAMES.get(req.provider) or self.panel.issuer.text().strip()
        self.panel.show_mode(WAITING, hint=f"Opening {name}'s sign-in page in your browser…")
        self.dialog.set_signing_in(True)
        self.dialog.say("")
        self.dialog.fit()
        self.browser.start(work, self._signed_in, self._not_signed_in)

    def _keep_client_id(self, req: SignInRequest) -> None:
        setting = OAUTH_CLIENT_IDS.get(req.provider)
        if setting is not None and self.prefs is not None and self.panel.client_id.text().strip():
            self.prefs.set(setting, req.client_id)

    def _page_opened(self, url: str, opened: bool) -> None:
        if opened:
            self.panel.set_waiting_text("Finish signing in in your browser; unibox waits here.")
        else:
            self.panel.set_waiting_text("No browser opened: copy this address into one.", url)
        self.dialog.fit()

    def cancel(self) -> None:
        if self.browser.running:
            self.browser.cancel()
            self.dialog.set_signing_in(False)
            self._choose(self.choice, again=True)
            self.dialog.say("The sign-in was cancelled; nothing was saved.")

    def _signed_in(self, account: AccountInfo) -> None:
        self.dialog.set_signing_in(False)
        self._choose(self.choice, again=True)
        self.dialog.saved(account)

    def _not_signed_in(self, exc: Exception) -> None:
        self.dialog.set_signing_in(False)
        self._choose(self.choice, again=True)
        if isinstance(exc, UserError):
            self.dialog.say(str(exc), problem=True)
        else:
            self.dialog.say(f"The sign-in did not work ({type(exc).__name__}).", problem=True)


def sign_in_and_store(
    store: Store,
    secrets: SecretStore,
    req: SignInRequest,
    open_url: OpenUrl,
    cancel: threading.Event,
) -> AccountInfo:
    """On a task thread: the browser round trip, then the account with its servers stored."""
    from unibox.services import oauth
    from unibox.services.oauth_clients import keep_client_secret, stored_client_secret

    provider = oauth.provider_named(req.provider, req.issuer if req.provider == "custom" else "")
    preset = req.provider != "custom"
    client_secret = req.client_secret
    if preset and not client_secret:
        client_secret = stored_client_secret(secrets, req.provider)
    grant = oauth.sign_in(
        secrets,
        provider,
        client_id=req.client_id,
        client_secret=client_secret,
        login_hint=req.email,
        open_url=open_url,
        cancel=cancel,
        timeout=SIGN_IN_TIMEOUT,
    )
    if preset and req.client_secret:  # it worked: the next account of this provider needs it too
        keep_client_secret(secrets, req.provider, req.client_secret)
    settings = oauth.mail_settings_for(grant, imap=req.imap, smtp=req.smtp, ca_file=req.ca_file)
    return oauth.create_oauth_account(
        store, secrets, grant, name=req.name, settings=settings, display_name=req.display_name
    )

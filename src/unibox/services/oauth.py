"""Signing in to a mail account with OAuth2 (Google, Microsoft, or any OpenID issuer).

For the account dialog and the CLI alike. From a worker thread (it blocks
until the browser comes back, up to `timeout` seconds):

    from unibox.channels.oauth import PRESETS, custom
    from unibox.services.oauth import sign_in, mail_settings_for, create_oauth_account

    provider = PRESETS["google"]            # or custom("https://issuer.example")
    grant = sign_in(secrets, provider, client_id=ID, login_hint="ann@gmail.com",
                    open_url=lambda url: QDesktopServices.openUrl(QUrl(url)),
                    cancel=cancel_event,    # set() it to give up (Cancel button)
                    expect_email="ann@gmail.com",   # another address is refused
                    secret_ref="mail:Work") # the account's own keyring entry
    settings = mail_settings_for(grant)     # Gmail's servers, or pass imap/smtp yourself
    create_oauth_account(store, secrets, grant, name="Work", settings=settings)

`open_url` is called once, from the calling thread, with the provider's page;
the dialog queues it to the GUI thread. `sign_in` raises a `UserError`
(`OAuthError`, `SignInCancelled`, `ChannelError`) whose text is one sentence
for the person. The refresh token goes to the keyring under
`grant.secret_ref` and nowhere else; the grant carries only the access
token, its expiry and scopes. `reauth` signs an existing account in again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from unibox.channels import oauth
from unibox.channels.oauth import Provider
from unibox.channels.oauth_redirect import LoopbackRedirect, SignInCancelled
from unibox.core.errors import UserError
from unibox.core.identity import normalize_email
from unibox.secrets import SecretStore
from unibox.store import accounts
from unibox.store.accounts import AccountInfo, MailServer, MailSettings, OAuthSettings
from unibox.store.store import Store
from unibox.sync import credentials

__all__ = [
    "OAuthGrant",
    "SignInCancelled",
    "create_oauth_account",
    "mail_settings_for",
    "provider_named",
    "reauth",
    "sign_in",
]


@dataclass(frozen=True, slots=True)
class OAuthGrant:
    """A finished sign-in: who, for what, and until when the access token holds."""

    email: str
    provider: Provider  # with its endpoints (discovered for a custom issuer)
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float  # of the access token, seconds since the epoch
    secret_ref: str  # where the keyring keeps the refresh token
    access_token: str = field(repr=False, default="")

    @property
    def settings(self) -> OAuthSettings:
        return OAuthSettings(
            provider=self.provider.key,
            issuer=self.provider.issuer,
            client_id=self.client_id,
            scopes=self.provider.scopes,
            authorization_endpoint=self.provider.authorization_endpoint,
            token_endpoint=self.provider.token_endpoint,
        )


def provider_named(key: str = "", issuer: str = "") -> Provider:
    """A preset ("google", "microsoft") or a custom issuer's provider (not yet discovered)."""
    if issuer:
        return oauth.custom(issuer)
    if key in oauth.PRESETS:
        return oauth.PRESETS[key]
    raise UserError(
        f"Unknown OAuth2 provider “{key}”: choose google or microsoft, or give the issuer's URL."
    )


def sign_in(
    secrets: SecretStore,
    provider: Provider,
    *,
    client_id: str,
    login_hint: str,
    open_url: Callable[[str], None],
    cancel: threading.Event | None = None,
    timeout: float = 300,
    client_secret: str = "",
    secret_ref: str = "",
    expect_email: str = "",
) -> OAuthGrant:
    """The whole sign-in: browser, loopback redirect, code exchange, refresh token stored.

    `secret_ref` defaults to one per provider and address; `reauth` passes the
    account's own, and `expect_email` so that another person's sign-in replaces nothing.
    """
    if not client_id.strip():
        raise UserError(
            f"A client id is needed to sign in with {provider.name}; see README "
            "(“OAuth2 sign-in”) for how to get one."
        )
    provider = oauth.ready(provider)
    with LoopbackRedirect() as redirect:
        auth = oauth.authorization(provider, client_id, redirect.redirect_uri, login_hint)
        open_url(auth.url)
        answer = redirect.wait(cancel, timeout)
    code = oauth.code_from(answer, auth, provider)
    tokens = oauth.exchange(provider, client_id, code, auth, client_secret)
    if not tokens.refresh_token:
        raise oauth.OAuthError(
            f"{provider.name} gave no lasting sign-in (no refresh token), so unibox could "
            "not read mail later; sign in again and allow offline access."
        )
    email = tokens.email or login_hint.strip()
    if not normalize_email(email):
        raise oauth.OAuthError(f"{provider.name} did not say which address was signed in.")
    if expect_email and normalize_email(email) != normalize_email(expect_email):
        raise oauth.OAuthError(
            f"You signed in as {email}, but this account is {expect_email}; sign in again "
            "as that address (nothing was changed)."
        )
    ref = secret_ref or f"oauth2:{provider.key}:{email.lower()}"
    secrets.set(ref, credentials.pack_secret(tokens.refresh_token, client_secret))
    credentials.forget(ref)
    grant = OAuthGrant(
        email=email,
        provider=provider,
        client_id=client_id,
        scopes=tokens.scopes,
        expires_at=tokens.expires_at,
        secret_ref=ref,
        access_token=tokens.access_token,
    )
    _seed(secrets, grant, login_hint or email)
    return grant


def _seed(secrets: SecretStore, grant: OAuthGrant, name: str) -> None:
    # The first sync of this process uses the token just issued instead of renewing.
    source = credentials.token_source(secrets, grant.secret_ref, grant.settings, name)
    source.seed(grant.access_token, grant.expires_at)


def mail_settings_for(
    grant: OAuthGrant,
    *,
    imap: MailServer | None = None,
    smtp: MailServer | None = None,
    username: str = "",
    ca_file: str = "",
    pop3: MailServer | None = None,
    delete_after_days: int = 0,
) -> MailSettings:
    """The account's settings: the provider's servers unless given, signed in as the address.

    With `pop3`, a POP3 account (mail read there, `imap` unused)."""
    preset = oauth.PRESETS.get(grant.provider.key)
    if pop3 is not None:
        imap = MailServer("", 0, "plain")
    elif imap is None:
        if preset is None or preset.imap is None:
            raise UserError("Enter the IMAP server: unibox knows none for this provider.")
        imap = MailServer(preset.imap.host, preset.imap.port, preset.imap.security)
    if smtp is None and preset is not None and preset.smtp is not None:
        smtp = MailServer(preset.smtp.host, preset.smtp.port, preset.smtp.security)
    return MailSettings(
        imap=imap,
        smtp=smtp,
        username=username or grant.email,
        ca_file=ca_file,
        pop3=pop3,
        delete_after_days=delete_after_days if pop3 is not None else 0,
        auth="oauth2",
        oauth=grant.settings,
    )


def create_oauth_account(
    store: Store,
    secrets: SecretStore,
    grant: OAuthGrant,
    *,
    name: str,
    settings: MailSettings,
    display_name: str = "",
) -> AccountInfo:
    """The signed-in account into the store; its refresh token is already in the keyring."""
    if settings.auth != "oauth2" or settings.oauth is None:
        settings = replace(settings, auth="oauth2", oauth=grant.settings)
    with store.write() as s:
        return accounts.add_account(
            s,
            name=name,
            kind="pop3" if settings.pop3 is not None else "imap",
            email=grant.email,
            display_name=display_name,
            settings=settings,
            secret_ref=grant.secret_ref,
        )


def reauth(
    store: Store,
    secrets: SecretStore,
    name: str,
    *,
    open_url: Callable[[str], None],
    cancel: threading.Event | None = None,
    timeout: float = 300,
) -> OAuthGrant:
    """Sign an OAuth2 account in again; its mail, settings and queued work stay as they are."""
    with store.read() as s:
        account = accounts.get_account(s, name)
    settings = account.settings.oauth
    if account.settings.auth != "oauth2" or settings is None:
        raise UserError(f"“{name}” signs in with a password, not OAuth2: nothing to renew.")
    _refresh_token, client_secret = _old_secret(secrets, account.secret_ref)
    provider = credentials.provider_of(settings)
    grant = sign_in(
        secrets,
        provider,
        client_id=settings.client_id,
        login_hint=account.email,
        open_url=open_url,
        cancel=cancel,
        timeout=timeout,
        client_secret=client_secret,
        secret_ref=account.secret_ref,
        expect_email=account.email,
    )
    return grant


def _old_secret(secrets: SecretStore, ref: str) -> tuple[str, str]:
    try:
        return credentials.unpack_secret(secrets.get(ref))
    except UserError:
        return "", ""  # gone from the keyring: signing in again is the cure

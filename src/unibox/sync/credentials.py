"""What an account signs in with: its password, or access tokens renewed from the keyring.

An OAuth2 account keeps its refresh token (and a client secret, where the
provider has one) in the keyring under the account's secret reference, as
JSON. Access tokens live in memory only: each process renews once, then
again shortly before expiry or when a server says a token is stale. A grant
the provider revoked is `ReauthNeeded`: nothing local changes, and the
sentence says which command signs in again.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from unibox.channels import oauth
from unibox.channels.sasl import Credential
from unibox.core.errors import AuthError
from unibox.secrets import SecretStore
from unibox.store.oauth_settings import OAuthSettings

if TYPE_CHECKING:
    from unibox.store.accounts import AccountInfo

log = logging.getLogger("unibox.sync.oauth")

# Renew this long before expiry (at most a tenth of a token's life).
RENEW_AHEAD_SECONDS = 60.0


class ReauthNeeded(AuthError):
    """The refresh token is no longer honoured; only signing in again helps."""


def reauth_hint(account_name: str) -> str:
    return f"sign in again with `unibox account reauth {account_name}`; nothing was lost."


def pack_secret(refresh_token: str, client_secret: str = "") -> str:
    """The keyring value of an OAuth2 account."""
    value = {"refresh_token": refresh_token}
    if client_secret:
        value["client_secret"] = client_secret
    return json.dumps(value)


def unpack_secret(value: str) -> tuple[str, str]:
    """(refresh token, client secret) from the keyring value."""
    try:
        raw = json.loads(value)
    except ValueError:
        raw = None
    if not isinstance(raw, dict) or not raw.get("refresh_token"):
        raise ReauthNeeded("The keyring holds no sign-in for this account.")
    return str(raw["refresh_token"]), str(raw.get("client_secret", ""))


def provider_of(settings: OAuthSettings) -> oauth.Provider:
    preset = oauth.PRESETS.get(settings.provider)
    name = preset.name if preset else oauth.custom(settings.issuer).name
    return oauth.Provider(
        key=settings.provider,
        name=name,
        issuer=settings.issuer,
        authorization_endpoint=settings.authorization_endpoint,
        token_endpoint=settings.token_endpoint,
        scopes=settings.scopes,
    )


class OAuthTokens:
    """A `channels.sasl.TokenSource` for one account; safe to share between threads."""

    def __init__(
        self,
        secrets: SecretStore,
        secret_ref: str,
        settings: OAuthSettings,
        account_name: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secrets = secrets
        self._ref = secret_ref
        self._settings = settings
        self._provider = provider_of(settings)
        self._name = account_name
        self._clock = clock
        self._lock = threading.Lock()
        self._access = ""
        self._expires_at = 0.0
        self._renew_at = 0.0
        self.renewals = 0  # how often a token was renewed (tests, benchmarks)

    @property
    def reauth_hint(self) -> str:
        return reauth_hint(self._name).capitalize()

    def seed(self, access_token: str, expires_at: float) -> None:
        """Start from a token just issued (the sign-in's), instead of renewing at once."""
        with self._lock:
            self._set(access_token, expires_at)

    def token(self) -> str:
        with self._lock:
            if not self._access or self._clock() >= self._renew_at:
                self._renew()
            return self._access

    def stale(self, token: str) -> None:
        with self._lock:
            if token == self._access:
                self._access = ""

    def _set(self, access_token: str, expires_at: float) -> None:
        now = self._clock()
        self._access = access_token
        self._expires_at = expires_at
        self._renew_at = expires_at - min(RENEW_AHEAD_SECONDS, max(0.0, expires_at - now) / 10)

    def _renew(self) -> None:
        refresh_token, client_secret = unpack_secret(self._secrets.get(self._ref))
        try:
            tokens = oauth.refresh(
                self._provider,
                self._settings.client_id,
                refresh_token,
                self._settings.scopes,
                client_secret,
            )
        except oauth.GrantRevoked as exc:
            raise ReauthNeeded(
                f"{exc} For the account “{self._name}”, {reauth_hint(self._name)}"
            ) from None
        if tokens.refresh_token != refresh_token:  # rotated: the old one is now void
            self._secrets.set(self._ref, pack_secret(tokens.refresh_token, client_secret))
        self.renewals += 1
        log.info("%s: renewed the access token", self._name)
        self._set(tokens.access_token, tokens.expires_at)


_sources: dict[str, OAuthTokens] = {}
_sources_lock = threading.Lock()


def credential_for(secrets: SecretStore, account: AccountInfo) -> Credential:
    """The password from the keyring, or the account's token source (one per process)."""
    settings = account.settings
    if settings.auth != "oauth2" or settings.oauth is None:
        return secrets.get(account.secret_ref)
    return token_source(secrets, account.secret_ref, settings.oauth, account.name)


def token_source(
    secrets: SecretStore, secret_ref: str, settings: OAuthSettings, account_name: str
) -> OAuthTokens:
    with _sources_lock:
        found = _sources.get(secret_ref)
        if found is None or found._settings != settings:
            found = _sources[secret_ref] = OAuthTokens(secrets, secret_ref, settings, account_name)
        found._secrets = secrets  # the caller's keyring, should it differ
        found._name = account_name
        return found


def forget(secret_ref: str) -> None:
    """Drop the tokens kept in memory (after a new sign-in or the account's removal)."""
    with _sources_lock:
        _sources.pop(secret_ref, None)

"""OAuth2 for mail accounts: providers, discovery, PKCE, code exchange and refresh.

A desktop app signs in as RFC 8252 asks: the system browser shows the
provider's own page, the answer comes back to a loopback port we listen on
(channels/oauth_redirect.py), PKCE (S256) binds the code to this sign-in and
`state` to this browser round trip. No store and no Qt here: the sign-in as a
whole, and where the refresh token is kept, is services/oauth.py.

HTTP is urllib with TLS verified; plain http only to this computer (a test
issuer). No token is ever put in a log line or an error message.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, replace
from typing import Any

from unibox.channels.tls import is_loopback
from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError

log = logging.getLogger("unibox.channels.oauth")

HTTP_TIMEOUT_SECONDS = 20.0
# OpenID scopes asked beside the mail ones: the id token then names the address.
IDENTITY_SCOPES = ("openid", "email")


class OAuthError(AuthError):
    """A sign-in that did not go through; the sentence says why (never a token)."""


class GrantRevoked(OAuthError):
    """The provider no longer honours the refresh token: the person must sign in again."""


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    security: str  # "ssl" | "starttls"


@dataclass(frozen=True, slots=True)
class Provider:
    """Where to sign in and what to ask for; the servers its tokens open."""

    key: str  # "google", "microsoft" or "custom"
    name: str  # shown to the person: "Google"
    issuer: str
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    scopes: tuple[str, ...] = ()
    imap: Server | None = None
    smtp: Server | None = None
    # Added to the authorization URL, e.g. Google's access_type=offline.
    extra_params: tuple[tuple[str, str], ...] = ()

    @property
    def discovered(self) -> bool:
        return bool(self.authorization_endpoint and self.token_endpoint)


GOOGLE = Provider(
    key="google",
    name="Google",
    issuer="https://accounts.google.com",
    authorization_endpoint="https://accounts.google.com/o/oauth2/v2/auth",
    token_endpoint="https://oauth2.googleapis.com/token",
    scopes=("https://mail.google.com/", *IDENTITY_SCOPES),
    imap=Server("imap.gmail.com", 993, "ssl"),
    smtp=Server("smtp.gmail.com", 465, "ssl"),
    # Without these Google issues no refresh token on a second sign-in.
    extra_params=(("access_type", "offline"), ("prompt", "consent")),
)
MICROSOFT = Provider(
    key="microsoft",
    name="Microsoft",
    issuer="https://login.microsoftonline.com/common/v2.0",
    authorization_endpoint="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    token_endpoint="https://login.microsoftonline.com/common/oauth2/v2.0/token",
    scopes=(
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
        *IDENTITY_SCOPES,
    ),
    imap=Server("outlook.office365.com", 993, "ssl"),
    smtp=Server("smtp.office365.com", 587, "starttls"),
)
PRESETS: dict[str, Provider] = {p.key: p for p in (GOOGLE, MICROSOFT)}


def custom(issuer: str, scopes: tuple[str, ...] = ()) -> Provider:
    """Anyone else's issuer: endpoints come from its OpenID configuration."""
    issuer = issuer.strip().rstrip("/")
    _check_url(issuer, "issuer")
    return Provider(
        key="custom",
        name=urllib.parse.urlsplit(issuer).hostname or issuer,
        issuer=issuer,
        scopes=scopes or (*IDENTITY_SCOPES, "offline_access"),
    )


def discover(provider: Provider) -> Provider:
    """The provider with its endpoints read from `/.well-known/openid-configuration`."""
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    config = _request(url, None, f"{provider.name}'s OpenID configuration")
    said = str(config.get("issuer", "")).rstrip("/")
    if said != provider.issuer.rstrip("/"):
        # OpenID Connect Discovery §4.3: a document for another issuer is refused.
        raise SecurityError(
            f"The OpenID configuration at {url} is for “{said}”, not {provider.issuer}; "
            "unibox did not use it."
        )
    auth = str(config.get("authorization_endpoint", ""))
    token = str(config.get("token_endpoint", ""))
    if not auth or not token:
        raise OAuthError(f"{provider.issuer} does not say where to sign in (no endpoints).")
    _check_url(auth, "sign-in page")
    _check_url(token, "token endpoint")
    return replace(provider, authorization_endpoint=auth, token_endpoint=token)


def ready(provider: Provider) -> Provider:
    """A preset as it is, anyone else discovered first."""
    return provider if provider.discovered else discover(provider)


@dataclass(frozen=True, slots=True)
class Authorization:
    """One sign-in's secrets: the URL to open, and what checks the answer."""

    url: str
    redirect_uri: str
    state: str = field(repr=False)
    verifier: str = field(repr=False)


def authorization(
    provider: Provider, client_id: str, redirect_uri: str, login_hint: str = ""
) -> Authorization:
    """The authorization URL with a fresh `state` and PKCE S256 challenge (RFC 7636)."""
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters: RFC 7636 asks for 43 to 128
    challenge = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
    params = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", " ".join(provider.scopes)),
        ("state", state),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        *provider.extra_params,
    ]
    if login_hint:
        params.append(("login_hint", login_hint))
    sep = "&" if "?" in provider.authorization_endpoint else "?"
    url = provider.authorization_endpoint + sep + urllib.parse.urlencode(params)
    return Authorization(url, redirect_uri, state, verifier)


def code_from(answer: dict[str, str], auth: Authorization, provider: Provider) -> str:
    """The authorization code of the browser's answer, or an OAuthError saying why not."""
    if not secrets.compare_digest(answer.get("state", ""), auth.state):
        raise OAuthError(
            "The answer that reached unibox does not belong to this sign-in (its state "
            "does not match), so it was refused; sign in again."
        )
    if "error" in answer:
        why = answer.get("error_description") or answer["error"]
        raise OAuthError(f"{provider.name} did not allow the sign-in: {why[:200]}.")
    code = answer.get("code", "")
    if not code:
        raise OAuthError(f"{provider.name} sent no sign-in code back; sign in again.")
    return code


@dataclass(frozen=True, slots=True)
class Tokens:
    """What the token endpoint gave: the access token, until when, and for what."""

    access_token: str = field(repr=False)
    expires_at: float  # seconds since the epoch
    scopes: tuple[str, ...]
    refresh_token: str = field(repr=False, default="")
    email: str = ""  # from the id token, when the provider sent one


def exchange(
    provider: Provider, client_id: str, code: str, auth: Authorization, client_secret: str = ""
) -> Tokens:
    """Trade the authorization code (with the PKCE verifier) for tokens."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": auth.redirect_uri,
        "client_id": client_id,
        "code_verifier": auth.verifier,
    }
    try:
        answer = _request(
            provider.token_endpoint,
            form,
            f"{provider.name}'s token endpoint",
            _basic(client_id, client_secret),
        )
    except _Refused as exc:
        raise OAuthError(
            f"{provider.name} refused the sign-in code ({exc.error}); sign in again."
        ) from None
    return _tokens(answer, provider, scopes=provider.scopes)


def refresh(
    provider: Provider,
    client_id: str,
    refresh_token: str,
    scopes: tuple[str, ...],
    client_secret: str = "",
) -> Tokens:
    """A new access token; GrantRevoked when the refresh token is no longer honoured."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    try:
        answer = _request(
            provider.token_endpoint,
            form,
            f"{provider.name}'s token endpoint",
            _basic(client_id, client_secret),
        )
    except _Refused as exc:
        if exc.error in ("invalid_grant", "invalid_client", "unauthorized_client"):
            raise GrantRevoked(
                f"{provider.name} no longer accepts unibox's sign-in ({exc.error})."
            ) from None
        raise ChannelError(
            f"{provider.name} refused to renew the sign-in ({exc.error}).", retryable=True
        ) from None
    tokens = _tokens(answer, provider, scopes=scopes)
    # A provider may keep the refresh token (no new one in the answer): keep ours.
    return tokens if tokens.refresh_token else replace(tokens, refresh_token=refresh_token)


def _tokens(answer: dict[str, Any], provider: Provider, *, scopes: tuple[str, ...]) -> Tokens:
    access = answer.get("access_token")
    if not isinstance(access, str) or not access:
        raise OAuthError(f"{provider.name} answered without an access token.")
    try:
        lifetime = float(answer.get("expires_in", 3600))
    except (TypeError, ValueError):
        lifetime = 3600.0
    granted = answer.get("scope")
    return Tokens(
        access_token=access,
        expires_at=time.time() + max(0.0, lifetime),
        scopes=tuple(granted.split()) if isinstance(granted, str) and granted else scopes,
        refresh_token=str(answer.get("refresh_token") or ""),
        email=_email_of(answer.get("id_token")),
    )


def _email_of(id_token: object) -> str:
    """The address an id token names. It came straight from the token endpoint over
    verified TLS, which OpenID Connect Core §3.1.3.7 accepts instead of its signature."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        return ""
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, UnicodeDecodeError):
        return ""
    if not isinstance(claims, dict):
        return ""
    for key in ("email", "preferred_username", "upn"):
        value = claims.get(key)
        if isinstance(value, str) and "@" in value:
            return value
    return ""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _check_url(url: str, what: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return
    raise SecurityError(
        f"The {what} “{url}” is not an https address; unibox signs in only over https "
        "(plain http only to this computer)."
    )


class _Refused(Exception):
    """The endpoint answered with an OAuth error (RFC 6749 §5.2)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _basic(client_id: str, client_secret: str) -> dict[str, str]:
    """A client secret as HTTP Basic (RFC 6749 §2.3.1), which every server must take.
    Google's "desktop" clients have one (it is not secret there); Microsoft's have none."""
    if not client_secret:
        return {}
    pair = f"{urllib.parse.quote(client_id, safe='')}:{urllib.parse.quote(client_secret, safe='')}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii")}


def _request(
    url: str, form: dict[str, str] | None, what: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """GET (no form) or POST a form; the JSON answer. Errors are sentences."""
    _check_url(url, what)
    data = urllib.parse.urlencode(form).encode("ascii") if form is not None else None
    req = urllib.request.Request(
        url, data=data, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT_SECONDS) as resp:
            body = resp.read(1_000_000)
    except urllib.error.HTTPError as exc:
        error = _oauth_error(exc)
        if error:
            raise _Refused(error) from None
        raise ChannelError(
            f"{what} answered {exc.code} {exc.reason}.", retryable=exc.code >= 500
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, OSError) and "CERTIFICATE" in str(reason).upper():
            raise SecurityError(
                f"The certificate of {what} could not be verified; unibox sent nothing."
            ) from None
        raise ConnectionLost(f"Could not reach {what}: {reason}.") from None
    except OSError as exc:
        raise ConnectionLost(f"Could not reach {what}: {exc.strerror or exc}.") from None
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ChannelError(f"{what} did not answer in JSON.", retryable=True)
    return answer


def _oauth_error(exc: urllib.error.HTTPError) -> str:
    if exc.code not in (400, 401):
        return ""
    try:
        answer = json.loads(exc.read(100_000))
    except (ValueError, OSError):
        return ""
    error = answer.get("error") if isinstance(answer, dict) else None
    return str(error)[:100] if error else ""

"""Talking to a Mastodon instance with Mastodon.py: the client, its errors in words,
backing off when rate-limited, and signing in (an app and an out-of-band code).

Mastodon.py is blocking (requests); callers run these functions on a thread.
Plain HTTP is allowed only to this computer; everything else is HTTPS with
certificate verification (a CA file may be given for a private instance).
A token is never put in an error, a log line or a URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError, Unreachable

log = logging.getLogger("unibox.mastodon")
T = TypeVar("T")

OOB = "urn:ietf:wg:oauth:2.0:oob"  # the instance shows the code; the user pastes it
SCOPES = ["read", "write"]
APP_NAME = "unibox"
APP_WEBSITE = "https://github.com/unibox"
REQUEST_TIMEOUT = 30
RATE_LIMIT_TRIES = 3  # 429s in a row before the sync says so and tries later
RATE_LIMIT_MAX_WAIT = 60.0


def instance_url(raw: str) -> str:
    """The instance's base URL: https unless said otherwise, plain HTTP only to loopback."""
    from unibox.channels.imap_conn import is_loopback

    text = raw.strip().rstrip("/")
    if not text:
        raise ChannelError("Say which instance: --instance mastodon.example", retryable=False)
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChannelError(f"“{raw}” is not the address of an instance.", retryable=False)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise SecurityError(
            f"Unencrypted HTTP is allowed only to this computer, not to {parts.hostname}: "
            "use https://."
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def where(url: str) -> str:
    return urlsplit(url).netloc or url


def client(
    url: str, *, token: str = "", ca_file: str = "", client_id: str = "", client_secret: str = ""
) -> Mastodon:
    session = requests.Session()
    if ca_file:
        session.verify = ca_file
    return Mastodon(
        client_id=client_id or None,
        client_secret=client_secret or None,
        access_token=token or None,
        api_base_url=url,
        request_timeout=REQUEST_TIMEOUT,
        ratelimit_method="throw",
        version_check_mode="none",
        session=session,
        user_agent="unibox",
    )


def translate(exc: MastodonError, url: str, account: str = "") -> ChannelError:
    """Mastodon.py's error as one of core.errors', in a sentence for the user."""
    host = where(url)
    if isinstance(exc, MastodonUnauthorizedError):
        who = f" of {account}" if account else ""
        return AuthError(
            f"{host} refused the access token{who}: it is wrong or was revoked. "
            "Give unibox a new one (unibox account set-token"
            f"{' ' + account if account else ''}, token on standard input, "
            "or the account's settings in the window); nothing stored is lost."
        )
    if isinstance(exc, MastodonRatelimitError):
        return ConnectionLost(f"{host} asks unibox to slow down (rate limit); trying again later.")
    if isinstance(exc, MastodonNetworkError):
        cause = exc.__context__
        if isinstance(cause, requests.exceptions.SSLError):
            return SecurityError(f"The TLS certificate of {host} could not be verified.")
        if isinstance(cause, requests.exceptions.ConnectionError) and not isinstance(
            cause, requests.exceptions.ReadTimeout
        ):
            return Unreachable(f"{host} could not be reached.")
        return ConnectionLost(f"{host} did not answer in time.")
    if isinstance(exc, MastodonServerError):
        return ConnectionLost(f"{host} is having trouble ({_status(exc)}); trying again later.")
    if isinstance(exc, MastodonNotFoundError):
        return ChannelError(f"{host} has no such thing ({_words(exc)}).", retryable=False)
    if isinstance(exc, MastodonAPIError):
        if _code(exc) == 403:
            return AuthError(f"{host} refused: {_words(exc)}.")
        return ChannelError(f"{host} refused: {_words(exc)}.", retryable=False)
    return ChannelError(f"{host}: {type(exc).__name__}.", retryable=True)


def _code(exc: MastodonError) -> int:
    return exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0


def _status(exc: MastodonError) -> str:
    reason = exc.args[2] if len(exc.args) > 2 else ""
    return f"{_code(exc)} {reason}".strip()


def _words(exc: MastodonError) -> str:
    said = exc.args[3] if len(exc.args) > 3 and exc.args[3] else ""
    return str(said or _status(exc) or type(exc).__name__)


def call(
    api: Mastodon,
    fn: Callable[[], T],
    url: str,
    account: str = "",
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """`fn()` with Mastodon's errors in words; a 429 waits for the instance's reset time
    (at most a minute) and tries again, a few times."""
    for attempt in range(RATE_LIMIT_TRIES):
        try:
            return fn()
        except MastodonRatelimitError as exc:
            if attempt == RATE_LIMIT_TRIES - 1:
                raise translate(exc, url, account) from None
            reset = api.ratelimit_reset or 0
            wait = min(max(float(reset) - time.time(), 1.0 * 2**attempt), RATE_LIMIT_MAX_WAIT)
            log.info("%s: rate limited; waiting %.0f s", where(url), wait)
            sleep(wait)
        except MastodonError as exc:
            raise translate(exc, url, account) from None
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------- signing in


@dataclass(frozen=True, slots=True)
class Authorization:
    """An app registered on the instance, and the page where the user allows it."""

    url: str
    authorize_url: str
    client_id: str
    client_secret: str = field(repr=False)
    ca_file: str = ""


def start_authorization(url: str, ca_file: str = "") -> Authorization:
    """Register unibox as an app on the instance; the page to open to allow it."""
    session = requests.Session()
    if ca_file:
        session.verify = ca_file
    try:
        client_id, client_secret = Mastodon.create_app(
            APP_NAME,
            scopes=SCOPES,
            redirect_uris=OOB,
            website=APP_WEBSITE,
            api_base_url=url,
            request_timeout=REQUEST_TIMEOUT,
            session=session,
        )
        api = client(url, ca_file=ca_file, client_id=client_id, client_secret=client_secret)
        page = api.auth_request_url(
            redirect_uris=OOB, scopes=SCOPES, allow_http=url.startswith("http://")
        )
        api.session.close()
    except MastodonError as exc:
        raise translate(exc, url) from None
    finally:
        session.close()
    return Authorization(url, page, client_id, client_secret, ca_file)


def finish_authorization(auth: Authorization, code: str) -> str:
    """The access token for the code the instance showed the user."""
    api = client(
        auth.url, ca_file=auth.ca_file, client_id=auth.client_id, client_secret=auth.client_secret
    )
    try:
        token = api.log_in(
            code=code.strip(),
            redirect_uri=OOB,
            scopes=SCOPES,
            allow_http=auth.url.startswith("http://"),
        )
    except MastodonIllegalArgumentError:
        raise AuthError(
            f"{where(auth.url)} did not accept that authorization code: "
            "copy it again from the page (a code works once)."
        ) from None
    except MastodonError as exc:
        raise translate(exc, auth.url) from None
    finally:
        api.session.close()
    return str(token)

"""A matrix-nio client for one account, its sign-in, and nio's answers as unibox's errors.

The keyring holds the account's session, never its password: the access token
and device id from one password login (`login`), as JSON (`Session.dump`), and
the random key that protects the device's end-to-end keys in the profile
(`pickle_key`, made at login; see crypto.py). nio
waits out a 429 itself (the homeserver's `retry_after_ms`) a few times, then
the request fails as ConnectionLost, and the engine backs off.
"""

from __future__ import annotations

import json
import secrets
import ssl
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from nio import AsyncClient, AsyncClientConfig, ErrorResponse, LoginResponse

from unibox.channels.matrix.keystore import KeyStore
from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError, Unreachable

T = TypeVar("T")
DEVICE_NAME = "unibox"
RATE_LIMIT_RETRIES = 5


@dataclass(frozen=True, slots=True)
class Session:
    """What one login gives: kept in the keyring, as JSON."""

    user_id: str
    access_token: str
    device_id: str
    pickle_key: str = ""  # encrypts the device's end-to-end keys in the profile

    def dump(self) -> str:
        raw = {"user_id": self.user_id, "access_token": self.access_token,
               "device_id": self.device_id}  # fmt: skip
        if self.pickle_key:
            raw["pickle_key"] = self.pickle_key
        return json.dumps(raw)

    def with_pickle_key(self) -> Session:
        """This session, with a new random key for its end-to-end keys if it has none."""
        return self if self.pickle_key else replace(self, pickle_key=new_pickle_key())

    @staticmethod
    def load(secret: str, user_id: str = "") -> Session:
        try:
            raw = json.loads(secret or "{}")
        except ValueError:
            raw = {}
        if not isinstance(raw, dict) or not raw.get("access_token"):
            return Session(user_id, "", "")
        return Session(
            str(raw.get("user_id") or user_id),
            str(raw["access_token"]),
            str(raw.get("device_id")),
            str(raw.get("pickle_key") or ""),
        )


def new_pickle_key() -> str:
    return secrets.token_urlsafe(32)


def homeserver_url(raw: str) -> str:
    """https://server for "server"; the URL as given (no trailing slash) otherwise."""
    url = (raw or "").strip().rstrip("/")
    if not url:
        raise ChannelError("No homeserver was given.", retryable=False)
    return url if "://" in url else f"https://{url}"


def make_client(
    url: str,
    user_id: str,
    *,
    ca_file: str = "",
    device_id: str = "",
    keys_dir: Path | None = None,
    pickle_key: str = "",
) -> AsyncClient:
    """A client; with `keys_dir` (and the session's pickle key) one that does end-to-end
    encryption, its olm account and room keys in nio's SQLite store in that folder."""
    context: ssl.SSLContext | bool | None = None
    if url.startswith("https://"):
        context = ssl.create_default_context(cafile=ca_file or None)
    config = AsyncClientConfig(
        max_limit_exceeded=RATE_LIMIT_RETRIES,
        max_timeouts=1,
        request_timeout=90,
        encryption_enabled=keys_dir is not None,
        store_sync_tokens=False,
        pickle_key=pickle_key,
        store=KeyStore,
    )
    return AsyncClient(
        url, user_id, device_id=device_id or None, ssl=context, config=config,
        store_path=str(keys_dir) if keys_dir is not None else "",
    )  # fmt: skip


def relogin_hint(name: str) -> str:
    return f"Sign in again: unibox account login-matrix {name} --password-stdin."


def check(response: Any, what: str, *, name: str) -> Any:
    """nio's answer, or the error it carries in words."""
    if not isinstance(response, ErrorResponse):
        return response
    code = str(response.status_code or "")
    message = str(response.message or code or "no reason given")
    status = getattr(getattr(response, "transport_response", None), "status", 0) or 0
    if code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
        raise AuthError(
            f"The homeserver no longer accepts the sign-in of {name} (expired or signed out). "
            + relogin_hint(name)
        )
    if code == "M_LIMIT_EXCEEDED" or status == 429:
        raise ConnectionLost(f"The homeserver is rate-limiting {name}; trying again later.")
    if code == "M_TOO_LARGE" or status == 413:
        raise ChannelError(f"The homeserver refused it as too large ({message}).", retryable=False)
    if status >= 500 or status == 0:
        raise ConnectionLost(f"The homeserver failed to {what} ({status or code}: {message}).")
    raise ChannelError(f"The homeserver refused to {what}: {message}", retryable=False)


async def call(coro: Any, what: str, *, name: str, url: str) -> Any:
    """Await one nio request; a network failure is a ConnectionLost naming the server."""
    try:
        response = await coro
    except aiohttp.ClientConnectorCertificateError as exc:
        raise SecurityError(f"The certificate of {url} is not trusted ({exc}).") from exc
    except aiohttp.ClientConnectorError as exc:
        raise Unreachable(f"Cannot reach the homeserver {url} ({exc.os_error}).") from exc
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise ConnectionLost(f"Lost the connection to {url} ({type(exc).__name__}).") from exc
    return check(response, what, name=name)


async def login(
    url: str, user_id: str, password: str, *, ca_file: str = "", name: str = "check"
) -> Session:
    """Log in with the password once; the session to keep (the password is not kept)."""
    client = make_client(homeserver_url(url), user_id, ca_file=ca_file)
    try:
        try:
            response = await call(
                client.login(password, device_name=DEVICE_NAME), "sign in", name=name, url=url
            )
        except ChannelError as exc:
            if "M_FORBIDDEN" in str(exc) or "Invalid username or password" in str(exc):
                raise AuthError(
                    f"The homeserver refused the user name or password of {user_id}."
                ) from exc
            raise
        assert isinstance(response, LoginResponse)
        return Session(
            response.user_id, response.access_token, response.device_id, new_pickle_key()
        )
    finally:
        await client.close()

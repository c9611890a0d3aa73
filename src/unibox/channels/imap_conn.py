"""Opening an IMAP connection safely, and turning failures into sentences.

TLS is verified by default. STARTTLS that the server does not offer is an
error, never a silent downgrade. Plain text is allowed only to loopback. A
pinned certificate fingerprint is checked before the password is sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import imaplib
import ipaddress
import logging
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError

log = logging.getLogger("unibox.channels.imap")
T = TypeVar("T")

TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ImapEndpoint:
    """Where and how to reach an IMAP server (the password travels separately)."""

    host: str
    port: int
    security: str  # "ssl" | "starttls" | "plain"
    username: str
    ca_file: str = ""
    fingerprint: str = ""  # SHA-256 of the server certificate, hex (colons allowed)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _tls_context(ep: ImapEndpoint) -> ssl.SSLContext:
    if ep.fingerprint:
        # The pin replaces the CA check; it is verified before login.
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    try:
        return ssl.create_default_context(cafile=ep.ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise SecurityError(f"The CA file “{ep.ca_file}” could not be read: {exc}.") from None


def _check_pin(client: imapclient.IMAPClient, ep: ImapEndpoint) -> None:
    if not ep.fingerprint:
        return
    sock = client._imap.sock
    der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
    want = ep.fingerprint.replace(":", "").lower()
    got = hashlib.sha256(der).hexdigest() if der else ""
    if got != want:
        raise SecurityError(
            f"The certificate of {ep.host} does not match the pinned fingerprint; "
            "unibox did not send your password."
        )


def translate(exc: BaseException, ep: ImapEndpoint) -> ChannelError:
    """One clear sentence for whatever went wrong talking to the server."""
    if isinstance(exc, ChannelError):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SecurityError(
            f"The certificate of {ep.host} could not be verified ({exc.verify_message}). "
            "For your own server, give its CA file or pin its fingerprint."
        )
    if isinstance(exc, ssl.SSLError):
        return SecurityError(f"The secure connection to {ep.where} failed ({exc.reason}).")
    if isinstance(exc, LoginError):
        return AuthError(f"{ep.host} rejected the user name or password for {ep.username}.")
    if isinstance(exc, socket.gaierror):
        return ConnectionLost(f"The server name {ep.host} could not be found.")
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionLost(f"{ep.where} refused the connection; is the server running?")
    if isinstance(exc, TimeoutError | socket.timeout):
        return ConnectionLost(f"{ep.where} did not answer in time.")
    if isinstance(exc, imaplib.IMAP4.abort | ConnectionError | EOFError):
        return ConnectionLost(f"The connection to {ep.where} was lost.")
    if isinstance(exc, OSError):
        return ConnectionLost(f"Could not talk to {ep.where}: {exc.strerror or exc}.")
    if isinstance(exc, IMAPClientError | imaplib.IMAP4.error):
        return ChannelError(f"{ep.host} refused a request: {_first_line(exc)}", retryable=True)
    return ChannelError(
        f"Unexpected problem with {ep.where}: {type(exc).__name__}.", retryable=True
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


@contextmanager
def translated(ep: ImapEndpoint) -> Iterator[None]:
    try:
        yield
    except ChannelError:
        raise
    except Exception as exc:
        error = translate(exc, ep)
        log.debug("%s: %s", ep.where, error, exc_info=True)
        raise error from exc


def connect(ep: ImapEndpoint, password: str) -> imapclient.IMAPClient:
    """A logged-in client, or a ChannelError saying why not."""
    if ep.security == "plain" and not is_loopback(ep.host):
        raise SecurityError(
            f"Unencrypted IMAP is allowed only to this computer, not to {ep.host}; "
            "choose SSL or STARTTLS."
        )
    client: imapclient.IMAPClient | None = None
    try:
        with translated(ep):
            ctx = _tls_context(ep) if ep.security != "plain" else None
            client = imapclient.IMAPClient(
                ep.host,
                port=ep.port,
                ssl=ep.security == "ssl",
                ssl_context=ctx if ep.security == "ssl" else None,
                timeout=TIMEOUT_SECONDS,
            )
            client.normalise_times = False
            if ep.security == "starttls":
                if not client.has_capability("STARTTLS"):
                    raise SecurityError(
                        f"{ep.host} does not offer STARTTLS, so the connection would not be "
                        "encrypted; unibox did not send your password."
                    )
                client.starttls(ctx)
            _check_pin(client, ep)
            client.login(ep.username, password)
            return client
    except BaseException:
        if client is not None:
            _close_quietly(client)
        raise


def _close_quietly(client: imapclient.IMAPClient) -> None:
    # The connection is already unusable; there is nothing to report.
    with contextlib.suppress(Exception):
        client.shutdown()


def logout(client: imapclient.IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        _close_quietly(client)


def call(ep: ImapEndpoint, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one client call with errors translated."""
    with translated(ep):
        return fn(*args, **kwargs)

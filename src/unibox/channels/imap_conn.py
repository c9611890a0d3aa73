"""Opening an IMAP connection safely, and turning failures into sentences.

TLS is verified by default. STARTTLS that the server does not offer is an
error, never a silent downgrade. Plain text is allowed only to loopback. A
pinned certificate fingerprint is checked before the password is sent.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from unibox.channels.endpoint import ServerEndpoint
from unibox.channels.sasl import (
    Credential,
    TokenRefused,
    TokenSource,
    after_error,
    initial_response,
    mechanism,
    token_not_accepted,
    with_renewal,
)
from unibox.channels.tls import (
    check_pin,
    is_loopback,
    tls_context,
    translating,
    transport_error,
    unreachable,
)
from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError

log = logging.getLogger("unibox.channels.imap")
T = TypeVar("T")

# Reaching the server and its greeting; then each read of a session (a large FETCH).
CONNECT_TIMEOUT_SECONDS = 15.0
TIMEOUT_SECONDS = 60.0
# RFC 5530 codes that say the password itself was refused; any other refusal of a
# login (too many connections, server unavailable) is reported in the server's words.
_BAD_CREDENTIALS = ("AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED")


@dataclass(frozen=True, slots=True)
class ImapEndpoint(ServerEndpoint):
    """Where and how to reach an IMAP server (the password travels separately)."""


def translate(exc: BaseException, ep: ImapEndpoint) -> ChannelError:
    """One clear sentence for whatever went wrong talking to the server."""
    if isinstance(exc, ChannelError):
        return exc
    common = transport_error(exc, ep.host, ep.where)
    if common is not None:
        return common
    if isinstance(exc, LoginError):
        return _login_refused(str(exc), ep)
    if isinstance(exc, imaplib.IMAP4.abort | ConnectionError | EOFError):
        return ConnectionLost(f"The connection to {ep.where} was lost.")
    if isinstance(exc, OSError):
        return ConnectionLost(f"Could not talk to {ep.where}: {exc.strerror or exc}.")
    if isinstance(exc, IMAPClientError | imaplib.IMAP4.error):
        return ChannelError(f"{ep.host} refused a request: {_first_line(exc)}", retryable=True)
    return ChannelError(
        f"Unexpected problem with {ep.where}: {type(exc).__name__}.", retryable=True
    )


def _login_refused(text: str, ep: ImapEndpoint) -> ChannelError:
    """A wrong password only when the server says so (or gives no reason at all)."""
    said = text.strip().splitlines()[0] if text.strip() else ""
    if len(said) > 2 and said[:2] in ("b'", 'b"') and said[-1] == said[1]:
        said = said[2:-1]  # imapclient gives the server's bytes as their repr
    said = said.strip()[:200]
    code = (said[1:].split("]", 1)[0].split() or [""])[0].upper() if said[:1] == "[" else ""
    if not code or code in _BAD_CREDENTIALS:
        return AuthError(f"{ep.host} rejected the user name or password for {ep.username}.")
    # "[UNAVAILABLE] Maximum number of connections ...": waiting may help.
    return ChannelError(f"{ep.host} refused the login: {said}", retryable=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def translated(ep: ImapEndpoint) -> AbstractContextManager[None]:
    """Failures inside as one sentence about this server."""
    return translating(ep.where, lambda exc: translate(exc, ep), log)


def connect(ep: ImapEndpoint, password: Credential) -> imapclient.IMAPClient:
    """A logged-in client, or a ChannelError saying why not.

    With a token source (OAuth2), a refused token is renewed and tried once more on
    a new connection (Dovecot closes the one that failed).
    """
    if isinstance(password, str):
        secret = password
        return _connect(ep, lambda client: client.login(ep.username, secret))
    source = password
    return with_renewal(
        source,
        lambda token: _connect(ep, lambda client: _bearer_login(client, ep, token)),
        lambda refused: _token_error(refused.said, ep, source),
    )


def _bearer_login(client: imapclient.IMAPClient, ep: ImapEndpoint, token: str) -> None:
    """SASL OAUTHBEARER or XOAUTH2, whichever the server offers."""
    offered = {
        c.decode("ascii", "replace").upper()[5:]
        for c in client.capabilities()
        if c.upper().startswith(b"AUTH=")
    }
    mech = mechanism(offered)

    def respond(challenge: bytes) -> str:
        # An empty challenge asks for our message; anything else is the server's
        # error report (RFC 7628 §3.2.2), which must be answered for it to say no.
        return after_error(mech) if challenge else initial_response(mech, ep.username, token)

    try:
        client._imap.authenticate(mech, respond)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as exc:
        raise TokenRefused(_first_line(exc)) from None


def _token_error(said: str, ep: ImapEndpoint, source: TokenSource) -> ChannelError:
    said = said.strip()[:200]
    code = (said[1:].split("]", 1)[0].split() or [""])[0].upper() if said[:1] == "[" else ""
    # UNAVAILABLE: Dovecot says this when the token cannot be checked, an expired one included.
    temporary = code == "UNAVAILABLE"
    return token_not_accepted(ep.host, ep.username, said, source, temporary=temporary)


def _connect(
    ep: ImapEndpoint, login: Callable[[imapclient.IMAPClient], object]
) -> imapclient.IMAPClient:
    if ep.security == "plain" and not is_loopback(ep.host):
        raise SecurityError(
            f"Unencrypted IMAP is allowed only to this computer, not to {ep.host}; "
            "choose SSL or STARTTLS."
        )
    client: imapclient.IMAPClient | None = None
    try:
        with translated(ep):
            ctx = tls_context(ep.ca_file, ep.fingerprint) if ep.security != "plain" else None
            client = _open(ep, ctx)
            client.normalise_times = False
            if ep.security == "starttls":
                if client._imap.state == "AUTH":
                    # A PREAUTH greeting before TLS: whoever sits on the line can send
                    # it to keep the session unencrypted (CVE-2020-12398 in Thunderbird,
                    # CVE-2020-14093 in Mutt). Never carry on in the clear.
                    raise SecurityError(
                        f"{ep.host} said the session was already signed in (PREAUTH) "
                        "before the connection was encrypted; unibox refused it and "
                        "sent nothing."
                    )
                if not client.has_capability("STARTTLS"):
                    raise SecurityError(
                        f"{ep.host} does not offer STARTTLS, so the connection would not be "
                        "encrypted; unibox did not send your password."
                    )
                client.starttls(ctx)
            check_pin(client._imap.sock, ep.host, ep.fingerprint, "your password")
            login(client)
            return client
    except BaseException:
        if client is not None:
            _close_quietly(client)
        raise


def _open(ep: ImapEndpoint, ctx: Any) -> imapclient.IMAPClient:
    """Connected and greeted; Unreachable when retrying at once would not help."""
    try:
        return imapclient.IMAPClient(
            ep.host,
            port=ep.port,
            ssl=ep.security == "ssl",
            ssl_context=ctx if ep.security == "ssl" else None,
            timeout=imapclient.SocketTimeout(CONNECT_TIMEOUT_SECONDS, TIMEOUT_SECONDS),
        )
    except Exception as exc:
        raise unreachable(exc, ep.host, ep.where) or translate(exc, ep) from exc


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

"""POP3 (RFC 1939) with UIDL and TOP (RFC 2449's CAPA), over stdlib poplib.

The same rules as IMAP (channels/imap_conn.py): TLS is verified by default, a
pinned fingerprint is checked before the password is sent, a server that does
not offer STLS is an error (never a downgrade), and plain text goes only to
this computer. Every failure becomes a ChannelError with one sentence.
"""

from __future__ import annotations

import base64
import logging
import poplib
import ssl
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from types import TracebackType

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

log = logging.getLogger("unibox.channels.pop3")

CONNECT_TIMEOUT_SECONDS = 15.0
TIMEOUT_SECONDS = 60.0
# poplib refuses lines over 2048 bytes; real mail has longer ones (RFC 5322 allows 998,
# spam and generated HTML ignore that). A line is still bounded, just not that tightly.
MAX_LINE = 1024 * 1024
# RFC 3206 response codes that say the login may work later, not that the password is wrong.
_TEMPORARY = ("[IN-USE]", "[SYS/TEMP]", "[LOGIN-DELAY]")


@dataclass(frozen=True, slots=True)
class Pop3Endpoint(ServerEndpoint):
    """Where and how to reach a POP3 server (the password travels separately)."""


class _Pop3(poplib.POP3):
    def authenticate(self, first: str, after_error: str) -> None:
        """AUTH with an initial response (RFC 5034); an error challenge is answered so
        that the server says no (error_proto) instead of waiting."""
        said: bytes = self._shortcmd(f"AUTH {first}")  # type: ignore[attr-defined]
        if said == b"+" or said.startswith(b"+ "):
            self._putcmd(after_error)  # type: ignore[attr-defined]
            self._getresp()  # type: ignore[attr-defined]

    def _getline(self) -> tuple[bytes, int]:
        line = self.file.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise poplib.error_proto("-ERR line too long")
        if not line:
            raise poplib.error_proto("-ERR EOF")
        octets = len(line)
        if line[-2:] == b"\r\n":
            return line[:-2], octets
        if line[:1] == b"\r":
            return line[1:-1], octets
        return line[:-1], octets


class _Pop3Ssl(_Pop3, poplib.POP3_SSL):
    pass


def translate(exc: BaseException, ep: Pop3Endpoint) -> ChannelError:
    if isinstance(exc, ChannelError):
        return exc
    common = transport_error(exc, ep.host, ep.where)
    if common is not None:
        return common
    if isinstance(exc, poplib.error_proto):
        said = _said(exc)
        if said == "-ERR EOF":
            return ConnectionLost(f"The connection to {ep.where} was lost.")
        return ChannelError(f"{ep.host} refused a request: {said}", retryable=True)
    if isinstance(exc, ConnectionError | EOFError):
        return ConnectionLost(f"The connection to {ep.where} was lost.")
    if isinstance(exc, OSError):
        return ConnectionLost(f"Could not talk to {ep.where}: {exc.strerror or exc}.")
    return ChannelError(
        f"Unexpected problem with {ep.where}: {type(exc).__name__}.", retryable=True
    )


def _said(exc: BaseException) -> str:
    arg = exc.args[0] if exc.args else b""
    text = arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)
    lines = text.strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def translated(ep: Pop3Endpoint) -> AbstractContextManager[None]:
    """Failures inside as one sentence about this server."""
    return translating(ep.where, lambda exc: translate(exc, ep), log)


class Pop3Session:
    """A logged-in POP3 session: list UIDLs, fetch, delete, and QUIT to commit deletions."""

    def __init__(self, ep: Pop3Endpoint, password: Credential) -> None:
        self.endpoint = ep
        self.retr_count = 0  # how many messages this session downloaded (tests, benchmarks)
        self._pop = _connect(ep, password)

    def __enter__(self) -> Pop3Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.quit()
        else:
            self.abort()

    def uidls(self) -> dict[str, int]:
        """UIDL -> message number of every message in the maildrop."""
        try:
            _resp, lines, _octets = self._pop.uidl()
        except poplib.error_proto as exc:
            if _said(exc) == "-ERR EOF":
                raise translate(exc, self.endpoint) from None
            raise ChannelError(
                f"{self.endpoint.host} does not list unique message ids (UIDL), so unibox "
                "cannot tell which mail it already has.",
                retryable=False,
            ) from None
        except Exception as exc:
            raise translate(exc, self.endpoint) from exc
        found: dict[str, int] = {}
        for line in lines:
            number, _, uidl = line.decode("ascii", "replace").strip().partition(" ")
            if uidl and number.isdigit():
                found.setdefault(uidl.strip(), int(number))
        return found

    def retr(self, number: int) -> bytes:
        """The whole message, as the server stores it (CRLF line ends, dots unstuffed)."""
        with translated(self.endpoint):
            _resp, lines, _octets = self._pop.retr(number)
        self.retr_count += 1
        return b"\r\n".join(lines) + b"\r\n"

    def dele(self, number: int) -> None:
        """Mark for deletion; the server deletes only after a clean QUIT."""
        with translated(self.endpoint):
            self._pop.dele(number)

    def quit(self) -> None:
        """End the session; the server commits deletions now (RFC 1939's UPDATE state)."""
        with translated(self.endpoint):
            self._pop.quit()

    def abort(self) -> None:
        """Close without QUIT: nothing marked for deletion is deleted."""
        with suppress(OSError):
            self._pop.close()


def _connect(ep: Pop3Endpoint, password: Credential) -> _Pop3:
    """Signed in with the password, or with OAuth2 (a refused token renewed once)."""
    if isinstance(password, str):
        secret = password
        return _connect_once(ep, lambda pop: _login(pop, ep, secret))
    source = password
    return with_renewal(
        source,
        lambda token: _connect_once(ep, lambda pop: _bearer_login(pop, ep, token)),
        lambda refused: _token_error(refused.said, ep, source),
    )


def _bearer_login(pop: _Pop3, ep: Pop3Endpoint, token: str) -> None:
    """AUTH (RFC 5034) with SASL XOAUTH2 or OAUTHBEARER and an initial response."""
    try:
        offered = {m.upper() for m in pop.capa().get("SASL", [])}
    except poplib.error_proto:
        offered = set()
    mech = mechanism(offered)
    first = base64.b64encode(initial_response(mech, ep.username, token).encode()).decode()
    try:
        pop.authenticate(f"{mech} {first}", base64.b64encode(after_error(mech).encode()).decode())
    except poplib.error_proto as exc:
        said_text = _said(exc)
        if said_text == "-ERR EOF":
            raise ConnectionLost(f"The connection to {ep.where} was lost.") from None
        reason = said_text[4:].strip() if said_text.startswith("-ERR") else said_text
        raise TokenRefused(reason) from None


def _token_error(said: str, ep: Pop3Endpoint, source: TokenSource) -> ChannelError:
    temporary = any(said.upper().startswith(code) for code in _TEMPORARY)
    return token_not_accepted(ep.host, ep.username, said, source, temporary=temporary)


def _connect_once(ep: Pop3Endpoint, login: Callable[[_Pop3], None]) -> _Pop3:
    if ep.security == "plain" and not is_loopback(ep.host):
        raise SecurityError(
            f"Unencrypted POP3 is allowed only to this computer, not to {ep.host}; "
            "choose SSL or STARTTLS."
        )
    pop: _Pop3 | None = None
    try:
        with translated(ep):
            ctx = tls_context(ep.ca_file, ep.fingerprint) if ep.security != "plain" else None
            pop = _open(ep, ctx)
            if ep.security == "starttls":
                _starttls(pop, ep, ctx)
            check_pin(pop.sock, ep.host, ep.fingerprint, "your password")
            login(pop)
            pop.sock.settimeout(TIMEOUT_SECONDS)
            return pop
    except BaseException:
        if pop is not None:
            with suppress(OSError):
                pop.close()
        raise


def _open(ep: Pop3Endpoint, ctx: ssl.SSLContext | None) -> _Pop3:
    try:
        if ep.security == "ssl":
            return _Pop3Ssl(ep.host, ep.port, context=ctx, timeout=CONNECT_TIMEOUT_SECONDS)
        return _Pop3(ep.host, ep.port, timeout=CONNECT_TIMEOUT_SECONDS)
    except Exception as exc:
        found = unreachable(exc, ep.host, ep.where)
        if found is not None:
            raise found from exc
        raise


def _starttls(pop: _Pop3, ep: Pop3Endpoint, ctx: ssl.SSLContext | None) -> None:
    try:
        capabilities = pop.capa()
    except poplib.error_proto:
        capabilities = {}
    if "STLS" not in capabilities:
        raise SecurityError(
            f"{ep.host} does not offer STLS, so the connection would not be "
            "encrypted; unibox did not send your password."
        )
    pop.stls(ctx)


def _login(pop: _Pop3, ep: Pop3Endpoint, password: str) -> None:
    try:
        pop.user(ep.username)
        pop.pass_(password)
    except poplib.error_proto as exc:
        said = _said(exc)
        if said == "-ERR EOF":
            raise ConnectionLost(f"The connection to {ep.where} was lost.") from None
        reason = said[4:].strip() if said.startswith("-ERR") else said
        if any(reason.upper().startswith(code) for code in _TEMPORARY):
            raise ChannelError(f"{ep.host} refused the login: {reason}", retryable=True) from None
        raise AuthError(
            f"{ep.host} rejected the user name or password for {ep.username}."
        ) from None


def check_login(ep: Pop3Endpoint, password: Credential) -> int:
    """Sign in and count the messages waiting; a ChannelError saying why not."""
    with Pop3Session(ep, password) as pop:
        return len(pop.uidls())

"""What every channel does the same way: TLS contexts, pinned certificates,
and one sentence for a failure of the connection itself.

TLS is verified by default; a pinned SHA-256 fingerprint replaces the CA
check and is compared before anything secret is sent.
"""

from __future__ import annotations

import errno
import hashlib
import ipaddress
import logging
import os
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from unibox.core.errors import ChannelError, ConnectionLost, SecurityError, Unreachable, UserError

PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"
CA_FILE_LIMIT = 4 * 1024 * 1024  # a bundle of every public CA is ~0.2 MB


def is_loopback(host: str) -> bool:
    """This computer: the only place plain text may go."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(ca_file: str, fingerprint: str) -> ssl.SSLContext:
    if fingerprint:
        # The pin replaces the CA check; check_pin verifies it before login.
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise SecurityError(f"The CA file “{ca_file}” could not be read: {exc}.") from None


def check_ca_file(path: str) -> str:
    """The absolute path of a CA file that holds a PEM certificate, or a UserError saying
    in a sentence why it cannot be used (missing, unreadable, not a PEM certificate)."""
    full = os.path.abspath(os.path.expanduser(path.strip()))
    shown = path.strip()
    if not os.path.isfile(full):
        raise UserError(f"The CA file “{shown}” does not exist.")
    try:
        with open(full, "rb") as fh:
            head = fh.read(CA_FILE_LIMIT + 1)
    except OSError as exc:
        reason = exc.strerror or exc
        raise UserError(f"The CA file “{shown}” could not be read: {reason}.") from None
    if len(head) > CA_FILE_LIMIT or PEM_CERTIFICATE not in head:
        raise UserError(
            f"“{shown}” is not a PEM certificate: choose the CA's certificate, a text file "
            "that starts with “-----BEGIN CERTIFICATE-----” (.pem, .crt)."
        )
    try:
        ssl.create_default_context().load_verify_locations(cafile=full)
    except (ssl.SSLError, OSError, ValueError):
        raise UserError(
            f"The certificate in “{shown}” is damaged or incomplete; export it again from the "
            "server or ask its administrator for the CA certificate."
        ) from None
    return full


def check_pin(sock: object, host: str, fingerprint: str, withheld: str) -> None:
    """Raise unless the peer certificate has the pinned SHA-256 (`withheld`: what was not sent)."""
    if not fingerprint:
        return
    der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
    got = hashlib.sha256(der).hexdigest() if der else ""
    if got != fingerprint.replace(":", "").lower():
        raise SecurityError(
            f"The certificate of {host} does not match the pinned fingerprint; "
            f"unibox did not send {withheld}."
        )


def transport_error(exc: BaseException, host: str, where: str) -> ChannelError | None:
    """The sentence for a TLS or network failure, or None when it is the protocol's."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SecurityError(
            f"The certificate of {host} could not be verified ({exc.verify_message}). "
            "For your own server, give its CA file or pin its fingerprint."
        )
    if isinstance(exc, ssl.SSLError):
        return SecurityError(f"The secure connection to {where} failed ({exc.reason}).")
    if isinstance(exc, socket.gaierror):
        return ConnectionLost(f"The server name {host} could not be found.")
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionLost(f"{where} refused the connection; is the server running?")
    if isinstance(exc, TimeoutError | socket.timeout):
        return ConnectionLost(f"{where} did not answer in time.")
    return None


def unreachable(exc: BaseException, host: str, where: str) -> Unreachable | None:
    """Unreachable when connecting failed before any session began (refused, no such
    host, no route, no greeting in time); None when the server answered, or the
    connection was lost after it was made: that is worth retrying at once."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return Unreachable(f"{where} cannot be reached: {exc.strerror}.")
    if not isinstance(exc, ConnectionRefusedError | socket.gaierror | TimeoutError):
        return None
    found = transport_error(exc, host, where)
    return Unreachable(str(found) if found is not None else f"{where} cannot be reached.")


@contextmanager
def translating(
    where: str, translate: Callable[[Exception], ChannelError], log: logging.Logger
) -> Iterator[None]:
    """Any failure inside becomes the channel's sentence for it; ChannelErrors pass as they are."""
    try:
        yield
    except ChannelError:
        raise
    except Exception as exc:
        error = translate(exc)
        log.debug("%s: %s", where, error, exc_info=True)
        raise error from exc

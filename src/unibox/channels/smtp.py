"""SMTP mail channel: hand one message to the account's submission server.

The same rules as IMAP (channels/imap_conn.py): TLS verified by default
(a CA file or a pinned certificate fingerprint for one's own server),
STARTTLS that is not offered is an error and never a silent downgrade, and
plain text only to loopback. Blocking (smtplib): the sync engine runs it off
the GUI thread.

The steps are taken one by one (MAIL, RCPT, DATA) rather than through
`sendmail`, so a failure says whether the message may have left. A server
delivers nothing whose end-of-data mark ("." on its own line) it did not
receive (RFC 5321 §3.8: a connection closed early cancels the transaction),
so anything before that mark surely did not leave. Only between sending the
mark and reading the reply is it unknown: `before_end` is called just before
the mark goes, so the caller can commit that it enters the unknown.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from unibox.channels.endpoint import ServerEndpoint
from unibox.channels.imap_conn import is_loopback
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
from unibox.channels.tls import check_pin, tls_context, transport_error, unreachable
from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError

log = logging.getLogger("unibox.channels.smtp")

# Reaching the server and its greeting; then each command of the session (DATA included).
CONNECT_TIMEOUT_SECONDS = 15.0
TIMEOUT_SECONDS = 60.0
# What we say in EHLO: an address literal, so the machine's name never leaks.
EHLO_NAME = "[127.0.0.1]"


@dataclass(frozen=True, slots=True)
class SmtpEndpoint(ServerEndpoint):
    """Where and how to reach a submission server (the password travels separately)."""


class RecipientsRejected(ChannelError):
    """The server refused every recipient; `refused` maps address -> the server's reason."""

    def __init__(self, message: str, refused: dict[str, str], *, retryable: bool) -> None:
        super().__init__(message, retryable=retryable)
        self.refused = refused


class DeliveryUnknown(ConnectionLost):
    """The connection ended after the end of the message was sent, before the reply:
    the server may or may not have taken it."""


@dataclass(frozen=True, slots=True)
class SendResult:
    """The server took the message; some recipients may have been refused."""

    refused: dict[str, str] = field(default_factory=dict)
    reply: str = ""


def _reason(resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return " ".join(text.split())[:200]


def translate(exc: BaseException, ep: SmtpEndpoint) -> ChannelError:
    """One clear sentence for a failure to reach or talk to the server."""
    if isinstance(exc, ChannelError):
        return exc
    common = transport_error(exc, ep.host, ep.where)
    if common is not None:
        return common
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return AuthError(f"{ep.host} rejected the user name or password for {ep.username}.")
    if isinstance(exc, smtplib.SMTPResponseException):
        return ChannelError(
            f"{ep.host} refused: {exc.smtp_code} {_reason(exc.smtp_error)}",
            retryable=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | EOFError):
        return ConnectionLost(f"The connection to {ep.where} was lost.")
    if isinstance(exc, OSError):
        return ConnectionLost(f"Could not talk to {ep.where}: {exc.strerror or exc}.")
    if isinstance(exc, smtplib.SMTPException):
        return ChannelError(f"{ep.host} refused a request: {exc}", retryable=True)
    return ChannelError(
        f"Unexpected problem with {ep.where}: {type(exc).__name__}.", retryable=True
    )


def connect(ep: SmtpEndpoint, password: Credential) -> smtplib.SMTP:
    """A connected, secured and (if the server offers AUTH) logged-in client.

    With a token source (OAuth2), a refused token is renewed and tried once more.
    """
    if isinstance(password, str):
        return _connect(ep, password)
    source = password
    return with_renewal(
        source,
        lambda token: _connect(ep, source, token),
        lambda refused: _token_error(refused, ep, source),
    )


def _bearer_login(smtp: smtplib.SMTP, ep: SmtpEndpoint, token: str) -> None:
    offered = {m.upper() for m in smtp.esmtp_features.get("auth", "").split()}
    mech = mechanism(offered)

    def respond(challenge: bytes | None = None) -> str:
        # None: the initial response; a challenge is the server's error report.
        if challenge is None:
            return initial_response(mech, ep.username, token)
        return after_error(mech)

    try:
        smtp.auth(mech, respond)
    except smtplib.SMTPAuthenticationError as exc:
        raise TokenRefused(_reason(exc.smtp_error), exc.smtp_code) from None


def _token_error(refused: TokenRefused, ep: SmtpEndpoint, source: TokenSource) -> ChannelError:
    said, temporary = f"{refused.code} {refused.said}", 400 <= refused.code < 500
    return token_not_accepted(ep.host, ep.username, said, source, temporary=temporary)


def _connect(ep: SmtpEndpoint, password: Credential, token: str = "") -> smtplib.SMTP:
    if ep.security == "plain" and not is_loopback(ep.host):
        raise SecurityError(
            f"Unencrypted SMTP is allowed only to this computer, not to {ep.host}; "
            "choose SSL or STARTTLS."
        )
    smtp: smtplib.SMTP | None = None
    try:
        ctx = tls_context(ep.ca_file, ep.fingerprint) if ep.security != "plain" else None
        smtp = _open(ep, ctx)
        smtp.ehlo()
        if ep.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise SecurityError(
                    f"{ep.host} does not offer STARTTLS, so the connection would not be "
                    "encrypted; unibox did not send your password or the message."
                )
            try:
                smtp.starttls(context=ctx)
            except (ConnectionError, EOFError, smtplib.SMTPServerDisconnected) as exc:
                # Closed mid-handshake (a stripping middlebox, or a server that gave up):
                # the same refusal as a broken handshake, but worth trying again later.
                raise ConnectionLost(
                    f"The secure connection to {ep.where} could not be set up: the server "
                    "closed it; unibox did not send your password or the message."
                ) from exc
            smtp.ehlo()
        check_pin(smtp.sock, ep.host, ep.fingerprint, "your password or the message")
        if ep.username and smtp.has_extn("auth"):
            if isinstance(password, str):
                smtp.login(ep.username, password)
            else:
                _bearer_login(smtp, ep, token)
        return smtp
    except BaseException as exc:
        if smtp is not None:
            _close(smtp)
        if isinstance(exc, Exception):
            raise translate(exc, ep) from exc
        raise


def _open(ep: SmtpEndpoint, ctx: ssl.SSLContext | None) -> smtplib.SMTP:
    """Connected and greeted; Unreachable when retrying at once would not help."""
    timeout = CONNECT_TIMEOUT_SECONDS
    smtp: smtplib.SMTP
    try:
        if ep.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                ep.host, ep.port, local_hostname=EHLO_NAME, timeout=timeout, context=ctx
            )
        else:
            smtp = smtplib.SMTP(ep.host, ep.port, local_hostname=EHLO_NAME, timeout=timeout)
    except Exception as exc:
        raise unreachable(exc, ep.host, ep.where) or translate(exc, ep) from exc
    if smtp.sock is not None:
        smtp.sock.settimeout(TIMEOUT_SECONDS)
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except Exception:
        try:
            smtp.close()
        except Exception:
            log.debug("closing the SMTP connection failed", exc_info=True)


def _mail_options(
    smtp: smtplib.SMTP, sender: str, recipients: Sequence[str], raw: bytes
) -> list[str]:
    options: list[str] = []
    if not smtp.does_esmtp:
        return options
    if smtp.has_extn("size"):
        options.append(f"SIZE={len(raw)}")
    if not raw.isascii() and smtp.has_extn("8bitmime"):
        options.append("BODY=8BITMIME")
    if not all(a.isascii() for a in (sender, *recipients)):
        if not smtp.has_extn("smtputf8"):
            raise ChannelError(
                "An address has non-ASCII characters and the server does not accept them "
                "(no SMTPUTF8).",
                retryable=False,
            )
        options.append("SMTPUTF8")
    return options


def _check_size(smtp: smtplib.SMTP, ep: SmtpEndpoint, raw: bytes) -> None:
    limit = smtp.esmtp_features.get("size", "").strip()
    if limit.isdigit() and 0 < int(limit) < len(raw):
        raise ChannelError(
            f"The message is {_mb(len(raw))}, larger than the {_mb(int(limit))} {ep.host} "
            "accepts; remove an attachment or share it as a link.",
            retryable=False,
        )


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


def _refusal(ep: SmtpEndpoint, code: int, resp: bytes | str, what: str) -> ChannelError:
    reason = _reason(resp)
    if code == 552 or "5.3.4" in reason:
        return ChannelError(
            f"{ep.host} refused {what} as too large ({code} {reason}).", retryable=False
        )
    return ChannelError(f"{ep.host} refused {what}: {code} {reason}", retryable=400 <= code < 500)


def _data(
    smtp: smtplib.SMTP, ep: SmtpEndpoint, raw: bytes, before_end: Callable[[], None] | None
) -> tuple[int, bytes]:
    """DATA as smtplib.SMTP.data does it, with the end-of-data mark sent on its own."""
    code, resp = smtp.docmd("data")
    if code != 354:
        raise _refusal(ep, code, resp, "the message")
    body = re.sub(rb"(?m)^\.", b"..", raw)  # dot-stuffing, as data() does
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body)  # a failure here: the server saw no end, so it delivers nothing
    if before_end is not None:
        before_end()
    try:
        smtp.send(b".\r\n")
        code, resp = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise DeliveryUnknown(
            f"The connection to {ep.where} was lost just after the message was handed "
            "over, before the server confirmed it; it may have been sent."
        ) from exc
    return code, resp


def send(
    ep: SmtpEndpoint,
    password: Credential,
    sender: str,
    recipients: Sequence[str],
    raw: bytes,
    *,
    before_end: Callable[[], None] | None = None,
) -> SendResult:
    """Submit one message; raises a ChannelError saying why not.

    DeliveryUnknown means the connection ended after the end of the message
    went out: it may have been accepted, and the caller must find out before
    sending again. Any other error: it was not sent.
    """
    if not recipients:
        raise ChannelError("The message has no recipient.", retryable=False)
    smtp = connect(ep, password)
    try:
        _check_size(smtp, ep, raw)
        code, resp = smtp.mail(sender, _mail_options(smtp, sender, recipients, raw))
        if code != 250:
            smtp.rset()
            raise _refusal(ep, code, resp, f"the sender {sender}")
        refused: dict[str, str] = {}
        worst = 0
        for rcpt in recipients:
            code, resp = smtp.rcpt(rcpt)
            if code not in (250, 251):
                refused[rcpt] = f"{code} {_reason(resp)}"
                worst = max(worst, code)
        if len(refused) == len(recipients):
            smtp.rset()
            listed = "; ".join(f"{a} ({why})" for a, why in refused.items())
            raise RecipientsRejected(
                f"{ep.host} refused every recipient: {listed}.", refused, retryable=worst < 500
            )
        code, resp = _data(smtp, ep, raw, before_end)
        if code != 250:
            raise _refusal(ep, code, resp, "the message")
        return SendResult(refused, _reason(resp))
    except ChannelError:
        raise
    except Exception as exc:
        raise translate(exc, ep) from exc
    finally:
        _close(smtp)

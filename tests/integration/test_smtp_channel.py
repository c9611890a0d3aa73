"""The SMTP channel against a real aiosmtpd: TLS rules, AUTH and clear refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.helpers.smtp import SMTP_WARNING, SmtpServer, smtp_factory, smtp_server
from unibox.channels.smtp import RecipientsRejected, SmtpEndpoint, send
from unibox.core.errors import AuthError, ChannelError, SecurityError
from unibox.core.items import Address
from unibox.core.outgoing import Draft, build_message

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["smtp_factory", "smtp_server"]  # fixtures used by name below


def _raw(size: int = 0) -> bytes:
    draft = Draft(
        from_=Address("me@example.com", "Me"),
        to=(Address("ann@example.org"),),
        subject="Hello",
        text="Hi Ann" + "x" * size,
    )
    return build_message(draft, message_id="t.1@example.com", date=datetime.now(UTC)).raw


def _ep(server: SmtpServer, **kw: object) -> SmtpEndpoint:
    fields: dict[str, object] = {
        "host": "localhost",
        "port": server.port,
        "security": server.mode,
        "username": server.username,
        "ca_file": str(server.ca_file),
    }
    fields.update(kw)
    return SmtpEndpoint(**fields)  # type: ignore[arg-type]


def test_starttls_with_auth_delivers_the_exact_bytes(smtp_server: SmtpServer) -> None:
    raw = _raw()
    result = send(
        _ep(smtp_server),
        smtp_server.password,
        "me@example.com",
        ["ann@example.org", "bob@example.org"],
        raw,
    )
    assert result.refused == {}
    [got] = smtp_server.messages
    assert got.rcpt_tos == ("ann@example.org", "bob@example.org")
    assert got.mail_from == "me@example.com"
    assert got.authenticated_as == smtp_server.username
    assert got.data.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


def test_implicit_tls_and_pinning(smtp_factory: Callable[..., SmtpServer]) -> None:
    server = smtp_factory("ssl")
    send(_ep(server), server.password, "me@example.com", ["ann@example.org"], _raw())
    pinned = _ep(server, ca_file="", fingerprint=server.tls.fingerprint_sha256_colons)
    send(pinned, server.password, "me@example.com", ["ann@example.org"], _raw())
    assert len(server.messages) == 2
    with pytest.raises(SecurityError, match="does not match the pinned fingerprint"):
        send(
            _ep(server, ca_file="", fingerprint="00" * 32),
            server.password,
            "me@example.com",
            ["ann@example.org"],
            _raw(),
        )
    with pytest.raises(SecurityError, match="could not be verified"):
        send(
            _ep(server, ca_file=""), server.password, "me@example.com", ["ann@example.org"], _raw()
        )
    assert len(server.messages) == 2


def test_wrong_password_is_a_sentence_not_a_hang(smtp_server: SmtpServer) -> None:
    with pytest.raises(AuthError, match="rejected the user name or password") as info:
        send(_ep(smtp_server), "wrong-pw-123", "me@example.com", ["ann@example.org"], _raw())
    assert "wrong-pw-123" not in str(info.value)
    assert smtp_server.messages == []


def test_starttls_not_offered_is_never_a_downgrade(
    smtp_factory: Callable[..., SmtpServer],
) -> None:
    plain = smtp_factory("plain")
    with pytest.raises(SecurityError, match="does not offer STARTTLS"):
        send(
            _ep(plain, security="starttls"),
            plain.password,
            "me@example.com",
            ["ann@example.org"],
            _raw(),
        )
    assert plain.messages == []
    with pytest.raises(SecurityError, match="only to this computer"):
        send(
            _ep(plain, host="smtp.example.org", security="plain"),
            "pw",
            "me@example.com",
            ["ann@example.org"],
            _raw(),
        )
    # Plain text is fine to loopback.
    send(
        _ep(plain, host="127.0.0.1"), plain.password, "me@example.com", ["ann@example.org"], _raw()
    )
    assert len(plain.messages) == 1


def test_rejected_recipients_are_named(smtp_server: SmtpServer) -> None:
    smtp_server.reject["nobody@example.org"] = "550 5.1.1 No such user here"
    result = send(
        _ep(smtp_server),
        smtp_server.password,
        "me@example.com",
        ["ann@example.org", "nobody@example.org"],
        _raw(),
    )
    assert result.refused == {"nobody@example.org": "550 5.1.1 No such user here"}
    assert smtp_server.messages[0].rcpt_tos == ("ann@example.org",)
    with pytest.raises(
        RecipientsRejected, match=r"nobody@example.org \(550 5.1.1 No such user"
    ) as e:
        send(
            _ep(smtp_server), smtp_server.password, "me@example.com", ["nobody@example.org"], _raw()
        )
    assert not e.value.retryable


def test_too_large_is_refused_before_sending(smtp_factory: Callable[..., SmtpServer]) -> None:
    server = smtp_factory("starttls", size_limit=2000)
    with pytest.raises(
        ChannelError, match="The message is 5 KB, larger than the 2 KB localhost accepts"
    ) as info:
        send(_ep(server), server.password, "me@example.com", ["ann@example.org"], _raw(5000))
    assert not info.value.retryable
    assert server.messages == []

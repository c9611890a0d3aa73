"""Scripted servers that try to keep a session unencrypted: each is refused, nothing
secret is sent, nothing is fallen back to. A real server cannot play these on demand."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from tests.helpers.scripted_server import scripted_server
from unibox import cli
from unibox.channels.imap_conn import ImapEndpoint
from unibox.channels.imap_conn import connect as imap_connect
from unibox.channels.smtp import SmtpEndpoint
from unibox.channels.smtp import connect as smtp_connect
from unibox.core.errors import ChannelError, SecurityError

SENTINEL = "Sentinel-Pw-7f3a9"
CAPS = (r"CAPABILITY", b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n{tag} OK done\r\n")
NO_TLS_CAPS = (r"CAPABILITY", b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
LOGOUT = (r"LOGOUT", b"* BYE\r\n{tag} OK bye\r\n")


def _imap(port: int) -> ImapEndpoint:
    return ImapEndpoint("127.0.0.1", port, "starttls", "mira")


def _never_sent_a_secret(text: str) -> None:
    assert SENTINEL not in text
    assert "LOGIN" not in text.upper().replace("LOGINDISABLED", "")
    assert "AUTHENTICATE" not in text.upper()


@pytest.mark.parametrize(
    ("greeting", "rules", "said"),
    [
        # PREAUTH before TLS, with STARTTLS in the greeting's capabilities …
        (b"* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome\r\n", [CAPS, LOGOUT], "PREAUTH"),
        # … and without STARTTLS at all: still refused, for PREAUTH first.
        (b"* PREAUTH welcome\r\n", [NO_TLS_CAPS, LOGOUT], "PREAUTH"),
        # STARTTLS not offered at all.
        (
            b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n",
            [NO_TLS_CAPS, LOGOUT],
            "does not offer STARTTLS",
        ),
        # Offered, then refused when asked for.
        (
            b"* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
            [CAPS, (r"STARTTLS", b"{tag} NO [UNAVAILABLE] not today\r\n"), LOGOUT],
            "",
        ),
        # Accepted, then the server goes on in plain text (a stripped TLS handshake).
        (
            b"* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
            [
                CAPS,
                (
                    r"STARTTLS",
                    b"{tag} OK begin\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n{close}",
                ),
            ],
            "secure connection",
        ),
    ],
    ids=["preauth-caps", "preauth-asked", "no-starttls", "starttls-refused", "tls-stripped"],
)
def test_imap_sessions_kept_unencrypted_are_refused(
    greeting: bytes, rules: list[tuple[str, bytes]], said: str
) -> None:
    with scripted_server(greeting, rules) as server, pytest.raises(ChannelError) as refused:
        imap_connect(_imap(server.port), SENTINEL)
    assert said in str(refused.value)
    assert SENTINEL not in str(refused.value)
    _never_sent_a_secret(server.text)
    if said:
        assert isinstance(refused.value, SecurityError)


SMTP_HELLO = b"220 mx.example ESMTP\r\n"


@pytest.mark.parametrize(
    ("ehlo", "starttls", "said"),
    [
        (b"250-mx.example\r\n250 AUTH PLAIN LOGIN\r\n", None, "does not offer STARTTLS"),
        (
            b"250-mx.example\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n",
            b"454 4.7.0 TLS not available\r\n",
            "454",
        ),
        (
            b"250-mx.example\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n",
            b"220 go ahead\r\n250 plain again\r\n{close}",
            "secure connection",
        ),
    ],
    ids=["no-starttls", "starttls-refused", "tls-stripped"],
)
def test_smtp_sessions_kept_unencrypted_are_refused(
    ehlo: bytes, starttls: bytes | None, said: str
) -> None:
    rules = [(r"^EHLO", ehlo), (r"^QUIT", b"221 bye\r\n")]
    if starttls is not None:
        rules.append((r"^STARTTLS", starttls))
    with scripted_server(SMTP_HELLO, rules) as server, pytest.raises(ChannelError) as refused:
        smtp_connect(SmtpEndpoint("127.0.0.1", server.port, "starttls", "mira"), SENTINEL)
    assert said in str(refused.value)
    text = server.text.upper()
    assert SENTINEL.upper() not in text and "AUTH" not in text and "MAIL FROM" not in text


@pytest.mark.parametrize("check", [True, False], ids=["when-added", "at-sync"])
def test_a_preauth_server_is_refused_by_the_cli_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    check: bool,
) -> None:
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    greeting = b"* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome\r\n"
    with scripted_server(greeting, [CAPS, LOGOUT]) as server:
        monkeypatch.setattr(sys, "stdin", io.StringIO(SENTINEL + "\n"))
        add = ["account", "add-mail", "--name", "Work", "--email", "mira@example.org"]
        add += ["--imap-host", "127.0.0.1", "--imap-port", str(server.port)]
        add += ["--imap-security", "starttls", "--username", "mira", "--password-stdin"]
        capsys.readouterr()
        if check:
            assert cli.main(add) == 1
        else:
            assert cli.main([*add, "--no-check"]) == 0
            assert cli.main(["sync"]) == 1
        err = capsys.readouterr().err
    assert "PREAUTH" in err and err.count("\n") == 1
    assert SENTINEL not in err
    _never_sent_a_secret(server.text)

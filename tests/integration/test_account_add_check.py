"""`unibox account add-mail` signs in before it stores anything (real Dovecot and aiosmtpd)."""

from __future__ import annotations

import io
import json
import socket
import sys
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.smtp import SMTP_WARNING, SmtpServer, smtp_server
from tests.integration.cli_helpers import add_account, run
from unibox.config import store_path
from unibox.secrets import SecretStore, SecretStoreError

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["smtp_server"]


def refused(capsys: pytest.CaptureFixture[str], profile: Path, code: int, *said: str) -> None:
    """Exit 1 with one line saying why, and nothing stored: no account, no password."""
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert len(err.splitlines()) == 1 and all(s in err for s in said), err
    assert not store_path(profile).exists() or _accounts(capsys) == []
    with pytest.raises(SecretStoreError):
        SecretStore().get("mail:Work")


def _accounts(capsys: pytest.CaptureFixture[str]) -> list[object]:
    capsys.readouterr()
    assert run("account", "list", "--json") == 0
    found: list[object] = json.loads(capsys.readouterr().out)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_wrong_password_is_refused_and_nothing_is_stored(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = add_account(dovecot, mail_user, password="not-the-password", monkeypatch=monkeypatch)
    refused(capsys, profile, code, "rejected the user name or password")


def test_a_closed_port_a_missing_host_and_an_untrusted_certificate_are_refused(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()
    code = add_account(dovecot, mail_user, port=port, monkeypatch=monkeypatch)
    refused(capsys, profile, code, f"localhost:{port} refused the connection")

    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO(dovecot.password + "\n"))
    code = run(
        "account", "add-mail", "--name", "Work", "--email", f"{mail_user}@example.com",
        "--imap-host", "mail.nonexistent.invalid", "--imap-port", "993",
        "--username", mail_user, "--password-stdin",
    )  # fmt: skip
    refused(capsys, profile, code, "mail.nonexistent.invalid could not be found")

    code = add_account(dovecot, mail_user, security="ssl", ca=False, monkeypatch=monkeypatch)
    refused(capsys, profile, code, "could not be verified")


@pytest.mark.parametrize("port", ["99999", "0", "-1", "imap"])
def test_a_port_out_of_range_is_a_usage_error(
    port: str,
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for option in ("--imap-port", "--smtp-port"):
        args = ["--imap-port", port] if option == "--imap-port" else ["--smtp-port", port]
        with pytest.raises(SystemExit) as exit_:
            run(
                "account", "add-mail", "--name", "Work", "--email", "me@example.com",
                "--imap-host", "localhost", "--imap-port", "143", "--smtp-host", "localhost",
                *args, "--username", mail_user, "--password-stdin",
            )  # fmt: skip
        assert exit_.value.code == 2
        assert "1 to 65535" in capsys.readouterr().err
    assert not store_path(profile).exists()


def test_smtp_is_checked_too(
    dovecot: Dovecot,
    smtp_server: SmtpServer,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp = ("--smtp-host", "localhost", "--smtp-port", str(smtp_server.port))
    smtp += ("--smtp-security", "starttls")
    code = add_account(dovecot, mail_user, extra=smtp, monkeypatch=monkeypatch)
    refused(capsys, profile, code, "rejected")  # aiosmtpd does not know this login yet

    smtp_server.add_user(mail_user, dovecot.password)
    assert add_account(dovecot, mail_user, extra=smtp, monkeypatch=monkeypatch) == 0
    [account] = _accounts(capsys)
    assert isinstance(account, dict) and account["smtp"]["port"] == smtp_server.port
    assert SecretStore().get("mail:Work") == dovecot.password


def test_no_check_stores_without_signing_in(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()
    code = add_account(
        dovecot, mail_user, port=port, extra=("--no-check",), monkeypatch=monkeypatch
    )
    assert code == 0
    [account] = _accounts(capsys)
    assert isinstance(account, dict) and account["imap"]["port"] == port

"""A sentinel password given to the CLI is found in the keyring and nowhere else: not in
the SQLite file, its WAL, the settings, any log record (at DEBUG) or any message."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.integration.cli_helpers import add_account, run
from unibox.config import store_path
from unibox.secrets import SecretStore

pytestmark = pytest.mark.integration

WRONG = "Wrong-Sentinel-5c1d"


def assert_nowhere(secret: str, profile: Path, said: str, records: list[logging.LogRecord]) -> None:
    """`secret` in no file of the profile (store, -wal, -shm, settings), no log record
    and nothing said on the terminal; its UTF-8 and UTF-16 forms both."""
    forms = [secret.encode(), secret.encode("utf-16-le")]
    files = [p for p in profile.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files), "the WAL should be there to look into"
    for path in files:
        data = path.read_bytes()
        for form in forms:
            assert form not in data, f"the password is in {path.name}"
    assert secret not in said
    for record in records:
        text = record.getMessage() + " " + str(record.exc_info and record.exc_info[1])
        assert secret not in text, f"the password is in a log record of {record.name}"


def test_a_cli_password_is_only_in_the_keyring(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    dovecot.deliver(mail_user, simple_message("Hello", "x"))
    assert run("stats", "--json") == 0  # the store exists: hold it open so its WAL stays
    keeper = sqlite3.connect(store_path(profile))
    try:
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # A wrong password first: the failure is said, the password is not.
        add_account(dovecot, mail_user, password=WRONG, monkeypatch=monkeypatch,
                    extra=("--no-check",) if _has_no_check() else ())  # fmt: skip
        assert run("sync") == 1
        assert run("-v", "sync") == 1
        assert run("account", "remove", "Work") == 0
        # Then the right one, and a whole sync.
        assert add_account(dovecot, mail_user, monkeypatch=monkeypatch) == 0
        assert run("-v", "sync") == 0
        assert run("account", "list", "--json") == 0
        out = capsys.readouterr()
        said = out.out + out.err
        assert "rejected the user name or password" in said
        assert SecretStore().get("mail:Work") == dovecot.password
        for secret in (WRONG, dovecot.password):
            assert_nowhere(secret, profile, said, caplog.records)
    finally:
        keeper.close()


def _has_no_check() -> bool:
    import contextlib
    import io

    from unibox.cli.main import _parser

    with contextlib.redirect_stdout(io.StringIO()) as help_text, contextlib.suppress(SystemExit):
        _parser().parse_args(["account", "add-mail", "--help"])
    return "--no-check" in help_text.getvalue()

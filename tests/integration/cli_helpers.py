"""Driving the unibox CLI in-process, as a user's script would."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from tests.helpers.dovecot import Dovecot
from unibox import cli


def add_account(
    dovecot: Dovecot,
    user: str,
    *,
    security: str = "starttls",
    port: int | None = None,
    password: str | None = None,
    ca: bool = True,
    extra: tuple[str, ...] = (),
    name: str = "Work",
    monkeypatch: pytest.MonkeyPatch,
) -> int:
    if port is None:
        port = dovecot.imaps_port if security == "ssl" else dovecot.imap_port
    args = [
        "account",
        "add-mail",
        "--name",
        name,
        "--email",
        f"{user}@example.com",
        "--imap-host",
        "localhost" if security != "plain" else "127.0.0.1",
        "--imap-port",
        str(port),
        "--imap-security",
        security,
        "--username",
        user,
        "--password-stdin",
        *extra,
    ]
    if ca:
        args += ["--ca-file", str(dovecot.ca_file)]
    monkeypatch.setattr(sys, "stdin", io.StringIO((password or dovecot.password) + "\n"))
    return cli.main(args)


def run(*args: str) -> int:
    return cli.main(list(args))


def stats(capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    capsys.readouterr()
    assert run("stats", "--json") == 0
    result: dict[str, int] = json.loads(capsys.readouterr().out)
    return result


def search(capsys: pytest.CaptureFixture[str], query: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert run("search", query, "--json") == 0
    result: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return result

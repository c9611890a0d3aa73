"""Driving the unibox CLI in-process and reading what it printed, as a user's script would."""

from __future__ import annotations

import json
from typing import Any

import pytest

from unibox import cli


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of one command."""
    capsys.readouterr()
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """What one command prints with --json; it must succeed."""
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)

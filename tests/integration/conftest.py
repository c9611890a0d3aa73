"""Fixtures for tests that run unibox against real servers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A file keyring that exists only for tests (see unibox.secrets)."""
    path = tmp_path / "test-keyring.cfg"
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(path))
    yield path


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    p = tmp_path / "profile"
    monkeypatch.setenv("UNIBOX_PROFILE", str(p))
    return p


def subprocess_env(profile: Path, keyring_file: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["UNIBOX_PROFILE"] = str(profile)
    env["UNIBOX_INSECURE_TEST_KEYRING"] = str(keyring_file)
    return env

"""Fixtures for the unit tests that drive the CLI in-process."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh profile for the CLI, in a German locale: a number with no country code is German."""
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    return tmp_path / "profile"

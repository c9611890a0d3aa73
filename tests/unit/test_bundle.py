"""The app finds its shipped resources from a checkout and from a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from unibox.bundle import resources_dir
from unibox.demo import demo_data_dir


def test_checkout_resources_hold_icons_style_and_demo_mail() -> None:
    root = resources_dir()
    assert (root / "style.qss").is_file()
    assert (root / "icons" / "unibox.svg").is_file()
    assert {p.name for p in demo_data_dir().glob("*.mbox")} >= {"inbox.mbox", "sent.mbox"}


def test_frozen_bundle_reads_resources_from_its_unpack_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"
    assert demo_data_dir() == tmp_path / "resources" / "demo"


def test_build_spec_ships_what_the_bundle_looks_for() -> None:
    spec = (Path(__file__).resolve().parents[2] / "build.spec").read_text("utf-8")
    assert '"resources"), "resources")' in spec
    assert "unibox/store/migrations" in spec

"""The settings registry: every setting declared once, bad values refused in a sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unibox import config
from unibox.config import (
    PHONE_REGION,
    QUIET_ACCOUNTS,
    SYNC_INTERVAL,
    THEME,
    UNDO_SEND_SECONDS,
    SettingError,
    Settings,
)


def test_the_window_settings_live_in_the_same_registry() -> None:
    from unibox.ui import preferences

    for setting in (preferences.GROUP_CONVERSATIONS, preferences.PERSON_PANEL, preferences.THEME):
        assert config.REGISTRY[setting.key] is setting
    assert {SYNC_INTERVAL.key, UNDO_SEND_SECONDS.key, PHONE_REGION.key, QUIET_ACCOUNTS.key} <= set(
        config.REGISTRY
    )
    with pytest.raises(ValueError):
        config.declare(config.Setting(THEME.key, "x", "twice"))


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        (SYNC_INTERVAL, 5, "at most once a minute"),
        (SYNC_INTERVAL, "300", "must be a whole number"),
        (UNDO_SEND_SECONDS, -1, "0 seconds"),
        (UNDO_SEND_SECONDS, True, "must be a whole number"),
        (PHONE_REGION, "XX", "“XX” is not a country code"),
        (THEME, "purple", "Choose one of"),
    ],
)
def test_a_value_a_setting_cannot_take_is_refused_in_a_sentence(
    tmp_path: Path, setting: config.Setting[object], value: object, words: str
) -> None:
    settings = Settings(tmp_path)
    with pytest.raises(SettingError, match=words):
        settings.set(setting, value)
    assert not (tmp_path / "settings.json").exists()  # nothing half-written
    assert settings.get(setting) == setting.default


def test_good_values_are_kept_and_bad_ones_in_the_file_read_as_defaults(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    settings.set(PHONE_REGION, "DE")
    settings.set(SYNC_INTERVAL, 600)
    again = Settings(tmp_path)
    assert again.get(PHONE_REGION) == "DE"
    assert again.get(SYNC_INTERVAL) == 600
    # Edited by hand: a value out of range and one of the wrong type.
    (tmp_path / "settings.json").write_text(
        json.dumps({SYNC_INTERVAL.key: 1, UNDO_SEND_SECONDS.key: "soon", THEME.key: "dark"})
    )
    edited = Settings(tmp_path)
    assert edited.get(SYNC_INTERVAL) == SYNC_INTERVAL.default
    assert edited.get(UNDO_SEND_SECONDS) == UNDO_SEND_SECONDS.default
    assert edited.get(THEME) == "dark"

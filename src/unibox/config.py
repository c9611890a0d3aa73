"""Where a profile lives, and the typed settings stored in it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import platformdirs

PROFILE_ENV = "UNIBOX_PROFILE"
T = TypeVar("T")


def profile_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--profile, else $UNIBOX_PROFILE, else the platform's user data directory."""
    chosen = explicit or os.environ.get(PROFILE_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir("unibox", appauthor=False))
    return path.expanduser().resolve()


def store_path(profile: Path) -> Path:
    return profile / "unibox.sqlite3"


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting, declared once with its type, default and description."""

    key: str
    default: T
    description: str


SYNC_INTERVAL = Setting("sync.interval_seconds", 300, "How often to check accounts without push.")
SYNC_WORKERS = Setting("sync.parse_workers", 0, "Processes parsing mail; 0 means one per core.")
IDLE_ENABLED = Setting("sync.idle", True, "Keep a push (IMAP IDLE) connection on the inbox.")
UNDO_SEND_SECONDS = Setting(
    "send.undo_seconds",
    10,
    "Seconds a message waits in the outbox after Send, so it can still be undone; 0 sends at once.",
)
PHONE_REGION = Setting(
    "people.phone_region",
    "",
    "Country (ISO code such as DE or US) of phone numbers written without a country code; "
    "empty: the country of the system locale.",
)


class Settings:
    """Typed settings in the profile's settings.json (never a secret)."""

    def __init__(self, profile: Path) -> None:
        self.path = profile / "settings.json"
        self._values: dict[str, Any] = {}
        if self.path.exists():
            try:
                self._values = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError):
                self._values = {}

    def get(self, setting: Setting[T]) -> T:
        value = self._values.get(setting.key, setting.default)
        return value if isinstance(value, type(setting.default)) else setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        self._values[setting.key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._values, indent=2, sort_keys=True), "utf-8")
        tmp.replace(self.path)


def phone_region(profile: Path) -> str:
    """The country for phone numbers without a country code: the setting, else the locale's."""
    from unibox.core.identity import region_from_locale

    chosen = str(Settings(profile).get(PHONE_REGION)).strip().upper()
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_TELEPHONE", "LC_CTYPE", "LANG"):  # C.UTF-8 names no country
        found = region_from_locale(os.environ.get(name, ""))
        if found:
            return found
    return ""

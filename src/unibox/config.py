"""Where a profile lives, and the typed settings stored in it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import platformdirs

from unibox.core.errors import UserError

PROFILE_ENV = "UNIBOX_PROFILE"
T = TypeVar("T")


def profile_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--profile, else $UNIBOX_PROFILE, else the platform's user data directory."""
    chosen = explicit or os.environ.get(PROFILE_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir("unibox", appauthor=False))
    return path.expanduser().resolve()


def store_path(profile: Path) -> Path:
    return profile / "unibox.sqlite3"


class SettingError(UserError):
    """A value a setting cannot take, said in a sentence for the user."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting, declared once with its type, default, description and what it accepts.

    `check` returns "" for a value it accepts, else a sentence saying what would be.
    """

    key: str
    default: T
    description: str
    check: Callable[[T], str] | None = field(default=None, compare=False, repr=False)

    def problem(self, value: object) -> str:
        """ "" when the setting can take `value`, else why not, in a sentence."""
        if not _same_type(value, self.default):
            return f"“{self.key}” must be {_type_words(self.default)}."
        return self.check(value) if self.check is not None else ""  # type: ignore[arg-type]


def _same_type(value: object, default: object) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    return isinstance(value, type(default))


def _type_words(default: object) -> str:
    names = {bool: "on or off", int: "a whole number", str: "text", list: "a list"}
    return names.get(type(default), type(default).__name__)


def _between(low: int, high: int, sentence: str) -> Callable[[int], str]:
    return lambda value: "" if low <= value <= high else sentence


def _region(code: str) -> str:
    if not code:
        return ""
    import phonenumbers  # loads metadata: only when a region is set

    if code.upper() in phonenumbers.SUPPORTED_REGIONS:
        return ""
    return f"“{code}” is not a country code phone numbers know (such as DE, GB or US)."


def _one_of(*choices: str) -> Callable[[str], str]:
    words = ", ".join(f"“{c}”" for c in choices)
    return lambda value: "" if value in choices else f"Choose one of {words}."


REGISTRY: dict[str, Setting[Any]] = {}


def declare(setting: Setting[T]) -> Setting[T]:
    """Add a setting to the registry (each key once) and return it."""
    if setting.key in REGISTRY:
        raise ValueError(f"setting {setting.key} declared twice")
    REGISTRY[setting.key] = setting
    return setting


SYNC_INTERVAL = declare(
    Setting(
        "sync.interval_seconds",
        300,
        "How often to check accounts without push.",
        _between(60, 86_400, "Check for mail at most once a minute and at least once a day."),
    )
)
SYNC_WORKERS = declare(
    Setting(
        "sync.parse_workers",
        0,
        "Processes parsing mail; 0 means one per core.",
        _between(0, 64, "Use 0 (one per core) to 64 processes."),
    )
)
IDLE_ENABLED = declare(
    Setting("sync.idle", True, "Keep a push (IMAP IDLE) connection on the inbox.")
)
UNDO_SEND_SECONDS = declare(
    Setting(
        "send.undo_seconds",
        10,
        "Seconds a message waits in the outbox after Send, so it can still be undone; "
        "0 sends at once.",
        _between(0, 120, "A message can wait from 0 seconds (no undo) to 2 minutes."),
    )
)
PHONE_REGION = declare(
    Setting(
        "people.phone_region",
        "",
        "Country (ISO code such as DE or US) of phone numbers written without a country code; "
        "empty: the country of the system locale.",
        _region,
    )
)

# The window's own settings (ui/preferences.py reads and writes them).
THEME = declare(
    Setting(
        "window.theme",
        "system",
        "Light or dark appearance, or follow the system.",
        _one_of("system", "light", "dark"),
    )
)
REMOTE_CONTENT_SENDERS: Setting[list[str]] = declare(
    Setting(
        "reading.remote_content_senders",
        [],
        "Senders (e-mail addresses) whose remote images load without asking.",
    )
)
REMOTE_CONTENT_MESSAGES: Setting[list[int]] = declare(
    Setting(
        "reading.remote_content_messages",
        [],
        "Messages (by id) whose remote images load without asking.",
    )
)
PLAIN_TEXT = declare(
    Setting("reading.plain_text", False, "Show messages as plain text instead of HTML.")
)
GROUP_CONVERSATIONS = declare(
    Setting("list.group_conversations", False, "Show one row per conversation in the message list.")
)
PERSON_PANEL = declare(
    Setting("window.person_panel", True, "Show the person panel beside the message.")
)
WINDOW_GEOMETRY = declare(
    Setting("window.geometry", "", "Where the main window was and its size (Qt's own encoding).")
)
PANE_WIDTHS: Setting[list[int]] = declare(
    Setting("window.pane_widths", [], "Widths of the window's panes, left to right, in pixels.")
)
QUIET_ACCOUNTS: Setting[list[str]] = declare(
    Setting(
        "notify.quiet_accounts",
        [],
        "Accounts (by name) whose new mail shows no desktop notification.",
    )
)
KEEP_IN_TRAY = declare(
    Setting(
        "window.keep_in_tray",
        True,
        "Keep running in the system tray when the window is closed (where the desktop has a "
        "tray; File › Quit always quits).",
    )
)
TRAY_HINT_SHOWN = declare(
    Setting(
        "window.tray_hint_shown",
        False,
        "The tray has said once that unibox keeps running after its window is closed.",
    )
)


# OAuth2 sign-in (the account dialog's "Sign in with Google / Microsoft"): the client id
# of an app registered with the provider; not a secret. A built-in one can come later.
OAUTH_GOOGLE_CLIENT_ID = declare(
    Setting(
        "oauth.google_client_id",
        "",
        "Client id of the OAuth app that signs in to Google mail (a desktop app registered "
        "in Google Cloud).",
    )
)
OAUTH_MICROSOFT_CLIENT_ID = declare(
    Setting(
        "oauth.microsoft_client_id",
        "",
        "Client id (application id) of the app registered in Microsoft Entra that signs in "
        "to Outlook.com and Microsoft 365 mail.",
    )
)
OAUTH_CLIENT_IDS = {"google": OAUTH_GOOGLE_CLIENT_ID, "microsoft": OAUTH_MICROSOFT_CLIENT_ID}


class Settings:
    """Typed settings in the profile's settings.json (never a secret).

    A value the file holds that its setting cannot take (edited by hand, or
    from another version) reads as the default; `set` refuses one with a
    SettingError saying what the setting accepts.
    """

    def __init__(self, profile: Path) -> None:
        self.path = profile / "settings.json"
        self._values: dict[str, Any] = {}
        if self.path.exists():
            try:
                loaded = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError):
                loaded = {}
            self._values = loaded if isinstance(loaded, dict) else {}

    def get(self, setting: Setting[T]) -> T:
        value = self._values.get(setting.key, setting.default)
        return value if not setting.problem(value) else setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        problem = setting.problem(value)
        if problem:
            raise SettingError(problem)
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

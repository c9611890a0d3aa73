"""The profile's settings as the window reads and writes them (declared in unibox.config)."""

from __future__ import annotations

from typing import Any, TypeVar

from unibox.config import (  # declared in the one registry; re-exported for the window
    GROUP_CONVERSATIONS,
    PERSON_PANEL,
    PLAIN_TEXT,
    QUIET_ACCOUNTS,
    REMOTE_CONTENT_MESSAGES,
    REMOTE_CONTENT_SENDERS,
    THEME,
    Setting,
    SettingError,
    Settings,
)

T = TypeVar("T")

__all__ = [
    "GROUP_CONVERSATIONS",
    "PERSON_PANEL",
    "PLAIN_TEXT",
    "QUIET_ACCOUNTS",
    "REMOTE_CONTENT_MESSAGES",
    "REMOTE_CONTENT_SENDERS",
    "THEME",
    "Preferences",
]


class Preferences:
    """Settings of the profile, or kept in memory only when there is none (tests)."""

    def __init__(self, settings: Settings | None) -> None:
        self.settings = settings
        self._memory: dict[str, Any] = {}

    def get(self, setting: Setting[T]) -> T:
        if self.settings is not None:
            value = self.settings.get(setting)
        else:
            value = self._memory.get(setting.key, setting.default)
        # Never hand out the shared default list for callers to change.
        return list(value) if isinstance(value, list) else value  # type: ignore[return-value]

    def set(self, setting: Setting[T], value: T) -> None:
        """Keep a value; a SettingError (a sentence) when the setting cannot take it."""
        if self.settings is not None:
            self.settings.set(setting, value)
            return
        problem = setting.problem(value)
        if problem:
            raise SettingError(problem)
        self._memory[setting.key] = value

    # -- remote content --------------------------------------------------------

    def remote_allowed_for(self, email: str) -> bool:
        return bool(email) and email.strip().lower() in self.get(REMOTE_CONTENT_SENDERS)

    def allow_remote_for(self, email: str, allowed: bool) -> None:
        address = email.strip().lower()
        senders = [s for s in self.get(REMOTE_CONTENT_SENDERS) if s != address]
        if allowed and address:
            senders.append(address)
        self.set(REMOTE_CONTENT_SENDERS, sorted(senders))

    def remote_allowed_for_message(self, message_id: int) -> bool:
        return message_id in self.get(REMOTE_CONTENT_MESSAGES)

    def allow_remote_for_message(self, message_id: int, allowed: bool) -> None:
        ids = [i for i in self.get(REMOTE_CONTENT_MESSAGES) if i != message_id]
        if allowed:
            ids.append(message_id)
        self.set(REMOTE_CONTENT_MESSAGES, sorted(ids))

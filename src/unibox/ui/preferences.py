"""The window's own settings, declared once like those in unibox.config."""

from __future__ import annotations

from typing import Any, TypeVar

from unibox.config import Setting, Settings

T = TypeVar("T")

REMOTE_CONTENT_SENDERS: Setting[list[str]] = Setting(
    "reading.remote_content_senders",
    [],
    "Senders (e-mail addresses) whose remote images load without asking.",
)
PLAIN_TEXT = Setting("reading.plain_text", False, "Show messages as plain text instead of HTML.")
GROUP_CONVERSATIONS = Setting(
    "list.group_conversations", False, "Show one row per conversation in the message list."
)
PERSON_PANEL = Setting("window.person_panel", True, "Show the person panel beside the message.")


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
        if self.settings is not None:
            self.settings.set(setting, value)
        else:
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

"""How dates, sizes and people are written in the window."""

from __future__ import annotations

import html
import zlib
from datetime import datetime

from unibox.store.view_rows import CHANNEL_TITLES

# Avatar backgrounds: saturated enough to tell apart, dark enough for white initials.
AVATAR_COLOURS = (
    "#e0655a", "#d9822b", "#c9a227", "#5c9e4a", "#2f9d8f", "#2e8bc0",
    "#4f6fd6", "#7a5cd6", "#b05cc4", "#d0568f", "#7d8a99", "#a0785a",
)  # fmt: skip


def list_time(when: datetime, now: datetime) -> str:
    """ "14:32" today, "Tue" this week, "12 Mar" this year, "12 Mar 2023" before."""
    local = when.astimezone()
    today = now.astimezone().date()
    days = (today - local.date()).days
    if days <= 0:
        return f"{local:%H:%M}"
    if days < 7:
        return f"{local:%a}"
    if local.year == today.year:
        return f"{local.day} {local:%b}"
    return f"{local.day} {local:%b %Y}"


def snooze_time(when: datetime, now: datetime) -> str:
    """When a snoozed message wakes: "17:00" today, "Tomorrow 08:00", "Mon 08:00", "24 Mar"."""
    local, today = when.astimezone(), now.astimezone().date()
    days = (local.date() - today).days
    if days <= 0:
        return f"{local:%H:%M}"
    if days == 1:
        return f"Tomorrow {local:%H:%M}"
    if days < 7:
        return f"{local:%a %H:%M}"
    return f"{local.day} {local:%b}"


def full_time(when: datetime) -> str:
    """ "Fri 14 Mar 2025, 09:12" in local time."""
    local = when.astimezone()
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def initials(name: str, email: str) -> str:
    """Up to two letters for an avatar: "ZM" for Zoë Müller, "P" for paylane@…."""
    words = [w for w in name.replace('"', "").split() if w[:1].isalpha()]
    if len(words) >= 2:
        return (words[0][0] + words[-1][0]).upper()
    if words:
        return words[0][0].upper()
    return (email[:1] or "?").upper()


def avatar_colour(email: str, name: str = "") -> str:
    """The same person always gets the same colour."""
    key = (email or name).strip().lower().encode()
    return AVATAR_COLOURS[zlib.crc32(key) % len(AVATAR_COLOURS)]


def size_text(size: int) -> str:
    """ "12 KB", "1.4 MB", "512 bytes"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def people_text(names: list[str], limit: int = 3) -> str:
    """ "Zoë Müller, Felix Brandt and 2 others"."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} others"


TOOLTIP_CHARS = 1000


def tooltip_text(text: str) -> str:
    """A tooltip showing `text` as written: Qt draws a tooltip as HTML when it merely
    looks like markup, so a sender's "<h1>…" is escaped; and it is kept short."""
    if len(text) > TOOLTIP_CHARS:
        text = text[:TOOLTIP_CHARS] + "…"
    if "<" not in text and "&" not in text:
        return text
    return '<p style="white-space: pre-wrap">' + html.escape(text) + "</p>"


# Handles that read as addresses by themselves; any other kind is said with its network's name.
_SELF_EVIDENT = frozenset({"email", "phone", "xmpp", "matrix", "mastodon"})


def handle_text(kind: str, value: str) -> str:
    """A handle as a person's record shows it: "Telegram: user5120447731", an address as is."""
    if kind in _SELF_EVIDENT or not kind:
        return value
    title = CHANNEL_TITLES.get(kind, kind.capitalize())
    return f"{title}: {value}"

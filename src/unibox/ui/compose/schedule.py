"""Send-later presets: in one hour, tomorrow 08:00, Monday 08:00 (local time)."""

from __future__ import annotations

from datetime import datetime, timedelta

MORNING_HOUR = 8


def in_one_hour(now: datetime) -> datetime:
    return (now + timedelta(hours=1)).replace(second=0, microsecond=0)


def tomorrow_morning(now: datetime) -> datetime:
    return (now + timedelta(days=1)).replace(hour=MORNING_HOUR, minute=0, second=0, microsecond=0)


def monday_morning(now: datetime) -> datetime:
    """The next Monday 08:00 (a week ahead when it is Monday already)."""
    days = (7 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(
        hour=MORNING_HOUR, minute=0, second=0, microsecond=0
    )


PRESETS = (
    ("In 1 hour", in_one_hour),
    ("Tomorrow 08:00", tomorrow_morning),
    ("Monday 08:00", monday_morning),
)


def when_text(when: datetime, now: datetime) -> str:
    """ "today 14:30", "tomorrow 08:00", "Mon 17 Mar 08:00" """
    day = (when.date() - now.date()).days
    if day == 0:
        return f"today {when:%H:%M}"
    if day == 1:
        return f"tomorrow {when:%H:%M}"
    if 1 < day < 7:
        return f"{when:%A %H:%M}"
    return f"{when:%a %d %b %Y %H:%M}"

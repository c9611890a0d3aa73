"""Meetings in words, for the window and the CLI alike (no Qt here)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from unibox.store.events import Meeting


class Timed(Protocol):
    """A meeting or one occurrence in the calendar view: when it starts and ends."""

    @property
    def starts(self) -> datetime: ...
    @property
    def ends(self) -> datetime: ...
    @property
    def all_day(self) -> bool: ...


_EVERY = {"DAILY": ("day", "days"), "WEEKLY": ("week", "weeks"), "MONTHLY": ("month", "months")}
_EVERY["YEARLY"] = ("year", "years")


def _day(when: datetime) -> str:
    return f"{when:%a} {when.day} {when:%b}"


def meeting_when(meeting: Timed, now: datetime | None = None) -> str:
    """ "Mon 23 Nov, 10:00 – 10:45" in local time; all-day events by their days."""
    if meeting.all_day:
        first = meeting.starts.astimezone(UTC).date()
        last = (meeting.ends - timedelta(seconds=1)).astimezone(UTC).date()
        head = _day(datetime(first.year, first.month, first.day))
        if last > first:
            return f"{head} – {_day(datetime(last.year, last.month, last.day))}, all day"
        return f"{head}, all day"
    start = meeting.starts.astimezone()
    end = meeting.ends.astimezone()
    now = now or datetime.now().astimezone()
    day = _day(start) if start.year == now.year else f"{_day(start)} {start.year}"
    if end <= start:
        return f"{day}, {start:%H:%M}"
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{_day(end)}, {end:%H:%M}"
    return f"{day}, {start:%H:%M} – {until}"


def repeats_text(rrule: str) -> str:
    """ "Every week", "Every 2 months"… for an RRULE; "" when it does not repeat."""
    if not rrule:
        return ""
    fields = dict(p.partition("=")[::2] for p in rrule.upper().split(";"))
    unit = _EVERY.get(fields.get("FREQ", ""))
    if unit is None:
        return "Repeats"
    interval = fields.get("INTERVAL", "1")
    if interval.isdigit() and int(interval) > 1:
        return f"Every {int(interval)} {unit[1]}"
    return f"Every {unit[0]}"


def meeting_line(meeting: Meeting) -> str:
    """The panel's first line: "Mon 23 Nov, 10:00 – Brightwave review call"."""
    when = meeting_when(meeting)
    if not meeting.all_day:
        when = when.split(" – ")[0]  # the start is enough beside the title
    return f"{when} – {meeting.summary or '(no title)'}"

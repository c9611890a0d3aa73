"""Times and rules as a person types them for an event: ISO dates, RRULEs, the local zone."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from unibox.core.errors import UserError

MAX_RRULE = 500


def parse_when(text: str, label: str = "The time") -> datetime:
    """An ISO 8601 date or time (2026-11-23, 2026-11-23T09:00, …+01:00); local without a zone."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"{label} “{text}” is not a date unibox understands "
            "(write it as 2026-11-23T09:00 or 2026-11-23)."
        ) from None
    return when if when.tzinfo is not None else when.astimezone()


def check_rrule(text: str, start: datetime) -> str:
    """The RRULE as it will be stored (without an "RRULE:" prefix), or UserError in words."""
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    problem = ""
    if not rule or len(rule) > MAX_RRULE or "\n" in rule or "\r" in rule:
        problem = "it is empty or too long"
    else:
        from dateutil.rrule import rrulestr
        from icalendar import vRecur

        try:
            parsed = rrulestr(rule, dtstart=start, forceset=False)
            vRecur.from_ical(rule)
            if "FREQ=" not in rule.upper():
                problem = "it has no FREQ"
            else:
                next(iter(parsed), None)  # a rule that yields nothing still parses
        except (ValueError, TypeError, OverflowError, KeyError) as exc:
            problem = " ".join(str(exc).split())[:120] or "it cannot be read"
    if problem:
        raise UserError(
            f"“{text}” is not a repeat rule unibox understands ({problem}); "
            "write it as FREQ=WEEKLY;BYDAY=MO or FREQ=DAILY;COUNT=5."
        )
    return rule


def local_zone_name(when: datetime | None = None) -> str:
    """The IANA name of the zone a time is in ("" for UTC or when no name is known).

    A time with a fixed offset (Python's local time) takes the system's zone
    when that zone has the same offset then: a weekly meeting at 09:00 then
    stays at 09:00 across the change to summer time.
    """
    key = getattr(when.tzinfo, "key", None) if when is not None else None
    candidates = [key] if isinstance(key, str) else []
    candidates += [os.environ.get("TZ", "").lstrip(":"), _system_zone()]
    for name in candidates:
        if not name or name in ("UTC", "Etc/UTC"):
            continue
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        if when is None or when.utcoffset() == when.astimezone(zone).utcoffset():
            return name
    return ""


def _system_zone() -> str:
    try:
        text = Path("/etc/timezone").read_text().strip()
        if text:
            return text
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return ""
    return target.partition("zoneinfo/")[2]

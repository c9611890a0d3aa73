"""Reminders (VALARM): read from a VEVENT, written back, and when each one fires.

Pure. An alarm is kept as a short token: "S-900" (900 s before the start),
"E0" (at the end: TRIGGER;RELATED=END), "@1790000000" (at that UTC time: a
TRIGGER with VALUE=DATE-TIME). Only alarms meant for the person's screen
(ACTION DISPLAY, or AUDIO) are kept; EMAIL and others are not unibox's to do.
A relative alarm fires for every occurrence of a repeating event; an
absolute one once.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_ALARMS = 10
_SHOWN = ("DISPLAY", "AUDIO")


def read_alarms(ev: Any) -> tuple[str, ...]:
    """The tokens of a VEVENT's VALARMs; a broken one is left out, never raises."""
    found: list[str] = []
    for alarm in getattr(ev, "subcomponents", ()):
        if getattr(alarm, "name", "") != "VALARM" or len(found) >= MAX_ALARMS:
            continue
        try:
            token = _token(alarm)
        except Exception:  # icalendar raises ValueError and friends on bad input
            token = ""
        if token and token not in found:
            found.append(token)
    return tuple(found)


def _token(alarm: Any) -> str:
    action = str(alarm.get("ACTION", "DISPLAY")).strip().upper()
    trigger = alarm.get("TRIGGER")
    if action not in _SHOWN or trigger is None:
        return ""
    value = getattr(trigger, "dt", None)
    if isinstance(value, timedelta):
        related = str(getattr(trigger, "params", {}).get("RELATED", "START")).upper()
        return f"{'E' if related == 'END' else 'S'}{int(value.total_seconds())}"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return f"@{int(value.timestamp())}"
    return ""


def add_alarms(ev: Any, tokens: Iterable[str], summary: str) -> None:
    """VALARM components (ACTION:DISPLAY) for the tokens, added to a VEVENT."""
    from icalendar import Alarm, vDDDTypes

    for token in tokens:
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", summary or "Reminder")
        if token.startswith("@"):
            alarm.add("TRIGGER", datetime.fromtimestamp(int(token[1:]), UTC))
        else:
            trigger = vDDDTypes(timedelta(seconds=int(token[1:])))
            if token.startswith("E"):
                trigger.params["RELATED"] = "END"
            alarm["TRIGGER"] = trigger
        ev.add_component(alarm)


def fire_time(token: str, starts_at: int, ends_at: int) -> int | None:
    """When an alarm fires for an occurrence from starts_at to ends_at (UTC seconds)."""
    try:
        if token.startswith("@"):
            return int(token[1:])
        if token.startswith("S"):
            return starts_at + int(token[1:])
        if token.startswith("E"):
            return ends_at + int(token[1:])
    except ValueError:
        return None
    return None


def lead(token: str) -> int:
    """How long before (positive) or after (negative) its start an occurrence's alarm fires."""
    try:
        return -int(token[1:]) if token[:1] in ("S", "E") else 0
    except ValueError:
        return 0


@dataclass(frozen=True, slots=True)
class Reminder:
    """One alarm of one occurrence, due now: what the notification says."""

    key: str  # remembered once fired, so it never fires twice
    event_id: int
    summary: str
    location: str
    starts_at: int
    fires_at: int
    all_day: bool

    def text(self, now: int) -> tuple[str, str]:
        """The title and body: "Brightwave review call" / "in 15 minutes · Room 2"."""
        minutes = math.ceil((self.starts_at - now) / 60)  # 14.5 minutes ahead say 15
        if self.all_day:
            when = "today" if abs(self.starts_at - now) < 86400 else "soon"
        elif minutes > 1:
            when = f"in {minutes} minutes" if minutes < 120 else f"in {round(minutes / 60)} hours"
        elif minutes >= 0:
            when = "now"
        else:
            when = f"started {-minutes} minutes ago"
        body = " · ".join(p for p in (when, self.location) if p)
        return self.summary or "(no title)", body


def reminder_key(uid: str, occurrence: int, token: str) -> str:
    return hashlib.sha1(f"{uid}|{occurrence}|{token}".encode()).hexdigest()

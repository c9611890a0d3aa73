"""iCalendar files (.ics) read into CalendarEvent items and written back.

Unlike an invitation, a file is a whole calendar: every VEVENT counts, and one
that cannot be kept (no UID, no start, an unreadable RRULE) is reported with
what is wrong and skipped while the rest are read. A time in a zone nobody
knows is kept as floating local time and said so. Never raises on bad input.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from unibox.core.calendar import read_vevent
from unibox.core.items import CalendarEvent

if TYPE_CHECKING:
    from icalendar import Component

log = logging.getLogger("unibox.ics")

MAX_ICS_BYTES = 50_000_000
MAX_FILE_EVENTS = 200_000
NO_EVENT = "the file has no event"


@dataclass(frozen=True, slots=True)
class Skipped:
    where: str  # "event 3 (UID abc)"
    reason: str


@dataclass(slots=True)
class IcsRead:
    events: list[CalendarEvent] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem: str = ""  # the whole file could not be read


def read_ics(data: bytes) -> IcsRead:
    """The events of an .ics file, the ones skipped and why; never raises."""
    result = IcsRead()
    if len(data) > MAX_ICS_BYTES:
        result.problem = f"the file is larger than {MAX_ICS_BYTES // 1_000_000} MB"
        return result
    from icalendar import Calendar

    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except Exception as exc:  # icalendar raises ValueError and friends
        result.problem = f"not an iCalendar file ({_short(exc)})"
        return result
    number = 0
    for cal in calendars:
        for component in cal.walk("VEVENT"):
            number += 1
            if number > MAX_FILE_EVENTS:
                result.problem = f"more than {MAX_FILE_EVENTS} events; the rest were not read"
                return result
            _read_one(component, number, result)
    if not number and not result.problem:
        result.problem = NO_EVENT
    return result


def _read_one(component: Component, number: int, result: IcsRead) -> None:
    uid = str(component.get("UID", "") or "").strip()
    where = f"event {number}" + (f" (UID {uid[:80]})" if uid else "")
    reason = _fault(component)
    if reason:
        result.skipped.append(Skipped(where, reason))
        return
    try:
        event = read_vevent(component)
    except Exception as exc:
        result.skipped.append(Skipped(where, _short(exc)))
        return
    if event is None:
        result.skipped.append(Skipped(where, "it has no UID or no DTSTART"))
        return
    for zone in _unknown_zones(component):
        result.notes.append(f"{where}: unknown time zone “{zone}”, read as local time")
    result.events.append(event)


def _fault(component: Component) -> str:
    """What makes a VEVENT unusable, "" when nothing does."""
    for name, message in getattr(component, "errors", ()):
        if name in ("UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID"):
            return f"{name} is not valid: {message}"
    if not str(component.get("UID", "") or "").strip():
        return "it has no UID"
    start = component.get("DTSTART")
    if start is None or not isinstance(getattr(start, "dt", None), date):
        return "it has no valid DTSTART"
    rule = component.get("RRULE")
    if rule is not None:
        if isinstance(rule, list):
            return "it has more than one RRULE"
        return rrule_problem(rule.to_ical().decode())
    return ""


def rrule_problem(text: str) -> str:
    """Why an RRULE value cannot be used ("" when it can)."""
    try:
        from dateutil.rrule import rrulestr

        # An UNTIL in UTC goes with a start in a zone (RFC 5545): check it as one.
        zoned = re.search(r"UNTIL=\d{8}T\d{6}Z", text.upper()) is not None
        start = datetime(2000, 1, 1, tzinfo=UTC if zoned else None)
        rule = rrulestr(text, dtstart=start, forceset=False)
        if re.search(r"(^|;)INTERVAL=0*(;|$)", text.upper()):
            raise ValueError("INTERVAL must be at least 1")
        list(islice(rule, 3))  # some rules parse and then fail to repeat
    except (ValueError, TypeError, OverflowError) as exc:
        return f"RRULE “{text}” is not valid: {_short(exc)}"
    return ""


def _unknown_zones(component: Component) -> list[str]:
    found = []
    for name in ("DTSTART", "DTEND"):
        prop = component.get(name)
        zone = getattr(prop, "params", {}).get("TZID") if prop is not None else None
        value = getattr(prop, "dt", None)
        if zone and isinstance(value, datetime) and value.tzinfo is None:
            found.append(str(zone))
    return sorted(set(found))


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def to_ics(events: Sequence[CalendarEvent], *, prodid: str = "-//unibox//EN") -> bytes:
    """A valid iCalendar file (VERSION 2.0, a VTIMEZONE per zone) holding these events."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("PRODID", prodid)
    cal.add("VERSION", "2.0")
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()  # RFC 5545: a VTIMEZONE for each TZID used
    data: bytes = cal.to_ical()
    return data


def _when(stamp: int, all_day: bool, zone: str) -> date | datetime:
    if all_day:
        return datetime.fromtimestamp(stamp, UTC).date()
    where: Any = UTC
    if zone:
        try:
            where = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            where = UTC
    return datetime.fromtimestamp(stamp, where)


def _vevent(event: CalendarEvent) -> Component:
    from icalendar import Event, vCalAddress, vRecur

    ev = Event()
    ev.add("UID", event.uid)
    ev.add("DTSTAMP", datetime.fromtimestamp(event.stamp, UTC))
    ev.add("SEQUENCE", event.sequence)
    ev.add("DTSTART", _when(event.starts_at, event.all_day, event.timezone))
    if event.ends_at > event.starts_at:
        ev.add("DTEND", _when(event.ends_at, event.all_day, event.timezone))
    elif event.all_day:
        ev.add("DTEND", _when(event.starts_at, True, "") + timedelta(days=1))
    if event.summary:
        ev.add("SUMMARY", event.summary)
    if event.location:
        ev.add("LOCATION", event.location)
    ev.add("STATUS", event.status.upper())
    if event.recurrence_id:
        rid = event.recurrence_id
        if len(rid) == 8:
            ev.add("RECURRENCE-ID", datetime.strptime(rid, "%Y%m%d").date())
        else:
            moment = datetime.strptime(rid, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            ev.add("RECURRENCE-ID", _when(int(moment.timestamp()), False, event.timezone))
    if event.rrule:
        ev.add("RRULE", vRecur.from_ical(event.rrule))
    if event.exdates:
        ev.add("EXDATE", [_when(x, event.all_day, event.timezone) for x in event.exdates])
    if event.rdates:
        ev.add("RDATE", [_when(x, event.all_day, event.timezone) for x in event.rdates])
    if event.organizer is not None:
        org = vCalAddress(f"mailto:{event.organizer.email}")
        if event.organizer.name:
            org.params["CN"] = event.organizer.name
        ev.add("ORGANIZER", org)
    for attendee in event.attendees:
        if attendee.organizer and event.organizer is not None:
            continue
        who = vCalAddress(f"mailto:{attendee.address.email}")
        if attendee.address.name:
            who.params["CN"] = attendee.address.name
        who.params["ROLE"] = attendee.role.upper() or "REQ-PARTICIPANT"
        who.params["PARTSTAT"] = attendee.partstat.upper() or "NEEDS-ACTION"
        ev.add("ATTENDEE", who)
    if event.alarms:
        from unibox.core.reminders import add_alarms

        add_alarms(ev, event.alarms, event.summary)
    return ev

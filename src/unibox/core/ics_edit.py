"""Changing a server's VCALENDAR text without losing what unibox does not read.

An event in a CalDAV calendar keeps its resource as the server sent it. An
edit made here (a CalendarEvent with new times, title, attendees…) replaces
only the properties unibox models in the matching VEVENT; descriptions,
alarms, categories, X- properties and the VTIMEZONEs stay. Attendees keep
their other parameters (RSVP, CUTYPE…) when they are still invited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from unibox.core.calendar import recurrence_key
from unibox.core.ics import _vevent, to_ics
from unibox.core.items import CalendarEvent
from unibox.core.reminders import add_alarms, read_alarms

if TYPE_CHECKING:
    from icalendar import Component

CONFLICT_SUFFIX = " (conflict copy)"
# What a CalendarEvent says: these are rewritten from it, everything else is kept.
_MODELED = (
    "DTSTAMP",
    "SEQUENCE",
    "DTSTART",
    "DTEND",
    "DURATION",
    "SUMMARY",
    "LOCATION",
    "STATUS",
    "RRULE",
    "EXDATE",
    "RDATE",
    "ORGANIZER",
)


def _key(component: Component) -> str:
    prop = component.get("RECURRENCE-ID")
    value = getattr(prop, "dt", None) if prop is not None else None
    return recurrence_key(value) if value is not None else ""


def _email(value: Any) -> str:
    text = str(value)
    return text[7:].lower() if text.lower().startswith("mailto:") else text.lower()


def _patch(ev: Component, event: CalendarEvent, now: datetime) -> None:
    fresh = _vevent(event)
    for name in _MODELED:
        ev.pop(name, None)
    for name in _MODELED:
        if name in fresh:
            ev[name] = fresh[name]
    ev.pop("DTSTAMP", None)
    ev.add("DTSTAMP", now)
    ev.pop("LAST-MODIFIED", None)
    ev.add("LAST-MODIFIED", now)
    before = ev.get("ATTENDEE") or []
    kept = {_email(a): a for a in (before if isinstance(before, list) else [before])}
    ev.pop("ATTENDEE", None)
    wanted = fresh.get("ATTENDEE") or []
    for who in wanted if isinstance(wanted, list) else [wanted]:
        old = kept.get(_email(who))
        if old is not None:
            for param in ("CN", "ROLE", "PARTSTAT"):
                value = who.params.get(param, "")
                if value:
                    old.params[param] = value
                else:
                    old.params.pop(param, None)
            who = old
        ev.add("ATTENDEE", who)
    if tuple(event.alarms) != read_alarms(ev):  # reminders changed here: ours replace them
        for alarm in [c for c in ev.subcomponents if c.name == "VALARM"]:
            if str(alarm.get("ACTION", "DISPLAY")).strip().upper() in ("DISPLAY", "AUDIO"):
                ev.subcomponents.remove(alarm)
        add_alarms(ev, event.alarms, event.summary)


def edited_ics(
    raw: str, events: Sequence[CalendarEvent], removed: Iterable[str] = (), now: int = 0
) -> str:
    """`raw` with each of `events` written into its VEVENT (matched by RECURRENCE-ID).

    A VEVENT whose recurrence key is in `removed` goes; an event with no VEVENT
    in `raw` is added. Without `raw` the result is a new calendar of `events`.
    """
    if not raw.strip():
        return to_ics(events).decode()
    from icalendar import Calendar

    cal = Calendar.from_ical(raw)
    cal.pop("METHOD", None)  # an invitation's: a calendar resource has none (RFC 4791)
    moment = datetime.fromtimestamp(now, UTC) if now else datetime.now(UTC)
    moment = moment.replace(microsecond=0)
    wanted = {e.recurrence_id: e for e in events}
    gone = set(removed)
    for component in list(cal.subcomponents):
        if component.name != "VEVENT":
            continue
        key = _key(component)
        if key in gone:
            cal.subcomponents.remove(component)
        elif key in wanted:
            _patch(component, wanted.pop(key), moment)
    for event in wanted.values():
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return str(cal.to_ical().decode())


def conflict_copy(raw: str, uid: str) -> str:
    """The same events under another UID, each title marked as the conflict copy."""
    from icalendar import Calendar

    cal = Calendar.from_ical(raw)
    for component in cal.walk("VEVENT"):
        component.pop("UID", None)
        component.add("UID", uid)
        summary = str(component.pop("SUMMARY", "") or "")
        component.add("SUMMARY", summary + CONFLICT_SUFFIX)
    return str(cal.to_ical().decode())


def resource_uid(raw: str) -> str:
    """The UID of a resource's first VEVENT, "" when unreadable."""
    from icalendar import Calendar

    try:
        for component in Calendar.from_ical(raw).walk("VEVENT"):
            return str(component.get("UID", "") or "")
    except Exception:
        return ""
    return ""

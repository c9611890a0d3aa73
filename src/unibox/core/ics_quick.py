"""The plain VEVENTs of a calendar server read without icalendar (a first sync reads thousands).

Most resources a CalDAV server holds are simple: times in UTC, as dates, or in
an IANA zone; an RRULE; attendees. `quick_events` reads those into the same
CalendarEvent items as `core.ics.read_ics` (a test holds them equal) at a
fraction of the cost, and answers None for anything less plain (a zone by
another name, floating times, DURATION, periods, a line it cannot split, a
rule that cannot be used…), which the caller then reads the careful way.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from unibox.core.calendar import address_of, attendees_of, clean_text, recurrence_key
from unibox.core.content_lines import unescape_text
from unibox.core.items import CalendarEvent
from unibox.core.reminders import MAX_ALARMS

_TEXT = 500
_SKIP = {"VALARM", "VTIMEZONE", "VTODO", "VJOURNAL", "VFREEBUSY", "STANDARD", "DAYLIGHT"}


class _Prop(str):
    """A property value with its parameters, as core.calendar's readers expect."""

    params: dict[str, str]


class _Unusual(Exception):
    """Not plain enough: read it with icalendar."""


def quick_events(text: str) -> list[CalendarEvent] | None:
    """The VEVENTs of a VCALENDAR, or None when one needs the careful reader."""
    try:
        return [_event(props, alarms) for props, alarms in _vevents(text)] or None
    except (_Unusual, ValueError, OverflowError):
        return None


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and out:
            out[-1] += raw[1:]
        elif raw:
            out.append(raw)
    return out


_Props = dict[str, list[_Prop]]


def _vevents(text: str) -> list[tuple[_Props, list[_Props]]]:
    """Each VEVENT's properties and its VALARMs'."""
    found: list[tuple[_Props, list[_Props]]] = []
    stack: list[str] = []
    current: _Props | None = None
    alarms: list[_Props] = []
    for line in _lines(text):
        upper = line[:14].upper()
        if upper.startswith("BEGIN:"):
            stack.append(line[6:].strip().upper())
            if stack == ["VCALENDAR", "VEVENT"]:
                current, alarms = {}, []
            elif stack == ["VCALENDAR", "VEVENT", "VALARM"]:
                alarms.append({})
            elif len(stack) > 3 or (len(stack) >= 2 and stack[1] not in _SKIP | {"VEVENT"}):
                raise _Unusual
            continue
        if upper.startswith("END:"):
            if not stack or stack.pop() != line[4:].strip().upper():
                raise _Unusual
            if current is not None and stack == ["VCALENDAR"]:
                found.append((current, alarms))
                current = None
            continue
        if current is None:
            continue  # the calendar's own properties, time zones
        if len(stack) == 2:
            name, prop = _content_line(line)
            current.setdefault(name, []).append(prop)
        elif stack[2:] == ["VALARM"]:
            name, prop = _content_line(line)
            alarms[-1].setdefault(name, []).append(prop)
    if stack:
        raise _Unusual
    return found


_DURATION = re.compile(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")


def _alarm_tokens(alarms: list[_Props]) -> tuple[str, ...]:
    """As core.reminders.read_alarms reads them."""
    found: list[str] = []
    for alarm in alarms:
        if len(found) >= MAX_ALARMS:
            break
        action = (_one(alarm, "ACTION") or "DISPLAY").strip().upper()
        trigger = _one(alarm, "TRIGGER")
        if action not in ("DISPLAY", "AUDIO") or trigger is None:
            continue
        if trigger.params.get("VALUE", "").upper() == "DATE-TIME":
            moment = _when(trigger)
            token = f"@{_epoch(moment)}" if isinstance(moment, datetime) else ""
        else:
            match = _DURATION.fullmatch(trigger.strip())
            if match is None or trigger.strip() in ("P", "-P", "+P", "PT"):
                raise _Unusual
            sign, w, d, h, m, sec = match.groups()
            seconds = ((int(w or 0) * 7 + int(d or 0)) * 24 + int(h or 0)) * 3600
            seconds += int(m or 0) * 60 + int(sec or 0)
            related = trigger.params.get("RELATED", "START").upper()
            token = f"{'E' if related == 'END' else 'S'}{-seconds if sign == '-' else seconds}"
        if token and token not in found:
            found.append(token)
    return tuple(found)


def _content_line(line: str) -> tuple[str, _Prop]:
    cut = line.find(":")
    if '"' in line[:cut]:  # a quoted parameter may hold a colon: walk it
        quoted, cut = False, -1
        for i, ch in enumerate(line):
            if ch == '"':
                quoted = not quoted
            elif ch == ":" and not quoted:
                cut = i
                break
    if cut <= 0:
        raise _Unusual
    head, value = line[:cut], line[cut + 1 :]
    name, *params = _split(head)
    prop = _Prop(value)
    prop.params = {}
    for param in params:
        key, eq, val = param.partition("=")
        if not eq:
            raise _Unusual
        if val.startswith('"') and val.endswith('"') and len(val) >= 2:
            val = val[1:-1]
        elif '"' in val or "," in val:
            raise _Unusual  # a list of values
        if "^" in val:
            raise _Unusual  # RFC 6868 escapes
        prop.params[key.upper()] = val
    return name.upper(), prop


def _split(head: str) -> list[str]:
    if '"' not in head:
        return head.split(";")
    parts, quoted, start = [], False, 0
    for i, ch in enumerate(head):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            parts.append(head[start:i])
            start = i + 1
    parts.append(head[start:])
    return parts


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    if name.upper() in ("UTC", "Z", "GMT", "ETC/UTC", "ETC/GMT") or "/" not in name:
        raise _Unusual  # icalendar names these its own way
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Unusual from None


def _when(prop: _Prop) -> date | datetime:
    value = prop.strip()
    kind = prop.params.get("VALUE", "").upper()
    if len(value) == 8 and value.isdigit() and kind in ("", "DATE"):
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    if kind not in ("", "DATE-TIME") or len(value) not in (15, 16) or value[8] != "T":
        raise _Unusual
    digits = value[:8] + value[9:15]
    if not digits.isdigit():
        raise _Unusual
    moment = datetime(
        int(digits[:4]), int(digits[4:6]), int(digits[6:8]),
        int(digits[8:10]), int(digits[10:12]), int(digits[12:14]),
    )  # fmt: skip
    if len(value) == 16:
        if value[15] != "Z" or "TZID" in prop.params:
            raise _Unusual
        return moment.replace(tzinfo=ZoneInfo("UTC"))
    zone = prop.params.get("TZID")
    if not zone:
        raise _Unusual  # floating time: the careful reader decides
    return moment.replace(tzinfo=_zone(zone))


def _epoch(value: date | datetime) -> int:
    if isinstance(value, datetime):
        return int(value.timestamp())
    return calendar.timegm(value.timetuple())


def _one(props: dict[str, list[_Prop]], name: str) -> _Prop | None:
    got = props.get(name)
    return got[0] if got else None


def _stamps(props: dict[str, list[_Prop]], name: str) -> tuple[int, ...]:
    found = set()
    for prop in props.get(name, []):
        if prop.params.get("VALUE", "").upper() == "PERIOD":
            raise _Unusual
        for part in prop.split(","):
            item = _Prop(part)
            item.params = prop.params
            found.add(_epoch(_when(item)))
    return tuple(sorted(found))


def _event(props: _Props, alarms: list[_Props]) -> CalendarEvent:
    from unibox.core.ics import rrule_problem

    if len(props.get("RRULE", [])) > 1 or "DURATION" in props or "EXRULE" in props:
        raise _Unusual
    uid_prop, start_prop = _one(props, "UID"), _one(props, "DTSTART")
    if uid_prop is None or start_prop is None:
        raise _Unusual
    uid = clean_text(unescape_text(uid_prop))
    if not uid:
        raise _Unusual
    start = _when(start_prop)
    all_day = not isinstance(start, datetime)
    starts_at = _epoch(start)
    end_prop = _one(props, "DTEND")
    ends_at = _epoch(_when(end_prop)) if end_prop is not None else starts_at + (86400 * all_day)
    status = clean_text(unescape_text(_one(props, "STATUS") or "")).lower()
    if status not in ("cancelled", "tentative"):
        status = "confirmed"
    recurrence = _one(props, "RECURRENCE-ID")
    rule = _one(props, "RRULE")
    rrule = ""
    if rule is not None and recurrence is None:
        from icalendar import vRecur

        rrule = vRecur.from_ical(str(rule)).to_ical().decode()
        if rrule_problem(rrule):
            raise _Unusual
    stamp = _one(props, "DTSTAMP")
    sequence = _one(props, "SEQUENCE")
    organizer = address_of(_one(props, "ORGANIZER"))
    zone = start.tzinfo.key if isinstance(start, datetime) else ""  # type: ignore[union-attr]
    return CalendarEvent(
        uid=uid[:_TEXT],
        recurrence_id=recurrence_key(_when(recurrence)) if recurrence is not None else "",
        sequence=max(0, min(int(sequence or 0), 1_000_000)),
        stamp=_epoch(_when(stamp)) if stamp is not None else 0,
        summary=clean_text(unescape_text(_one(props, "SUMMARY") or ""))[:_TEXT],
        location=clean_text(unescape_text(_one(props, "LOCATION") or ""))[:_TEXT],
        starts_at=starts_at,
        ends_at=max(ends_at, starts_at),
        all_day=all_day,
        timezone="" if zone == "UTC" else zone,
        rrule=rrule,
        exdates=_stamps(props, "EXDATE"),
        rdates=() if recurrence is not None else _stamps(props, "RDATE"),
        status=status,
        organizer=organizer,
        attendees=attendees_of(_people(props), organizer),
        alarms=_alarm_tokens(alarms),
    )


def _people(props: dict[str, list[_Prop]]) -> list[_Prop] | None:
    found = props.get("ATTENDEE")
    return found or None

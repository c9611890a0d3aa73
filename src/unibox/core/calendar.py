"""Calendar invitations (iCalendar, RFC 5545 / iTIP 5546) read into CalendarEvent items.

Bounded and defensive like core.mime: `read_invitation` never raises; a
calendar it cannot read gives an Invitation with `problem` set and no events.
icalendar is imported on first use (it costs ~0.1 s), so mail without
invitations never loads it.
"""

from __future__ import annotations

import calendar
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from unibox.core.items import Address, Attendee, CalendarEvent, Invitation
from unibox.core.recurrence_skip import skip_ahead
from unibox.core.reminders import read_alarms

if TYPE_CHECKING:
    from icalendar import Component

log = logging.getLogger("unibox.calendar")

CALENDAR_TYPES = ("text/calendar", "application/ics")
MAX_CALENDAR_BYTES = 1_000_000  # a real invitation is a few KB
MAX_EVENTS = 50  # a calendar part listing more is an export, not an invitation
MAX_ATTENDEES = 500
_TEXT = 500  # characters kept of a summary, location or name
_UNREADABLE = "The calendar in this message could not be read."


def read_invitation(parts: Sequence[bytes]) -> Invitation:
    """The events of a message's calendar parts, merged; never raises.

    The same event in two parts (Outlook sends it both as an alternative and
    as invite.ics) is kept once.
    """
    method = ""
    events: dict[tuple[str, str], CalendarEvent] = {}
    problem = ""
    for data in parts:
        if len(data) > MAX_CALENDAR_BYTES:
            problem = "The calendar in this message is too large to read."
            continue
        try:
            part_method, found = _read_calendar(data)
        except Exception as exc:  # icalendar raises ValueError and friends on bad input
            log.debug("calendar part not readable: %s", exc)
            problem = _UNREADABLE
            continue
        method = method or part_method
        for event in found:
            events.setdefault((event.uid, event.recurrence_id), event)
    if events:
        problem = ""
    elif not problem:
        problem = "The calendar in this message has no event."
    return Invitation(method=method, events=tuple(events.values()), problem=problem)


def _read_calendar(data: bytes) -> tuple[str, list[CalendarEvent]]:
    from icalendar import Calendar

    cal = Calendar.from_ical(data)
    method = str(cal.get("METHOD", "")).strip().lower()
    events = []
    for component in cal.walk("VEVENT")[:MAX_EVENTS]:
        try:
            event = _event(component, method)
        except Exception as exc:  # one broken VEVENT does not hide the others
            log.debug("calendar event not readable: %s", exc)
            continue
        if event is not None:
            events.append(event)
    return method, events


def _event(ev: Component, method: str) -> CalendarEvent | None:
    uid = _text(ev.get("UID"))
    start_value = _value(ev, "DTSTART")
    if not uid or start_value is None:
        return None
    all_day = not isinstance(start_value, datetime)
    zone = _zone_name(start_value)
    starts_at = _epoch(start_value)
    end_value = _value(ev, "DTEND")
    if end_value is not None:
        ends_at = _epoch(end_value)
    elif ev.get("DURATION") is not None:
        ends_at = starts_at + int(ev.decoded("DURATION").total_seconds())
    else:
        ends_at = starts_at + (86400 if all_day else 0)
    status = _text(ev.get("STATUS")).lower()
    if method == "cancel" or status == "cancelled":
        status = "cancelled"
    elif status != "tentative":
        status = "confirmed"
    rrule = ev.get("RRULE")
    recurrence = _value(ev, "RECURRENCE-ID")
    organizer = _address(ev.get("ORGANIZER"))
    attendees = _attendees(ev.get("ATTENDEE"), organizer)
    return CalendarEvent(
        uid=uid[:_TEXT],
        recurrence_id=recurrence_key(recurrence) if recurrence is not None else "",
        sequence=max(0, min(int(ev.get("SEQUENCE", 0) or 0), 1_000_000)),
        stamp=_epoch(_value(ev, "DTSTAMP") or datetime.fromtimestamp(0, UTC)),
        summary=_text(ev.get("SUMMARY"))[:_TEXT],
        location=_text(ev.get("LOCATION"))[:_TEXT],
        starts_at=starts_at,
        ends_at=max(ends_at, starts_at),
        all_day=all_day,
        timezone=zone,
        rrule=rrule.to_ical().decode() if rrule is not None and not recurrence else "",
        exdates=tuple(sorted(set(_exdates(ev.get("EXDATE"))))),
        rdates=() if recurrence else tuple(sorted(set(_exdates(ev.get("RDATE"))))),
        status=status,
        organizer=organizer,
        attendees=attendees,
        alarms=read_alarms(ev),
    )


def read_vevent(ev: Component, method: str = "publish") -> CalendarEvent | None:
    """One VEVENT as a CalendarEvent; None without UID or DTSTART. May raise on bad input."""
    return _event(ev, method)


def _value(ev: Component, name: str) -> date | datetime | None:
    prop = ev.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):  # repeated where it should not be: the first counts
        prop = prop[0]
    value = getattr(prop, "dt", None)
    return value if isinstance(value, date) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value).split())


def _local_zone() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def _epoch(value: date | datetime) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # "floating" time: wherever the reader is
            value = value.replace(tzinfo=_local_zone())
        return int(value.timestamp())
    return calendar.timegm(value.timetuple())


def recurrence_key(value: date | datetime) -> str:
    """How a RECURRENCE-ID (or an occurrence of a series) is named in the store."""
    if isinstance(value, datetime):
        return datetime.fromtimestamp(_epoch(value), UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _zone_name(value: date | datetime) -> str:
    """The IANA name of the zone a time was written in, "" for UTC or none known."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return ""
    key = getattr(value.tzinfo, "key", None)
    if isinstance(key, str):
        return "" if key == "UTC" else key
    from icalendar.timezone import tzid_from_dt
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    name = tzid_from_dt(value) or ""
    for candidate in (name, WINDOWS_TO_OLSON.get(name, "")):
        if candidate and candidate not in ("UTC", "Etc/UTC"):
            try:
                ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return candidate
    return ""


def _exdates(prop: Any) -> Iterable[int]:
    if prop is None:
        return
    for group in prop if isinstance(prop, list) else [prop]:
        for item in getattr(group, "dts", ()):
            if isinstance(item.dt, date):
                yield _epoch(item.dt)


def _address(prop: Any) -> Address | None:
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0] if prop else None
        if prop is None:
            return None
    value = str(prop).strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    if "@" not in value:
        return None
    params = getattr(prop, "params", {})
    name = _text(params.get("CN", "")).strip('"')[:_TEXT]
    return Address(value.strip(), name)


def _attendees(prop: Any, organizer: Address | None) -> tuple[Attendee, ...]:
    found: dict[str, Attendee] = {}
    for item in (prop if isinstance(prop, list) else [prop])[:MAX_ATTENDEES]:
        address = _address(item)
        if address is None:
            continue
        params = getattr(item, "params", {})
        found.setdefault(
            address.email.lower(),
            Attendee(
                address=address,
                role=_text(params.get("ROLE", "req-participant")).lower(),
                partstat=_text(params.get("PARTSTAT", "needs-action")).lower(),
            ),
        )
    if organizer is not None:
        key = organizer.email.lower()
        listed = found.pop(key, None)
        # The organizer first, whether or not they also listed themselves.
        head = Attendee(
            address=organizer if organizer.name or listed is None else listed.address,
            role=listed.role if listed else "chair",
            partstat=listed.partstat if listed else "accepted",
            organizer=True,
        )
        return (head, *found.values())
    return tuple(found.values())


def occurrence_starts(
    event_start: int,
    all_day: bool,
    zone: str,
    rrule: str,
    exdates: Iterable[int],
    after: int,
    limit: int,
    *,
    max_steps: int = 5000,
    rdates: Iterable[int] = (),
    before: int | None = None,
) -> list[int]:
    """Starts (UTC seconds) of a series' first `limit` occurrences starting at or after `after`.

    The rule is expanded in the zone the event was written in, so a weekly 10:00
    stays 10:00 across daylight saving time. Bounded: at most `max_steps`
    occurrences are walked; a rule dateutil cannot read gives only the first.
    RDATEs are added to the rule's occurrences, EXDATEs taken away from both.
    With `before`, only occurrences starting before it. A series long under way
    is read from its last period before `after` (core.recurrence_skip), so the
    steps count from there.
    """
    extra = set(rdates)
    end = before
    if extra:
        skip = set(exdates)
        ruled = _rule_starts(event_start, all_day, zone, rrule, skip, after, limit, max_steps, end)
        more = {s for s in extra if s >= after and s not in skip and (end is None or s < end)}
        return sorted(set(ruled) | more)[:limit]
    return _rule_starts(event_start, all_day, zone, rrule, exdates, after, limit, max_steps, end)


def _rule_starts(
    event_start: int,
    all_day: bool,
    zone: str,
    rrule: str,
    exdates: Iterable[int],
    after: int,
    limit: int,
    max_steps: int,
    before: int | None = None,
) -> list[int]:
    if before is not None and event_start >= before:
        return []
    if not rrule:
        return [event_start] if event_start >= after else []
    if any(f"FREQ={fine}" in rrule.upper() for fine in ("HOURLY", "MINUTELY", "SECONDLY")):
        return [event_start] if event_start >= after else []  # not a meeting series
    where = _zone(zone) if not all_day else UTC
    start = datetime.fromtimestamp(event_start, where)
    rrule, start = skip_ahead(rrule, start, datetime.fromtimestamp(after, where))
    try:
        rule = _parsed_rule(_utc_until(rrule, where, all_day)).replace(dtstart=start)
    except (ValueError, TypeError, OverflowError, AttributeError) as exc:
        log.debug("recurrence rule not readable (%s): %s", rrule, exc)
        return [event_start] if event_start >= after else []
    skip = set(exdates)
    found: list[int] = []
    for steps, when in enumerate(rule):
        if steps >= max_steps or len(found) >= limit:
            break
        stamp = int(when.timestamp())
        if before is not None and stamp >= before:
            break
        if stamp >= after and stamp not in skip:
            found.append(stamp)
    return found


def series_end(
    event_start: int,
    event_end: int,
    all_day: bool,
    zone: str,
    rrule: str,
    rdates: Sequence[int] = (),
) -> int | None:
    """When the last occurrence ends; None for a series without end (or too long to walk)."""
    if rdates:
        ruled = series_end(event_start, event_end, all_day, zone, rrule)
        return None if ruled is None else max(ruled, max(rdates) + event_end - event_start)
    if not rrule:
        return event_end
    upper = rrule.upper()
    if "COUNT=" not in upper and "UNTIL=" not in upper:
        return None
    starts: list[int] = []
    until = _until_stamp(upper) if "COUNT=" not in upper else None
    if until is not None and until - event_start > 2 * _LATE:
        # Walk only the last two years before UNTIL (core.recurrence_skip moves the
        # start there), not every week of a long series.
        starts = occurrence_starts(
            event_start, all_day, zone, rrule, (), until - 2 * _LATE, 5000, max_steps=5000
        )
    if not starts:
        starts = occurrence_starts(
            event_start, all_day, zone, rrule, (), event_start, 5000, max_steps=5000
        )
    if not starts or len(starts) >= 5000:
        return None
    return starts[-1] + (event_end - event_start)


_LATE = 366 * 86400


def _until_stamp(upper: str) -> int | None:
    """UNTIL of an RRULE as UTC seconds, a day early to be safe (its zone is not read here)."""
    match = re.search(r"UNTIL=(\d{8})", upper)
    if match is None:
        return None
    try:
        day = datetime.strptime(match.group(1), "%Y%m%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(day.timestamp()) - 86400


def _zone(name: str) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@functools.lru_cache(maxsize=4096)
def _parsed_rule(text: str) -> Any:
    """A rule read once (parsing UNTIL is most of the cost); callers set its start.

    `replace(dtstart=…)` derives the parts the rule leaves to its start (the
    weekday, the day of the month) from the new start.
    """
    from dateutil.rrule import rrulestr

    return rrulestr(text, dtstart=datetime(2000, 1, 1, tzinfo=UTC))


def _utc_until(rrule: str, where: tzinfo, all_day: bool) -> str:
    """dateutil wants UNTIL in UTC beside a zoned start: convert a local or date UNTIL."""
    parts = []
    for piece in rrule.split(";"):
        name, _, value = piece.partition("=")
        if name.upper() == "UNTIL" and not value.upper().endswith("Z"):
            try:
                if len(value) == 8:  # a date: the whole day counts
                    day = datetime.strptime(value, "%Y%m%d")
                    local = day.replace(tzinfo=where) + timedelta(days=1, seconds=-1)
                else:
                    local = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=where)
                value = local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            except ValueError:
                pass
        parts.append(f"{name}={value}" if value else name)
    return ";".join(parts)


# For core.ics_quick, which reads the same properties without icalendar.
address_of, attendees_of, clean_text = _address, _attendees, _text

"""The store's expansion (dateutil, from the event's columns) against recurring-ical-events
(from the raw VEVENT): the same occurrences for the kinds of series calendars hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import recurring_ical_events
from icalendar import Calendar

from unibox.core.calendar import occurrence_starts, series_end
from unibox.core.ics import read_ics

FROM, UNTIL = datetime(2026, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC)
SERIES = {
    "weekly in Berlin across DST": "DTSTART;TZID=Europe/Berlin:20270301T090000\r\n"
    "DTEND;TZID=Europe/Berlin:20270301T091500\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\n",
    "with EXDATE and RDATE": "DTSTART;TZID=Europe/Berlin:20261005T100000\r\n"
    "DTEND;TZID=Europe/Berlin:20261005T110000\r\nRRULE:FREQ=WEEKLY;UNTIL=20261207T090000Z\r\n"
    "EXDATE;TZID=Europe/Berlin:20261026T100000\r\nRDATE;TZID=Europe/Berlin:20261028T150000\r\n",
    "last Sunday monthly, New York": "DTSTART;TZID=America/New_York:20260329T183000\r\n"
    "DTEND;TZID=America/New_York:20260329T193000\r\nRRULE:FREQ=MONTHLY;BYDAY=-1SU;COUNT=14\r\n",
    "all-day, every other week": "DTSTART;VALUE=DATE:20260105\r\nDTEND;VALUE=DATE:20260106\r\n"
    "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=20\r\n",
    "multi-day yearly": "DTSTART;VALUE=DATE:20261223\r\nDTEND;VALUE=DATE:20261227\r\n"
    "RRULE:FREQ=YEARLY\r\n",
    "UTC daily with EXDATE": "DTSTART:20260601T070000Z\r\nDTEND:20260601T073000Z\r\n"
    "RRULE:FREQ=DAILY;COUNT=30\r\nEXDATE:20260603T070000Z,20260610T070000Z\r\n",
}


@pytest.mark.parametrize("name", sorted(SERIES))
def test_the_store_expands_as_recurring_ical_events_does(name: str) -> None:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:s@x\r\n"
        f"DTSTAMP:20260101T000000Z\r\n{SERIES[name]}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = read_ics(text.encode()).events
    ours = occurrence_starts(
        event.starts_at,
        event.all_day,
        event.timezone,
        event.rrule,
        event.exdates,
        int(FROM.timestamp()),
        500,
        rdates=event.rdates,
        before=int(UNTIL.timestamp()),
    )
    theirs = []
    for occurrence in recurring_ical_events.of(Calendar.from_ical(text)).between(FROM, UNTIL):
        start = occurrence["DTSTART"].dt
        if isinstance(start, datetime):
            theirs.append(int(start.timestamp()))
        else:  # a date: midnight UTC, as the store keeps all-day events
            theirs.append(int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()))
    assert ours == sorted(theirs)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;UNTIL=20311126T160000Z",
        "FREQ=MONTHLY;BYDAY=-1SU;UNTIL=20300101T000000Z",
        "FREQ=YEARLY;UNTIL=20400301",
        "FREQ=DAILY;INTERVAL=3;UNTIL=20290615T070000Z",
        "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=300",
    ],
)
def test_a_long_series_ends_with_its_last_occurrence(rule: str) -> None:
    start = int(datetime(2026, 3, 2, 8, tzinfo=UTC).timestamp())
    every = occurrence_starts(start, False, "Europe/Berlin", rule, (), start, 5000)
    assert series_end(start, start + 1800, False, "Europe/Berlin", rule) == every[-1] + 1800

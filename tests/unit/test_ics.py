"""core.ics: reading .ics files event by event, and writing events back."""

from __future__ import annotations

from datetime import UTC, datetime

from unibox.core.calendar import occurrence_starts, series_end
from unibox.core.ics import read_ics, to_ics


def _utc(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


FILE = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Tests//EN\r
BEGIN:VEVENT\r
UID:visits@example.com\r
DTSTAMP:20260101T000000Z\r
DTSTART:20260105T100000Z\r
DTEND:20260105T110000Z\r
RDATE:20260112T100000Z,20260203T140000Z\r
SUMMARY:Site visits\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:loop@example.com\r
DTSTART:20260105T100000Z\r
RRULE:FREQ=WEEKLY;BYDAY=XY\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_rdate_series_is_read_expanded_and_written_back() -> None:
    read = read_ics(FILE)
    (event,) = read.events
    assert event.rdates == (_utc("2026-01-12T10:00"), _utc("2026-02-03T14:00"))
    assert [s.where for s in read.skipped] == ["event 2 (UID loop@example.com)"]
    assert "RRULE" in read.skipped[0].reason
    starts = occurrence_starts(event.starts_at, False, "", "", (), 0, 10, rdates=event.rdates)
    assert starts == [event.starts_at, *event.rdates]
    assert series_end(event.starts_at, event.ends_at, False, "", "", event.rdates) == _utc(
        "2026-02-03T15:00"
    )
    (again,) = read_ics(to_ics([event])).events
    assert again == event


def test_garbage_is_a_problem_not_an_exception() -> None:
    assert read_ics(b"\x00\xffnot a calendar").problem
    assert read_ics(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n").problem == (
        "the file has no event"
    )

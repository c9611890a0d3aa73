"""A drag in the calendar view reaches the CalDAV server: a single event's new time, and one
occurrence of a series as an exception (RECURRENCE-ID) in the series' resource."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from tests.helpers.caldav import CalDavUser, caldav_user, stamp, vcalendar, vevent
from tests.helpers.radicale import Radicale
from unibox.services.event_move import move_occurrence
from unibox.store.calendar_range import occurrences_in_range

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

WEEKLY = vevent(
    "weekly@other",
    ";TZID=Europe/Berlin:20270301T090000",
    ";TZID=Europe/Berlin:20270301T091500",
    "Weekly",
    "RRULE:FREQ=WEEKLY;COUNT=6",
)
REVIEW = vevent("review@other", ":20270302T140000Z", ":20270302T150000Z", "Review")


@pytest.fixture
def u(radicale_server: Radicale, tmp_path: Path) -> CalDavUser:
    return caldav_user(radicale_server, tmp_path)


def _week(u: CalDavUser, start: str, end: str):  # type: ignore[no-untyped-def]
    with u.store.read() as s:
        return occurrences_in_range(s, stamp(start), stamp(end))


def test_moved_here_arrives_there(u: CalDavUser) -> None:
    u.put(u.path("work", "weekly.ics"), vcalendar(WEEKLY))
    u.put(u.path("work", "review.ics"), vcalendar(REVIEW))
    u.sync()
    review = next(
        o for o in _week(u, "20270301T000000Z", "20270308T000000Z") if o.uid == "review@other"
    )
    move_occurrence(u.store, review.event_id, review.recurrence, stamp("20270303T100000Z"))
    third = next(
        o for o in _week(u, "20270315T000000Z", "20270322T000000Z") if o.uid == "weekly@other"
    )
    move_occurrence(u.store, third.event_id, third.recurrence, third.starts_at + 2 * 3600)
    report = u.sync()["Work"]
    assert report.updated_there == 2
    assert all(row.local_state == "" for row in u.rows())  # both sides agree now
    review_text = u.get(u.path("work", "review.ics")) or ""
    assert "DTSTART:20270303T100000Z" in review_text
    weekly = Calendar.from_ical(u.get(u.path("work", "weekly.ics")) or "")
    events = weekly.walk("VEVENT")
    assert len(events) == 2  # the series and its exception, one resource
    exception = next(e for e in events if e.get("RECURRENCE-ID") is not None)
    assert int(exception.decoded("DTSTART").timestamp()) == third.starts_at + 2 * 3600
    series = next(e for e in events if e.get("RECURRENCE-ID") is None)
    assert "COUNT=6" in series["RRULE"].to_ical().decode()
    # Read back from the server: the same six, the third two hours later.
    again = u.sync()["Work"]
    assert (again.fetched, again.updated_there) == (0, 0)
    shown = _week(u, "20270301T000000Z", "20270410T000000Z")
    weekly_starts = [o.starts_at for o in shown if o.uid == "weekly@other"]
    assert len(weekly_starts) == 6 and third.starts_at + 2 * 3600 in weekly_starts

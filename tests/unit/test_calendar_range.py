"""Occurrences in a range: the skip-ahead read agrees with walking the series from its start."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from unibox.core.calendar import occurrence_starts

BERLIN = ZoneInfo("Europe/Berlin")
RULES = [
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=MONTHLY",
    "FREQ=MONTHLY;BYDAY=2TU",
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=MONTHLY;INTERVAL=5",
    "FREQ=YEARLY",
    "FREQ=YEARLY;BYMONTH=2,8;BYDAY=-1FR",
    "FREQ=WEEKLY;UNTIL=20290101T000000Z",
    "FREQ=WEEKLY;COUNT=40",
]


def _walked(start: datetime, rule: str, after: int, before: int) -> list[int]:
    found = []
    for when in rrulestr(rule, dtstart=start):
        stamp = int(when.timestamp())
        if stamp >= before:
            break
        if stamp >= after:
            found.append(stamp)
    return found


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("day", [1, 15, 31])
def test_a_series_years_under_way_gives_the_same_occurrences(rule: str, day: int) -> None:
    start = datetime(2022, 1, day, 9, 0, tzinfo=BERLIN)  # winter time; the ranges are in summer
    for month in (3, 6, 10, 12):
        after = int(datetime(2026, month, 20, tzinfo=UTC).timestamp())
        before = after + 40 * 86400
        expected = _walked(start, rule, after, before)
        got = occurrence_starts(
            int(start.timestamp()), False, "Europe/Berlin", rule, (), after, 1000, before=before
        )
        assert got == expected, (rule, day, month)
        # The wall clock stays 09:00 in Berlin across the change to summer time.
        assert all(datetime.fromtimestamp(s, BERLIN).hour == 9 for s in got if "BYDAY" not in rule)


def _store(tmp_path):  # type: ignore[no-untyped-def]
    from tests.helpers.items import new_store

    return new_store(tmp_path)


def _at(text: str, zone: ZoneInfo | None = None) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=zone or UTC).timestamp())


def test_a_week_shows_each_occurrence_its_moved_one_and_what_spans_days(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from unibox.core.items import CalendarEvent
    from unibox.store.calendar_range import occurrences_in_range
    from unibox.store.event_files import import_events

    store = _store(tmp_path)
    standup = CalendarEvent(
        uid="standup",
        summary="Standup",
        starts_at=_at("2026-01-05T09:00", BERLIN),
        ends_at=_at("2026-01-05T09:15", BERLIN),
        timezone="Europe/Berlin",
        rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        exdates=(_at("2026-06-10T09:00", BERLIN),),
    )
    moved = CalendarEvent(
        uid="standup",
        recurrence_id="20260609T070000Z",
        summary="Standup (late)",
        starts_at=_at("2026-06-09T11:00", BERLIN),
        ends_at=_at("2026-06-09T11:15", BERLIN),
        timezone="Europe/Berlin",
    )
    offsite = CalendarEvent(
        uid="offsite",
        summary="Offsite",
        starts_at=_at("2026-06-11T00:00"),
        ends_at=_at("2026-06-14T00:00"),
        all_day=True,
    )
    gone = CalendarEvent(
        uid="gone",
        summary="Cancelled",
        starts_at=_at("2026-06-09T15:00"),
        ends_at=_at("2026-06-09T16:00"),
        status="cancelled",
    )
    import_events(store, [standup, moved, offsite, gone])
    with store.read() as s:
        week = occurrences_in_range(s, _at("2026-06-08T00:00"), _at("2026-06-15T00:00"))
    shown = [
        (o.summary, datetime.fromtimestamp(o.starts_at, BERLIN).strftime("%a %H:%M")) for o in week
    ]
    assert shown == [
        ("Standup", "Mon 09:00"),
        ("Standup (late)", "Tue 11:00"),
        ("Offsite", "Thu 02:00"),
        ("Standup", "Thu 09:00"),
        ("Standup", "Fri 09:00"),
    ]
    offsite_row = next(o for o in week if o.summary == "Offsite")
    assert offsite_row.all_day and offsite_row.ends_at - offsite_row.starts_at == 3 * 86400
    # The multi-day event shows in a range that starts in its middle.
    with store.read() as s:
        later = occurrences_in_range(s, _at("2026-06-13T00:00"), _at("2026-06-14T00:00"))
    assert [o.summary for o in later] == ["Offsite"]


def test_next_meeting_of_a_person_skips_a_moved_occurrence_and_cancelled_events(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from unibox.core.items import Address, Attendee, CalendarEvent
    from unibox.store.event_files import import_events
    from unibox.store.next_meetings import next_meeting, next_meeting_starts
    from unibox.store.person_edit import find_person

    store = _store(tmp_path)
    ann = Attendee(Address("ann@example.com", "Ann"))
    weekly = CalendarEvent(
        uid="w", summary="Weekly", starts_at=_at("2026-01-05T10:00"),
        ends_at=_at("2026-01-05T11:00"), rrule="FREQ=WEEKLY", attendees=(ann,),
    )  # fmt: skip
    moved = CalendarEvent(
        uid="w", recurrence_id="20260608T100000Z", summary="Weekly (moved)",
        starts_at=_at("2026-06-12T10:00"), ends_at=_at("2026-06-12T11:00"), attendees=(ann,),
    )  # fmt: skip
    gone = CalendarEvent(
        uid="g", summary="Gone", starts_at=_at("2026-06-07T09:00"),
        ends_at=_at("2026-06-07T10:00"), status="cancelled", attendees=(ann,),
    )  # fmt: skip
    import_events(store, [weekly, moved, gone])
    now = _at("2026-06-06T12:00")
    with store.read() as s:
        pid = find_person(s, "ann@example.com")
        assert pid is not None
        starts = next_meeting_starts(s, None, now)
        meeting = next_meeting(s, pid, now)
    # The Monday 8 June occurrence moved to Friday 12 June; the cancelled one does not count.
    assert starts[pid] == _at("2026-06-12T10:00")
    assert meeting is not None and meeting.summary == "Weekly (moved)"

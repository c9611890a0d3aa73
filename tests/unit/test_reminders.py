"""Reminders (VALARM): read from invitations and files, due once per occurrence, none long past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.helpers.invitations import calendar, invitation_mail, vevent
from tests.unit.test_invitations import _deliver, _store
from unibox.core.ics import read_ics, to_ics
from unibox.store.event_files import stored_events
from unibox.store.reminders import due_reminders, next_reminder_at, take_due_reminders
from unibox.store.store import Store

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _alarm(trigger: str, action: str = "DISPLAY") -> str:
    return f"BEGIN:VALARM\r\nACTION:{action}\r\nDESCRIPTION:x\r\nTRIGGER{trigger}\r\nEND:VALARM"


def _invite(store: Store, ingestor: object, *alarms: str, rrule: str = "") -> None:
    extra = "\r\n".join([*([f"RRULE:{rrule}"] if rrule else []), *alarms])
    ics = calendar(
        vevent("weekly@brightwave.example", START, START + timedelta(hours=1), extra=extra)
    )
    _deliver(store, ingestor, 1, invitation_mail(ics, message_id="weekly@x"))  # type: ignore[arg-type]


def _at(when: datetime) -> int:
    return int(when.timestamp())


def test_a_weekly_meetings_reminder_fires_once_for_each_occurrence(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _invite(
        store,
        ingestor,
        _alarm(":-PT15M"),
        _alarm(";ACTION=EMAIL:-PT1H", "EMAIL"),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    before = START - timedelta(minutes=15)
    with store.read() as s:
        assert next_reminder_at(s, _at(START - timedelta(hours=2))) == _at(before)
        assert due_reminders(s, _at(before) - 60) == []  # not yet
    (first,) = take_due_reminders(store, _at(before) + 30)
    assert first.summary == "Brightwave review call"
    assert first.text(_at(before) + 30) == ("Brightwave review call", "in 15 minutes · Google Meet")
    assert take_due_reminders(store, _at(before) + 90) == []  # shown once, never again
    week = before + timedelta(days=7)
    (second,) = take_due_reminders(store, _at(week) + 5)
    assert second.starts_at == _at(START + timedelta(days=7))
    # The EMAIL alarm an hour before is not unibox's to show.
    with store.read() as s:
        assert due_reminders(s, _at(START + timedelta(days=14, minutes=-59))) == []


def test_nothing_is_said_about_a_meeting_long_past(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _invite(store, ingestor, _alarm(":-PT15M"))
    assert take_due_reminders(store, _at(START + timedelta(days=1))) == []
    # One missed while unibox was closed shows when it opens soon after.
    (late,) = take_due_reminders(store, _at(START + timedelta(minutes=10)))
    assert (
        late.text(_at(START + timedelta(minutes=10)))[1] == "started 10 minutes ago · Google Meet"
    )


def test_absolute_and_end_triggers_and_alarms_survive_an_export(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    at = START - timedelta(days=1)
    _invite(
        store,
        ingestor,
        _alarm(f";VALUE=DATE-TIME:{at.strftime('%Y%m%dT%H%M%SZ')}"),
        _alarm(";RELATED=END:-PT5M"),
    )
    assert len(take_due_reminders(store, _at(at) + 1)) == 1
    (ending,) = take_due_reminders(store, _at(START + timedelta(minutes=55)) + 1)
    assert ending.fires_at == _at(START + timedelta(minutes=55))
    with store.read() as s:
        (event,) = stored_events(s)
    again = read_ics(to_ics([event])).events
    assert again[0].alarms == event.alarms == (f"@{_at(at)}", "E-300")

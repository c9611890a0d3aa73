"""Dragging a meeting we organize to a new time: stored, marked for the sync, and the
people on it get the new time by mail (one REQUEST with a higher SEQUENCE)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from tests.unit.test_invitations import _store
from unibox.services.event_move import move_occurrence
from unibox.services.event_new import NewEvent, add_event
from unibox.store.calendar_range import occurrences_in_range
from unibox.store.schema_actions import OutboxMessage
from unibox.store.schema_events import Event

START = int(datetime(2031, 5, 6, 14, 0, tzinfo=UTC).timestamp())


def _requests(store) -> list[Calendar]:  # type: ignore[no-untyped-def]
    found = []
    with store.read() as s:
        for raw in s.scalars(select(OutboxMessage.raw).order_by(OutboxMessage.id)):
            mail = email.message_from_bytes(bytes(raw), policy=email.policy.default)
            for part in mail.walk():
                if part.get_content_type() == "text/calendar":
                    found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


def test_moving_a_meeting_we_organize_tells_the_people_on_it(tmp_path: Path) -> None:
    store, _ingestor = _store(tmp_path)
    new = NewEvent("Roadmap", START, START + 3600, attendees=("ana@lima.example",))
    event_id, _changes = add_event(store, new)
    moved = move_occurrence(store, event_id, "", START + 2 * 3600)
    assert moved.told == 1
    with store.read() as s:
        row = s.get(Event, event_id)
        assert row is not None and row.starts_at == START + 2 * 3600
        assert row.ends_at == START + 3 * 3600 and row.local_state in ("new", "changed")
    invite, update = _requests(store)
    (event,) = update.walk("VEVENT")
    assert str(update["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == datetime.fromtimestamp(START + 2 * 3600, UTC)
    assert int(event["SEQUENCE"]) == int(invite.walk("VEVENT")[0].get("SEQUENCE", 0)) + 1


def test_moving_one_occurrence_of_a_series_makes_an_exception(tmp_path: Path) -> None:
    store, _ingestor = _store(tmp_path)
    event_id, _changes = add_event(store, NewEvent("Weekly", START, START + 1800))
    with store.write() as s:
        row = s.get(Event, event_id)
        assert row is not None
        row.rrule, row.last_ends_at, row.local_state = "FREQ=WEEKLY", None, ""
    week = START + 7 * 86400
    with store.read() as s:
        (second,) = occurrences_in_range(s, week - 3600, week + 3600)
    move_occurrence(store, second.event_id, second.recurrence, week + 86400)
    with store.read() as s:
        rows = s.scalars(select(Event).where(Event.uid == second.uid)).all()
        shown = occurrences_in_range(s, START - 3600, START + 21 * 86400)
    series, exception = sorted(rows, key=lambda e: e.recurrence_id)
    assert series.rrule == "FREQ=WEEKLY" and series.local_state == "changed"
    assert exception.recurrence_id == second.recurrence
    assert exception.local_state == "changed" and exception.starts_at == week + 86400
    assert [o.starts_at for o in shown] == [START, week + 86400, START + 14 * 86400]
    assert _requests(store) == []  # nobody else on it: no mail

"""A meeting made in the window's New event dialog with people: they are invited by mail."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from tests.unit.test_invitations import _store
from unibox.services.event_new import NewEvent, add_event
from unibox.store.schema_actions import OutboxMessage
from unibox.store.schema_events import Event


def test_a_new_event_with_people_queues_one_invitation_to_them(tmp_path: Path) -> None:
    store, _ingestor = _store(tmp_path)
    start = int(datetime(2031, 5, 6, 14, 0, tzinfo=UTC).timestamp())
    new = NewEvent("Roadmap", start, start + 3600, attendees=("ana@lima.example",))
    event_id, _changes = add_event(store, new)
    with store.read() as s:
        (raw,) = s.scalars(select(OutboxMessage.raw))
        row = s.get(Event, event_id)
        assert row is not None and row.summary == "Roadmap"
    mail = email.message_from_bytes(bytes(raw), policy=email.policy.default)
    assert mail["To"] == "ana@lima.example"
    (part,) = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    (event,) = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert str(event["UID"]) == row.uid
    assert str(event["ORGANIZER"]) == "mailto:mira@castell-studio.example"


def test_a_new_event_alone_sends_nothing(tmp_path: Path) -> None:
    store, _ingestor = _store(tmp_path)
    start = int(datetime(2031, 5, 6, 14, 0, tzinfo=UTC).timestamp())
    add_event(store, NewEvent("Focus", start, start + 3600))
    with store.read() as s:
        assert list(s.scalars(select(OutboxMessage.id))) == []

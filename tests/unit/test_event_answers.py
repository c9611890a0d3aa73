"""Answering an invitation twice: a changed mind withdraws a REPLY still waiting, never two."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.unit.test_invitations import _deliver, _mail, _store
from unibox.core.errors import UserError
from unibox.services.event_actions import respond
from unibox.store import outbox
from unibox.store.calendars import CALDAV, add_calendar, list_calendars, set_default
from unibox.store.schema_events import Event
from unibox.store.store import Store


def test_a_changed_answer_replaces_the_reply_still_waiting(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    first = respond(store, "call-1@brightwave.example", "accept", undo_seconds=60)
    assert first.item is not None and first.item.state == outbox.QUEUED
    second = respond(store, "call-1@brightwave.example", "tentative", undo_seconds=60)
    assert second.replaced and second.item is not None
    with store.read() as s:
        assert outbox.get_item(s, first.item.id).state == outbox.CANCELLED
        assert outbox.get_item(s, second.item.id).state == outbox.QUEUED
    assert respond(store, "call-1@brightwave.example", "tentative").item is None


def test_a_cancelled_meeting_and_a_bad_answer_are_refused_in_words(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    with pytest.raises(UserError, match="not an answer"):
        respond(store, "call-1@brightwave.example", "maybe")
    _deliver(store, ingestor, 2, _mail(method="CANCEL", sequence=1))
    with pytest.raises(UserError, match="was cancelled"):
        respond(store, "call-1@brightwave.example", "accept")


def _row(store: Store, uid: str = "call-1@brightwave.example") -> Event:
    with store.read() as s:
        row = s.scalars(select(Event).where(Event.uid == uid)).one()
        s.expunge(row)
        return row


def test_an_answered_invitation_lands_in_the_default_calendar_and_its_server_hears(
    tmp_path: Path,
) -> None:
    store, ingestor = _store(tmp_path)
    with store.write() as s:
        add_calendar(s, name="Personal")  # the first one: the default, until another is chosen
        work = add_calendar(s, name="Work", kind=CALDAV, url="https://dav.example/work/")
        set_default(s, "Work")
    _deliver(store, ingestor, 1, _mail())
    assert _row(store).calendar_id is None  # an invitation not answered is in no calendar
    answered = respond(store, "call-1@brightwave.example", "accept")
    assert answered.calendar == "Work"
    row = _row(store)
    assert (row.calendar_id, row.local_state) == (work.id, "new")
    with store.write() as s:  # what the calendar's sync does once the server has it
        s.execute(update(Event).values(local_state="", href="/work/call-1.ics"))
    _deliver(store, ingestor, 2, _mail(sequence=1, summary="Brightwave review (moved)"))
    row = _row(store)
    assert (row.summary, row.local_state, row.source) == (
        "Brightwave review (moved)",
        "changed",
        "caldav",
    )
    assert row.calendar_id == work.id
    with store.write() as s:
        s.execute(update(Event).values(local_state=""))
    _deliver(store, ingestor, 3, _mail(method="CANCEL", sequence=2))
    row = _row(store)
    assert (row.status, row.local_state) == ("cancelled", "changed")


def test_without_any_calendar_an_answer_makes_the_local_one(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    assert respond(store, "call-1@brightwave.example", "decline").calendar == "Calendar"
    with store.read() as s:
        (cal,) = list_calendars(s)
    row = _row(store)
    assert (cal.kind, row.calendar_id, row.local_state) == ("local", cal.id, "")


def test_after_the_organizer_moves_the_meeting_the_same_answer_goes_again(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    first = respond(store, "call-1@brightwave.example", "accept")
    assert first.item is not None
    # The organizer moves it (SEQUENCE 1): every answer is asked for again.
    _deliver(store, ingestor, 2, _mail(sequence=1, summary="Brightwave review (new time)"))
    again = respond(store, "call-1@brightwave.example", "accept")
    assert again.item is not None and again.item.id != first.item.id
    with store.read() as s:
        raw = outbox.raw_of(s, again.item.id)
    assert b"SEQUENCE:1" in raw

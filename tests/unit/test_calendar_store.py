"""Calendars in the store: the 0016 migration, the default calendar, removing one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.unit.test_invitations import ZOE, _deliver, _mail, _store, _upcoming
from unibox.core.errors import UserError
from unibox.store import calendars
from unibox.store.engine import SCHEMA_HEAD, _alembic_config, open_engine, schema_version
from unibox.store.schema_events import Event
from unibox.store.store import Store


def test_a_store_from_before_calendars_keeps_its_invitations_in_no_calendar(
    tmp_path: Path,
) -> None:
    from alembic import command

    path = tmp_path / "old.sqlite3"
    engine = open_engine(path)
    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn.execution_options(unibox_write=True)), "0015")
        conn.execute(
            text(
                "INSERT INTO event (uid, recurrence_id, sequence, stamp, summary, location,"
                " starts_at, ends_at, all_day, timezone, rrule, exdates, rdates, status,"
                " source, updated_at) VALUES ('u1', '', 0, 0, 'Review', '', 10, 20, 0, '',"
                " '', '', '', 'confirmed', 'mail', 0)"
            )
        )
        conn.commit()
    engine.dispose()
    store = Store(path)  # opening migrates
    assert schema_version(store.engine) == SCHEMA_HEAD
    with store.read() as s:
        event = s.scalar(select(Event))
        assert event is not None and event.summary == "Review"
        assert (event.calendar_id, event.href, event.ics, event.local_state) == (None, "", "", "")
        assert calendars.list_calendars(s) == []
    assert store.check_integrity() == []


def test_a_profile_without_a_server_gets_a_local_default_calendar(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    with store.write() as s:
        cal = calendars.default_calendar(s)
        assert (cal.name, cal.kind, cal.is_default) == ("Calendar", "local", True)
        assert calendars.default_calendar(s).id == cal.id  # asked again: the same one
        other = calendars.add_local_calendar(s, "Private")
        assert not other.is_default
        with pytest.raises(UserError, match="already a calendar"):
            calendars.add_local_calendar(s, "Private")
        calendars.set_default(s, "Private")
    with store.read() as s:
        assert [(c.name, c.is_default) for c in calendars.list_calendars(s)] == [
            ("Calendar", False),
            ("Private", True),
        ]


def test_removing_a_calendar_keeps_a_meeting_its_mail_also_brought(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    with store.write() as s:
        cal = calendars.add_local_calendar(s, "Work")
        event = s.scalar(select(Event))
        assert event is not None
        event.calendar_id, event.source = cal.id, "local"
        s.add(
            Event(
                uid="only-here",
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                updated_at=0,
                calendar_id=cal.id,
                source="local",
            )
        )
    with store.write() as s:
        calendars.remove_calendar(s, "Work")
    with store.read() as s:
        assert [(e.uid, e.calendar_id) for e in s.scalars(select(Event))] == [
            ("call-1@brightwave.example", None)
        ]
    assert [m.summary for m in _upcoming(store, ZOE)] == ["Brightwave review call"]


def test_an_event_deleted_here_and_not_yet_on_the_server_is_not_shown(tmp_path: Path) -> None:
    store, ingestor = _store(tmp_path)
    _deliver(store, ingestor, 1, _mail())
    with store.write() as s:
        cal = calendars.default_calendar(s)
        event = s.scalar(select(Event))
        assert event is not None
        event.calendar_id, event.local_state = cal.id, "deleted"
    assert _upcoming(store, ZOE) == []

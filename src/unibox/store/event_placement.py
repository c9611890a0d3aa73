"""Which calendar an answered or changed invitation lives in, and telling its server.

An invitation that is answered goes into a calendar (the one named, else the
default one, a local "Calendar" when the profile has none). In a CalDAV
calendar a change made here is marked for the sync to send: `local_state`
'new' for a row the server has not seen, 'changed' for one it has. Every row
of a UID (a series and its changed occurrences) moves together: the server
keeps them in one resource.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from unibox.store.calendars import CALDAV, CalendarInfo, default_calendar, get_calendar
from unibox.store.schema import table
from unibox.store.schema_events import Calendar, Event

_E = table(Event)
_C = table(Calendar)


def place_in_calendar(session: Session, uid: str, calendar: str | None = None) -> CalendarInfo:
    """Put the event with this UID in `calendar` (default: the default one) if in none.

    One already in a calendar stays there (moving it is an edit of its own)
    and is marked changed.
    """
    current = session.execute(
        select(Calendar.name)
        .join(Event, Event.calendar_id == Calendar.id)
        .where(Event.uid == uid)
        .limit(1)
    ).scalar()
    if current is not None:
        mark_changed(session.connection(), [uid])
        return get_calendar(session, current)
    target = get_calendar(session, calendar) if calendar else default_calendar(session)
    state = "new" if target.kind == CALDAV else ""
    session.execute(
        update(Event)
        .where(Event.uid == uid)
        .values(calendar_id=target.id, source=target.kind, href="", etag="", local_state=state)
    )
    return target


def mark_changed(conn: Connection, uids: Iterable[str]) -> None:
    """A change made here to events in calendars: the row keeps its calendar's source, and
    one in a CalDAV calendar the server has seen is marked 'changed' for the sync."""
    uids = list(set(uids))
    if not uids:
        return
    kinds = select(_C.c.kind).where(_C.c.id == _E.c.calendar_id).scalar_subquery()
    in_calendar = _E.c.uid.in_(uids) & _E.c.calendar_id.is_not(None)
    conn.execute(_E.update().where(in_calendar).values(source=kinds))
    conn.execute(
        _E.update()
        .where(in_calendar, _E.c.local_state == "", kinds == CALDAV)
        .values(local_state="changed")
    )

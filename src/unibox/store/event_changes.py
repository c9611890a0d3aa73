"""Events made or removed here: a new one in a calendar, a deletion its server hears of.

A new event is written like an imported one (write_event: handles, people)
and placed in its calendar; in a CalDAV calendar it waits as 'new' for the
sync, with its VCALENDAR in `ics` (what unibox does not model, such as the
description, rides along). A deleted event is 'deleted' until the server
agrees; one the server never had, in a CalDAV calendar, simply goes. Rows
of a calendar-less invitation or a local calendar stay as 'deleted' so the
invitation mail or a re-import does not bring them back.
"""

from __future__ import annotations

import time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from unibox.core.items import CalendarEvent, ChangeSet
from unibox.store.calendars import CALDAV, CalendarInfo
from unibox.store.event_ingest import write_event
from unibox.store.people import HandleResolver
from unibox.store.schema import Account, table
from unibox.store.schema_events import Calendar, Event


def insert_event(
    session: Session, event: CalendarEvent, calendar: CalendarInfo, ics: str
) -> tuple[int, ChangeSet]:
    """A new event (a UID not stored yet) in `calendar`; its row id and who it touches."""
    changes = ChangeSet()
    mine = [e for e in session.scalars(select(Account.email)) if e]
    resolver = HandleResolver(mine)
    conn = session.connection()
    resolver.prefetch(conn, [a.address for a in event.attendees])
    now = int(time.time())
    version = write_event(conn, resolver, None, event, None, "publish", now, changes, calendar.kind)
    session.execute(
        update(Event)
        .where(Event.id == version.event_id)
        .values(
            calendar_id=calendar.id,
            ics=ics,
            local_state="new" if calendar.kind == CALDAV else "",
        )
    )
    return version.event_id, changes


def mark_cancelled(session: Session, uid: str, sequence: int, stamp: int) -> None:
    """We organize it and called it off: every row cancelled at the CANCEL's SEQUENCE."""
    session.execute(
        update(Event)
        .where(Event.uid == uid)
        .values(status="cancelled", sequence=sequence, stamp=stamp, updated_at=int(time.time()))
    )


def delete_event(session: Session, uid: str) -> int:
    """Delete every row of a UID here; the server follows. How many rows it touched."""
    e, c = table(Event), table(Calendar)
    conn = session.connection()
    kind = select(c.c.kind).where(c.c.id == e.c.calendar_id).scalar_subquery()
    gone = conn.execute(e.delete().where(e.c.uid == uid, e.c.href == "", kind == CALDAV))
    kept = conn.execute(
        e.update()
        .where(e.c.uid == uid, e.c.local_state != "deleted")
        .values(local_state="deleted", updated_at=int(time.time()))
    )
    return int(gone.rowcount or 0) + int(kept.rowcount or 0)

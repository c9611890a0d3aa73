"""Moving an event or one occurrence of a series to a new time, marked for its calendar's sync.

A single event (or an occurrence already changed on its own) gets its new
times. One occurrence of a repeating series becomes a row of its own, with the
series' RECURRENCE-ID for that occurrence, so the series is unchanged and the
server learns of the exception. Every row of the resource is marked
`local_state = 'changed'` (a row not yet on the server stays 'new'), so the
CalDAV sync sends the resource; SEQUENCE goes up, as RFC 5546 asks of a
rescheduling.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.store.schema import Handle
from unibox.store.schema_events import Calendar, Event, EventAttendee

_COPIED = (
    "uid", "summary", "location", "all_day", "timezone", "status", "organizer_handle_id",
    "source", "message_id", "calendar_id", "href", "etag", "ics",
)  # fmt: skip


def _changed(state: str) -> str:
    return "new" if state == "new" else "changed"


def move_event(
    session: Session, event_id: int, recurrence: str, start: int, now: int, end: int | None = None
) -> tuple[int, ChangeSet]:
    """Move the occurrence `recurrence` ("" for a single event) of the event to start at `start`.

    It ends at `end`, or keeps its length. Returns the row that now holds it and who is on it.
    """
    event = session.get(Event, event_id)
    if event is None or event.local_state == "deleted":
        raise UserError("That event is no longer in the calendar.")
    if event.calendar_id is not None:
        calendar = session.get(Calendar, event.calendar_id)
        if calendar is not None and calendar.read_only:
            raise UserError(
                f"The calendar “{calendar.name}” is read-only; the event was not moved."
            )
    length = event.ends_at - event.starts_at if end is None else end - start
    if length < 0:
        raise UserError("An event cannot end before it starts.")
    series = bool((event.rrule or event.rdates) and not event.recurrence_id)
    target = event
    if series and recurrence:
        target = session.scalar(
            select(Event).where(Event.uid == event.uid, Event.recurrence_id == recurrence)
        ) or _exception(session, event, recurrence, now)
    elif series:
        raise UserError("Say which occurrence of the repeating event to move.")
    target.starts_at = start
    target.ends_at = start + length
    target.last_ends_at = start + length
    target.sequence = max(target.sequence, event.sequence) + 1
    target.stamp = now
    target.updated_at = now
    target.local_state = _changed(target.local_state)
    # The server keeps a series and its exceptions as one resource: all of it is sent.
    session.execute(
        update(Event)
        .where(Event.uid == event.uid, Event.id != target.id, Event.local_state == "")
        .values(local_state="changed", updated_at=now)
    )
    changes = ChangeSet()
    changes.people.update(
        session.scalars(
            select(Handle.person_id)
            .join(EventAttendee, EventAttendee.handle_id == Handle.id)
            .where(EventAttendee.event_id == target.id)
        )
    )
    return target.id, changes


def _exception(session: Session, series: Event, recurrence: str, now: int) -> Event:
    """A new row for one occurrence of the series, with the series' people."""
    row = Event(**{name: getattr(series, name) for name in _COPIED})
    row.recurrence_id = recurrence
    row.sequence = series.sequence
    row.starts_at = series.starts_at
    row.ends_at = series.ends_at
    row.rrule = row.exdates = row.rdates = ""
    row.updated_at = now
    row.local_state = "changed"
    session.add(row)
    session.flush()
    people = session.execute(
        select(EventAttendee).where(EventAttendee.event_id == series.id)
    ).scalars()
    values = [
        {
            "event_id": row.id,
            "handle_id": a.handle_id,
            "position": a.position,
            "name": a.name,
            "role": a.role,
            "partstat": a.partstat,
            "is_organizer": a.is_organizer,
        }
        for a in people
    ]
    if values:
        session.execute(insert(EventAttendee), values)
    return row

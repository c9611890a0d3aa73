"""A new event from the window's "New event" dialog, into a calendar (sent by its sync).

With people on it we organize it: services.event_actions.add writes it and
mails each an invitation (iTIP REQUEST) in one durable write. Without, the
event is one durable write into the chosen calendar (its default without a
choice), marked 'new' for the calendar's sync.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from unibox.core.errors import UserError
from unibox.core.items import Address, Attendee, CalendarEvent, ChangeSet
from unibox.store.calendars import default_calendar, get_calendar, list_calendars
from unibox.store.event_ingest import write_event
from unibox.store.intent import intent_write
from unibox.store.people import HandleResolver
from unibox.store.schema import Account
from unibox.store.schema_events import Event
from unibox.store.store import Store


@dataclass(frozen=True, slots=True)
class NewEvent:
    summary: str
    starts_at: int
    ends_at: int
    all_day: bool = False
    location: str = ""
    attendees: tuple[str, ...] = ()  # addresses
    calendar: str = ""  # "" for the default calendar
    timezone: str = ""


def calendar_names(store: Store) -> list[str]:
    """The calendars one can add to, the default first."""
    with store.read() as s:
        found = [c for c in list_calendars(s) if not c.read_only]
    return [c.name for c in sorted(found, key=lambda c: (not c.is_default, c.name))]


def add_event(store: Store, new: NewEvent) -> tuple[int, ChangeSet]:
    """Store the event; its row id and who is on it."""
    if not new.summary.strip():
        raise UserError("The event needs a title.")
    if new.ends_at < new.starts_at:
        raise UserError("The event ends before it starts.")
    if new.attendees:
        from unibox.services.event_actions import add

        created = add(
            store,
            summary=new.summary,
            start=datetime.fromtimestamp(new.starts_at, UTC),
            end=datetime.fromtimestamp(new.ends_at, UTC),
            attendees=new.attendees,
            calendar=new.calendar or None,
            location=new.location,
            all_day=new.all_day,
            timezone=new.timezone or None,
        )
        return created.event_id, created.changes
    changes = ChangeSet()
    with intent_write(store) as s:
        calendar = get_calendar(s, new.calendar) if new.calendar else default_calendar(s)
        if calendar.read_only:
            raise UserError(f"The calendar “{calendar.name}” is read-only.")
        mine = [e for e in s.execute(select(Account.email)).scalars() if e]
        me = Address(mine[0], "") if mine else None
        people = [Attendee(Address(a.strip(), ""), partstat="needs-action") for a in new.attendees]
        if me is not None:
            people.insert(0, Attendee(me, "chair", "accepted", organizer=True))
        event = CalendarEvent(
            uid=f"{uuid.uuid4()}@unibox",
            stamp=int(time.time()),
            summary=new.summary.strip(),
            location=new.location.strip(),
            starts_at=new.starts_at,
            ends_at=new.ends_at,
            all_day=new.all_day,
            timezone=new.timezone,
            organizer=me if people[1:] else None,
            attendees=tuple(people) if people[1:] else (),
        )
        conn = s.connection()
        resolver = HandleResolver(mine)
        resolver.prefetch(conn, [a.address for a in event.attendees])
        version = write_event(
            conn, resolver, None, event, None, "publish", int(time.time()), changes, "local"
        )
        s.execute(
            update(Event)
            .where(Event.id == version.event_id)
            .values(calendar_id=calendar.id, local_state="new")
        )
    return version.event_id, changes

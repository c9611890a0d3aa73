"""Events from .ics files into the local calendar, and all stored events back out.

Imported events are rows with `source = "local"` (the local calendar); the
ones mail invitations brought keep `source = "mail"`. Keyed like invitations
by (UID, RECURRENCE-ID): the same file imported twice adds nothing, and a
newer version (higher SEQUENCE, or a later DTSTAMP) replaces the stored one.
Organizer and attendees become handles, linked to people as invitations are.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.items import Address, Attendee, CalendarEvent, ChangeSet
from unibox.store.event_ingest import known_versions, newer, write_event
from unibox.store.people import HandleResolver
from unibox.store.schema import Account, Handle
from unibox.store.schema_events import Event, EventAttendee
from unibox.store.store import Store

LOCAL = "local"
BATCH = 500

# The calendar an event row belongs to, by its source.
CALENDAR_NAMES = {"mail": "invitations", LOCAL: "local"}


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    added: int
    updated: int
    unchanged: int
    changes: ChangeSet


def import_events(store: Store, events: Sequence[CalendarEvent]) -> ImportOutcome:
    """Upsert events into the local calendar; what was added, replaced or already there."""
    changes = ChangeSet()
    with store.read() as s:
        mine = [e for e in s.execute(select(Account.email)).scalars() if e]
    resolver = HandleResolver(mine)
    added = updated = unchanged = 0
    now = int(time.time())
    for begin in range(0, len(events), BATCH):
        batch = events[begin : begin + BATCH]
        with store.write() as s:
            conn = s.connection()
            known = known_versions(conn, {(e.uid, e.recurrence_id) for e in batch})
            resolver.prefetch(conn, [a.address for e in batch for a in e.attendees])
            for event in batch:
                key = (event.uid, event.recurrence_id)
                current = known.get(key)
                if current is not None and not newer(event, "publish", current):
                    unchanged += 1
                    continue
                if current is None:
                    added += 1
                else:
                    updated += 1
                known[key] = write_event(
                    conn, resolver, None, event, current, "publish", now, changes, LOCAL
                )
    return ImportOutcome(added, updated, unchanged, changes)


def stored_events(session: Session, *where: Any) -> list[CalendarEvent]:
    """Every stored event (series, single and changed occurrences) as CalendarEvent items.

    With `where`, only the rows those conditions on `Event` pick (deleted ones too).
    """
    conditions = where or (Event.local_state != "deleted",)
    rows = session.execute(
        select(Event, Handle.value)
        .outerjoin(Handle, Handle.id == Event.organizer_handle_id)
        .where(*conditions)
        .order_by(Event.uid, Event.recurrence_id)
    ).all()
    people: dict[int, list[Attendee]] = defaultdict(list)
    attendees_query = (
        select(EventAttendee, Handle.value)
        .join(Handle, Handle.id == EventAttendee.handle_id)
        .order_by(EventAttendee.event_id, EventAttendee.position)
    )
    if where:
        attendees_query = attendees_query.where(
            EventAttendee.event_id.in_(select(Event.id).where(*conditions))
        )
    for a, email in session.execute(attendees_query):
        people[a.event_id].append(
            Attendee(
                address=Address(email, a.name),
                role=a.role,
                partstat=a.partstat,
                organizer=bool(a.is_organizer),
            )
        )
    found = []
    for ev, organizer_email in rows:
        attendees = tuple(people.get(ev.id, ()))
        organizer = None
        if organizer_email:
            name = next((a.address.name for a in attendees if a.organizer), "")
            organizer = Address(organizer_email, name)
        found.append(
            CalendarEvent(
                uid=ev.uid,
                recurrence_id=ev.recurrence_id,
                sequence=ev.sequence,
                stamp=ev.stamp,
                summary=ev.summary,
                location=ev.location,
                starts_at=ev.starts_at,
                ends_at=ev.ends_at,
                all_day=bool(ev.all_day),
                timezone=ev.timezone,
                rrule=ev.rrule,
                exdates=tuple(int(x) for x in ev.exdates.split()),
                rdates=tuple(int(x) for x in ev.rdates.split()),
                alarms=tuple(ev.alarms.split()),
                status=ev.status,
                organizer=organizer,
                attendees=attendees,
            )
        )
    return found

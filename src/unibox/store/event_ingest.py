"""Writing invitations into the event tables: upsert by (uid, recurrence-id).

A newer version replaces an event (higher SEQUENCE, or the same with a later
DTSTAMP); an older one arriving later (a first sync goes newest first) is only
linked to its message. METHOD:CANCEL marks the event cancelled, METHOD:REPLY
records the attendee's answer on an event already known. Either, or an update,
of an event in a CalDAV calendar marks it changed for the calendar's sync. Every message with
a calendar part gets an `event_message` row, so nothing is read twice.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, tuple_

from unibox.core.calendar import series_end
from unibox.core.identity import normalize_email
from unibox.core.items import Address, CalendarEvent, ChangeSet, Invitation
from unibox.store.event_placement import mark_changed
from unibox.store.people import HandleResolver
from unibox.store.schema import Handle, table
from unibox.store.schema_events import Event, EventAttendee, EventMessage

_E = table(Event)
_A = table(EventAttendee)
_EM = table(EventMessage)


@dataclass(slots=True)
class Version:
    event_id: int
    sequence: int
    stamp: int


def record_invitations(
    conn: Connection,
    resolver: HandleResolver,
    found: Sequence[tuple[int, Invitation]],
    changes: ChangeSet,
) -> None:
    """Upsert the events of (message id, invitation) pairs and link each message."""
    if not found:
        return
    keys = {(e.uid, e.recurrence_id) for _mid, inv in found for e in inv.events}
    known = known_versions(conn, keys)
    resolver.prefetch(conn, _addresses(found))
    links: list[dict[str, Any]] = []
    changed: set[str] = set()  # events already stored that this mail changes
    now = int(time.time())
    for mid, invitation in found:
        method = invitation.method
        linked = False
        for event in invitation.events:
            key = (event.uid, event.recurrence_id)
            current = known.get(key)
            if method == "reply":
                if current is not None:
                    _record_answers(conn, resolver, current.event_id, event, changes)
                    changed.add(event.uid)
            elif current is None or newer(event, method, current):
                changed.update([event.uid] if current is not None else [])
                current = write_event(conn, resolver, mid, event, current, method, now, changes)
                known[key] = current
            if current is not None:
                links.append(_link(mid, current.event_id, method, event.sequence))
                linked = True
        if not linked:
            links.append(_link(mid, None, method, 0))
    conn.execute(_EM.insert(), links)
    # An update, a cancellation or an answer to an event in a calendar: its server hears of it.
    mark_changed(conn, changed)


def _link(mid: int, event_id: int | None, method: str, sequence: int) -> dict[str, Any]:
    return {"message_id": mid, "event_id": event_id, "method": method, "sequence": sequence}


def known_versions(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Version]:
    if not keys:
        return {}
    rows = conn.execute(
        select(_E.c.uid, _E.c.recurrence_id, _E.c.id, _E.c.sequence, _E.c.stamp).where(
            tuple_(_E.c.uid, _E.c.recurrence_id).in_(list(keys))
        )
    )
    return {(uid, rid): Version(eid, seq, stamp) for uid, rid, eid, seq, stamp in rows}


def _addresses(found: Sequence[tuple[int, Invitation]]) -> list[Address]:
    return [a.address for _m, inv in found for e in inv.events for a in e.attendees]


def newer(event: CalendarEvent, method: str, current: Version) -> bool:
    if event.sequence != current.sequence:
        return event.sequence > current.sequence
    # Same sequence: the later stamp wins; a cancellation wins a tie.
    return event.stamp > current.stamp or (event.stamp == current.stamp and method == "cancel")


def write_event(
    conn: Connection,
    resolver: HandleResolver,
    mid: int | None,
    event: CalendarEvent,
    current: Version | None,
    method: str,
    now: int,
    changes: ChangeSet,
    source: str = "mail",
) -> Version:
    status = "cancelled" if method == "cancel" else event.status
    values: dict[str, Any] = {
        "sequence": event.sequence,
        "stamp": event.stamp,
        "status": status,
        "source": source,
        "message_id": mid,
        "updated_at": now,
    }
    if current is not None and method == "cancel":
        # A cancellation repeats the event, sometimes less of it: keep what we know.
        conn.execute(_E.update().where(_E.c.id == current.event_id).values(**values))
        _touch_people(conn, current.event_id, changes)
        return Version(current.event_id, event.sequence, event.stamp)
    values.update(event_values(resolver, event))
    if current is None:
        values.update(uid=event.uid, recurrence_id=event.recurrence_id)
        inserted = conn.execute(_E.insert().values(**values)).inserted_primary_key
        assert inserted is not None
        event_id = int(inserted[0])
    else:
        event_id = current.event_id
        _touch_people(conn, event_id, changes)  # those no longer invited see it go
        conn.execute(_E.update().where(_E.c.id == event_id).values(**values))
        conn.execute(_A.delete().where(_A.c.event_id == event_id))
    rows = attendee_rows(resolver, event_id, event, changes)
    if rows:
        conn.execute(_A.insert(), rows)
    return Version(event_id, event.sequence, event.stamp)


def event_values(resolver: HandleResolver, event: CalendarEvent) -> dict[str, Any]:
    """The columns of an event row that its VEVENT gives (not its version or source)."""
    organizer = resolver.resolve(event.organizer) if event.organizer else None
    return {
        "summary": event.summary,
        "location": event.location,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "all_day": event.all_day,
        "timezone": event.timezone,
        "rrule": event.rrule,
        "exdates": " ".join(map(str, event.exdates)),
        "rdates": " ".join(map(str, event.rdates)),
        "alarms": " ".join(event.alarms),
        "last_ends_at": series_end(
            event.starts_at,
            event.ends_at,
            event.all_day,
            event.timezone,
            event.rrule,
            event.rdates,
        ),
        "organizer_handle_id": organizer.handle_id if organizer else None,
    }


def attendee_rows(
    resolver: HandleResolver, event_id: int, event: CalendarEvent, changes: ChangeSet
) -> list[dict[str, Any]]:
    """The event_attendee rows of an event (one per handle, in the VEVENT's order)."""
    rows: dict[int, dict[str, Any]] = {}
    for position, attendee in enumerate(event.attendees):
        ref = resolver.resolve(attendee.address)
        if ref is None or ref.handle_id in rows:
            continue
        rows[ref.handle_id] = {
            "event_id": event_id,
            "handle_id": ref.handle_id,
            "position": position,
            "name": attendee.address.name,
            "role": attendee.role[:20],
            "partstat": attendee.partstat[:20],
            "is_organizer": attendee.organizer,
        }
        changes.people.add(ref.person_id)
    return list(rows.values())


def _record_answers(
    conn: Connection,
    resolver: HandleResolver,
    event_id: int,
    event: CalendarEvent,
    changes: ChangeSet,
) -> None:
    """A REPLY: each answering attendee's PARTSTAT on the event we know."""
    for attendee in event.attendees:
        if attendee.organizer and len(event.attendees) > 1:
            continue  # a reply repeats the organizer; only the answer counts
        ref = resolver.resolve(attendee.address)
        if ref is None or not normalize_email(attendee.address.email):
            continue
        conn.execute(
            _A.update()
            .where(_A.c.event_id == event_id, _A.c.handle_id == ref.handle_id)
            .values(partstat=attendee.partstat[:20])
        )
        changes.people.add(ref.person_id)


def _touch_people(conn: Connection, event_id: int, changes: ChangeSet) -> None:
    h = table(Handle)
    changes.people.update(
        conn.execute(
            select(h.c.person_id)
            .join(_A, _A.c.handle_id == h.c.id)
            .where(_A.c.event_id == event_id)
        ).scalars()
    )


def forget_orphan_events(conn: Connection) -> int:
    """Delete the events learned from mail no longer in the store (an account removed).

    One in a calendar stays: the calendar has it too.
    """
    linked = select(_EM.c.id).where(_EM.c.event_id == _E.c.id).exists()
    orphan = _E.delete().where(_E.c.source == "mail", _E.c.calendar_id.is_(None), ~linked)
    return conn.execute(orphan).rowcount

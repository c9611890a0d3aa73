"""Our side of an invitation: who we are on it, the answer we gave, the REPLY carrying it.

The answer is written on our attendee row (what every view shows as "my
status") and in `event_reply`, with the outbox row of the REPLY, so a second
answer can withdraw a REPLY that has not left yet instead of sending two.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store.schema import Account, Handle, Person
from unibox.store.schema_actions import OutboxMessage
from unibox.store.schema_events import Event, EventAttendee, EventReply


@dataclass(frozen=True, slots=True)
class EventRef:
    """A stored event found by UID: its row, the invitation it came by, and the newest answer."""

    event_id: int
    uid: str
    message_id: int | None  # the newest invitation (to thread the REPLY under it)
    status: str


@dataclass(frozen=True, slots=True)
class MyPlace:
    """Our attendee row on an event: the address the organizer invited."""

    handle_id: int
    email: str
    name: str
    partstat: str
    organizer: bool


@dataclass(frozen=True, slots=True)
class LastReply:
    partstat: str
    outbox_id: int | None
    outbox_state: str  # "" when the outbox row is gone


def find_event(session: Session, uid: str) -> EventRef:
    """The event (the series, not one changed occurrence) with this UID; UserError if none."""
    row = session.execute(
        select(Event.id, Event.uid, Event.message_id, Event.status)
        .where(Event.uid == uid.strip())
        .order_by(Event.recurrence_id)
        .limit(1)
    ).first()
    if row is None:
        raise UserError(f"There is no event with the UID “{uid.strip()[:200]}”.")
    return EventRef(row.id, row.uid, row.message_id, row.status)


def my_place(session: Session, event_id: int) -> MyPlace | None:
    """Our row on the event: a handle of the person marked as me, or an account's address."""
    accounts = [e.lower() for e in session.scalars(select(Account.email)) if e]
    row = session.execute(
        select(
            EventAttendee.handle_id,
            Handle.value,
            EventAttendee.name,
            EventAttendee.partstat,
            EventAttendee.is_organizer,
        )
        .join(Handle, Handle.id == EventAttendee.handle_id)
        .join(Person, Person.id == Handle.person_id)
        .where(
            EventAttendee.event_id == event_id,
            or_(Person.is_me.is_(True), Handle.value.in_(accounts)),
        )
        .order_by(EventAttendee.is_organizer.desc(), EventAttendee.position)
        .limit(1)
    ).first()
    if row is None:
        return None
    return MyPlace(row.handle_id, row.value, row.name, row.partstat, bool(row.is_organizer))


def last_reply(session: Session, event_id: int) -> LastReply | None:
    row = session.execute(
        select(EventReply.partstat, EventReply.outbox_id, OutboxMessage.state)
        .outerjoin(OutboxMessage, OutboxMessage.id == EventReply.outbox_id)
        .where(EventReply.event_id == event_id)
    ).first()
    if row is None:
        return None
    return LastReply(row.partstat, row.outbox_id, row.state or "")


def record_reply(
    session: Session,
    event_id: int,
    handle_id: int,
    partstat: str,
    outbox_id: int | None,
    now: int,
) -> None:
    """Our answer on our attendee row and in `event_reply` (one row per event)."""
    session.execute(
        update(EventAttendee)
        .where(EventAttendee.event_id == event_id, EventAttendee.handle_id == handle_id)
        .values(partstat=partstat)
    )
    found = session.get(EventReply, event_id)
    if found is None:
        session.add(
            EventReply(event_id=event_id, partstat=partstat, outbox_id=outbox_id, answered_at=now)
        )
    else:
        found.partstat, found.outbox_id, found.answered_at = partstat, outbox_id, now
    session.flush()


def my_answer(session: Session, event_id: int) -> str:
    """Our PARTSTAT on the event ("" when we are not on it)."""
    place = my_place(session, event_id)
    return place.partstat if place is not None else ""

"""What the calendar's event panel shows: who is on it (as people) and the talk around it.

Related conversations are the messages that carried the invitation (or its
updates and answers), then the most recent messages with the people on it
(the user left out), newest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.store.schema import Handle, Message, Participant, Person
from unibox.store.schema_events import Event, EventAttendee, EventMessage

RECENT = 6


@dataclass(frozen=True, slots=True)
class EventPerson:
    """Someone on the event: their answer, and the person they are in the store."""

    person_id: int
    name: str
    email: str
    role: str
    partstat: str  # accepted, declined, tentative, needs-action, ""
    organizer: bool
    is_me: bool


@dataclass(frozen=True, slots=True)
class RelatedMessage:
    message_id: int
    subject: str
    sent_at: int
    channel: str
    invitation: bool  # it carried this event's calendar part


@dataclass(frozen=True, slots=True)
class EventDetails:
    event_id: int
    summary: str
    location: str
    rrule: str
    calendar: str
    people: tuple[EventPerson, ...]
    messages: tuple[RelatedMessage, ...]


def event_details(session: Session, event_id: int) -> EventDetails | None:
    event = session.get(Event, event_id)
    if event is None:
        return None
    series_rrule = event.rrule
    if event.recurrence_id:  # one changed occurrence: the series says how it repeats
        series_rrule = (
            session.scalar(
                select(Event.rrule).where(Event.uid == event.uid, Event.recurrence_id == "")
            )
            or ""
        )
    people = tuple(
        EventPerson(
            person_id=row.person_id,
            name=row.person_name or row.name or row.display_name or row.value,
            email=row.value,
            role=row.role,
            partstat=row.partstat,
            organizer=bool(row.is_organizer),
            is_me=bool(row.is_me),
        )
        for row in session.execute(
            select(
                Handle.person_id,
                Handle.value,
                Handle.display_name,
                Person.display_name.label("person_name"),
                Person.is_me,
                EventAttendee.name,
                EventAttendee.role,
                EventAttendee.partstat,
                EventAttendee.is_organizer,
            )
            .join(Handle, Handle.id == EventAttendee.handle_id)
            .join(Person, Person.id == Handle.person_id)
            .where(EventAttendee.event_id == event_id)
            .order_by(EventAttendee.is_organizer.desc(), EventAttendee.position)
        )
    )
    return EventDetails(
        event_id=event.id,
        summary=event.summary,
        location=event.location,
        rrule=series_rrule,
        calendar=event.source,
        people=people,
        messages=tuple(_related(session, event, people)),
    )


def _related(
    session: Session, event: Event, people: tuple[EventPerson, ...]
) -> list[RelatedMessage]:
    columns = (Message.id, Message.subject, Message.sent_at, Message.channel)
    ids = select(Event.id).where(Event.uid == event.uid)
    carried = list(
        session.execute(
            select(*columns)
            .join(EventMessage, EventMessage.message_id == Message.id)
            .where(EventMessage.event_id.in_(ids), Message.deleted_at.is_(None))
            .order_by(Message.sent_at.desc())
            .limit(RECENT)
        )
    )
    found = [RelatedMessage(r.id, r.subject, r.sent_at, r.channel, True) for r in carried]
    seen = {r.id for r in carried}
    others = [p.person_id for p in people if not p.is_me]
    if not others:
        return found
    handles = select(Handle.id).where(Handle.person_id.in_(others))
    mine = (
        select(Participant.message_id)
        .where(Participant.handle_id.in_(handles))
        .distinct()
        .subquery()
    )
    for row in session.execute(
        select(*columns)
        .join(mine, mine.c.message_id == Message.id)
        .where(Message.deleted_at.is_(None))
        .order_by(Message.sent_at.desc())
        .limit(RECENT + len(seen))
    ):
        if row.id not in seen and len(found) < RECENT + len(carried):
            seen.add(row.id)
            found.append(RelatedMessage(row.id, row.subject, row.sent_at, row.channel, False))
    return found

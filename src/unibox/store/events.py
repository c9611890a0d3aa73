"""Reading events: upcoming meetings (with a person, or all), and a message's invitation.

Recurring series are expanded here, at read time (core.calendar, bounded):
the store keeps the RRULE as written, so a changed rule needs no rewrite and
an occurrence changed on its own (a row with a recurrence_id) replaces the
series' occurrence at that time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from unibox.store.event_replies import my_place
from unibox.store.occurrence_rows import (
    OCCURRENCE_COLUMNS,
    is_series,
    occurrence_key,
    replaced_occurrences,
    series_starts,
)
from unibox.store.schema import Handle, Message
from unibox.store.schema_events import Calendar, Event, EventAttendee, EventMessage


def _utc(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


@dataclass(frozen=True, slots=True)
class Meeting:
    """One occurrence of an event: what, when, where, who organizes, how many come."""

    event_id: int
    uid: str
    summary: str
    location: str
    starts: datetime  # UTC; an all-day event starts at midnight UTC of its day
    ends: datetime
    all_day: bool
    status: str  # confirmed, tentative, cancelled
    repeats: str  # "" or the RRULE of its series
    organizer: str  # the organizer's name as written, else the address
    organizer_email: str
    attendees: int  # everyone on it, the organizer included
    message_id: int | None  # the invitation it came from
    source: str = "mail"  # the calendar it is in: "mail" (invitations) or "local"
    timezone: str = ""  # the IANA zone it was written in ("" for UTC or floating)
    calendar: str = ""  # the name of the calendar it is in ("" for an invitation in none)


@dataclass(frozen=True, slots=True)
class MessageInvitation:
    """What the reading pane's invitation card shows for one message."""

    method: str  # what this message does: request, cancel, reply, publish, ""
    meeting: Meeting  # the event as it stands now (the next occurrence of a series)
    outdated: bool  # a later invitation changed the event since this one
    updated: bool = False  # this one changes an earlier invitation (a higher SEQUENCE)
    answer: str = ""  # a reply: the sender's answer on the event (accepted, declined…)
    answered_by: str = ""  # a reply: the sender's name as the event lists them
    my_status: str = ""  # our PARTSTAT on the event ("" when we are not on it)
    answerable: bool = False  # we are invited (not organizing) and it still stands
    answers: tuple[tuple[str, int], ...] = ()  # the attendees' PARTSTATs and how many each


def _columns() -> tuple[Any, ...]:
    organizer_name = (
        select(EventAttendee.name)
        .where(EventAttendee.event_id == Event.id, EventAttendee.is_organizer.is_(True))
        .limit(1)
        .scalar_subquery()
        .label("organizer_name")
    )
    count = (
        select(func.count())
        .select_from(EventAttendee)
        .where(EventAttendee.event_id == Event.id)
        .scalar_subquery()
        .label("attendee_count")
    )
    in_calendar = (
        select(Calendar.name)
        .where(Calendar.id == Event.calendar_id)
        .scalar_subquery()
        .label("calendar_name")
    )
    return (
        *OCCURRENCE_COLUMNS,
        Event.status,
        Event.message_id,
        Event.source,
        Handle.value,
        organizer_name,
        count,
        in_calendar,
    )


def _meeting(row: Any, start: int | None = None) -> Meeting:
    begin = row.starts_at if start is None else start
    name = row.organizer_name or ""
    email = row.value or ""
    return Meeting(
        event_id=row.id,
        uid=row.uid,
        summary=row.summary,
        location=row.location,
        starts=_utc(begin),
        ends=_utc(begin + row.ends_at - row.starts_at),
        all_day=bool(row.all_day),
        status=row.status,
        repeats=row.rrule,
        organizer=name or email,
        organizer_email=email,
        attendees=int(row.attendee_count or 0),
        message_id=row.message_id,
        source=row.source,
        timezone=row.timezone,
        calendar=row.calendar_name or "",
    )


def upcoming_meetings(
    session: Session,
    *,
    handle_ids: Sequence[int] | None = None,
    now: int,
    limit: int = 3,
    until: int | None = None,
    cancelled: bool = False,
) -> list[Meeting]:
    """The next `limit` occurrences that have not ended by `now`, soonest first.

    With `handle_ids`, only events those handles organize or attend (one
    indexed read through ix_event_attendee_handle); cancelled ones are left
    out unless asked for.
    """
    query = select(*_columns()).outerjoin(Handle, Handle.id == Event.organizer_handle_id)
    if handle_ids is not None:
        if not handle_ids:
            return []
        mine = (
            select(EventAttendee.event_id)
            .where(EventAttendee.handle_id.in_(list(handle_ids)))
            .distinct()
            .subquery()
        )
        query = query.join(mine, mine.c.event_id == Event.id)
    query = query.where(
        or_(Event.last_ends_at.is_(None), Event.last_ends_at >= now),
        Event.local_state != "deleted",
    )
    if until is not None:
        query = query.where(Event.starts_at < until)
    rows = session.execute(query).all()
    replaced = replaced_occurrences(session, [r.uid for r in rows if is_series(r)])
    found: list[Meeting] = []
    for row in rows:
        if row.status == "cancelled" and not cancelled:
            continue
        length = row.ends_at - row.starts_at
        if not is_series(row):
            if row.ends_at > now or (row.ends_at == row.starts_at and row.starts_at >= now):
                found.append(_meeting(row))
            continue
        skip = replaced.get(row.uid, set())
        for start in series_starts(row, now - length + 1, limit + len(skip)):
            if until is not None and start >= until:
                break
            if occurrence_key(row, start) not in skip:
                found.append(_meeting(row, start))
    found.sort(key=lambda m: (m.starts, m.summary))
    return found[:limit]


def message_invitation(session: Session, message_id: int, now: int) -> MessageInvitation | None:
    """The event a message invites to (or cancels, or answers), as it stands now."""
    row = session.execute(
        select(
            *_columns(),
            EventMessage.method.label("method"),
            EventMessage.sequence.label("message_sequence"),
            Event.sequence.label("event_sequence"),
        )
        .join(EventMessage, EventMessage.event_id == Event.id)
        .outerjoin(Handle, Handle.id == Event.organizer_handle_id)
        .where(EventMessage.message_id == message_id)
        .order_by(EventMessage.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    method, sequence, newest = row.method, row.message_sequence, row.event_sequence
    start = None
    if is_series(row):
        length = row.ends_at - row.starts_at
        upcoming = series_starts(row, now - length + 1, 1)
        start = upcoming[0] if upcoming else None
    answer = None
    if method == "reply":
        answer = session.execute(
            select(EventAttendee.partstat, EventAttendee.name)
            .join(Message, Message.sender_handle_id == EventAttendee.handle_id)
            .where(Message.id == message_id, EventAttendee.event_id == row.id)
        ).first()
    place = my_place(session, row.id)
    tally = session.execute(
        select(EventAttendee.partstat, func.count())
        .where(EventAttendee.event_id == row.id, EventAttendee.is_organizer.is_(False))
        .group_by(EventAttendee.partstat)
        .order_by(EventAttendee.partstat)
    ).all()
    return MessageInvitation(
        method=method,
        meeting=_meeting(row, start),
        outdated=method != "cancel" and sequence < newest,
        updated=method == "request" and sequence > 0,
        answer=answer.partstat if answer else "",
        answered_by=answer.name if answer else "",
        my_status=place.partstat if place is not None else "",
        answerable=(
            method in ("request", "add")
            and row.status != "cancelled"
            and place is not None
            and not place.organizer
            and bool(row.value)
        ),
        answers=tuple((p or "needs-action", int(n)) for p, n in tally),
    )


@dataclass(frozen=True, slots=True)
class MeetingPerson:
    """Someone on an event, as the event lists them."""

    name: str
    email: str
    role: str
    partstat: str
    organizer: bool


def meeting_people(session: Session, event_ids: Sequence[int]) -> dict[int, list[MeetingPerson]]:
    """Per event id, its organizer and attendees in the order the event lists them."""
    found: dict[int, list[MeetingPerson]] = {}
    if not event_ids:
        return found
    for row in session.execute(
        select(
            EventAttendee.event_id,
            EventAttendee.name,
            Handle.value,
            EventAttendee.role,
            EventAttendee.partstat,
            EventAttendee.is_organizer,
        )
        .join(Handle, Handle.id == EventAttendee.handle_id)
        .where(EventAttendee.event_id.in_(set(event_ids)))
        .order_by(EventAttendee.event_id, EventAttendee.position)
    ):
        found.setdefault(row.event_id, []).append(
            MeetingPerson(row.name, row.value, row.role, row.partstat, bool(row.is_organizer))
        )
    return found

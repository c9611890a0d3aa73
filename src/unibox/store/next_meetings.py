"""A person's meetings: the next one (for the record and the People list) and the past ones.

Events reach people through their handles (organizer and attendees). The next
meeting of everyone is one read of the events that have not ended: a single
event's start is its own, a series' the first of its occurrences from now on
that has no row of its own (core.calendar skips ahead to now).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from unibox.store.events import Meeting, upcoming_meetings
from unibox.store.occurrence_rows import (
    is_series,
    moved_occurrences,
    occurrence_key,
    series_starts,
)
from unibox.store.person_edit import live_person
from unibox.store.persons import handle_ids
from unibox.store.schema import Handle
from unibox.store.schema_events import Event, EventAttendee

MAX_PAST = 2000  # past occurrences of one series read for a timeline page
PAST_YEARS = 5  # how far back of the page's end a series' occurrences are looked for


def next_meeting(session: Session, person_id: int, now: int) -> Meeting | None:
    """The person's next meeting that has not ended by `now`, None without one."""
    hids = handle_ids(session, live_person(session, person_id).id)
    found = upcoming_meetings(session, handle_ids=hids, now=now, limit=1)
    return found[0] if found else None


def _live(now: int) -> Any:
    return and_(
        or_(Event.last_ends_at.is_(None), Event.last_ends_at > now),
        Event.status != "cancelled",
        Event.local_state != "deleted",
    )


def next_meeting_starts(
    session: Session, person_ids: Iterable[int] | None, now: int
) -> dict[int, int]:
    """Per person, when their next meeting starts (UTC seconds); people without one left out."""
    who = (
        select(Handle.person_id, EventAttendee.event_id)
        .join(EventAttendee, EventAttendee.handle_id == Handle.id)
    )  # fmt: skip
    if person_ids is not None:
        who = who.where(Handle.person_id.in_(list(person_ids)))
    sub = who.subquery()
    single = or_(and_(Event.rrule == "", Event.rdates == ""), Event.recurrence_id != "")
    found: dict[int, int] = {}
    for pid, start in session.execute(
        select(sub.c.person_id, func.min(Event.starts_at))
        .join(Event, Event.id == sub.c.event_id)
        .where(single, Event.ends_at > now, _live(now))
        .group_by(sub.c.person_id)
    ):
        found[pid] = int(start)
    series = session.execute(
        select(sub.c.person_id, *_SERIES).join(Event, Event.id == sub.c.event_id)
        .where(~single, Event.starts_at <= now + 10 * 366 * 86400, _live(now))
    ).all()  # fmt: skip
    firsts: dict[int, int | None] = {}
    for row in series:
        if row.id not in firsts:
            firsts[row.id] = _first_from(session, row, now)
        start = firsts[row.id]
        if start is not None and start < found.get(row.person_id, start + 1):
            found[row.person_id] = start
    return found


_SERIES = (
    Event.id, Event.uid, Event.starts_at, Event.ends_at, Event.all_day, Event.timezone,
    Event.rrule, Event.exdates, Event.rdates,
)  # fmt: skip


def _first_from(session: Session, row: Any, now: int) -> int | None:
    """The series' first occurrence not ended by `now` that no row of its own replaces."""
    moved = moved_occurrences(session, row.uid)
    length = row.ends_at - row.starts_at
    for start in series_starts(row, now - length + 1, 1 + len(moved)):
        if occurrence_key(row, start) not in moved:
            return start
    return None


def past_occurrences(
    session: Session, hids: list[int], before: int, limit: int
) -> list[tuple[int, int, str, str, str]]:
    """(start, event id, summary, location, rrule) of meetings with these handles that
    started before `before`, newest first, at most `limit`."""
    if not hids:
        return []
    mine = select(EventAttendee.event_id).where(EventAttendee.handle_id.in_(hids)).distinct()
    rows = session.execute(
        select(*_SERIES, Event.summary, Event.location, Event.recurrence_id).where(
            Event.id.in_(mine),
            Event.starts_at < before,
            Event.status != "cancelled",
            Event.local_state != "deleted",
        )
    ).all()
    found: list[tuple[int, int, str, str, str]] = []
    for row in rows:
        if not is_series(row):
            found.append((row.starts_at, row.id, row.summary, row.location, ""))
            continue
        moved = moved_occurrences(session, row.uid)
        since = max(row.starts_at, before - PAST_YEARS * 366 * 86400)
        starts = series_starts(row, since, MAX_PAST, before=before)
        for start in starts[-limit - len(moved) :]:
            if occurrence_key(row, start) not in moved:
                found.append((start, row.id, row.summary, row.location, row.rrule))
    found.sort(reverse=True)
    return found[:limit]

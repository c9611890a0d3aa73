"""What a calendar view shows: every occurrence that touches a range of time.

One read of the events that can touch the range (a single event by its own
times, a series by its last end), then each series expanded inside the range
only (core.calendar skips ahead to it). An occurrence changed on its own (a
row with a recurrence_id) replaces the series' occurrence it names; cancelled
ones are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from unibox.store.occurrence_rows import (
    OCCURRENCE_COLUMNS,
    is_series,
    occurrence_key,
    replaced_occurrences,
    series_starts,
)
from unibox.store.schema_events import Calendar, Event

INVITATIONS = "Invitations"  # the events mail brought that are in no calendar
LOCAL = "Local"  # imported ones in no calendar
MAX_PER_SERIES = 2000  # a daily meeting over a five-year agenda is 1,826


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence as a view draws it. Times are UTC seconds.

    `recurrence` names this occurrence of its series ("" for a single event);
    `calendar` is the name of the calendar it is in (INVITATIONS for an
    invitation in none), `color` that calendar's ("" for the view's own choice).
    """

    event_id: int
    uid: str
    recurrence: str
    summary: str
    location: str
    starts_at: int
    ends_at: int
    all_day: bool
    status: str
    calendar: str
    color: str = ""
    repeats: bool = False
    timezone: str = ""
    calendar_id: int | None = None

    @property
    def starts(self) -> datetime:
        return datetime.fromtimestamp(self.starts_at, UTC)

    @property
    def ends(self) -> datetime:
        return datetime.fromtimestamp(self.ends_at, UTC)


_COLUMNS = (
    *OCCURRENCE_COLUMNS,
    Event.status,
    Event.source,
    Event.calendar_id,
    Calendar.name.label("calendar_name"),
    Calendar.display_name.label("calendar_title"),
    Calendar.color,
)


def occurrences_in_range(session: Session, start: int, end: int) -> list[Occurrence]:
    """Occurrences that overlap [start, end), by start time then summary.

    An all-day event is kept by its UTC day, which the caller's range should
    widen to by a day on each side when it is in local time.
    """
    single = and_(
        or_(Event.rrule == "", Event.recurrence_id != ""),
        Event.rdates == "",
        Event.starts_at < end,
        Event.ends_at > start,
    )
    series = and_(
        or_(Event.rrule != "", Event.rdates != ""),
        Event.recurrence_id == "",
        Event.starts_at < end,
        or_(Event.last_ends_at.is_(None), Event.last_ends_at > start),
    )
    rows = session.execute(
        select(*_COLUMNS)
        .outerjoin(Calendar, Calendar.id == Event.calendar_id)
        .where(or_(single, series), Event.local_state != "deleted")
    ).all()
    replaced = replaced_occurrences(session, {r.uid for r in rows if is_series(r)})
    found: list[Occurrence] = []
    for row in rows:
        if row.status == "cancelled":
            continue
        if not is_series(row):
            found.append(_occurrence(row, row.starts_at, row.recurrence_id))
            continue
        length = row.ends_at - row.starts_at
        skip = replaced.get(row.uid, set())
        for begin in series_starts(row, start - length + 1, MAX_PER_SERIES, before=end):
            key = occurrence_key(row, begin)
            if key not in skip:
                found.append(_occurrence(row, begin, key))
    found.sort(key=lambda o: (o.starts_at, not o.all_day, o.summary))
    return found


def _occurrence(row: Any, begin: int, key: str) -> Occurrence:
    return Occurrence(
        event_id=row.id,
        uid=row.uid,
        recurrence=key,
        summary=row.summary,
        location=row.location,
        starts_at=begin,
        ends_at=begin + max(0, row.ends_at - row.starts_at),
        all_day=bool(row.all_day),
        status=row.status,
        calendar=row.calendar_name or (INVITATIONS if row.source == "mail" else LOCAL),
        color=row.color or "",
        calendar_id=row.calendar_id,
        repeats=is_series(row) or bool(row.recurrence_id),
        timezone=row.timezone,
    )

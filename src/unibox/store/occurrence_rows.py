"""Reading an event row's occurrences: its columns, its series' starts, the ones moved out.

The calendar view (calendar_range), the meeting lists (events, next_meetings)
and reminders all read event rows the same way: a row is a series when it
repeats (by RRULE or RDATE) and is not itself one changed occurrence; a
series is expanded at read time (core.calendar, bounded); and an occurrence
with a row of its own (a recurrence_id) replaces the series' one it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from unibox.core.calendar import occurrence_starts, recurrence_key
from unibox.store.schema_events import Event

# What expanding a row needs, and what every reader shows of it.
OCCURRENCE_COLUMNS = (
    Event.id,
    Event.uid,
    Event.recurrence_id,
    Event.summary,
    Event.location,
    Event.starts_at,
    Event.ends_at,
    Event.all_day,
    Event.timezone,
    Event.rrule,
    Event.exdates,
    Event.rdates,
)


def is_series(row: Any) -> bool:
    """A row that repeats (by RRULE or RDATE), not one changed occurrence of a series."""
    return bool((row.rrule or row.rdates) and not row.recurrence_id)


def stamps(text: str) -> list[int]:
    """The UTC seconds of a space-separated column (exdates, rdates)."""
    return [int(x) for x in text.split()]


def series_starts(row: Any, after: int, limit: int, *, before: int | None = None) -> list[int]:
    """Starts of the row's first `limit` occurrences starting at or after `after`."""
    return occurrence_starts(
        row.starts_at,
        bool(row.all_day),
        row.timezone,
        row.rrule,
        stamps(row.exdates),
        after,
        limit,
        rdates=stamps(row.rdates),
        before=before,
    )


def occurrence_key(row: Any, start: int) -> str:
    """The RECURRENCE-ID that names the row's occurrence starting at `start`."""
    when = datetime.fromtimestamp(start, UTC)
    return recurrence_key(when.date() if row.all_day else when)


def replaced_occurrences(session: Session, uids: Iterable[str]) -> dict[str, set[str]]:
    """Per series, the occurrences that have a row of their own (moved or cancelled)."""
    wanted = set(uids)
    if not wanted:
        return {}
    found: dict[str, set[str]] = {}
    for uid, rid in session.execute(
        select(Event.uid, Event.recurrence_id).where(
            and_(Event.uid.in_(wanted), Event.recurrence_id != "")
        )
    ):
        found.setdefault(uid, set()).add(rid)
    return found


def moved_occurrences(session: Session, uid: str) -> set[str]:
    """One series' occurrences that have a row of their own."""
    return set(
        session.scalars(
            select(Event.recurrence_id).where(Event.uid == uid, Event.recurrence_id != "")
        )
    )

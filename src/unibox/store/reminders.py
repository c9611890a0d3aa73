"""Which reminders are due, when the next one is, and which were shown already.

An event's alarms (core.reminders tokens in `event.alarms`) fire for each of
its occurrences, repeating ones expanded as the views do (core.calendar).
A reminder is due from its time until GRACE later, and only while its
occurrence has not ended: one missed while unibox was closed still shows when
it opens soon after, but nothing is said about meetings long past. Each shown
reminder is remembered (`reminder_fired`), so none shows twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from unibox.core.reminders import Reminder, fire_time, lead, reminder_key
from unibox.store.occurrence_rows import (
    OCCURRENCE_COLUMNS,
    is_series,
    occurrence_key,
    series_starts,
)
from unibox.store.schema_events import Event, ReminderFired
from unibox.store.store import Store

GRACE = 3600  # a reminder missed by up to an hour still shows
HORIZON = 86_400  # how far ahead the next reminder is looked for
KEEP_FIRED = 60 * 86_400  # fired marks older than this are forgotten
MAX_PER_SERIES = 50


def _rows(session: Session, since: int) -> list[Any]:
    return list(
        session.execute(
            select(*OCCURRENCE_COLUMNS, Event.alarms).where(
                Event.alarms != "",
                Event.status != "cancelled",
                Event.local_state != "deleted",
                or_(Event.last_ends_at.is_(None), Event.last_ends_at >= since),
            )
        )
    )


def _occurrences(row: Any, after: int, before: int, moved: set[str]) -> Iterator[int]:
    """Starts of the row's occurrences starting in [after, before)."""
    if not is_series(row):
        if after <= row.starts_at < before:
            yield row.starts_at
        return
    for start in series_starts(row, after, MAX_PER_SERIES, before=before):
        if occurrence_key(row, start) not in moved:
            yield start


def _moved(rows: Iterable[Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in rows:
        if row.recurrence_id:
            found.setdefault(row.uid, set()).add(row.recurrence_id)
    return found


def reminders_between(session: Session, since: int, until: int) -> list[Reminder]:
    """Every reminder firing in [since, until) whose occurrence has not ended by `since`."""
    rows = _rows(session, since)
    moved = _moved(rows)
    found: list[Reminder] = []
    for row in rows:
        length = row.ends_at - row.starts_at
        for token in row.alarms.split():
            if token.startswith("@"):
                fires = fire_time(token, row.starts_at, row.ends_at)
                if fires is not None and since <= fires < until and row.ends_at > since:
                    key = reminder_key(row.uid, row.starts_at, token)
                    found.append(_reminder(key, row, row.starts_at, fires))
                continue
            # Occurrences whose alarm falls in the window: start = fire time + lead
            # (less the length for an alarm relative to the end).
            ahead = lead(token) - (length if token.startswith("E") else 0)
            after, before = since + ahead, until + ahead
            for start in _occurrences(row, after, before, moved.get(row.uid, set())):
                fires = fire_time(token, start, start + length)
                if fires is None or not since <= fires < until or start + length <= since:
                    continue
                found.append(_reminder(reminder_key(row.uid, start, token), row, start, fires))
    found.sort(key=lambda r: (r.fires_at, r.summary))
    return found


def _reminder(key: str, row: Any, start: int, fires: int) -> Reminder:
    return Reminder(key, row.id, row.summary, row.location, start, fires, bool(row.all_day))


def due_reminders(session: Session, now: int) -> list[Reminder]:
    """The reminders to show now: due within GRACE, not shown before."""
    found = reminders_between(session, now - GRACE, now + 1)
    if not found:
        return []
    fired = set(
        session.scalars(
            select(ReminderFired.key).where(ReminderFired.key.in_([r.key for r in found]))
        )
    )
    return [r for r in found if r.key not in fired]


def next_reminder_at(session: Session, now: int) -> int | None:
    """When the next reminder after `now` fires (within HORIZON), None if none does."""
    upcoming = reminders_between(session, now + 1, now + HORIZON)
    return upcoming[0].fires_at if upcoming else None


def mark_fired(session: Session, keys: Iterable[str], now: int) -> None:
    """Remember reminders as shown; forget marks old enough not to matter."""
    wanted = set(keys)
    known = set(session.scalars(select(ReminderFired.key).where(ReminderFired.key.in_(wanted))))
    session.add_all(ReminderFired(key=k, fired_at=now) for k in wanted - known)
    session.execute(delete(ReminderFired).where(ReminderFired.fired_at < now - KEEP_FIRED))


def take_due_reminders(store: Store, now: int) -> list[Reminder]:
    """The reminders to show now, marked shown in the same write: each is given out once."""
    with store.write() as s:
        due = due_reminders(s, now)
        if due:
            mark_fired(s, [r.key for r in due], now)
    return due

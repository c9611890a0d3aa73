"""Where occurrences go on the grids: local days, side-by-side columns, all-day lanes.

No Qt here: plain arithmetic on Occurrence rows, shared by the day, week and
month views and the agenda. Times are shown in the local time zone; an all-day
event keeps its own dates (stored as UTC midnights) wherever the user is.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from unibox.store.calendar_range import Occurrence


def local(stamp: int) -> datetime:
    """The local wall-clock time (naive: astimezone() costs a zone lookup per call)."""
    return datetime.fromtimestamp(stamp)


@functools.lru_cache(maxsize=65536)
def _days(starts_at: int, ends_at: int, all_day: bool) -> tuple[date, date]:
    if all_day:
        first = datetime.fromtimestamp(starts_at, UTC).date()
        end = datetime.fromtimestamp(max(ends_at, starts_at + 86400), UTC).date()
        return first, end - timedelta(days=1)
    first = local(starts_at).date()
    end = local(max(ends_at, starts_at))
    day = end.date()
    if ends_at > starts_at and end.time() == datetime.min.time():
        day -= timedelta(days=1)
    return first, max(day, first)


def first_day(o: Occurrence) -> date:
    return _days(o.starts_at, o.ends_at, o.all_day)[0]


def last_day(o: Occurrence) -> date:
    """The last day the occurrence shows on (an end at midnight belongs to the day before)."""
    return _days(o.starts_at, o.ends_at, o.all_day)[1]


def spans_days(o: Occurrence) -> bool:
    """Drawn in the all-day strip: all-day, or longer than the day it starts on."""
    return o.all_day or last_day(o) > first_day(o)


def day_start(day: date) -> int:
    return int(datetime.combine(day, datetime.min.time()).timestamp())


def at_minute(day: date, minutes: int) -> int:
    """UTC seconds of a local wall-clock minute of a day (right across a DST change)."""
    when = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
    return int(when.timestamp())


def range_of(days: Sequence[date]) -> tuple[int, int]:
    """UTC seconds around the local days, a day wider each side for all-day dates."""
    return day_start(days[0] - timedelta(days=1)), day_start(days[-1] + timedelta(days=2))


@dataclass(frozen=True, slots=True)
class Placed:
    """An occurrence in a day column: its column among those it overlaps, of how many."""

    occurrence: Occurrence
    top: float  # minutes after midnight
    bottom: float
    column: int
    columns: int


MIN_MINUTES = 20  # a short meeting is drawn at least this tall, and overlaps as drawn


def place_day(occurrences: Sequence[Occurrence], day: date) -> list[Placed]:
    """Timed occurrences of one day, side by side where they overlap (as Thunderbird does).

    Occurrences that overlap, directly or through one another, form a cluster
    sharing its width; each takes the first column free at its start.
    """
    start = day_start(day)
    end = day_start(day + timedelta(days=1))
    spans = []
    for o in occurrences:
        if spans_days(o) or first_day(o) != day:
            continue
        top = (o.starts_at - start) / 60
        bottom = min((min(o.ends_at, end) - start) / 60, (end - start) / 60)
        spans.append((top, max(bottom, top + MIN_MINUTES), o))
    spans.sort(key=lambda s: (s[0], -s[1], s[2].summary))
    placed: list[Placed] = []
    cluster: list[tuple[float, float, Occurrence, int]] = []
    reach = -1.0

    def flush() -> None:
        width = max((c[3] for c in cluster), default=-1) + 1
        placed.extend(Placed(o, t, b, col, width) for t, b, o, col in cluster)
        cluster.clear()

    for top, bottom, o in spans:
        if top >= reach:
            flush()
        taken = {col for t, b, _o, col in cluster if b > top}
        col = next(c for c in range(len(cluster) + 1) if c not in taken)
        cluster.append((top, bottom, o, col))
        reach = max(reach, bottom)
    flush()
    return placed


@dataclass(frozen=True, slots=True)
class Bar:
    """An all-day or multi-day occurrence across a row of days: from, to (inclusive), lane."""

    occurrence: Occurrence
    first: int  # index of its first day in the row
    last: int
    lane: int


def place_bars(occurrences: Sequence[Occurrence], days: Sequence[date]) -> list[Bar]:
    """Bars for the occurrences that span days in the row (the all-day strip)."""
    return _lanes([o for o in occurrences if spans_days(o)], days)


def place_month_row(occurrences: Sequence[Occurrence], days: Sequence[date]) -> list[Bar]:
    """Every occurrence in a week of the month view: multi-day ones first, as bars."""
    long = [o for o in occurrences if spans_days(o)]
    short = [o for o in occurrences if not spans_days(o)]
    return _lanes(long + short, days)


def _lanes(occurrences: Sequence[Occurrence], days: Sequence[date]) -> list[Bar]:
    if not days:
        return []
    first, last = days[0], days[-1]
    used: list[set[int]] = []
    bars = []
    for o in occurrences:
        a, b = first_day(o), last_day(o)
        if b < first or a > last:
            continue
        i = (max(a, first) - first).days
        j = (min(b, last) - first).days
        cells = set(range(i, j + 1))
        lane = next((n for n, taken in enumerate(used) if not taken & cells), len(used))
        if lane == len(used):
            used.append(set())
        used[lane] |= cells
        bars.append(Bar(o, i, j, lane))
    return bars


def week_days(anchor: date, first_weekday: int = 0) -> list[date]:
    """The seven days of the week holding `anchor` (weeks start on `first_weekday`, 0 Monday)."""
    start = anchor - timedelta(days=(anchor.weekday() - first_weekday) % 7)
    return [start + timedelta(days=n) for n in range(7)]


def month_days(anchor: date, first_weekday: int = 0) -> list[date]:
    """Six weeks covering the month of `anchor`, from the start of its first week."""
    start = week_days(anchor.replace(day=1), first_weekday)[0]
    return [start + timedelta(days=n) for n in range(42)]

"""Skipping ahead in a repeating series: a later start that gives the same occurrences.

Walking a weekly meeting from five years ago to this week costs 260 steps of
dateutil per series, and a calendar view reads hundreds of series at once. A
rule without COUNT repeats the same pattern every INTERVAL periods, so the
series' start can be moved forward by whole periods (in the zone it was written
in, keeping its wall-clock time) and the rule read from there: it gives the
same occurrences from that point on. Implicit parts of the rule (the weekday,
day of month or month of the original start) are written out first, so the
moved start does not change them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}
_DAY_PARTS = ("BYMONTHDAY", "BYDAY", "BYYEARDAY", "BYWEEKNO")


def _parts(rrule: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for piece in rrule.split(";"):
        name, _, value = piece.partition("=")
        if name:
            found[name.strip().upper()] = value.strip()
    return found


def skip_ahead(rrule: str, start: datetime, after: datetime) -> tuple[str, datetime]:
    """The rule and a start at most `after`, giving the same occurrences from there on.

    `start` and `after` are aware datetimes in the series' zone. A rule that
    cannot be moved safely (COUNT, or a frequency finer than a day) comes back
    as it was.
    """
    parts = _parts(rrule)
    freq = parts.get("FREQ", "")
    if "COUNT" in parts or after <= start:
        return rrule, start
    try:
        interval = max(1, int(parts.get("INTERVAL", "1") or 1))
    except ValueError:
        return rrule, start
    if freq in _PERIOD_DAYS:
        step = _PERIOD_DAYS[freq] * interval
        # One period of margin: occurrences early in the moved start's period are kept.
        periods = (after.date() - start.date()).days // step - 1
        if periods <= 0:
            return rrule, start
        moved = (start.replace(tzinfo=None) + timedelta(days=periods * step)).replace(
            tzinfo=start.tzinfo
        )
        return rrule, moved
    if freq not in ("MONTHLY", "YEARLY"):
        return rrule, start
    months = (after.year - start.year) * 12 + after.month - start.month
    unit = interval if freq == "MONTHLY" else 12 * interval
    periods = months // unit - 1
    if periods <= 0:
        return rrule, start
    extra = []
    if not any(p in parts for p in _DAY_PARTS):
        extra.append(f"BYMONTHDAY={start.day}")
    if freq == "YEARLY" and "BYMONTH" not in parts and not {"BYYEARDAY", "BYWEEKNO"} & set(parts):
        extra.append(f"BYMONTH={start.month}")
    total = start.month - 1 + periods * unit
    # The first of the month: every month has one, and the written-out parts keep the day.
    moved = start.replace(year=start.year + total // 12, month=total % 12 + 1, day=1)
    return ";".join([rrule.rstrip(";"), *extra]) if extra else rrule, moved

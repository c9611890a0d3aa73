"""People as text and JSON for the command line (no store, no Qt)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO


def jsonable(value: Any) -> Any:
    """Dataclasses, tuples, dicts and datetimes as JSON values; bytes are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not isinstance(getattr(value, f.name), bytes)
        }
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return None
    return value


def _day(when: datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d") if when else "—"


def person_line(r: Any) -> str:
    """One People row: id, last touch, open items, channels, name, handle, company."""
    open_items = f"{r.open_items} open" if r.open_items else ""
    company = f"  ({r.company})" if r.company else ""
    return (
        f"{r.id:>6}  {_day(r.last_touch):<10}  {open_items:<7}  {','.join(r.channels):<12}  "
        f"{r.display_name} <{r.handle}>{company}"
    )


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def print_record(record: Any, timeline: Sequence[Any], out: TextIO) -> None:
    """The person record as a person reads it in a terminal."""
    c, n = record.card, record.numbers
    w = out.write
    w(f"{record.display_name}  (person {record.id}{', you' if record.is_me else ''})\n")
    job = ", ".join(x for x in (c.title, c.company) if x)
    if job:
        w(f"  {job}\n")
    for h in record.handles:
        w(f"  {h.kind:<9} {h.value}\n")
    for label, value in (
        ("birthday", c.birthday),
        ("tags", ", ".join(c.tags)),
        ("web", ", ".join(c.urls)),
    ):
        if value:
            w(f"  {label:<9} {value}\n")
    for a in c.addresses:
        w(f"  {a.label or 'address':<9} {a.one_line()}\n")
    for label, value in c.custom:
        w(f"  {label[:9]:<9} {value}\n")
    w("\nPending\n")
    for t in record.open_tasks:
        w(f"  task {t.id}: {t.title} — {t.owner or 'you'}, due {_day(t.due)}\n")
    for x in record.awaiting_my_reply:
        w(f"  awaits your reply since {_day(x.since)}: {x.subject}\n")
    for x in record.awaiting_their_reply:
        w(f"  awaits their reply since {_day(x.since)}: {x.subject}\n")
    if record.next_meeting:
        w(f"  next meeting {_day(record.next_meeting.at)}: {record.next_meeting.text}\n")
    w("\nDone\n")
    for d in record.done:
        w(f"  {_day(d.at)} {d.kind} by {d.done_by or 'you'}: {d.text}\n")
    w("\nNumbers\n")
    channels = ", ".join(f"{k} {v}" for k, v in n.messages_by_channel.items()) or "none"
    w(f"  first contact {_day(n.first_contact)}, last {_day(n.last_contact)}")
    w(f", {n.days_since_last_touch if n.days_since_last_touch is not None else '—'} days ago\n")
    w(f"  messages: {channels} ({n.messages_from_them} from them, {n.messages_to_them} to them)\n")
    w(f"  median reply: you {_duration(n.my_median_response_seconds)}, ")
    w(f"they {_duration(n.their_median_response_seconds)}\n")
    for s in record.suggestions:
        other = s.other_name if s.person_id == record.id else s.person_name
        w(f"\nSuggestion {s.id}: the same person as {other}? {s.detail}\n")
    if timeline:
        w("\nLatest\n")
        for e in timeline:
            arrow = {"in": "←", "out": "→"}.get(e.direction, "•")
            where = f"{e.channel} via {e.via}" if getattr(e, "via", "") else e.channel
            w(f"  {_day(e.at)} {arrow} {where:<7} {e.title or e.snippet}\n")

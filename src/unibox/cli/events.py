"""`unibox events`: each occurrence of the stored events (invitations, local calendar).

Light to import: everything heavy is imported inside the handler.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from unibox.core.errors import UserError

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    ev = sub.add_parser("events", help="meetings, each occurrence, soonest first")
    ev.add_argument("--person", metavar="EMAIL_OR_ID", help="only meetings with this person")
    ev.add_argument("--from", dest="start", metavar="DATE", help="from this date or time (now)")
    ev.add_argument("--until", metavar="DATE", help="starting before this date or time")
    ev.add_argument("--limit", type=int, default=50)
    ev.add_argument("--cancelled", action="store_true", help="list cancelled ones too")
    ev.add_argument("--json", action="store_true")
    return {"events": _cmd_events}


def _when(text: str) -> int:
    """An ISO 8601 date or time; without a zone it is local time."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"“{text}” is not a date unibox understands (2026-11-23 or 2026-11-23T09:00)."
        ) from None
    return int((when if when.tzinfo is not None else when.astimezone()).timestamp())


def _cmd_events(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from unibox.cli.context import region, store_for
    from unibox.store.event_backfill import backfill_invitations
    from unibox.store.events import meeting_people, upcoming_meetings
    from unibox.store.person_edit import find_person
    from unibox.store.schema import Account, Handle

    if args.limit < 1:
        raise UserError("--limit must be at least 1.")
    start = _when(args.start) if args.start else int(time.time())
    until = _when(args.until) if args.until else None
    store = store_for(args)
    backfill_invitations(store)  # mail stored before events existed; quick once done
    with store.read() as s:
        handles = None
        if args.person:
            person = find_person(s, args.person, region(args))
            if person is None:
                raise UserError(f"Nobody is known as “{args.person}”.")
            handles = list(s.scalars(select(Handle.id).where(Handle.person_id == person)))
        meetings = upcoming_meetings(
            s,
            handle_ids=handles,
            now=start,
            limit=args.limit,
            until=until,
            cancelled=args.cancelled,
        )
        people = meeting_people(s, [m.event_id for m in meetings]) if args.json else {}
        mine = {e.lower() for e in s.scalars(select(Account.email)) if e}
    if args.json:
        rows = [_json(m, people.get(m.event_id, []), mine) for m in meetings]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not meetings:
        print("No upcoming meetings.")
    for m in meetings:
        print(_line(m))
    return 0


def _iso(when: datetime, all_day: bool, zone: str) -> str:
    """A date for an all-day event, else the time in the zone the event was written in."""
    if all_day:
        return when.date().isoformat()
    if zone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return when.astimezone(ZoneInfo(zone)).isoformat()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return when.isoformat()


def _json(m: Any, people: list[Any], mine: set[str]) -> dict[str, Any]:
    from unibox.store.event_files import CALENDAR_NAMES

    my_status = next((p.partstat for p in people if p.email.lower() in mine), "")
    return {
        "calendar": m.calendar or CALENDAR_NAMES.get(m.source, m.source),
        "uid": m.uid,
        "summary": m.summary,
        "location": m.location,
        "start": _iso(m.starts, m.all_day, m.timezone),
        "end": _iso(m.ends, m.all_day, m.timezone),
        "all_day": m.all_day,
        "status": m.status,
        "repeats": m.repeats,
        "organizer": {"name": m.organizer, "email": m.organizer_email},
        "attendees": [
            {
                "name": p.name,
                "email": p.email,
                "role": p.role,
                "status": p.partstat,
                "organizer": p.organizer,
            }
            for p in people
        ],
        "my_status": my_status,
        "message_id": m.message_id,
    }


def _line(m: Any) -> str:
    from unibox.services.meeting_format import meeting_when

    parts = [m.summary or "(no title)"]
    if m.location:
        parts.append(m.location)
    if m.organizer:
        parts.append(f"{m.organizer} ({m.attendees} people)")
    status = " [cancelled]" if m.status == "cancelled" else ""
    return f"{meeting_when(m)}  {' · '.join(parts)}{status}"

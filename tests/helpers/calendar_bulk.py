"""A large calendar for benchmarks: N events over five years, some of them repeating.

Written through the real .ics import path (store.event_files.import_events), so
the rows, handles and people are what a real calendar would give.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from unibox.core.items import Address, Attendee, CalendarEvent
from unibox.store.event_files import import_events
from unibox.store.store import Store

RULES = (
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
    "FREQ=MONTHLY;BYDAY=1TU",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=MONTHLY",
)
ZONES = ("", "Europe/Berlin", "America/New_York")


def person_email(n: int) -> str:
    return f"colleague{n}@bulk.example"


def bulk_events(
    now: datetime, events: int = 5000, repeating: int = 200, people: int = 300, seed: int = 7
) -> list[CalendarEvent]:
    """`events` events from 2.5 years before `now` to 2.5 years after; `repeating` repeat."""
    rng = random.Random(seed)
    first = (now - timedelta(days=913)).replace(hour=0, minute=0, second=0, microsecond=0)
    found = []
    for n in range(events):
        series = n < repeating
        day = first + timedelta(days=rng.randrange(60 if series else 1826))
        start = day.replace(hour=rng.randrange(8, 18), minute=rng.choice((0, 15, 30, 45)))
        length = rng.choice((15, 30, 30, 45, 60, 60, 90, 120))
        rule = rng.choice(RULES) if series else ""
        if series:
            until = (first + timedelta(days=1826)).strftime("%Y%m%dT%H%M%SZ")
            rule = f"{rule};UNTIL={until}"
        who = rng.sample(range(people), rng.randrange(1, 6))
        attendees = tuple(
            Attendee(Address(person_email(p), f"Colleague {p}"), partstat="accepted") for p in who
        )
        found.append(
            CalendarEvent(
                uid=f"bulk-{n}@bulk.example",
                summary=f"{'Series' if series else 'Meeting'} {n}",
                location=rng.choice(("", "Room 2", "Video call")),
                starts_at=int(start.astimezone(UTC).timestamp()),
                ends_at=int(start.astimezone(UTC).timestamp()) + length * 60,
                timezone=rng.choice(ZONES) if series else "",
                rrule=rule,
                organizer=attendees[0].address,
                attendees=(
                    Attendee(attendees[0].address, "chair", "accepted", organizer=True),
                    *attendees[1:],
                ),
            )
        )
    return found


def fill_calendar(store: Store, now: datetime, **options: int) -> int:
    """Import the bulk calendar into `store`; how many events were added."""
    return import_events(store, bulk_events(now, **options)).added

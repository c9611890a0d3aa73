"""Generated calendar events: realistic VCALENDAR resources for benchmarks and tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

BERLIN = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)
PEOPLE = [f"person{n}@client{n % 40}.example" for n in range(300)]


def event_file(n: int, repeating: bool, rng: random.Random) -> str:
    start = datetime(2026, 1, 5, 8, tzinfo=UTC) + timedelta(
        days=rng.randrange(5 * 365), hours=rng.randrange(10)
    )
    if repeating:
        start = start.replace(year=2026, month=1 + n % 12, day=1 + n % 28)
    local = start.strftime("%Y%m%dT%H%M%S")
    end = (start + timedelta(minutes=rng.choice((30, 45, 60, 90)))).strftime("%Y%m%dT%H%M%S")
    who = rng.sample(PEOPLE, 3)
    lines = [
        "BEGIN:VEVENT",
        f"UID:bench-{n}@unibox.example",
        "DTSTAMP:20251201T000000Z",
        f"DTSTART;TZID=Europe/Berlin:{local}",
        f"DTEND;TZID=Europe/Berlin:{end}",
        f"SUMMARY:{'Weekly sync' if repeating else 'Meeting'} {n} with client {n % 40}",
        f"LOCATION:Room {n % 17}",
        f"DESCRIPTION:Agenda for meeting {n}: figures\\, next steps\\, questions.",
        f"ORGANIZER;CN=Person {who[0]}:mailto:{who[0]}",
        *(f"ATTENDEE;CN=Person {w};PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:{w}" for w in who),
    ]
    if repeating:
        until = (start + timedelta(days=5 * 365)).strftime("%Y%m%dT%H%M%SZ")
        lines.append(f"RRULE:FREQ=WEEKLY;UNTIL={until}")
    lines.append("END:VEVENT")
    body = "".join(f"{line}\r\n" for line in lines)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n{BERLIN}{body}END:VCALENDAR\r\n"
    )

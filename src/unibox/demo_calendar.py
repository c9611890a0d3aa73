"""The demo profile's calendars: Mira's work week with the people of the demo mail.

Repeating meetings (a weekly stand-up, a fortnightly review, a monthly
retainer call, one kept in Europe/Berlin time), an all-day holiday, a
three-day workshop, a moved occurrence, and single meetings around today,
all relative to `today` so the calendar is never empty.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from unibox.core.calendar import recurrence_key
from unibox.core.items import Address, Attendee, CalendarEvent, ChangeSet
from unibox.store.calendars import add_local_calendar
from unibox.store.event_files import import_events
from unibox.store.schema_events import Event
from unibox.store.store import Store

ZOE = Address("zoe.mueller@brightwave.example", "Zoë Müller")
HANNAH = Address("hannah@coworkhaus.example", "Hannah Becker")
TOMAS = Address("tomas@cafeteriasol.example", "Tomás García")
PRIYA = Address("priya@lumenhealth.example", "Priya Natarajan")
AOIFE = Address("aoife@greenleaf.example", "Aoife O'Brien")
SOREN = Address("soren@nordlys.example", "Søren Kjær")
YUKI = Address("yuki@tanaka-photo.example", "Yuki Tanaka")
MARCUS = Address("marcus@pixelforge.example", "Marcus Lee")
BERLIN = ZoneInfo("Europe/Berlin")


def _at(day: date, hour: int, minute: int = 0, zone: ZoneInfo | None = None) -> int:
    return int(datetime.combine(day, time(hour, minute), zone).astimezone(UTC).timestamp())


def _all_day(day: date) -> int:
    return int(datetime.combine(day, time(0), UTC).timestamp())


def _people(me: Address, *others: tuple[Address, str]) -> tuple[Attendee, ...]:
    return (
        Attendee(me, "chair", "accepted", organizer=True),
        *(Attendee(a, "req-participant", answer) for a, answer in others),
    )


def demo_events(me: Address, today: date) -> tuple[list[CalendarEvent], list[CalendarEvent]]:
    """(work, personal) events around `today`."""
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=10)

    def ev(uid: str, summary: str, begin: int, minutes: int, **more: object) -> CalendarEvent:
        return CalendarEvent(
            uid=f"{uid}@demo.unibox",
            summary=summary,
            starts_at=begin,
            ends_at=begin + minutes * 60,
            organizer=me,
            **more,  # type: ignore[arg-type]
        )

    standup_day = start + timedelta(days=1)  # Tuesdays
    standup = ev(
        "standup", "Brightwave stand-up", _at(standup_day, 9, 30), 15,
        rrule="FREQ=WEEKLY;BYDAY=TU,TH", location="Video call",
        attendees=_people(me, (ZOE, "accepted"), (MARCUS, "accepted")),
    )  # fmt: skip
    this_thursday = monday + timedelta(days=3)
    moved = ev(
        "standup", "Brightwave stand-up (later today)", _at(this_thursday, 11, 0), 15,
        recurrence_id=recurrence_key(datetime.fromtimestamp(_at(this_thursday, 9, 30), UTC)),
        location="Video call", sequence=1,
        attendees=_people(me, (ZOE, "accepted"), (MARCUS, "tentative")),
    )  # fmt: skip
    berlin = ev(
        "coworkhaus", "Coworkhaus planning (Berlin time)", _at(start, 9, 0, BERLIN), 60,
        rrule="FREQ=WEEKLY;BYDAY=MO", timezone="Europe/Berlin", location="Coworkhaus, Berlin",
        attendees=_people(me, (HANNAH, "accepted")),
    )  # fmt: skip
    review = ev(
        "review", "Lumen Health design review", _at(start + timedelta(days=2), 14, 0), 60,
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", location="Lumen office, room 4",
        attendees=_people(me, (PRIYA, "accepted"), (YUKI, "needs-action")),
    )  # fmt: skip
    retainer = ev(
        "retainer", "Greenleaf monthly retainer call", _at(start, 16, 0), 45,
        rrule="FREQ=MONTHLY;BYDAY=1FR", location="Phone",
        attendees=_people(me, (AOIFE, "accepted")),
    )  # fmt: skip
    workshop_day = monday + timedelta(days=8)
    workshop = ev(
        "workshop", "Nordlys brand workshop", _all_day(workshop_day), 3 * 24 * 60,
        all_day=True, location="Nordlys studio, Copenhagen",
        attendees=_people(me, (SOREN, "accepted"), (ZOE, "declined")),
    )  # fmt: skip
    singles = [
        ev("tomas-menu", "Menu photos with Tomás", _at(today, 11, 0), 90,
           location="Cafetería Sol", attendees=_people(me, (TOMAS, "accepted"))),
        ev("priya-lunch", "Lunch with Priya", _at(today, 12, 30), 60,
           attendees=_people(me, (PRIYA, "tentative"))),
        ev("overlap", "Invoice check with Marcus", _at(today, 11, 30), 30,
           attendees=_people(me, (MARCUS, "needs-action"))),
        ev("yuki-shoot", "Shoot planning with Yuki", _at(today + timedelta(days=1), 15, 0), 60,
           attendees=_people(me, (YUKI, "accepted"))),
        ev("soren-call", "Call with Søren", _at(today - timedelta(days=2), 10, 0), 30,
           attendees=_people(me, (SOREN, "accepted"))),
        ev("hannah-desk", "Desk renewal with Hannah", _at(today + timedelta(days=4), 10, 0), 30,
           attendees=_people(me, (HANNAH, "accepted"))),
    ]  # fmt: skip
    personal = [
        ev("holiday", "Public holiday", _all_day(monday + timedelta(days=18)), 24 * 60,
           all_day=True),
        ev("yoga", "Yoga", _at(start, 18, 30), 60, rrule="FREQ=WEEKLY;BYDAY=MO,WE",
           location="Studio Om"),
        ev("dentist", "Dentist", _at(today + timedelta(days=2), 8, 15), 45,
           location="Dr. Weiss"),
    ]  # fmt: skip
    work = [standup, moved, berlin, review, retainer, workshop, *singles]
    return work, personal


def add_demo_calendar(store: Store, me: Address, today: date | None = None) -> ChangeSet:
    """Two local calendars, Work and Personal, with their events."""
    work, personal = demo_events(me, today or date.today())
    changes = ChangeSet()
    for name, colour, events in (("Work", "#3b7be0", work), ("Personal", "#d9822b", personal)):
        with store.write() as s:
            calendar = add_local_calendar(s, name, colour)
        changes.merge(import_events(store, events).changes)
        with store.write() as s:
            s.execute(
                update(Event)
                .where(Event.uid.in_([e.uid for e in events]))
                .values(calendar_id=calendar.id)
            )
    return changes

"""The quick reader of plain VEVENTs gives exactly what the careful one gives, or None."""

from __future__ import annotations

import random

import pytest

from tests.helpers.calgen import event_file
from unibox.core.ics import read_ics
from unibox.core.ics_quick import quick_events

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
TAIL = "END:VCALENDAR\r\n"


def _cal(*bodies: str) -> str:
    events = "".join(
        "BEGIN:VEVENT\r\nUID:u1@x\r\nDTSTAMP:20261101T000000Z\r\n" + b + "END:VEVENT\r\n"
        for b in bodies
    )
    return HEAD + events + TAIL


PLAIN = [
    _cal("DTSTART:20261210T100000Z\r\nDTEND:20261210T110000Z\r\nSUMMARY:Kickoff\r\n"),
    _cal("DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Holidays\r\n"),
    _cal("DTSTART:20261224\r\nSUMMARY:One day\r\n"),
    _cal(
        "DTSTART;TZID=Europe/Berlin:20270301T090000\r\nDTEND;TZID=Europe/Berlin:20270301T091500\r\n"
        "RRULE:BYDAY=MO;FREQ=WEEKLY;UNTIL=20270601T070000Z\r\n"
        "EXDATE;TZID=Europe/Berlin:20270308T090000,20270322T090000\r\n"
        "RDATE;TZID=Europe/Berlin:20270304T090000\r\nSUMMARY:Standup\r\nSEQUENCE:3\r\n",
        "DTSTART;TZID=Europe/Berlin:20270315T110000\r\nDTEND;TZID=Europe/Berlin:20270315T1115"
        "00\r\nRECURRENCE-ID;TZID=Europe/Berlin:20270315T090000\r\nSUMMARY:Standup (late)\r\n",
    ),
    _cal(
        "DTSTART:20261210T100000Z\r\nSUMMARY:Review\\, with notes\\; and \\\\ more\\nlines\r\n"
        "LOCATION:Room 1\r\n  (west wing)\r\nSTATUS:TENTATIVE\r\n"
        'ORGANIZER;CN="Müller, Zoë":mailto:zoe@x.example\r\n'
        'ATTENDEE;CN="Müller, Zoë";PARTSTAT=ACCEPTED:mailto:zoe@x.example\r\n'
        "ATTENDEE;CN=Ann;ROLE=OPT-PARTICIPANT;RSVP=TRUE:mailto:Ann@Y.example\r\n"
        "ATTENDEE;CN=Ann again:mailto:ann@y.example\r\nATTENDEE:mailto:no-at-sign\r\n"
        "X-ALT-DESC;FMTTYPE=text/html:<b>hi</b>\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nSUMMARY:ignored\r\nEND:VALARM\r\n"
        "BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;RELATED=END:P1DT2H\r\nEND:VALARM\r\n"
        "BEGIN:VALARM\r\nACTION:EMAIL\r\nTRIGGER:-P1W\r\nEND:VALARM\r\n"
        "BEGIN:VALARM\r\nTRIGGER;VALUE=DATE-TIME:20261210T090000Z\r\nEND:VALARM\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
    ),
    _cal("DTSTART:20261210T100000Z\r\nSTATUS:CANCELLED\r\nRRULE:FREQ=DAILY;COUNT=3\r\n"),
    _cal("DTSTART:20261210T100000Z\r\nDTEND:20261201T100000Z\r\nEXDATE;VALUE=DATE:20261211\r\n"),
    *(event_file(n, n % 2 == 0, random.Random(n)) for n in range(6)),
]
CAREFUL = [
    _cal("DTSTART:20261210T100000\r\nSUMMARY:floating\r\n"),
    _cal("DTSTART;TZID=W. Europe Standard Time:20261210T100000\r\n"),
    _cal("DTSTART;TZID=Mars/Olympus:20261210T100000\r\n"),
    _cal("DTSTART:20261210T100000Z\r\nDURATION:PT1H\r\n"),
    _cal("DTSTART:20261210T100000Z\r\nRDATE;VALUE=PERIOD:20261211T100000Z/PT1H\r\n"),
    _cal("DTSTART:20261210T100000Z\r\nRRULE:FREQ=WEEKLY;INTERVAL=0\r\n"),
    _cal("DTSTART:20261210T100000Z\r\nRRULE:FREQ=WEEKLY\r\nRRULE:FREQ=DAILY\r\n"),
    _cal("SUMMARY:no start\r\n"),
    _cal("DTSTART:garbage\r\n"),
    HEAD + "BEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\n" + TAIL,
    HEAD + "BEGIN:VEVENT\r\nUID:u\r\nDTSTART:20261210T100000Z\r\n" + TAIL,  # not closed
]


@pytest.mark.parametrize("text", PLAIN)
def test_a_plain_event_reads_as_the_careful_reader_reads_it(text: str) -> None:
    careful = read_ics(text.encode())
    assert careful.events and not careful.skipped and not careful.notes
    assert quick_events(text) == careful.events


def test_the_alarms_are_read_too() -> None:
    (event,) = quick_events(PLAIN[4]) or []
    assert event.alarms == ("S-900", "E93600", "@1796893200")


@pytest.mark.parametrize("text", CAREFUL)
def test_anything_less_plain_is_left_to_the_careful_reader(text: str) -> None:
    assert quick_events(text) is None

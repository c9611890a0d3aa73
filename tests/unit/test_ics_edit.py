"""Editing a server's VCALENDAR: only what unibox models changes; the rest stays."""

from __future__ import annotations

import dataclasses

from unibox.core.ics import read_ics
from unibox.core.ics_edit import conflict_copy, edited_ics

RAW = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261210T100000Z\r\n"
    "DTEND:20261210T110000Z\r\nSUMMARY:Kickoff\r\nDESCRIPTION:Bring the slides\r\n"
    "X-OTHER:kept\r\nATTENDEE;CN=Ann;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:ann@example.org\r\n"
    "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:soon\r\nEND:VALARM\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_an_edit_changes_the_modelled_fields_and_keeps_the_rest() -> None:
    (event,) = read_ics(RAW.encode()).events
    ann = dataclasses.replace(event.attendees[0], partstat="accepted")
    moved = dataclasses.replace(
        event,
        summary="Kickoff at Acme",
        starts_at=event.starts_at + 3600,
        ends_at=event.ends_at + 3600,
        attendees=(ann,),
    )
    text = edited_ics(RAW, [moved])
    (back,) = read_ics(text.encode()).events
    assert (back.summary, back.starts_at, back.attendees[0].partstat) == (
        "Kickoff at Acme",
        event.starts_at + 3600,
        "accepted",
    )
    unfolded = text.replace("\r\n ", "")
    for kept in ("DESCRIPTION:Bring the slides", "X-OTHER:kept", "BEGIN:VALARM", "RSVP=TRUE"):
        assert kept in unfolded
    assert "METHOD" not in text  # a calendar resource carries no iTIP method


def test_a_removed_occurrence_goes_and_a_new_one_is_added() -> None:
    (event,) = read_ics(RAW.encode()).events
    extra = dataclasses.replace(event, recurrence_id="20261217T100000Z", summary="Moved one")
    text = edited_ics(RAW, [extra], removed=[""])
    assert [e.summary for e in read_ics(text.encode()).events] == ["Moved one"]


def test_a_conflict_copy_is_the_same_event_under_another_uid() -> None:
    copy = read_ics(conflict_copy(RAW, "u2").encode())
    assert [(e.uid, e.summary) for e in copy.events] == [("u2", "Kickoff (conflict copy)")]


def test_a_rule_that_cannot_repeat_is_reported_and_skipped() -> None:
    bad = RAW.replace("SUMMARY:Kickoff", "RRULE:FREQ=WEEKLY;INTERVAL=0\r\nSUMMARY:Kickoff")
    read = read_ics(bad.encode())
    assert read.events == [] and "INTERVAL" in read.skipped[0].reason
    fine = RAW.replace("SUMMARY:Kickoff", "RRULE:FREQ=WEEKLY;INTERVAL=02\r\nSUMMARY:Kickoff")
    assert len(read_ics(fine.encode()).events) == 1


def test_a_rule_until_a_utc_time_is_kept_for_an_event_in_a_zone() -> None:
    zoned = RAW.replace("DTSTART:20261210T100000Z", "DTSTART;TZID=Europe/Berlin:20261210T100000")
    weekly = zoned.replace(
        "SUMMARY:Kickoff", "RRULE:FREQ=WEEKLY;UNTIL=20270310T090000Z\r\nSUMMARY:Kickoff"
    )
    (event,) = read_ics(weekly.encode()).events
    assert event.rrule == "FREQ=WEEKLY;UNTIL=20270310T090000Z"


def test_reminders_changed_here_replace_the_old_ones_and_unchanged_ones_stay() -> None:
    (event,) = read_ics(RAW.encode()).events
    assert event.alarms == ("S-900",)
    same = edited_ics(RAW, [dataclasses.replace(event, summary="Renamed")])
    assert "DESCRIPTION:soon" in same  # the alarm as the server had it
    moved = edited_ics(RAW, [dataclasses.replace(event, alarms=("S-3600",))])
    assert read_ics(moved.encode()).events[0].alarms == ("S-3600",)

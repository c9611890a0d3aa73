"""iTIP messages (RFC 5546) unibox sends: REPLY to an invitation, REQUEST and CANCEL as organizer.

Pure: a CalendarEvent in, the iCalendar bytes and the human text out. A
REPLY carries the event's UID, SEQUENCE and RECURRENCE-ID unchanged and only
our ATTENDEE line with its new PARTSTAT, as Thunderbird and Outlook send it;
the organizer's client matches it by UID and attendee address.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from unibox.core.items import Address, Attendee, CalendarEvent

ANSWERS = {"accept": "accepted", "tentative": "tentative", "decline": "declined"}
_VERB = {"accepted": "Accepted", "tentative": "Tentative", "declined": "Declined"}
_SENTENCE = {
    "accepted": "has accepted",
    "tentative": "may come (tentative) to",
    "declined": "has declined",
}


@dataclass(frozen=True, slots=True)
class ItipMessage:
    """What goes into the mail: subject, a text part, and the calendar part with its method."""

    method: str  # REPLY, REQUEST, CANCEL
    subject: str
    text: str
    ics: bytes


def partstat_for(answer: str) -> str:
    """accept|tentative|decline (or the PARTSTAT itself) as the PARTSTAT in lower case."""
    key = answer.strip().lower()
    if key in ANSWERS:
        return ANSWERS[key]
    if key in ANSWERS.values():
        return key
    raise ValueError(f"“{answer}” is not an answer: use accept, tentative or decline.")


def _calendar(method: str, events: list[CalendarEvent], description: str = "") -> bytes:
    from icalendar import Calendar

    from unibox.core.ics import _vevent as vevent

    cal = Calendar()
    cal.add("PRODID", "-//unibox//EN")
    cal.add("VERSION", "2.0")
    if method:
        cal.add("METHOD", method)
    for event in events:
        component = vevent(event)
        if description:
            component.add("DESCRIPTION", description)
        for attendee in event.attendees:
            if attendee.partstat == "needs-action" and method == "REQUEST":
                # Ask each attendee to answer (Thunderbird's RSVP=TRUE).
                _mark_rsvp(component, attendee.address.email)
        cal.add_component(component)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def _mark_rsvp(component: object, email: str) -> None:
    found = component.get("ATTENDEE")  # type: ignore[attr-defined]
    for item in found if isinstance(found, list) else [found]:
        if item is not None and str(item).lower() == f"mailto:{email.lower()}":
            item.params["RSVP"] = "TRUE"


def _when(event: CalendarEvent) -> str:
    start = datetime.fromtimestamp(event.starts_at, UTC)
    if event.all_day:
        return f"{start:%a %d %b %Y}"
    return f"{start.astimezone():%a %d %b %Y, %H:%M}"


def reply(event: CalendarEvent, me: Address, partstat: str, now: int) -> ItipMessage:
    """METHOD:REPLY for `event`: only our attendee line, with `partstat`."""
    if partstat not in _VERB:
        raise ValueError(f"not an answer: {partstat}")
    listed = next((a for a in event.attendees if a.address.email.lower() == me.email.lower()), None)
    name = (listed.address.name if listed else "") or me.name
    ours = Attendee(
        address=Address(me.email, name),
        role=listed.role if listed and listed.role else "req-participant",
        partstat=partstat,
    )
    answered = replace(event, stamp=now, attendees=(ours,))
    summary = event.summary or "(no title)"
    who = name or me.email
    text = f"{who} {_SENTENCE[partstat]} the meeting “{summary}” on {_when(event)}.\n"
    return ItipMessage(
        "REPLY", f"{_VERB[partstat]}: {summary}", text, _calendar("REPLY", [answered])
    )


def event_ics(event: CalendarEvent, description: str = "") -> bytes:
    """The event as a calendar resource (no METHOD): what a calendar keeps of it."""
    return _calendar("", [event], description)


def request(event: CalendarEvent, now: int, description: str = "") -> ItipMessage:
    """METHOD:REQUEST: the whole event, every attendee asked to answer."""
    summary = event.summary or "(no title)"
    lines = [f"You are invited to “{summary}”.", "", f"When: {_when(event)}"]
    if event.location:
        lines.append(f"Where: {event.location}")
    if event.organizer is not None:
        lines.append(f"Organizer: {event.organizer.name or event.organizer.email}")
    people = [a.address.name or a.address.email for a in event.attendees if not a.organizer]
    if people:
        lines.append(f"Invited: {', '.join(people)}")
    if description:
        lines += ["", description]
    subject = f"Invitation: {summary}" if event.sequence == 0 else f"Updated: {summary}"
    return ItipMessage(
        "REQUEST",
        subject,
        "\n".join(lines) + "\n",
        _calendar("REQUEST", [replace(event, stamp=now)], description),
    )


def cancel(event: CalendarEvent, now: int) -> ItipMessage:
    """METHOD:CANCEL: the event with STATUS:CANCELLED and a higher SEQUENCE, for every attendee."""
    summary = event.summary or "(no title)"
    cancelled = replace(event, stamp=now, status="cancelled")
    text = f"The meeting “{summary}” on {_when(event)} is cancelled.\n"
    return ItipMessage("CANCEL", f"Cancelled: {summary}", text, _calendar("CANCEL", [cancelled]))

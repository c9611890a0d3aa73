"""Acting on events, for the window and the command line: answer an invitation, create, delete.

Every action is one durable write (store.intent): the event as it now stands
and the iTIP mail that tells the others, queued in the outbox, commit together,
so a crash leaves both or neither and the mail goes exactly once. The sync
engine then sends the mail (`deliver_now` for one account at once). Moving or
editing an event is services.event_move; it can reuse `notify_attendees`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from unibox.core.address_list import parse_addresses
from unibox.core.errors import UserError
from unibox.core.header_safety import UnsafeHeaderError
from unibox.core.items import Address, Attendee, CalendarEvent, ChangeSet
from unibox.core.itip import cancel, event_ics, partstat_for, reply, request
from unibox.core.triage import Clock, utc_now
from unibox.services.event_times import check_rrule, local_zone_name
from unibox.services.itip_mail import build_itip, queue, sending_account, threading
from unibox.store import outbox
from unibox.store.accounts import AccountInfo
from unibox.store.calendars import default_calendar, get_calendar
from unibox.store.event_changes import delete_event, insert_event, mark_cancelled
from unibox.store.event_files import stored_events
from unibox.store.event_placement import place_in_calendar
from unibox.store.event_replies import find_event, last_reply, my_place, record_reply
from unibox.store.intent import intent_write
from unibox.store.outbox import OutboxItem
from unibox.store.schema_events import Event
from unibox.store.store import Store


@dataclass(frozen=True, slots=True)
class Answered:
    """What `respond` did: the answer now on the event, and the REPLY queued (None: unchanged)."""

    uid: str
    partstat: str
    item: OutboxItem | None
    account: AccountInfo | None
    calendar: str = ""  # the calendar the event is in now
    replaced: bool = False  # a REPLY still waiting with the earlier answer was withdrawn


def respond(
    store: Store,
    uid: str,
    answer: str,
    *,
    calendar: str | None = None,
    undo_seconds: int = 0,
    clock: Clock = utc_now,
) -> Answered:
    """Answer an invitation: our PARTSTAT on the event, and a REPLY to the organizer.

    The event goes into `calendar` (default: the default calendar) unless it
    is in one already; in a CalDAV calendar the sync then sends it there.

    The same answer twice sends nothing more; a different one sends a new
    REPLY, and withdraws the earlier one if it has not left yet.
    """
    try:
        partstat = partstat_for(answer)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with store.read() as s:
        ref = find_event(s, uid)
        place = my_place(s, ref.event_id)
        previous = last_reply(s, ref.event_id)
        (event,) = stored_events(s, Event.id == ref.event_id)
    if place is None:
        raise UserError(f"You are not among the people invited to “{event.summary or uid}”.")
    if place.organizer:
        raise UserError(f"You organize “{event.summary or uid}”; there is nobody to answer.")
    if event.organizer is None:
        raise UserError(f"The invitation “{event.summary or uid}” names no organizer to answer.")
    if ref.status == "cancelled":
        raise UserError(f"“{event.summary or uid}” was cancelled; there is nothing to answer.")
    gone = (outbox.FAILED, outbox.CANCELLED, "")
    # Said already, and the event still shows it (an update from the organizer resets
    # our answer to needs-action: then the same answer goes again, for the new version).
    said = previous is not None and previous.partstat == partstat
    if said and previous and place.partstat == partstat and previous.outbox_state not in gone:
        return Answered(ref.uid, partstat, None, None)
    account = sending_account(store, ref.message_id, place.email)
    now = clock()
    me = Address(place.email, place.name or account.display_name)
    message = reply(event, me, partstat, int(now.timestamp()))
    mail = build_itip(
        account,
        (event.organizer,),
        message,
        now=now,
        undo_seconds=undo_seconds,
        thread=threading(store, ref.message_id),
        reply_to_message_id=ref.message_id,
    )
    replaced = False
    with intent_write(store) as s:
        if previous is not None and previous.outbox_id is not None:
            waiting = outbox.get_item(s, previous.outbox_id)
            if waiting.state == outbox.QUEUED:
                outbox.cancel(s, previous.outbox_id)
                replaced = True
        outbox_id = queue(s, mail)
        record_reply(s, ref.event_id, place.handle_id, partstat, outbox_id, int(time.time()))
        placed = place_in_calendar(s, ref.uid, calendar)
        item = outbox.get_item(s, outbox_id)
    return Answered(ref.uid, partstat, item, account, placed.name, replaced)


@dataclass(frozen=True, slots=True)
class Created:
    """A new event: its UID, its calendar, and the invitations queued (None without attendees)."""

    uid: str
    calendar: str
    item: OutboxItem | None
    event_id: int = 0
    changes: ChangeSet = field(default_factory=ChangeSet)  # the people on it


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.astimezone()


def add(
    store: Store,
    *,
    summary: str,
    start: datetime,
    end: datetime,
    rrule: str = "",
    attendees: Sequence[str] = (),
    calendar: str | None = None,
    location: str = "",
    description: str = "",
    all_day: bool = False,
    timezone: str | None = None,
    undo_seconds: int = 0,
    clock: Clock = utc_now,
) -> Created:
    """A new event in `calendar` (default: the default one); with attendees we organize it
    and each gets an iTIP REQUEST by mail, as Thunderbird sends it."""
    start, end = _aware(start), _aware(end)
    if end < start:
        raise UserError("The event ends before it starts.")
    rule = check_rrule(rrule, start) if rrule.strip() else ""
    try:
        invited = parse_addresses(attendees, label="An attendee")
    except UnsafeHeaderError as exc:
        raise UserError(str(exc)) from None
    now = clock()
    account = sending_account(store) if invited else None
    organizer = Address(account.email, account.display_name) if account else None
    people: list[Attendee] = []
    if organizer is not None:
        people.append(Attendee(organizer, "chair", "accepted", organizer=True))
        mine = organizer.email.lower()
        people += [
            Attendee(a, "req-participant", "needs-action")
            for a in dict((a.email.lower(), a) for a in invited).values()
            if a.email.lower() != mine
        ]
    domain = account.email.rpartition("@")[2] if account else "unibox.invalid"
    event = CalendarEvent(
        uid=f"{uuid.uuid4()}@{domain or 'unibox.invalid'}",
        stamp=int(now.timestamp()),
        summary=summary.strip(),
        location=location.strip(),
        starts_at=int(start.timestamp()),
        ends_at=int(end.timestamp()),
        all_day=all_day,
        timezone="" if all_day else local_zone_name(start) if timezone is None else timezone,
        rrule=rule,
        organizer=organizer,
        attendees=tuple(people),
    )
    ics = event_ics(event, description.strip()).decode()
    mail = None
    if account is not None and len(people) > 1:
        message = request(event, int(now.timestamp()), description.strip())
        to = tuple(a.address for a in people if not a.organizer)
        mail = build_itip(account, to, message, now=now, undo_seconds=undo_seconds)
    with intent_write(store) as s:
        target = get_calendar(s, calendar) if calendar else default_calendar(s)
        if target.read_only:
            raise UserError(f"The calendar “{target.name}” is read-only.")
        event_id, changes = insert_event(s, event, target, ics)
        item = outbox.get_item(s, queue(s, mail)) if mail is not None else None
    return Created(event.uid, target.name, item, event_id, changes)


@dataclass(frozen=True, slots=True)
class Deleted:
    uid: str
    summary: str
    item: OutboxItem | None  # the CANCEL to the attendees, when we organized it


def notify_attendees(
    store: Store, event: CalendarEvent
) -> tuple[AccountInfo, tuple[Address, ...]] | None:
    """Who hears of a change we made as organizer (the attendees but us), and from where."""
    to = tuple(a.address for a in event.attendees if not a.organizer)
    if not to or event.organizer is None:
        return None
    return sending_account(store, None, event.organizer.email), to


def delete(store: Store, uid: str, *, undo_seconds: int = 0, clock: Clock = utc_now) -> Deleted:
    """Delete an event here and from its calendar's server; as organizer, cancel it for all."""
    with store.read() as s:
        ref = find_event(s, uid)
        place = my_place(s, ref.event_id)
        (event,) = stored_events(s, Event.id == ref.event_id)
    mail = None
    organizing = place is not None and place.organizer
    if organizing and ref.status != "cancelled":
        now = clock()
        called_off = replace(event, sequence=event.sequence + 1)
        message = cancel(called_off, int(now.timestamp()))
        found = notify_attendees(store, called_off)
        if found is not None:
            account, to = found
            mail = build_itip(account, to, message, now=now, undo_seconds=undo_seconds)
    with intent_write(store) as s:
        if mail is not None:
            mark_cancelled(s, ref.uid, event.sequence + 1, int(time.time()))
        delete_event(s, ref.uid)
        item = outbox.get_item(s, queue(s, mail)) if mail is not None else None
    return Deleted(ref.uid, event.summary, item)

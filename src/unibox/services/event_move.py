"""Move an event (or one occurrence of a repeating one) to a new time: the window's drag.

As organizer with people on it, the new time goes to them as an iTIP REQUEST
with the higher SEQUENCE (as Thunderbird sends a rescheduled meeting), queued
in the same durable write as the move.
"""

from __future__ import annotations

from dataclasses import dataclass

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.core.itip import request
from unibox.core.triage import Clock, utc_now
from unibox.services.event_actions import notify_attendees
from unibox.services.itip_mail import build_itip, queue
from unibox.store.event_files import stored_events
from unibox.store.event_moves import move_event
from unibox.store.event_replies import my_place
from unibox.store.intent import intent_write
from unibox.store.schema_events import Event
from unibox.store.store import Store


@dataclass(frozen=True, slots=True)
class Moved:
    """What a move did: who is on it (their records refresh), and who was told."""

    changes: ChangeSet
    told: int = 0  # attendees the update was mailed to
    untold: str = ""  # why the attendees could not be told, "" when they were or need not be


def move_occurrence(
    store: Store,
    event_id: int,
    recurrence: str,
    start: int,
    *,
    end: int | None = None,
    undo_seconds: int = 0,
    clock: Clock = utc_now,
) -> Moved:
    """Store the new time (durably) and mark it for the calendar's sync.

    `recurrence` names the occurrence of a repeating event ("" for a single
    one); moving it makes an exception (RECURRENCE-ID) and leaves the series.
    With `end`, it ends then (a resize); else it keeps its length.
    """
    now = clock()
    with intent_write(store) as s:
        target, changes = move_event(s, event_id, recurrence, start, int(now.timestamp()), end)
        place = my_place(s, target)
        if place is None or not place.organizer:
            return Moved(changes)
        (event,) = stored_events(s, Event.id == target)
        try:
            found = notify_attendees(store, event)
        except UserError as exc:  # no account can send: the move stands, said so
            return Moved(changes, untold=str(exc))
        if found is None:
            return Moved(changes)
        account, to = found
        message = request(event, int(now.timestamp()))
        queue(s, build_itip(account, to, message, now=now, undo_seconds=undo_seconds))
    return Moved(changes, told=len(to))

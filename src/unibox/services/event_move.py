"""Move an event (or one occurrence of a repeating one) to a new time: the window's drag."""

from __future__ import annotations

import time

from unibox.core.items import ChangeSet
from unibox.store.event_moves import move_event
from unibox.store.intent import intent_write
from unibox.store.store import Store


def move_occurrence(store: Store, event_id: int, recurrence: str, start: int) -> ChangeSet:
    """Store the new time (durably) and mark it for the calendar's sync; who is on it changed.

    `recurrence` names the occurrence of a repeating event ("" for a single
    one); moving it makes an exception (RECURRENCE-ID) and leaves the series.
    """
    with intent_write(store) as session:
        return move_event(session, event_id, recurrence, start, int(time.time()))

"""Acting on events, for the window and the command line: answer an invitation, create, delete.

Every action is one durable write (store.intent): the event as it now stands
and the iTIP mail that tells the others, queued in the outbox, commit together,
so a crash leaves both or neither and the mail goes exactly once. The sync
engine then sends the mail (`deliver_now` for one account at once).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, timedelta

from unibox.core.errors import UserError
from unibox.core.items import Address
from unibox.core.itip import ItipMessage, partstat_for, reply
from unibox.core.outgoing import Draft, build_message, make_message_id
from unibox.core.triage import Clock, utc_now
from unibox.store import outbox
from unibox.store.accounts import AccountInfo, list_accounts
from unibox.store.event_files import stored_events
from unibox.store.event_placement import place_in_calendar
from unibox.store.event_replies import find_event, last_reply, my_place, record_reply
from unibox.store.intent import intent_write
from unibox.store.outbox import OutboxItem
from unibox.store.schema import Message
from unibox.store.schema_events import Event
from unibox.store.store import Store

SENDING_KINDS = ("imap", "pop3")


@dataclass(frozen=True, slots=True)
class Answered:
    """What `respond` did: the answer now on the event, and the REPLY queued (None: unchanged)."""

    uid: str
    partstat: str
    item: OutboxItem | None
    account: AccountInfo | None
    calendar: str = ""  # the calendar the event is in now
    replaced: bool = False  # a REPLY still waiting with the earlier answer was withdrawn


def _sending_account(store: Store, message_id: int | None, address: str) -> AccountInfo:
    """The account the invitation came to, else the one with our invited address."""
    with store.read() as s:
        accounts = [a for a in list_accounts(s) if a.kind in SENDING_KINDS]
        came_to = s.get(Message, message_id) if message_id is not None else None
        account_id = came_to.account_id if came_to is not None else None
    for account in accounts:
        if account.id == account_id:
            return account
    for account in accounts:
        if account.email.lower() == address.lower():
            return account
    if accounts:
        return accounts[0]
    raise UserError("No mail account can send the answer; add one with “unibox account add-mail”.")


def _threading(store: Store, message_id: int | None) -> tuple[str, tuple[str, ...]]:
    """In-Reply-To and References under the invitation, when its source is stored."""
    if message_id is None:
        return "", ()
    from unibox.core.compose import thread_headers
    from unibox.services.mail import original_message

    try:
        _account, original, _raw = original_message(store, message_id)
    except UserError:
        return "", ()
    return thread_headers(original)


def itip_draft(
    account: AccountInfo,
    to: tuple[Address, ...],
    message: ItipMessage,
    threading: tuple[str, tuple[str, ...]] = ("", ()),
) -> Draft:
    """The mail carrying an iTIP message: human text plus the text/calendar part."""
    return Draft(
        from_=Address(account.email, account.display_name),
        to=to,
        subject=message.subject,
        text=message.text,
        calendar=(message.method, message.ics),
        in_reply_to=threading[0],
        references=threading[1],
    )


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
    if previous is not None and previous.partstat == partstat and previous.outbox_state not in gone:
        return Answered(ref.uid, partstat, None, None)
    account = _sending_account(store, ref.message_id, place.email)
    now = clock()
    me = Address(place.email, place.name or account.display_name)
    message = reply(event, me, partstat, int(now.timestamp()))
    draft = itip_draft(account, (event.organizer,), message, _threading(store, ref.message_id))
    when = now + timedelta(seconds=max(0, undo_seconds))
    built = build_message(
        draft, message_id=make_message_id(account.email, now), date=when.astimezone(UTC)
    )
    replaced = False
    with intent_write(store) as s:
        if previous is not None and previous.outbox_id is not None:
            waiting = outbox.get_item(s, previous.outbox_id)
            if waiting.state == outbox.QUEUED:
                outbox.cancel(s, previous.outbox_id)
                replaced = True
        outbox_id = outbox.enqueue(
            s,
            account_id=account.id,
            built=built,
            subject=draft.subject,
            send_at=int(when.timestamp()),
            now=int(now.timestamp()),
            reply_to_message_id=ref.message_id,
        )
        record_reply(s, ref.event_id, place.handle_id, partstat, outbox_id, int(time.time()))
        placed = place_in_calendar(s, ref.uid, calendar)
        item = outbox.get_item(s, outbox_id)
    return Answered(ref.uid, partstat, item, account, placed.name, replaced)

"""Two-way CalDAV sync of one calendar with its events in the store.

1. Ask the calendar for its ctag (its sync token when it has none);
   unchanged on both sides: done (one request).
2. List what changed since the stored sync token (sync-collection; all
   ETags when the server refuses the token; a first sync lists the ETags
   and asks for no token, which costs some servers much), fetch only new or changed
   resources (multiget), and apply them: the server's copy wins. One that
   was also changed here is a conflict: the server's copy is applied and
   ours kept as a new event titled "… (conflict copy)", which is sent too.
3. Send what changed here: PUT with If-Match (If-None-Match for a new
   event), DELETE with If-Match. 412 is a conflict as above (for a delete:
   the server's change stays, the deletion is dropped). A refusal (403,
   507) is reported for that calendar; the change stays here to retry or undo.
A resource that cannot be read (a malformed VEVENT, a broken RRULE, too
large) is reported and skipped; the rest of the calendar syncs. The network
is never touched inside a write transaction.
"""

from __future__ import annotations

import uuid

from unibox.channels.caldav import CalDavClient, Conflict, Gone, Rejected
from unibox.core.ics_edit import edited_ics, resource_uid
from unibox.store import calendar_remote as cr
from unibox.store import calendar_sync as cs
from unibox.store.calendars import CalendarInfo
from unibox.store.people import HandleResolver
from unibox.store.store import Store
from unibox.sync.calendar_pull import apply_fetched, pull_changes, resolver_for
from unibox.sync.calendar_report import MAX_EVENT_BYTES, CalendarSyncReport

__all__ = ["MAX_EVENT_BYTES", "CalendarSyncReport", "sync_calendar"]


def sync_calendar(store: Store, client: CalDavClient, cal: CalendarInfo) -> CalendarSyncReport:
    report = CalendarSyncReport(cal.name)
    try:
        state = client.state(cal.url)
    except Gone:
        with store.write() as s:
            cr.make_local(s, cal.id)
        report.gone = True
        return report
    with store.read() as s:
        marks = cs.marks(s, cal.id)
        waiting = cs.has_pending(s, cal.id)
    if state.ctag:
        unchanged = state.ctag == marks.ctag
    else:
        unchanged = bool(state.sync_token) and state.sync_token == marks.sync_token
    if not unchanged:
        token = pull_changes(store, client, cal, marks.sync_token, report)
        with store.write() as s:
            cs.set_marks(s, cal.id, token or state.sync_token, state.ctag)
        with store.read() as s:
            waiting = cs.has_pending(s, cal.id)  # conflict copies, events to send again
    if waiting:
        resolver = resolver_for(store)
        for _round in range(3):
            if not _push(store, client, cal, resolver, report):
                break
    return report


def _push(
    store: Store,
    client: CalDavClient,
    cal: CalendarInfo,
    resolver: HandleResolver,
    report: CalendarSyncReport,
) -> bool:
    """Send what changed here; True if a conflict asks for another round."""
    if cal.read_only:
        with store.read() as s:
            if cs.has_pending(s, cal.id):
                report.refused.append(
                    f"“{cal.name}” is read-only on the server: changes made here are kept here."
                )
        return False
    with store.read() as s:
        work = cs.pending(s, cal.id)
    again = False
    for item in work:
        try:
            _send(store, client, cal, item, report)
        except Conflict:
            again = True
            _refetch(store, client, cal, item, resolver, report)
        except Rejected as exc:
            report.refused.append(
                f"“{item.summary}” was not saved on the server: {exc} The change is kept "
                "here; undo it or try again."
            )
    return again


def _send(
    store: Store,
    client: CalDavClient,
    cal: CalendarInfo,
    item: cs.Pending,
    report: CalendarSyncReport,
) -> None:
    if item.state == "deleted":
        client.delete(item.href, item.etag)
        with store.write() as s:
            cs.mark_sent(s, cal.id, item, "", "", "")
        report.deleted_there += 1
        return
    text = edited_ics(item.ics, item.events, item.removed)
    if item.state == "new":
        href = client.new_href(cal.url, item.uid)
        try:
            etag = client.put(href, text, None)
        except Conflict:
            got = client.fetch(cal.url, [href])
            if got and resource_uid(got[0].ics) == item.uid:
                raise  # ours, from a sync cut short after the PUT: take the server's
            # Another event has that file name: ours goes under another.
            href = client.new_href(cal.url, f"{item.uid}-{uuid.uuid4().hex[:8]}")
            etag = client.put(href, text, None)
        report.created_there += 1
        if item.moved_from is not None:  # moved here from another calendar of the server
            try:
                client.delete(*item.moved_from)
            except (Conflict, Gone, Rejected) as exc:
                report.notes.append(f"“{item.summary}” stays in its old calendar too: {exc}")
    else:
        href = item.href
        etag = client.put(href, text, item.etag)
        report.updated_there += 1
    with store.write() as s:
        cs.mark_sent(s, cal.id, item, href, etag, text)


def _refetch(
    store: Store,
    client: CalDavClient,
    cal: CalendarInfo,
    item: cs.Pending,
    resolver: HandleResolver,
    report: CalendarSyncReport,
) -> None:
    """A 412: the server's copy is applied; a change of ours to it is kept as a copy."""
    href = item.href or client.new_href(cal.url, item.uid)
    apply_fetched(store, cal, client.fetch(cal.url, [href]), resolver, report)

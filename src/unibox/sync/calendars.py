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

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from unibox.channels.caldav import (
    CalDavClient,
    Conflict,
    Gone,
    Rejected,
    RemoteEvent,
    href_path,
)
from unibox.core.ics import NO_EVENT, read_ics
from unibox.core.ics_edit import CONFLICT_SUFFIX, conflict_copy, edited_ics, resource_uid
from unibox.core.ics_quick import quick_events
from unibox.core.items import ChangeSet
from unibox.store import calendar_sync as cs
from unibox.store.calendars import CalendarInfo
from unibox.store.people import HandleResolver
from unibox.store.schema import Account
from unibox.store.store import Store

log = logging.getLogger("unibox.sync.calendars")

MAX_EVENT_BYTES = 2_000_000  # one resource; a bigger one is reported and skipped
BATCH = 300


@dataclass(slots=True)
class CalendarSyncReport:
    calendar: str
    fetched: int = 0
    added_here: int = 0
    updated_here: int = 0
    deleted_here: int = 0
    created_there: int = 0
    updated_there: int = 0
    deleted_there: int = 0
    conflicts: list[str] = field(default_factory=list)  # said in words
    skipped: list[str] = field(default_factory=list)  # resources not read, and why
    notes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # changes the server would not take
    gone: bool = False  # deleted on the server: kept here as a local calendar
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def problem(self) -> str:
        """One line for the calendar's last error ("" when all went well)."""
        if self.refused:
            return self.refused[0] + (
                f" (and {len(self.refused) - 1} more)" if len(self.refused) > 1 else ""
            )
        if self.gone:
            return "The calendar was deleted on the server; its events are kept here."
        return ""


def _resolver(store: Store) -> HandleResolver:
    with store.read() as s:
        return HandleResolver([e for e in s.scalars(select(Account.email)) if e])


def sync_calendar(store: Store, client: CalDavClient, cal: CalendarInfo) -> CalendarSyncReport:
    report = CalendarSyncReport(cal.name)
    try:
        state = client.state(cal.url)
    except Gone:
        with store.write() as s:
            cs.make_local(s, cal.id)
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
        token = _pull(store, client, cal, marks.sync_token, report)
        with store.write() as s:
            cs.set_marks(s, cal.id, token or state.sync_token, state.ctag)
        with store.read() as s:
            waiting = cs.has_pending(s, cal.id)  # conflict copies, events to send again
    if waiting:
        resolver = _resolver(store)
        for _round in range(3):
            if not _push(store, client, cal, resolver, report):
                break
    return report


def _pull(
    store: Store,
    client: CalDavClient,
    cal: CalendarInfo,
    token: str,
    report: CalendarSyncReport,
) -> str:
    """Fetch and apply what changed there; the sync token to go on from ("" for none).

    The first sync lists the events without asking for a token (the ctag tells
    whether anything changed since); the first one that finds a change asks."""
    with store.read() as s:
        known = cs.resources(s, cal.id, href_path(cal.url))
    listed = client.changes(cal.url, token, want_token=bool(known))
    gone = set(listed.deleted) & set(known)
    if listed.complete:
        gone |= set(known) - set(listed.changed)
    want = []
    for href, (etag, size) in listed.changed.items():
        if known.get(href) == etag:
            continue
        if size > MAX_EVENT_BYTES:
            report.skipped.append(f"{href}: larger than {MAX_EVENT_BYTES // 1_000_000} MB")
            continue
        want.append(href)
    resolver = _resolver(store)
    chunks = [want[i : i + BATCH] for i in range(0, len(want), BATCH)]
    # The next chunk is fetched while this one is written: the server and the
    # store work at the same time (only that thread uses the client meanwhile).
    with ThreadPoolExecutor(1, thread_name_prefix="caldav fetch") as pool:
        ahead = pool.submit(_fetch, client, cal.url, chunks[0], report) if chunks else None
        for n in range(len(chunks)):
            assert ahead is not None
            got = ahead.result()
            if n + 1 < len(chunks):
                ahead = pool.submit(_fetch, client, cal.url, chunks[n + 1], report)
            report.fetched += len(got)
            _apply(store, cal, got, resolver, report)
    if gone:
        with store.write() as s:
            kept = cs.forget(s.connection(), cal.id, gone)
        report.deleted_here += len(gone) - len(kept)
        report.conflicts.extend(
            f"“{title}” was deleted on the server but changed here: it is kept and sent again."
            for title in kept
        )
    return listed.sync_token


def _fetch(
    client: CalDavClient, url: str, hrefs: list[str], report: CalendarSyncReport
) -> list[RemoteEvent]:
    try:
        return client.fetch(url, hrefs)
    except (Gone, Rejected):
        raise
    except Exception as exc:  # one huge or broken resource spoils a multiget: one by one
        log.info("%s: multiget failed (%s); fetching one by one", url, type(exc).__name__)
    got = []
    for href in hrefs:
        try:
            got.extend(client.fetch(url, [href]))
        except (Gone, Rejected):
            raise
        except Exception as exc:
            report.skipped.append(f"{href}: could not be read ({type(exc).__name__})")
    return got


def _apply(
    store: Store,
    cal: CalendarInfo,
    got: list[RemoteEvent],
    resolver: HandleResolver,
    report: CalendarSyncReport,
) -> None:
    now = int(time.time())
    parsed = []
    for remote in got:
        if len(remote.ics) > MAX_EVENT_BYTES:
            report.skipped.append(f"{remote.href}: larger than {MAX_EVENT_BYTES // 1_000_000} MB")
            continue
        quick = quick_events(remote.ics)
        if quick is not None:
            parsed.append((remote, quick))
            continue
        read = read_ics(remote.ics.encode("utf-8"))
        if read.problem == NO_EVENT:
            continue  # a task or a journal entry in a calendar that also holds events
        for item in read.skipped:
            report.skipped.append(f"{remote.href}: {item.where}: {item.reason}")
        report.notes.extend(f"{remote.href}: {note}" for note in read.notes)
        if not read.events:
            if read.problem:
                report.skipped.append(f"{remote.href}: {read.problem}")
            continue
        parsed.append((remote, read.events))
    with store.read() as s:
        conflicted = cs.changed_here(s, cal.id, [r.href for r, _e in parsed])
        ours = {h: cs.pending(s, cal.id, h) for h in conflicted}
    with store.write() as s:
        conn = s.connection()
        resolver.prefetch(conn, [a.address for _r, evs in parsed for e in evs for a in e.attendees])
        for remote, _events in parsed:
            for mine in ours.get(remote.href, []):
                _keep_ours(conn, resolver, cal, mine, report, now)
        batch = [cs.Resource(r.href, r.etag, r.ics, events) for r, events in parsed]
        new = cs.apply_remote(conn, resolver, cal.id, batch, report.changes, now)
    report.added_here += len(new)
    report.updated_here += len(parsed) - len(new)


def _keep_ours(
    conn: Connection,
    resolver: HandleResolver,
    cal: CalendarInfo,
    mine: cs.Pending,
    report: CalendarSyncReport,
    now: int,
) -> None:
    title = mine.summary
    if mine.state == "deleted":
        report.conflicts.append(
            f"“{title}” was changed on the server after it was deleted here: the server's "
            "version is kept."
        )
        return
    text = conflict_copy(edited_ics(mine.ics, mine.events, mine.removed, now), str(uuid.uuid4()))
    events = read_ics(text.encode("utf-8")).events
    cs.keep_copy(conn, resolver, cal.id, events, text, report.changes, now)
    report.conflicts.append(
        f"“{title}” was changed here and on the server: the server's version is applied, "
        f"yours is kept as “{title}{CONFLICT_SUFFIX}”."
    )


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
    _apply(store, cal, client.fetch(cal.url, [href]), resolver, report)

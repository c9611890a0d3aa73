"""Fetching what changed in a CalDAV calendar and applying it to the store
(sync.calendars runs it; see there for the whole sync)."""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Connection, select

from unibox.channels.caldav import CalDavClient, Gone, Rejected, RemoteEvent, href_path
from unibox.core.ics import NO_EVENT, read_ics
from unibox.core.ics_edit import CONFLICT_SUFFIX, conflict_copy, edited_ics
from unibox.core.ics_quick import quick_events
from unibox.store import calendar_remote as cr
from unibox.store import calendar_sync as cs
from unibox.store.calendars import CalendarInfo
from unibox.store.people import HandleResolver
from unibox.store.schema import Account
from unibox.store.store import Store
from unibox.sync.calendar_report import MAX_EVENT_BYTES, CalendarSyncReport

log = logging.getLogger("unibox.sync.calendars")

BATCH = 300


def resolver_for(store: Store) -> HandleResolver:
    with store.read() as s:
        return HandleResolver([e for e in s.scalars(select(Account.email)) if e])


def pull_changes(
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
    resolver = resolver_for(store)
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
            apply_fetched(store, cal, got, resolver, report)
    if gone:
        with store.write() as s:
            kept = cr.forget(s.connection(), cal.id, gone)
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


def apply_fetched(
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
        batch = [cr.Resource(r.href, r.etag, r.ics, events) for r, events in parsed]
        new = cr.apply_remote(conn, resolver, cal.id, batch, report.changes, now)
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

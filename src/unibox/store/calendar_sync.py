"""The store's side of a CalDAV sync: what a calendar holds, and what changed here.

A server resource (`href`) is one or more event rows: a series and its
changed occurrences. The server's copy of a resource replaces the rows it
has (the calendar's copy wins over a mail invitation of the same UID); a
change made here (`local_state`) waits in its rows until the sync has sent
it. Never touches the network.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.orm import Session

from unibox.core.items import CalendarEvent, ChangeSet
from unibox.store.event_files import stored_events
from unibox.store.event_ingest import attendee_rows, event_values, known_versions, write_event
from unibox.store.people import HandleResolver
from unibox.store.schema import table
from unibox.store.schema_events import Calendar, Event, EventAttendee, EventMessage

CALDAV_SOURCE = "caldav"


@dataclass(frozen=True, slots=True)
class Marks:
    sync_token: str
    ctag: str


@dataclass(slots=True)
class Pending:
    """A resource changed here: its rows as they are now and as the server last had them."""

    uid: str
    href: str  # "" for one never sent
    etag: str
    ics: str  # the resource as the server (or whoever made it) last wrote it
    state: str  # "new", "changed" or "deleted" (every row of it deleted here)
    events: list[CalendarEvent] = field(default_factory=list)  # the rows that stay
    removed: set[str] = field(default_factory=set)  # recurrence keys deleted here
    moved_from: tuple[str, str] | None = None  # (href, ETag) in the calendar it left

    @property
    def summary(self) -> str:
        return next((e.summary for e in self.events if e.summary), "") or self.uid


def marks(session: Session, calendar_id: int) -> Marks:
    cal = session.get(Calendar, calendar_id)
    return Marks(cal.sync_token, cal.ctag) if cal is not None else Marks("", "")


def set_marks(session: Session, calendar_id: int, sync_token: str, ctag: str) -> None:
    session.execute(
        update(Calendar)
        .where(Calendar.id == calendar_id)
        .values(sync_token=sync_token, ctag=ctag, last_sync_at=int(time.time()))
    )


def resources(session: Session, calendar_id: int, path: str = "") -> dict[str, str]:
    """href -> ETag of every resource of the calendar the server has.

    An event moved from it to another calendar and not yet sent there still
    counts as here (its href under the calendar's `path`): it is no new event.
    """
    rows = session.execute(
        select(Event.href, Event.etag)
        .where(Event.calendar_id == calendar_id, Event.href != "", Event.local_state != "new")
        .distinct()
    )
    found = {href: etag for href, etag in rows}
    if path:
        moving = session.execute(
            select(Event.href, Event.etag).where(
                Event.local_state == "new", Event.href.startswith(path.rstrip("/") + "/")
            )
        )
        found.update({href: etag for href, etag in moving})
    return found


def changed_here(session: Session, calendar_id: int, hrefs: Iterable[str] = ()) -> set[str]:
    """Of `hrefs` (every one when empty), those with a change not yet sent."""
    query = select(Event.href).where(Event.calendar_id == calendar_id, Event.local_state != "")
    wanted = set(hrefs)
    return {h for h in session.scalars(query) if h and (not wanted or h in wanted)}


def has_pending(session: Session, calendar_id: int) -> bool:
    query = select(Event.id).where(Event.calendar_id == calendar_id, Event.local_state != "")
    return session.scalar(query.limit(1)) is not None


def _rows_of(calendar_id: int, uid: str, href: str, new: bool) -> tuple[Any, ...]:
    """The rows of one resource: by UID for one not on the server yet, else by href."""
    mine = Event.calendar_id == calendar_id
    return (mine, Event.uid == uid) if new or not href else (mine, Event.href == href)


def pending(session: Session, calendar_id: int, href: str | None = None) -> list[Pending]:
    """The resources with a change not yet sent (or the one at `href`).

    A row marked "new" that has an href is an event moved here from another
    calendar: sent as new, then deleted where it was (`moved_from`).
    """
    query = select(Event.uid, Event.href, Event.local_state).where(
        Event.calendar_id == calendar_id, Event.local_state != ""
    )
    if href is not None:
        query = query.where(Event.href == href)
    groups: dict[tuple[str, str], bool] = {}
    for uid, at, state in session.execute(query):
        new = state == "new" or not at
        key = (uid, "") if new else ("", at)
        groups[key] = groups.get(key, False) or new
    found = []
    for (uid, at), new in sorted(groups.items()):
        picked = _rows_of(calendar_id, uid, at, new)
        rows = session.execute(
            select(
                Event.uid, Event.recurrence_id, Event.href, Event.local_state, Event.etag, Event.ics
            ).where(*picked)
        ).all()
        alive = [r for r in rows if r.local_state != "deleted"]
        old = next((r for r in rows if r.href), None)
        state = "deleted" if not alive else ("new" if new else "changed")
        ics = next((r.ics for r in rows if r.ics and r.local_state), "") or next(
            (r.ics for r in rows if r.ics), ""
        )
        found.append(
            Pending(
                uid=uid or rows[0].uid,
                href="" if new else at,
                etag="" if new else next((r.etag for r in rows if r.etag), ""),
                ics=ics,
                state=state,
                events=stored_events(session, *picked, Event.local_state != "deleted"),
                removed={r.recurrence_id for r in rows if r.local_state == "deleted"},
                moved_from=(old.href, old.etag) if new and old is not None else None,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource as the server has it, read into its events."""

    href: str
    etag: str
    ics: str
    events: Sequence[CalendarEvent]


def apply_remote(
    conn: Connection,
    resolver: HandleResolver,
    calendar_id: int,
    resources: Sequence[Resource],
    changes: ChangeSet,
    now: int,
) -> set[str]:
    """The server's copies replace what the store has for them; the hrefs new here.

    New events (most of a first sync) are inserted in one statement with their
    attendees in another; an event known already is rewritten where it is, even
    when it was a mail invitation or in another calendar (moved there).
    """
    e, a = table(Event), table(EventAttendee)
    hrefs = [r.href for r in resources]
    old: dict[str, set[int]] = {}
    for eid, href in conn.execute(
        select(e.c.id, e.c.href).where(e.c.calendar_id == calendar_id, e.c.href.in_(hrefs))
    ):
        old.setdefault(href, set()).add(eid)
    known = known_versions(conn, {(ev.uid, ev.recurrence_id) for r in resources for ev in r.events})
    fresh: list[tuple[dict[str, Any], CalendarEvent]] = []
    taken: set[tuple[str, str]] = set()
    kept: dict[int, Resource] = {}
    for res in resources:
        for ev in res.events:
            key = (ev.uid, ev.recurrence_id)
            if key in taken:
                continue  # the same event twice in one batch: the first counts
            taken.add(key)
            current = known.get(key)
            if current is not None:
                v = write_event(
                    conn, resolver, None, ev, current, "publish", now, changes, CALDAV_SOURCE
                )
                kept[v.event_id] = res
                continue
            values = event_values(resolver, ev)
            values.update(
                uid=ev.uid,
                recurrence_id=ev.recurrence_id,
                sequence=ev.sequence,
                stamp=ev.stamp,
                status=ev.status,
                source=CALDAV_SOURCE,
                message_id=None,
                updated_at=now,
                calendar_id=calendar_id,
                href=res.href,
                etag=res.etag,
                ics=res.ics,
                local_state="",
            )
            fresh.append((values, ev))
    if fresh:
        ids = (
            conn.execute(
                e.insert().returning(e.c.id, sort_by_parameter_order=True), [v for v, _e in fresh]
            )
            .scalars()
            .all()
        )
        people = [
            row
            for eid, (_v, ev) in zip(ids, fresh, strict=True)
            for row in attendee_rows(resolver, eid, ev, changes)
        ]
        if people:
            conn.execute(a.insert(), people)
    if kept:
        conn.execute(
            e.update()
            .where(e.c.id == bindparam("eid"))
            .values(
                calendar_id=calendar_id,
                href=bindparam("h"),
                etag=bindparam("t"),
                ics=bindparam("i"),
                local_state="",
            ),
            [{"eid": eid, "h": r.href, "t": r.etag, "i": r.ics} for eid, r in kept.items()],
        )
    stale = {eid for ids_ in old.values() for eid in ids_} - set(kept)
    if stale:  # occurrences the server's copies no longer have
        conn.execute(e.delete().where(e.c.id.in_(stale)))
    return {h for h in hrefs if h not in old}


def forget(conn: Connection, calendar_id: int, hrefs: Iterable[str]) -> list[str]:
    """Resources deleted on the server. One changed here is kept, to be sent again
    (its summaries are returned); one mail also brought stays as an invitation."""
    e = table(Event)
    wanted = list(hrefs)
    if not wanted:
        return []
    mine = (e.c.calendar_id == calendar_id, e.c.href.in_(wanted), e.c.local_state != "new")
    resent = conn.execute(
        select(e.c.href, e.c.summary).where(*mine, e.c.local_state == "changed")
    ).all()
    again = {h for h, _s in resent}
    if again:
        conn.execute(
            e.update()
            .where(e.c.calendar_id == calendar_id, e.c.href.in_(again))
            .values(href="", etag="", local_state="new")
        )
    from_mail = select(EventMessage.id).where(EventMessage.event_id == e.c.id).exists()
    conn.execute(
        e.update()
        .where(*mine, from_mail)
        .values(calendar_id=None, href="", etag="", ics="", local_state="", source="mail")
    )
    conn.execute(e.delete().where(*mine))
    return sorted({s for _h, s in resent})


def mark_sent(
    session: Session, calendar_id: int, item: Pending, href: str, etag: str, ics: str
) -> None:
    """The server has the resource as we sent it: rows clean, deleted ones gone."""
    picked = _rows_of(calendar_id, item.uid, item.href, item.state == "new")
    session.execute(delete(Event).where(*picked, Event.local_state == "deleted"))
    session.execute(
        update(Event).where(*picked).values(href=href, etag=etag, ics=ics, local_state="")
    )


def keep_copy(
    conn: Connection,
    resolver: HandleResolver,
    calendar_id: int,
    events: Sequence[CalendarEvent],
    ics: str,
    changes: ChangeSet,
    now: int,
) -> str:
    """Our side of a conflict as a new event in the calendar (sent next); its UID."""
    e = table(Event)
    uid = events[0].uid if events else f"{uuid.uuid4()}"
    for event in events:
        version = write_event(conn, resolver, None, event, None, "publish", now, changes, "local")
        conn.execute(
            e.update()
            .where(e.c.id == version.event_id)
            .values(calendar_id=calendar_id, ics=ics, local_state="new")
        )
    return uid


def make_local(session: Session, calendar_id: int) -> int:
    """A calendar deleted on the server stays here as a local one; its event count."""
    session.execute(
        delete(Event).where(Event.calendar_id == calendar_id, Event.local_state == "deleted")
    )
    session.execute(
        update(Event)
        .where(Event.calendar_id == calendar_id)
        .values(href="", etag="", local_state="", source="local")
    )
    session.execute(
        update(Calendar)
        .where(Calendar.id == calendar_id)
        .values(kind="local", account_id=None, url="", sync_token="", ctag="", read_only=False)
    )
    return len(session.scalars(select(Event.id).where(Event.calendar_id == calendar_id)).all())

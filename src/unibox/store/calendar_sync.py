"""The store's side of a CalDAV sync: what a calendar holds, and what changed here.

A server resource (`href`) is one or more event rows: a series and its
changed occurrences. A change made here (`local_state`) waits in its rows
until the sync has sent it; what the server sends is applied by
calendar_remote. Never touches the network.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session

from unibox.core.items import CalendarEvent, ChangeSet
from unibox.store.event_files import stored_events
from unibox.store.event_ingest import write_event
from unibox.store.people import HandleResolver
from unibox.store.schema import table
from unibox.store.schema_events import Calendar, Event


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

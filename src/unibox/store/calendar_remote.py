"""The server's copies of a CalDAV calendar's resources, applied to the store.

A server resource (`href`) is one or more event rows: a series and its
changed occurrences. The server's copy of a resource replaces the rows it
has (the calendar's copy wins over a mail invitation of the same UID); a
resource deleted there goes here too, unless it was changed here meanwhile
or mail brought it; a calendar deleted there stays here as a local one.
Never touches the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.orm import Session

from unibox.core.items import CalendarEvent, ChangeSet
from unibox.store.event_ingest import attendee_rows, event_values, known_versions, write_event
from unibox.store.people import HandleResolver
from unibox.store.schema import table
from unibox.store.schema_events import Calendar, Event, EventAttendee, EventMessage

CALDAV_SOURCE = "caldav"


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

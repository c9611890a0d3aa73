"""The People view: every contact with last touch, open items and channels; going cold.

Like the message list: `people_ids` gives the ordered ids of a search, and
`people_rows` the rows of one page of them, so a model holds ids and fetches
rows lazily. The user's own identities and merged-away people never appear.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from unibox.store.next_meetings import next_meeting_starts
from unibox.store.schema import Handle, Message, Participant, Person
from unibox.store.schema_people import PersonCard, PersonField, PersonNote, PersonTask

DAY = 86400


class PeopleSort(StrEnum):
    LAST_TOUCH = "last_touch"  # most recent first; never-contacted last
    NAME = "name"
    OPEN_ITEMS = "open_items"  # most open tasks first
    MESSAGES = "messages"  # most messages first
    NEXT_MEETING = "next_meeting"  # the soonest meeting first; people without one last


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One line of the People view."""

    id: int
    display_name: str
    handle: str  # the first e-mail address, else the first handle
    company: str
    last_touch: datetime | None
    open_items: int  # open tasks
    channels: tuple[str, ...]  # handle kinds they can be reached on
    message_count: int
    messages_to_them: int
    next_meeting: datetime | None = None  # when their next meeting starts

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.display_name,
            "handle": self.handle,
            "company": self.company,
            "last_touch": self.last_touch.isoformat() if self.last_touch else None,
            "open_items": self.open_items,
            "channels": list(self.channels),
            "messages": self.message_count,
            "next_meeting": self.next_meeting.isoformat() if self.next_meeting else None,
        }


@dataclass(frozen=True, slots=True)
class _Activity:
    last: int | None = None
    count: int = 0
    sent: int = 0


def _contacts(query: str) -> Any:
    stmt = select(Person.id).where(
        Person.is_me.is_(False), Person.merged_into_id.is_(None), Person.listed.is_(True)
    )
    for word in query.split():
        like = f"%{word.casefold()}%"
        stmt = stmt.where(
            or_(
                func.lower(Person.display_name).like(like),
                Person.id.in_(
                    select(Handle.person_id).where(
                        or_(Handle.value.like(like), func.lower(Handle.display_name).like(like))
                    )
                ),
                Person.id.in_(
                    select(PersonCard.person_id).where(func.lower(PersonCard.company).like(like))
                ),
                Person.id.in_(
                    select(PersonField.person_id).where(
                        PersonField.kind == "tag", func.lower(PersonField.value).like(like)
                    )
                ),
            )
        )
    return stmt


def _per_person(ids: Iterable[int] | None, *columns: Any) -> Select[Any]:
    """`columns` over each person's live messages (through their handles), by person."""
    stmt = (
        select(Handle.person_id, *columns)
        .select_from(Participant)
        .join(Handle, Handle.id == Participant.handle_id)
        .join(Message, Message.id == Participant.message_id)
        .where(Message.deleted_at.is_(None))
        .group_by(Handle.person_id)
    )
    return stmt if ids is None else stmt.where(Handle.person_id.in_(list(ids)))


def _last_notes(session: Session, ids: Iterable[int] | None, now: int) -> dict[int, int]:
    """When each person's latest logged call or note happened (not later than now)."""
    notes = (
        select(PersonNote.person_id, func.max(PersonNote.happened_at))
        .where(PersonNote.happened_at <= now)
        .group_by(PersonNote.person_id)
    )
    if ids is not None:
        notes = notes.where(PersonNote.person_id.in_(list(ids)))
    return {pid: at for pid, at in session.execute(notes)}


def _activity(session: Session, ids: Iterable[int] | None, now: int) -> dict[int, _Activity]:
    """Last touch, message count and messages sent to them, per person."""
    chosen = list(ids) if ids is not None else None
    stmt = _per_person(
        chosen,
        func.max(Message.sent_at),
        func.count(func.distinct(Message.id)),
        func.count(func.distinct(case((Message.direction == "out", Message.id)))),
    )
    found = {pid: _Activity(last, n, sent) for pid, last, n, sent in session.execute(stmt)}
    for pid, at in _last_notes(session, chosen, now).items():
        a = found.get(pid, _Activity())
        found[pid] = _Activity(max(a.last or 0, at), a.count, a.sent)
    return found


def _last_touch(session: Session, ids: list[int] | None, now: int) -> dict[int, int]:
    """Only the last touch per person: no distinct counting, for sorting by it."""
    stmt = _per_person(ids, func.max(Message.sent_at))
    found: dict[int, int] = {pid: at for pid, at in session.execute(stmt)}
    for pid, at in _last_notes(session, ids, now).items():
        found[pid] = max(found.get(pid, 0), at)
    return found


def _open_items(session: Session, ids: list[int] | None = None) -> dict[int, int]:
    stmt = (
        select(PersonTask.person_id, func.count())
        .where(PersonTask.done_at.is_(None))
        .group_by(PersonTask.person_id)
    )
    if ids is not None:
        stmt = stmt.where(PersonTask.person_id.in_(ids))
    return {pid: n for pid, n in session.execute(stmt)}


def people_ids(
    session: Session, query: str = "", sort: PeopleSort = PeopleSort.LAST_TOUCH
) -> list[int]:
    """Ids of the contacts matching `query` (name, handle, company, tag words), sorted."""
    now = int(time.time())
    if sort == PeopleSort.NAME:
        stmt = _contacts(query).order_by(func.lower(Person.display_name), Person.id)
        return list(session.scalars(stmt))
    ids = list(session.scalars(_contacts(query)))
    if len(ids) < 2:
        return ids  # nothing to sort: a name typed in full finds one
    if sort == PeopleSort.OPEN_ITEMS:
        items = _open_items(session)
        ids.sort(key=lambda i: (-items.get(i, 0), i))
        return ids
    if sort == PeopleSort.NEXT_MEETING:
        soon = next_meeting_starts(session, ids if query and len(ids) <= 2000 else None, now)
        never = 1 << 62
        ids.sort(key=lambda i: (soon.get(i, never), i))
        return ids
    # A narrow search aggregates only its people; a broad one is cheaper whole.
    some = ids if query and len(ids) <= 2000 else None
    if sort == PeopleSort.MESSAGES:
        activity = _activity(session, some, now)
        ids.sort(key=lambda i: (-activity.get(i, _Activity()).count, i))
    else:
        last = _last_touch(session, some, now)
        ids.sort(key=lambda i: (-last.get(i, 0), i))
    return ids


def people_rows(session: Session, ids: list[int], *, now: int | None = None) -> list[PersonRow]:
    """Rows for `ids` (a page of `people_ids`), in the order given."""
    if not ids:
        return []
    now = int(time.time()) if now is None else now
    activity = _activity(session, ids, now)
    items = _open_items(session, ids)
    soon = next_meeting_starts(session, ids, now)
    handles: dict[int, list[tuple[str, str]]] = {}
    for pid, kind, value in session.execute(
        select(Handle.person_id, Handle.kind, Handle.value)
        .where(Handle.person_id.in_(ids))
        .order_by(Handle.id)
    ):
        handles.setdefault(pid, []).append((kind, value))
    rows = session.execute(
        select(Person.id, Person.display_name, PersonCard.company)
        .outerjoin(PersonCard, PersonCard.person_id == Person.id)
        .where(Person.id.in_(ids))
    )
    by_id = {}
    for pid, name, company in rows:
        own = handles.get(pid, [])
        emails = [v for k, v in own if k == "email"]
        a = activity.get(pid, _Activity())
        by_id[pid] = PersonRow(
            id=pid,
            display_name=name,
            handle=(emails or [v for _k, v in own] or [""])[0],
            company=company or "",
            last_touch=datetime.fromtimestamp(a.last, UTC) if a.last else None,
            open_items=items.get(pid, 0),
            channels=tuple(dict.fromkeys(k for k, _v in own)),
            message_count=a.count,
            messages_to_them=a.sent,
            next_meeting=datetime.fromtimestamp(soon[pid], UTC) if pid in soon else None,
        )
    return [by_id[i] for i in ids if i in by_id]


def people(
    session: Session,
    query: str = "",
    sort: PeopleSort = PeopleSort.LAST_TOUCH,
    limit: int = 50,
    offset: int = 0,
) -> list[PersonRow]:
    return people_rows(session, people_ids(session, query, sort)[offset : offset + limit])


def going_cold(
    session: Session,
    *,
    days: int = 30,
    min_sent: int = 3,
    now: int | None = None,
    limit: int = 50,
) -> list[PersonRow]:
    """Important people not touched for `days`: those the user wrote to `min_sent`+ times,
    or tagged "important"; the most written-to first."""
    now = int(time.time()) if now is None else now
    cutoff = now - days * DAY
    live = set(session.scalars(_contacts("")))
    activity = _activity(session, None, now)
    tagged = set(
        session.scalars(
            select(PersonField.person_id).where(
                PersonField.kind == "tag", func.lower(PersonField.value) == "important"
            )
        )
    )
    cold = [
        pid
        for pid in live
        if (activity.get(pid, _Activity()).sent >= min_sent or pid in tagged)
        and (activity.get(pid, _Activity()).last or 0) < cutoff
    ]
    cold.sort(key=lambda i: (-activity.get(i, _Activity()).sent, i))
    return people_rows(session, cold[:limit], now=now)

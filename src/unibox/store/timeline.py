"""A person's timeline: messages and logged touch points, interleaved by time, paged.

Pages are keyset-paged (a cursor, not an offset), so the 400th page of a
person with 20,000 messages costs what the first does. A person with few
messages has them found from their handles through ix_participant_handle and
sorted; one with many (a fifth of everything) has a page found by walking all
messages newest first through ix_message_sent, which stops after a page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from unibox.store.person_edit import live_person
from unibox.store.persons import handle_ids
from unibox.store.schema import Handle, Message, Participant
from unibox.store.schema_people import PersonNote

MESSAGE, NOTE, EVENT = "message", "note", "event"
_RANK = {MESSAGE: 0, NOTE: 1, EVENT: 2}  # ties at the same second: a stable order
CALENDAR = "calendar"  # the channel of meetings (past occurrences of events with them)


@dataclass(frozen=True, slots=True, order=True)
class TimelineCursor:
    """Where a page ended; pass it back to get the next (older) page."""

    at: int
    rank: int
    id: int


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: str  # message, note, event (a past meeting: one occurrence)
    id: int  # message id, note id or event id
    at: datetime
    channel: str  # mail, xmpp, … for messages; call, meeting, note for notes
    direction: str  # in, out for messages; "" for notes
    title: str  # subject, or "" for notes
    snippet: str  # preview line, or the note's text
    by: str  # who sent it / who did it ("" for the user's own)
    conversation_id: int | None
    via: str = ""  # for a bridged chat line: the network behind the bridge (telegram, …)

    @property
    def cursor(self) -> TimelineCursor:
        return TimelineCursor(int(self.at.timestamp()), _RANK[self.kind], self.id)


@dataclass(frozen=True, slots=True)
class TimelinePage:
    entries: tuple[TimelineEntry, ...]
    next_cursor: TimelineCursor | None  # None when this is the oldest page


def _before(at: Any, rid: Any, rank: int, c: TimelineCursor) -> Any:
    if rank < c.rank:
        return at <= c.at
    if rank > c.rank:
        return at < c.at
    return or_(at < c.at, and_(at == c.at, rid < c.id))


def timeline(
    session: Session,
    person_id: int,
    *,
    before: TimelineCursor | None = None,
    limit: int = 50,
    channels: frozenset[str] | None = None,
) -> TimelinePage:
    """A page of the person's timeline, newest first.

    `channels` filters: message channels ("mail", "xmpp", …) for messages, note
    kinds ("call", "meeting", "note") for touch points; None shows all.
    """
    pid = live_person(session, person_id).id
    hids = handle_ids(session, pid)
    entries = _messages(session, hids, before, limit, channels)
    entries += _notes(session, pid, before, limit, channels)
    if channels is None or CALENDAR in channels:
        entries += _meetings(session, hids, before, limit)
    entries.sort(key=lambda e: e.cursor, reverse=True)
    page = tuple(entries[:limit])
    more = len(entries) > limit
    return TimelinePage(page, page[-1].cursor if more and page else None)


def _messages(
    session: Session,
    hids: list[int],
    before: TimelineCursor | None,
    limit: int,
    channels: frozenset[str] | None,
) -> list[TimelineEntry]:
    if not hids or (channels is not None and not channels - {"call", "meeting", "note", CALENDAR}):
        return []
    sender = select(Handle.display_name).where(Handle.id == Message.sender_handle_id)
    from_name = (
        select(Participant.name)
        .where(Participant.message_id == Message.id, Participant.role == "from")
        .limit(1)
        .scalar_subquery()
    )
    columns = (
        Message.id,
        Message.sent_at,
        Message.channel,
        Message.direction,
        Message.subject,
        Message.snippet,
        from_name,
        sender.scalar_subquery(),
        Message.conversation_id,
        Message.via,
    )
    if channels is None and _dense(session, hids, limit):
        # Many messages with them: walk all messages newest first (ix_message_sent)
        # and keep theirs, checked by message id (the participant key; the unary +
        # keeps SQLite off ix_participant_handle there). A page stops early.
        theirs = (
            select(Participant.message_id)
            .where(Participant.message_id == Message.id, (Participant.handle_id + 0).in_(hids))
            .exists()
        )
        at: Any = Message.sent_at
        stmt = select(*columns).where(theirs)
    else:
        # Few: start from their participant rows, never from the whole message table.
        mine = (
            select(Participant.message_id)
            .where(Participant.handle_id.in_(hids))
            .distinct()
            .subquery()
        )
        at = Message.sent_at + 0  # sort their few rows; never walk ix_message_sent
        stmt = select(*columns).select_from(mine).join(Message, Message.id == mine.c.message_id)
    stmt = (
        stmt.where(Message.deleted_at.is_(None))
        .order_by(at.desc(), Message.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        stmt = stmt.where(_before(at, Message.id, _RANK[MESSAGE], before))
    if channels is not None:
        stmt = stmt.where(Message.channel.in_(channels))
    return [
        TimelineEntry(
            MESSAGE,
            mid,
            datetime.fromtimestamp(at, UTC),
            kind,
            direction,
            subject,
            snippet,
            "" if direction == "out" else (name or handle_name or ""),
            cid,
            via,
        )
        for mid, at, kind, direction, subject, snippet, name, handle_name, cid, via in (
            session.execute(stmt)
        )
    ]


def _dense(session: Session, hids: list[int], limit: int) -> bool:
    """Whether walking all messages newest first finds a page of theirs sooner than
    sorting all of theirs: the walk reads about (limit + 1) * all / theirs rows."""
    theirs = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.handle_id.in_(hids))
    )
    everyone = session.scalar(select(func.max(Message.id)))
    return bool(theirs and everyone) and (limit + 1) * (everyone or 0) < (theirs or 0) ** 2


def _notes(
    session: Session,
    pid: int,
    before: TimelineCursor | None,
    limit: int,
    channels: frozenset[str] | None,
) -> list[TimelineEntry]:
    stmt = (
        select(PersonNote)
        .where(PersonNote.person_id == pid)
        .order_by(PersonNote.happened_at.desc(), PersonNote.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        stmt = stmt.where(_before(PersonNote.happened_at, PersonNote.id, _RANK[NOTE], before))
    if channels is not None:
        stmt = stmt.where(PersonNote.kind.in_(channels))
    return [
        TimelineEntry(
            NOTE,
            n.id,
            datetime.fromtimestamp(n.happened_at, UTC),
            n.kind,
            "",
            "",
            n.text,
            n.done_by,
            None,
        )
        for n in session.scalars(stmt)
    ]


def _meetings(
    session: Session, hids: list[int], before: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    """Meetings with them that have started (now or the cursor's time), newest first."""
    from unibox.store.next_meetings import past_occurrences

    end = int(time.time()) if before is None else before.at + 1
    found = []
    for start, event_id, summary, location, rrule in past_occurrences(
        session, hids, end, limit + 1
    ):
        entry = TimelineEntry(
            EVENT,
            event_id,
            datetime.fromtimestamp(start, UTC),
            CALENDAR,
            "",
            summary,
            " · ".join(p for p in (location, "repeating" if rrule else "") if p),
            "",
            None,
        )
        if before is None or entry.cursor < before:
            found.append(entry)
    return found

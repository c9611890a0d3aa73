"""The person record: who they are, what is pending, what was done, the numbers.

One call, `person_record`, gives the window's person page and `unibox person
show` everything but the timeline (see store.timeline, paged). Reads go
through ix_participant_handle: a person's messages are found from their
handles, never by scanning the message table.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select, text
from sqlalchemy.orm import Session

from unibox.core.contacts import ContactCard
from unibox.core.response_times import ME, THEM, Turn
from unibox.store.merge_suggestions import Suggestion, suggestion_count, suggestions
from unibox.store.merges import MergeRecord, history
from unibox.store.person_card import read_card
from unibox.store.person_edit import live_person
from unibox.store.schema import Conversation, Handle, Participant
from unibox.store.schema_people import PersonNote, PersonTask

DAY = 86400


def _dt(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


@dataclass(frozen=True, slots=True)
class HandleInfo:
    id: int
    kind: str  # email, phone, xmpp, matrix, mastodon, …
    value: str
    display_name: str  # the name last written with it


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """An open (or done) task: what, who does it ("" is the user), by when."""

    id: int
    person_id: int
    title: str
    owner: str
    due: datetime | None
    done: datetime | None
    conversation_id: int | None


@dataclass(frozen=True, slots=True)
class TouchPoint:
    """A logged call, meeting or note: what was done and who did it ("" is the user)."""

    id: int
    kind: str
    at: datetime
    text: str
    done_by: str


@dataclass(frozen=True, slots=True)
class Waiting:
    """A conversation whose last word waits for an answer."""

    conversation_id: int
    message_id: int
    subject: str
    since: datetime


@dataclass(frozen=True, slots=True)
class PersonNumbers:
    first_contact: datetime | None
    last_contact: datetime | None  # last message either way
    last_touch: datetime | None  # last message or logged touch point
    days_since_last_touch: int | None
    messages_by_channel: dict[str, int]  # channel (mail, xmpp, …) -> count
    messages_from_them: int
    messages_to_them: int
    my_median_response_seconds: float | None
    their_median_response_seconds: float | None


@dataclass(frozen=True, slots=True)
class PersonHead:
    """What a person's page shows first: who they are, their card, tasks, what was done.

    Cheap at any size (no message is read), so the page opens at once; the
    numbers and who awaits whom follow in `person_activity`.
    """

    id: int
    display_name: str
    is_me: bool
    card: ContactCard
    handles: tuple[HandleInfo, ...]
    open_tasks: tuple[TaskInfo, ...]
    next_meeting: TouchPoint | None
    done: tuple[TouchPoint, ...]  # latest logged touch points, newest first
    suggestions: tuple[Suggestion, ...]  # pending merge suggestions about them (or the first)
    suggestion_count: int  # all of them
    merges: tuple[MergeRecord, ...]


@dataclass(frozen=True, slots=True)
class PersonActivity:
    """What their messages tell: who awaits a reply, and the numbers."""

    awaiting_my_reply: tuple[Waiting, ...]
    awaiting_their_reply: tuple[Waiting, ...]
    numbers: PersonNumbers


@dataclass(frozen=True, slots=True)
class PersonRecord(PersonHead):
    """The head and the activity of a person together."""

    awaiting_my_reply: tuple[Waiting, ...]
    awaiting_their_reply: tuple[Waiting, ...]
    numbers: PersonNumbers

    @property
    def activity(self) -> PersonActivity:
        return PersonActivity(self.awaiting_my_reply, self.awaiting_their_reply, self.numbers)

    @classmethod
    def of(cls, head: PersonHead, activity: PersonActivity) -> PersonRecord:
        parts = {f.name: getattr(head, f.name) for f in fields(PersonHead)}
        return cls(
            **parts,
            awaiting_my_reply=activity.awaiting_my_reply,
            awaiting_their_reply=activity.awaiting_their_reply,
            numbers=activity.numbers,
        )


def handle_ids(session: Session, person_id: int) -> list[int]:
    return list(session.scalars(select(Handle.id).where(Handle.person_id == person_id)))


def messages_with(handles: list[int]) -> Select[Any]:
    """Ids of messages a person takes part in, from the participant index."""
    return select(Participant.message_id).where(Participant.handle_id.in_(handles)).distinct()


def person_record(
    session: Session,
    person_id: int,
    *,
    now: int | None = None,
    waiting_days: int = 30,
    done_limit: int = 20,
) -> PersonRecord:
    """Everything about a person but the timeline; follows merges to the live person.

    `waiting_days` bounds "awaiting" to recent conversations: a thread that
    ended with a thank-you a year ago awaits nobody.
    """
    now = int(time.time()) if now is None else now
    head = person_head(session, person_id, now=now, done_limit=done_limit)
    activity = person_activity(session, head.id, now=now, waiting_days=waiting_days)
    return PersonRecord.of(head, activity)


def person_head(
    session: Session,
    person_id: int,
    *,
    now: int | None = None,
    done_limit: int = 20,
    suggestion_limit: int | None = None,
) -> PersonHead:
    """Who they are, card, open tasks, logged touch points, merges; follows merges.

    `suggestion_limit` reads only the first merge suggestions about them (the
    page shows a few and counts the rest: some people have thousands).
    """
    now = int(time.time()) if now is None else now
    person = live_person(session, person_id)
    pid = person.id
    handles = tuple(
        HandleInfo(h.id, h.kind, h.value, h.display_name)
        for h in session.scalars(select(Handle).where(Handle.person_id == pid).order_by(Handle.id))
    )
    notes = [_touch(n) for n in session.scalars(_notes(pid).limit(done_limit + 20))]
    done = tuple(n for n in notes if n.at.timestamp() <= now)[:done_limit]
    upcoming = session.scalars(
        select(PersonNote)
        .where(PersonNote.person_id == pid, PersonNote.kind == "meeting")
        .where(PersonNote.happened_at > now)
        .order_by(PersonNote.happened_at)
        .limit(1)
    ).first()
    found = tuple(suggestions(session, pid, limit=suggestion_limit))
    return PersonHead(
        id=pid,
        display_name=person.display_name,
        is_me=person.is_me,
        card=read_card(session, pid),
        handles=handles,
        open_tasks=tuple(open_tasks(session, pid)),
        next_meeting=_touch(upcoming) if upcoming is not None else None,
        done=done,
        suggestions=found,
        suggestion_count=(
            len(found) if suggestion_limit is None else suggestion_count(session, pid)
        ),
        merges=tuple(history(session, pid)),
    )


def person_activity(
    session: Session, person_id: int, *, now: int | None = None, waiting_days: int = 30
) -> PersonActivity:
    """Who awaits whose reply (in the last `waiting_days`) and the numbers; follows merges."""
    now = int(time.time()) if now is None else now
    pid = live_person(session, person_id).id
    found = _messages(session, handle_ids(session, pid), now - waiting_days * DAY)
    last_note = session.scalar(
        select(func.max(PersonNote.happened_at)).where(
            PersonNote.person_id == pid, PersonNote.happened_at <= now
        )
    )
    mine, theirs = _waiting(session, found.last)
    return PersonActivity(mine, theirs, _numbers(found, last_note, now))


def _notes(person_id: int) -> Select[PersonNote]:
    return (
        select(PersonNote)
        .where(PersonNote.person_id == person_id)
        .order_by(PersonNote.happened_at.desc(), PersonNote.id.desc())
    )


def _touch(n: PersonNote) -> TouchPoint:
    return TouchPoint(n.id, n.kind, datetime.fromtimestamp(n.happened_at, UTC), n.text, n.done_by)


def open_tasks(session: Session, person_id: int | None = None) -> list[TaskInfo]:
    """Open tasks (of one person, or everyone), soonest due first, undated last."""
    stmt = select(PersonTask).where(PersonTask.done_at.is_(None))
    if person_id is not None:
        stmt = stmt.where(PersonTask.person_id == person_id)
    stmt = stmt.order_by(
        PersonTask.due_at.is_(None), PersonTask.due_at, PersonTask.created_at, PersonTask.id
    )
    return [
        TaskInfo(
            t.id, t.person_id, t.title, t.owner, _dt(t.due_at), _dt(t.done_at), t.conversation_id
        )
        for t in session.scalars(stmt)
    ]


_Counts = dict[tuple[str, str], tuple[int, int, int]]  # (channel, direction) -> n, first, last

# One statement over the person's messages, read once (SQLite materializes a CTE
# used more than once): counts per channel and direction, turns per side, the
# reply delays and each conversation's last turn. Only aggregates and a few
# thousand rows come back, never 20,000 turns for Python to walk. Delays follow
# core.response_times.exchange: a reply is timed from the first message of the
# other side's run (a burst of nudges waits since its first).
_ACTIVITY = """
WITH t AS (
    SELECT m.id AS mid, m.conversation_id AS cid, m.sent_at AS at, m.direction AS dir,
           m.channel AS kind, m.is_answered AS answered,
           CASE WHEN m.direction = 'out' THEN 'me'
                WHEN m.sender_handle_id IN :hids THEN 'them' END AS who
    FROM message AS m
    WHERE m.id IN (SELECT message_id FROM participant WHERE handle_id IN :hids)
      AND m.deleted_at IS NULL
), turns AS (
    SELECT mid, cid, at, who, answered,
           lag(who) OVER (PARTITION BY cid ORDER BY at, mid) AS before_who,
           row_number() OVER (PARTITION BY cid ORDER BY at DESC, mid DESC) AS from_end
    FROM t WHERE who IS NOT NULL
), runs AS (
    SELECT who, at - lag(at) OVER (PARTITION BY cid ORDER BY at, mid) AS delay
    FROM turns WHERE before_who IS NULL OR before_who != who
)
SELECT 'count', kind, dir, count(*), min(at), max(at) FROM t GROUP BY kind, dir
UNION ALL
SELECT 'side', who, NULL, count(*), NULL, NULL FROM turns GROUP BY who
UNION ALL
SELECT 'delay', who, NULL, max(0, delay), NULL, NULL FROM runs WHERE delay IS NOT NULL
UNION ALL
SELECT 'last', who, NULL, cid, mid, at FROM turns
WHERE from_end = 1 AND at >= :since AND NOT (who = 'them' AND answered)
"""


@dataclass(slots=True)
class _Activity:
    counts: _Counts = field(default_factory=dict)
    sides: dict[str, int] = field(default_factory=dict)  # ME/THEM -> messages
    delays: dict[str, list[int]] = field(default_factory=lambda: {ME: [], THEM: []})
    last: list[Turn] = field(default_factory=list)  # unanswered last turns since `since`


def _messages(session: Session, hids: list[int], since: int) -> _Activity:
    """What the person's messages add up to (see _ACTIVITY)."""
    found = _Activity()
    if not hids:
        return found
    stmt = text(_ACTIVITY).bindparams(bindparam("hids", expanding=True))
    for part, a, b, n, x, y in session.execute(stmt, {"hids": hids, "since": since}):
        if part == "count":
            found.counts[(a, b)] = (n, x, y)
        elif part == "side":
            found.sides[a] = n
        elif part == "delay":
            found.delays[a].append(n)
        else:
            found.last.append(Turn(n, y, a, x))
    return found


def _waiting(session: Session, last: list[Turn]) -> tuple[tuple[Waiting, ...], tuple[Waiting, ...]]:
    rows = session.execute(
        select(Conversation.id, Conversation.subject).where(
            Conversation.id.in_([t.conversation_id for t in last])
        )
    )
    subjects = {cid: subject for cid, subject in rows}

    def waiting(by: str) -> tuple[Waiting, ...]:
        chosen = sorted((t for t in last if t.by == by), key=lambda t: -t.at)
        return tuple(
            Waiting(t.conversation_id, t.message_id, subjects.get(t.conversation_id, ""), _at(t))
            for t in chosen
        )

    return waiting(THEM), waiting(ME)


def _at(t: Turn) -> datetime:
    return datetime.fromtimestamp(t.at, UTC)


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def _numbers(found: _Activity, last_note: int | None, now: int) -> PersonNumbers:
    counts = found.counts
    by_channel: dict[str, int] = {}
    for (kind, _direction), (n, _f, _l) in counts.items():
        by_channel[kind] = by_channel.get(kind, 0) + n
    firsts = [f for _n, f, _l in counts.values()]
    lasts = [last for _n, _f, last in counts.values()]
    last_contact = max(lasts) if lasts else None
    touches = ([] if last_note is None else [last_note]) + lasts
    last_touch = max(touches, default=None)
    return PersonNumbers(
        first_contact=_dt(min(firsts) if firsts else None),
        last_contact=_dt(last_contact),
        last_touch=_dt(last_touch),
        days_since_last_touch=None if last_touch is None else max(0, (now - last_touch) // DAY),
        messages_by_channel=by_channel,
        messages_from_them=found.sides.get(THEM, 0),
        messages_to_them=found.sides.get(ME, 0),
        my_median_response_seconds=_median(found.delays[ME]),
        their_median_response_seconds=_median(found.delays[THEM]),
    )

"""What the user records about a person: touch points, tasks, handles, the shown name.

Use these inside `intent_write` (store.intent): what a user typed must
survive a power cut, unlike mail that can be fetched again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.identity import guess_handle, normalize_handle
from unibox.store.schema import Handle, Person
from unibox.store.schema_people import PersonNote, PersonTask

TOUCH_KINDS = ("call", "meeting", "note")


def _seconds(at: datetime | int | None) -> int:
    if at is None:
        return int(time.time())
    return at if isinstance(at, int) else int(at.timestamp())


def live_person(session: Session, person_id: int) -> Person:
    """The person, following merges to the one that holds them now."""
    person = session.get(Person, person_id)
    seen = set()
    while person is not None and person.merged_into_id is not None and person.id not in seen:
        seen.add(person.id)
        person = session.get(Person, person.merged_into_id)
    if person is None:
        raise UserError(f"There is no person with id {person_id}.")
    return person


def contact(session: Session, person_id: int) -> Person:
    """The live person, who is a contact from now on: the user acts on them."""
    person = live_person(session, person_id)
    person.listed = True
    return person


def live_ids(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """Each id -> the live person it is now (following merges), set-at-a-time."""
    wanted = set(ids)
    merged_into: dict[int, int] = {}
    pending, queried = set(wanted), set()
    while pending:
        chunk = list(pending)[:500]
        pending -= set(chunk)
        queried |= set(chunk)
        for pid, target in session.execute(
            select(Person.id, Person.merged_into_id).where(
                Person.id.in_(chunk), Person.merged_into_id.is_not(None)
            )
        ):
            if target is not None:
                merged_into[pid] = target
                if target not in queried:
                    pending.add(target)
    result = {}
    for pid in wanted:
        live, seen = pid, set()
        while live in merged_into and live not in seen:
            seen.add(live)
            live = merged_into[live]
        result[pid] = live
    return result


def log_touch_point(
    session: Session,
    person_id: int,
    kind: str,
    text: str,
    *,
    at: datetime | int | None = None,
    done_by: str = "",
) -> int:
    """Log a call, meeting or note; `done_by` "" is the user. A future meeting is planned."""
    if kind not in TOUCH_KINDS:
        raise UserError(f"A touch point is one of {', '.join(TOUCH_KINDS)}, not “{kind}”.")
    note = PersonNote(
        person_id=contact(session, person_id).id,
        kind=kind,
        happened_at=_seconds(at),
        text=text,
        done_by=done_by.strip(),
        created_at=int(time.time()),
    )
    session.add(note)
    session.flush()
    return note.id


def add_task(
    session: Session,
    person_id: int,
    title: str,
    *,
    due: datetime | int | None = None,
    owner: str = "",
    conversation_id: int | None = None,
) -> int:
    """Something pending with the person: `owner` "" is the user, else who will do it."""
    if not title.strip():
        raise UserError("A task needs a few words saying what is to be done.")
    task = PersonTask(
        person_id=contact(session, person_id).id,
        title=title.strip(),
        due_at=None if due is None else _seconds(due),
        owner=owner.strip(),
        created_at=int(time.time()),
        conversation_id=conversation_id,
    )
    session.add(task)
    session.flush()
    return task.id


def set_task_done(session: Session, task_id: int, done: bool = True) -> None:
    task = session.get(PersonTask, task_id)
    if task is None:
        raise UserError(f"There is no task with id {task_id}.")
    task.done_at = int(time.time()) if done else None


def rename(session: Session, person_id: int, name: str) -> None:
    if not name.strip():
        raise UserError("A person's name cannot be empty.")
    contact(session, person_id).display_name = name.strip()


def add_handle(session: Session, person_id: int, kind: str, raw: str, region: str = "") -> int:
    """Give the person a handle; refuses one that belongs to someone else (merge them instead)."""
    value = normalize_handle(kind, raw, region)
    if not value:
        raise UserError(f"“{raw}” is not a {kind} handle.")
    person = live_person(session, person_id)
    owner = handle_owner(session, kind, value)
    if owner == person.id:
        return person.id
    if owner is not None:
        raise UserError(f"{value} belongs to another person (id {owner}); merge the two instead.")
    session.add(Handle(kind=kind, value=value, display_name="", person_id=person.id))
    session.flush()
    return person.id


def find_person(session: Session, handle_or_id: str, region: str = "") -> int | None:
    """The live person a user means by an id ("42") or a handle ("ann@example.org")."""
    text = handle_or_id.strip()
    if text.isdigit():
        try:
            return live_person(session, int(text)).id
        except UserError:
            return None
    guessed = guess_handle(text, region)
    if guessed is None:
        # "whatsapp:Olga": a handle of a network that has no address form of its own
        kind, colon, value = text.partition(":")
        if not colon or not kind.isalpha():
            return None
        owner = handle_owner(session, kind.lower(), normalize_handle(kind.lower(), value))
        return live_person(session, owner).id if owner is not None else None
    kind, value = guessed
    kinds = [kind] if kind != "email" else ["email", "xmpp"]  # an XMPP address looks the same
    for k in kinds:
        owner = handle_owner(session, k, value)
        if owner is not None:
            return live_person(session, owner).id
    return None


def handle_owner(session: Session, kind: str, value: str) -> int | None:
    """The person a normalized handle belongs to (not following merges: handles move)."""
    stmt = select(Handle.person_id).where(Handle.kind == kind, Handle.value == value)
    return session.scalar(stmt)


def move_handles(session: Session, handle_ids: list[int], person_id: int) -> None:
    if handle_ids:
        session.execute(update(Handle).where(Handle.id.in_(handle_ids)).values(person_id=person_id))

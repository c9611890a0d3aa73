"""Merging two people into one and splitting handles off, each recorded and undoable.

A merge moves the other person's handles, touch points, tasks and card
fields to the kept person, fills the kept card's empty fields, and marks the
other person as merged (the row stays, so an undo can bring them back). A
split moves chosen handles to a new person. Undo moves back exactly what the
record says moved, as long as it is still where the record left it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.store.person_card import create_person
from unibox.store.person_edit import live_person, move_handles
from unibox.store.schema import Handle, Person
from unibox.store.schema_people import (
    MergeSuggestion,
    PersonCard,
    PersonField,
    PersonMerge,
    PersonNote,
    PersonTask,
)

# Rows a person owns that follow them into a merge: (key in the record, model).
_OWNED: tuple[tuple[str, Any], ...] = (
    ("notes", PersonNote),
    ("tasks", PersonTask),
    ("fields", PersonField),
)
_CARD_TEXT = ("full_name", "given_name", "family_name", "nickname", "company", "title", "birthday")


def merge_people(session: Session, keep_id: int, other_id: int) -> tuple[int, ChangeSet]:
    """Merge `other_id` into `keep_id`; returns the merge record's id and what changed."""
    keep, other = live_person(session, keep_id), live_person(session, other_id)
    if keep.id == other.id:
        raise UserError("These are already the same person.")
    if keep.is_me != other.is_me:
        raise UserError("One of them is you: your own addresses are not merged with a contact.")
    detail: dict[str, Any] = {
        "handles": list(session.scalars(select(Handle.id).where(Handle.person_id == other.id)))
    }
    move_handles(session, detail["handles"], keep.id)
    for key, model in _OWNED:
        ids = list(session.scalars(select(model.id).where(model.person_id == other.id)))
        detail[key] = ids
        if ids:
            session.execute(update(model).where(model.id.in_(ids)).values(person_id=keep.id))
    detail.update(_merge_cards(session, keep.id, other.id))
    detail["display_name"] = keep.display_name
    if _weak_name(keep.display_name) and not _weak_name(other.display_name):
        keep.display_name = other.display_name
    other.merged_into_id = keep.id
    keep.listed = True  # merged by the user (or on a suggestion): a contact
    now = int(time.time())
    session.execute(
        update(MergeSuggestion)
        .where(
            MergeSuggestion.state == "pending",
            MergeSuggestion.person_id.in_((keep.id, other.id)),
            MergeSuggestion.other_person_id.in_((keep.id, other.id)),
        )
        .values(state="accepted", decided_at=now)
    )
    record = PersonMerge(
        kind="merge",
        person_id=keep.id,
        other_person_id=other.id,
        at=now,
        detail_json=json.dumps(detail),
    )
    session.add(record)
    session.flush()
    return record.id, ChangeSet(people={keep.id, other.id})


def _weak_name(name: str) -> bool:
    return not name or "@" in name


def _merge_cards(session: Session, keep_id: int, other_id: int) -> dict[str, Any]:
    """Fill the kept card from the other; say what was filled so undo can clear it."""
    keep_card = session.get(PersonCard, keep_id)
    other_card = session.get(PersonCard, other_id)
    if other_card is None:
        return {}
    if keep_card is None:
        session.execute(
            update(PersonCard).where(PersonCard.person_id == other_id).values(person_id=keep_id)
        )
        return {"card_moved": True}
    filled = {}
    for name in _CARD_TEXT:
        theirs = getattr(other_card, name)
        if theirs and not getattr(keep_card, name):
            setattr(keep_card, name, theirs)
            filled[name] = theirs
    if other_card.note and other_card.note not in keep_card.note:
        keep_card.note = f"{keep_card.note}\n\n{other_card.note}".strip()
        filled["note_added"] = other_card.note
    if other_card.photo and not keep_card.photo:
        keep_card.photo, keep_card.photo_type = other_card.photo, other_card.photo_type
        filled["photo"] = True
    return {"card_filled": filled}


def split_person(
    session: Session, person_id: int, handle_ids: list[int], name: str = ""
) -> tuple[int, int, ChangeSet]:
    """Move `handle_ids` off a person onto a new one; returns (new person, record, changes)."""
    person = live_person(session, person_id)
    own = set(session.scalars(select(Handle.id).where(Handle.person_id == person.id)))
    chosen = sorted(set(handle_ids))
    if not chosen or not set(chosen) <= own:
        raise UserError("Choose one or more handles of this person to split off.")
    if set(chosen) == own:
        raise UserError("A split must leave the person at least one handle.")
    first = session.get(Handle, chosen[0])
    assert first is not None
    new_id = create_person(session, name or first.display_name or first.value)
    _person(session, new_id).is_me = person.is_me
    move_handles(session, chosen, new_id)
    record = PersonMerge(
        kind="split",
        person_id=person.id,
        other_person_id=new_id,
        at=int(time.time()),
        detail_json=json.dumps({"handles": chosen}),
    )
    session.add(record)
    session.flush()
    return new_id, record.id, ChangeSet(people={person.id, new_id})


def undo(session: Session, record_id: int) -> ChangeSet:
    """Undo a merge or a split, moving back what it moved (if still in place)."""
    record = session.get(PersonMerge, record_id)
    if record is None:
        raise UserError(f"There is no merge or split with id {record_id}.")
    if record.undone_at is not None:
        raise UserError("That was undone already.")
    detail = json.loads(record.detail_json)
    if record.kind == "split":
        home = live_person(session, record.person_id).id
        _move_back(session, Handle, detail["handles"], record.other_person_id, home)
        _person(session, record.other_person_id).merged_into_id = home
    else:
        _undo_merge(session, record, detail)
    record.undone_at = int(time.time())
    return ChangeSet(people={record.person_id, record.other_person_id})


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    assert person is not None  # people are never deleted
    return person


def _undo_merge(session: Session, record: PersonMerge, detail: dict[str, Any]) -> None:
    other = _person(session, record.other_person_id)
    holder = live_person(session, record.person_id).id
    other.merged_into_id = None
    _move_back(session, Handle, detail.get("handles", []), holder, other.id)
    for key, model in _OWNED:
        _move_back(session, model, detail.get(key, []), holder, other.id)
    if detail.get("card_moved"):
        session.execute(
            update(PersonCard).where(PersonCard.person_id == holder).values(person_id=other.id)
        )
    keep_card = session.get(PersonCard, holder)
    filled = detail.get("card_filled", {})
    if keep_card is not None:
        for name in _CARD_TEXT:
            if name in filled and getattr(keep_card, name) == filled[name]:
                setattr(keep_card, name, "")
        added = filled.get("note_added")
        if added and keep_card.note.endswith(added):
            keep_card.note = keep_card.note[: -len(added)].rstrip()
        if filled.get("photo"):
            keep_card.photo, keep_card.photo_type = None, ""
    keep = session.get(Person, holder)
    if keep is not None and "display_name" in detail and keep.display_name == other.display_name:
        keep.display_name = detail["display_name"]


def _move_back(session: Session, model: Any, ids: list[int], holder: int, owner: int) -> None:
    if ids:
        session.execute(
            update(model)
            .where(model.id.in_(ids), model.person_id == holder)
            .values(person_id=owner)
        )


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """One merge or split as the person record lists it (newest first)."""

    id: int
    kind: str  # merge, split
    person_id: int  # kept (merge) or split from (split)
    other_person_id: int  # merged in (merge) or new (split)
    other_name: str
    at: datetime
    undone: bool


def history(session: Session, person_id: int) -> list[MergeRecord]:
    """Merges and splits touching a person, newest first."""
    other = aliased(Person)
    rows = session.execute(
        select(PersonMerge, other.display_name)
        .join(other, other.id == PersonMerge.other_person_id)
        .where((PersonMerge.person_id == person_id) | (PersonMerge.other_person_id == person_id))
        .order_by(PersonMerge.id.desc())
    )
    return [
        MergeRecord(
            m.id,
            m.kind,
            m.person_id,
            m.other_person_id,
            name,
            datetime.fromtimestamp(m.at, UTC),
            m.undone_at is not None,
        )
        for m, name in rows
    ]

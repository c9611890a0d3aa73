"""Suggested merges: evidence that two people are one, shown with its reason.

Nothing here merges anything: a suggestion waits until the user accepts
(then `merge_people` runs and records it) or dismisses it (then the same
evidence never suggests that pair again).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from unibox.core.errors import UserError
from unibox.core.identity import EMAIL, name_key, plus_base
from unibox.core.items import ChangeSet
from unibox.store.merges import merge_people
from unibox.store.reply_chains import reply_chain_pairs
from unibox.store.schema import Handle, Person
from unibox.store.schema_people import MergeSuggestion, PersonCard

SAME_NAME, VCARD, PLUS_ADDRESS, REPLY_CHAIN = "same_name", "vcard", "plus_address", "reply_chain"
SIGNATURE = "signature"
# More people than this sharing one name are a common name, not one person.
_MAX_NAMESAKES = 4


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A pending (or decided) suggestion, with both people's names and the reason."""

    id: int
    person_id: int
    person_name: str
    other_person_id: int
    other_name: str
    reason: str  # same_name, vcard, plus_address, reply_chain, signature
    detail: str  # a sentence for the user: why unibox thinks so
    state: str  # pending, accepted, dismissed
    created_at: datetime


def suggest(session: Session, a: int, b: int, reason: str, detail: str) -> bool:
    """Record a suggestion unless the pair already has one for this reason; True if new."""
    if a == b:
        return False
    a, b = min(a, b), max(a, b)
    exists = session.scalar(
        select(MergeSuggestion.id).where(
            MergeSuggestion.person_id == a,
            MergeSuggestion.other_person_id == b,
            MergeSuggestion.reason == reason,
        )
    )
    if exists is not None:
        return False
    session.add(
        MergeSuggestion(
            person_id=a,
            other_person_id=b,
            reason=reason,
            detail=detail,
            state="pending",
            created_at=int(time.time()),
        )
    )
    return True


def _live_contacts(session: Session) -> dict[int, str]:
    rows = session.execute(
        select(Person.id, Person.display_name).where(
            Person.is_me.is_(False), Person.merged_into_id.is_(None), Person.listed.is_(True)
        )
    )
    return {pid: name for pid, name in rows}


def refresh_suggestions(session: Session, person_ids: Iterable[int] | None = None) -> int:
    """Look for same-name, plus-address and reply-chain evidence; with `person_ids`,
    only about them. (Signature evidence comes from new mail: `signature_evidence`.)

    Returns how many new suggestions were made. Reads every contact's names
    once (fine for tens of thousands); run it after a sync, not per message.
    """
    live = _live_contacts(session)
    focus = set(live) if person_ids is None else set(person_ids) & set(live)
    if not focus:
        return 0
    made = _same_names(session, live, focus)
    made += _plus_addresses(session, live, focus)
    for a, b, detail in reply_chain_pairs(session, live, focus):
        made += suggest(session, a, b, REPLY_CHAIN, detail)
    return made


def _same_names(session: Session, live: dict[int, str], focus: set[int]) -> int:
    names: dict[str, dict[int, str]] = {}
    for pid, name in live.items():
        key = name_key(name)
        if key:
            names.setdefault(key, {})[pid] = name
    for pid, name in session.execute(
        select(Handle.person_id, Handle.display_name).where(Handle.display_name != "")
    ):
        key = name_key(name)
        if key and pid in live:
            names.setdefault(key, {}).setdefault(pid, name)
    made = 0
    for group in names.values():
        if len(group) < 2 or len(group) > _MAX_NAMESAKES or not focus & set(group):
            continue
        ids = sorted(group)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if a in focus or b in focus:
                    detail = f"Both are called “{group[a]}”" + (
                        f" (written “{group[b]}”)." if group[b] != group[a] else "."
                    )
                    made += suggest(session, a, b, SAME_NAME, detail)
    return made


def _plus_addresses(session: Session, live: dict[int, str], focus: set[int]) -> int:
    tagged = session.execute(
        select(Handle.value, Handle.person_id).where(
            Handle.kind == EMAIL, Handle.value.like("%+%@%")
        )
    ).all()
    bases = {plus_base(v): (v, pid) for v, pid in tagged if plus_base(v) and pid in live}
    made = 0
    keys = list(bases)
    for start in range(0, len(keys), 500):
        for value, pid in session.execute(
            select(Handle.value, Handle.person_id).where(
                Handle.kind == EMAIL, Handle.value.in_(keys[start : start + 500])
            )
        ):
            tagged_value, tagged_pid = bases[value]
            if pid in live and pid != tagged_pid and (pid in focus or tagged_pid in focus):
                detail = f"{tagged_value} is {value} with a +tag: usually the same mailbox."
                made += suggest(session, pid, tagged_pid, PLUS_ADDRESS, detail)
    return made


def _about(a: Any, b: Any, person_id: int | None, state: str) -> list[Any]:
    """Conditions of the suggestions in `state` (about `person_id`, or all)."""
    found: list[Any] = [MergeSuggestion.state == state]
    if state == "pending":  # a merged person's old suggestions are moot, and so are
        # those about an address found to be the user's own since (an account added)
        found += [
            a.merged_into_id.is_(None),
            b.merged_into_id.is_(None),
            a.is_me.is_(False),
            b.is_me.is_(False),
        ]
    if person_id is not None:
        found.append(
            (MergeSuggestion.person_id == person_id)
            | (MergeSuggestion.other_person_id == person_id)
        )
    return found


def suggestion_count(session: Session, person_id: int | None = None, state: str = "pending") -> int:
    """How many `suggestions` there are, without reading them."""
    a, b = aliased(Person), aliased(Person)
    stmt = (
        select(func.count())
        .select_from(MergeSuggestion)
        .join(a, a.id == MergeSuggestion.person_id)
        .join(b, b.id == MergeSuggestion.other_person_id)
    )
    return session.scalar(stmt.where(*_about(a, b, person_id, state))) or 0


def suggestions(
    session: Session,
    person_id: int | None = None,
    state: str = "pending",
    *,
    limit: int | None = None,
) -> list[Suggestion]:
    """Suggestions in `state` (about one person, or all), between people still live;
    the first `limit` of them if given."""
    a, b = aliased(Person), aliased(Person)
    stmt = (
        select(MergeSuggestion, a.display_name, b.display_name)
        .join(a, a.id == MergeSuggestion.person_id)
        .join(b, b.id == MergeSuggestion.other_person_id)
    )
    stmt = stmt.where(*_about(a, b, person_id, state)).order_by(MergeSuggestion.id).limit(limit)
    return [
        Suggestion(
            s.id,
            s.person_id,
            an,
            s.other_person_id,
            bn,
            s.reason,
            s.detail,
            s.state,
            datetime.fromtimestamp(s.created_at, UTC),
        )
        for s, an, bn in session.execute(stmt)
    ]


def accept(session: Session, suggestion_id: int) -> tuple[int, ChangeSet]:
    """Merge the suggested pair (the one with a card, else the older, is kept)."""
    s = _pending(session, suggestion_id)
    keep, other = s.person_id, s.other_person_id
    if session.get(PersonCard, other) is not None and session.get(PersonCard, keep) is None:
        keep, other = other, keep
    record, changes = merge_people(session, keep, other)
    s.state, s.decided_at = "accepted", int(time.time())
    return record, changes


def dismiss(session: Session, suggestion_id: int) -> None:
    """Never suggest this pair again for this reason."""
    s = _pending(session, suggestion_id)
    s.state, s.decided_at = "dismissed", int(time.time())


def _pending(session: Session, suggestion_id: int) -> MergeSuggestion:
    s = session.get(MergeSuggestion, suggestion_id)
    if s is None:
        raise UserError(f"There is no suggestion with id {suggestion_id}.")
    if s.state != "pending":
        raise UserError(f"That suggestion was {s.state} already.")
    return s

"""Signature evidence: a handle listed under someone's own mail is probably theirs.

When the handle belongs to another person, a merge is suggested; when it
belongs to nobody, adding it to the sender's card is suggested. Nothing is
changed until the user accepts. Only new messages are read (the ids a sync
just wrote), never the user's own mail, never the whole store.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.identity import EMAIL, MASTODON, MATRIX, PHONE, XMPP
from unibox.core.items import ChangeSet, ParseState
from unibox.core.signature import MAX_SCAN_CHARS, SignatureHandle, signature_handles
from unibox.store.schema import Handle, Message, MessageBody, Person
from unibox.store.schema_people import HandleSuggestion

_KIND_WORDS = {
    PHONE: "phone number",
    EMAIL: "address",
    XMPP: "XMPP address",
    MATRIX: "Matrix id",
    MASTODON: "fediverse account",
}
_CHUNK = 500
PER_SENDER = 3


@dataclass(frozen=True, slots=True)
class CardSuggestion:
    """A handle proposed for a person's card, with the sentence saying why."""

    id: int
    person_id: int
    person_name: str
    kind: str
    value: str
    detail: str
    state: str
    created_at: datetime


def scan_signatures(session: Session, message_ids: Iterable[int], region: str = "") -> set[int]:
    """Read the signatures of these messages (incoming, from live contacts); returns the
    people who got a new suggestion (both sides of a merge suggestion).

    Only each sender's newest `PER_SENDER` messages of the batch are read: a signature
    repeats under all of someone's mail, so a first sync of years of mail costs about
    as much as a day's.
    """
    chosen = _newest_per_sender(session, sorted(set(message_ids)))
    # Each (person, handle) is weighed once, citing the newest message that listed it.
    seen: dict[tuple[int, str, str], tuple[str, SignatureHandle, str]] = {}
    for start in range(0, len(chosen), _CHUNK):
        rows = session.execute(
            select(
                Message.subject,
                Message.sent_at,
                Person.id,
                Person.display_name,
                Handle.display_name,
                func.substr(MessageBody.text, 1, MAX_SCAN_CHARS),
            )
            .join(Handle, Handle.id == Message.sender_handle_id)
            .join(Person, Person.id == Handle.person_id)
            .join(MessageBody, MessageBody.message_id == Message.id)
            .where(Message.id.in_(chosen[start : start + _CHUNK]))
            .order_by(Message.sent_at.desc())
        ).all()
        for subject, sent_at, pid, name, written_name, text in rows:
            for handle in signature_handles(text or "", region, written_name or name):
                key = (pid, handle.kind, handle.value)
                if key not in seen:
                    seen[key] = (name, handle, _where(name, subject, sent_at))
    touched: set[int] = set()
    for (pid, _kind, _value), (name, handle, where) in seen.items():
        touched |= _evidence(session, pid, name, handle, where)
    return touched


def _newest_per_sender(session: Session, ids: list[int]) -> list[int]:
    """Of these messages, the newest few incoming ones of each live contact."""
    rows: list[tuple[int, int, int]] = []
    for start in range(0, len(ids), _CHUNK):
        rows.extend(
            (mid, pid, sent)
            for mid, pid, sent in session.execute(
                select(Message.id, Handle.person_id, Message.sent_at)
                .join(Handle, Handle.id == Message.sender_handle_id)
                .join(Person, Person.id == Handle.person_id)
                .where(
                    Message.id.in_(ids[start : start + _CHUNK]),
                    Message.direction == "in",
                    Message.deleted_at.is_(None),
                    Message.parse_state != ParseState.HEADERS.value,
                    Person.is_me.is_(False),
                    Person.merged_into_id.is_(None),
                )
            )
        )
    rows.sort(key=lambda r: r[2], reverse=True)
    per_sender: dict[int, int] = {}
    chosen = []
    for mid, pid, _sent in rows:
        if per_sender.get(pid, 0) < PER_SENDER:
            per_sender[pid] = per_sender.get(pid, 0) + 1
            chosen.append(mid)
    return chosen


def _where(name: str, subject: str, sent_at: int) -> str:
    day = datetime.fromtimestamp(sent_at, UTC)
    title = subject.strip() or "(no subject)"
    if len(title) > 60:
        title = title[:59] + "…"
    return f"{name}’s signature in “{title}” ({day.day} {day:%b %Y})"


def _evidence(
    session: Session, pid: int, name: str, handle: SignatureHandle, where: str
) -> set[int]:
    from unibox.store.merge_suggestions import SIGNATURE, suggest

    owner = session.execute(
        select(Person.id, Person.display_name, Person.is_me, Person.merged_into_id)
        .join(Handle, Handle.person_id == Person.id)
        .where(Handle.kind == handle.kind, Handle.value == handle.value)
    ).first()
    words = _KIND_WORDS.get(handle.kind, handle.kind)
    if owner is None:
        detail = f"{where} lists {handle.written}, a {words} no one in your contacts has."
        return {pid} if _suggest_handle(session, pid, handle, detail) else set()
    other, other_name, is_me, merged_into = owner
    if other == pid or is_me or merged_into is not None:
        return set()  # already theirs, the user's own (quoted), or a merged-away record
    detail = f"{where} lists {handle.written}, which is {other_name}’s {words}."
    return {pid, other} if suggest(session, pid, other, SIGNATURE, detail) else set()


def _suggest_handle(session: Session, pid: int, handle: SignatureHandle, detail: str) -> bool:
    exists = session.scalar(
        select(HandleSuggestion.id).where(
            HandleSuggestion.person_id == pid,
            HandleSuggestion.kind == handle.kind,
            HandleSuggestion.value == handle.value,
        )
    )
    if exists is not None:
        return False
    session.add(
        HandleSuggestion(
            person_id=pid,
            kind=handle.kind,
            value=handle.value,
            detail=detail,
            state="pending",
            created_at=int(time.time()),
        )
    )
    session.flush()
    return True


def card_suggestions(
    session: Session, person_id: int | None = None, state: str = "pending"
) -> list[CardSuggestion]:
    """Handles proposed for cards, in `state` (about one person, or all live people)."""
    stmt = (
        select(HandleSuggestion, Person.display_name)
        .join(Person, Person.id == HandleSuggestion.person_id)
        .where(
            HandleSuggestion.state == state,
            Person.merged_into_id.is_(None),
            Person.is_me.is_(False),
        )
        .order_by(HandleSuggestion.id)
    )
    if person_id is not None:
        stmt = stmt.where(HandleSuggestion.person_id == person_id)
    return [
        CardSuggestion(
            s.id,
            s.person_id,
            name,
            s.kind,
            s.value,
            s.detail,
            s.state,
            datetime.fromtimestamp(s.created_at, UTC),
        )
        for s, name in session.execute(stmt)
    ]


def accept_card(session: Session, suggestion_id: int) -> ChangeSet:
    """Add the handle to the person; refused when someone else has it by now."""
    from unibox.store.person_edit import add_handle, handle_owner

    s = _pending(session, suggestion_id)
    owner = handle_owner(session, s.kind, s.value)
    if owner is not None and owner != s.person_id:
        raise UserError(
            f"{s.value} belongs to another person by now (id {owner}); merge the two instead."
        )
    add_handle(session, s.person_id, s.kind, s.value)
    s.state, s.decided_at = "accepted", int(time.time())
    return ChangeSet(people={s.person_id})


def dismiss_card(session: Session, suggestion_id: int) -> None:
    """Never propose this handle for this person again."""
    s = _pending(session, suggestion_id)
    s.state, s.decided_at = "dismissed", int(time.time())


def _pending(session: Session, suggestion_id: int) -> HandleSuggestion:
    s = session.get(HandleSuggestion, suggestion_id)
    if s is None:
        raise UserError(f"There is no card suggestion with id {suggestion_id}.")
    if s.state != "pending":
        raise UserError(f"That suggestion was {s.state} already.")
    return s

"""Address completion for the compose window: people and addresses matching what is typed.

Candidates are e-mail handles whose address, or whose person's or handle's
name, starts with (a word of) the typed text; they are ranked by how much and
how recently the user exchanged mail with them, mail the user wrote to them
counting most. The user's own addresses and merged-away people never appear.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from unibox.core.identity import EMAIL
from unibox.store.schema import Handle, Message, Participant, Person

# More candidates than this (a one-letter prefix) are ranked only among the first found.
MAX_CANDIDATES = 400
DAY = 86400


@dataclass(frozen=True, slots=True)
class AddressSuggestion:
    """One line of the completion popup."""

    person_id: int
    name: str
    email: str
    messages: int  # exchanged with this address
    last_at: int | None  # Unix seconds of the newest of them

    @property
    def formatted(self) -> str:
        """What goes into the field: Name <address>, quoted where the name needs it."""
        if not self.name or self.name == self.email:
            return self.email
        name = self.name
        if any(ch in name for ch in '()<>@,;:\\".[]'):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{name} <{self.email}>"


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_matches(column: Any, prefix: str) -> Any:
    like = _like(prefix)
    lowered = func.lower(column)
    return or_(
        lowered.like(like + "%", escape="\\"),
        lowered.like("% " + like + "%", escape="\\"),
    )


def score(messages: int, written: int, last_at: int | None, now: int) -> float:
    """How likely the user means this address: volume (what they wrote counts thrice), recency."""
    if not messages:
        return 0.0
    age_days = max(0.0, (now - (last_at or 0)) / DAY)
    return math.log1p(messages + 2 * written) / (1.0 + age_days / 60.0)


def suggest(
    session: Session, text: str, *, limit: int = 8, now: int | None = None
) -> list[AddressSuggestion]:
    """The addresses best matching `text` (a name or address prefix), best first."""
    prefix = text.strip().casefold()
    if not prefix:
        return []
    now = int(time.time()) if now is None else now
    like = _like(prefix)
    candidates = session.execute(
        select(Handle.id, Handle.value, Handle.display_name, Person.id, Person.display_name)
        .join(Person, Person.id == Handle.person_id)
        .where(
            Handle.kind == EMAIL,
            Person.is_me.is_(False),
            Person.merged_into_id.is_(None),
            or_(
                Handle.value.like(like + "%", escape="\\"),
                _name_matches(Handle.display_name, prefix),
                _name_matches(Person.display_name, prefix),
            ),
        )
        .limit(MAX_CANDIDATES)
    ).all()
    if not candidates:
        return []
    ids = [c[0] for c in candidates]
    activity: dict[int, tuple[int, int, int | None]] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = session.execute(
            select(
                Participant.handle_id,
                func.count(func.distinct(Message.id)),
                func.count(func.distinct(case((Message.direction == "out", Message.id)))),
                func.max(Message.sent_at),
            )
            .join(Message, Message.id == Participant.message_id)
            .where(and_(Participant.handle_id.in_(chunk), Message.deleted_at.is_(None)))
            .group_by(Participant.handle_id)
        )
        for handle_id, count, wrote, newest in rows:
            activity[handle_id] = (count, wrote, newest)
    ranked: list[tuple[float, str, AddressSuggestion]] = []
    for handle_id, value, handle_name, person_id, person_name in candidates:
        n, written, last = activity.get(handle_id, (0, 0, None))
        name = person_name or handle_name or ""
        suggestion = AddressSuggestion(person_id, name, value, n, last)
        exact = 1.0 if value.casefold() == prefix else 0.0
        ranked.append((-(exact * 100 + score(n, written, last, now)), value, suggestion))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in ranked[:limit]]

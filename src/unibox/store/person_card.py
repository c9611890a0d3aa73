"""A person's contact card in the store: read it as a ContactCard, write one back.

Handles are never taken from another person by writing a card: a handle
that already belongs to someone else is reported, so the caller can suggest
a merge (never a silent one).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from unibox.core.contacts import CardHandle, ContactCard, PostalAddress
from unibox.core.identity import normalize_handle
from unibox.store.schema import Handle, Person
from unibox.store.schema_people import PersonCard, PersonField

ADDRESS, TAG, URL, CUSTOM = "address", "tag", "url", "custom"
HANDLE_LABEL = "handle_label"  # label "kind:value", value the label (work, cell, …)


@dataclass(slots=True)
class CardWrite:
    """What writing a card did to the person's handles."""

    added: list[tuple[str, str]] = field(default_factory=list)  # (kind, value) now theirs
    # handles the card lists that belong to someone else: other person id -> values
    elsewhere: dict[int, list[str]] = field(default_factory=dict)
    unreadable: list[CardHandle] = field(default_factory=list)  # kept as custom fields


def create_person(session: Session, display_name: str) -> int:
    person = Person(display_name=display_name, is_me=False, created_at=int(time.time()))
    session.add(person)
    session.flush()
    return person.id


def read_card(session: Session, person_id: int) -> ContactCard:
    """The person's card with every handle they own (empty fields when they have none)."""
    row = session.get(PersonCard, person_id)
    fields_ = session.execute(
        select(PersonField.kind, PersonField.label, PersonField.value)
        .where(PersonField.person_id == person_id)
        .order_by(PersonField.kind, PersonField.position, PersonField.id)
    ).all()
    labels = {label: v for k, label, v in fields_ if k == HANDLE_LABEL}
    handles = tuple(
        CardHandle(kind, value, labels.get(f"{kind}:{value}", ""))
        for kind, value in session.execute(
            select(Handle.kind, Handle.value)
            .where(Handle.person_id == person_id)
            .order_by(Handle.kind, Handle.id)
        )
    )
    addresses = tuple(PostalAddress.from_json(v, label) for k, label, v in fields_ if k == ADDRESS)
    tags = tuple(v for k, _label, v in fields_ if k == TAG)
    urls = tuple(v for k, _label, v in fields_ if k == URL)
    custom = tuple((label, v) for k, label, v in fields_ if k == CUSTOM)
    if row is None:
        return ContactCard(
            handles=handles, addresses=addresses, tags=tags, urls=urls, custom=custom
        )
    return ContactCard(
        uid=row.uid,
        full_name=row.full_name,
        given_name=row.given_name,
        family_name=row.family_name,
        nickname=row.nickname,
        company=row.company,
        title=row.title,
        birthday=row.birthday,
        note=row.note,
        handles=handles,
        addresses=addresses,
        tags=tags,
        urls=urls,
        custom=custom,
        photo=row.photo or b"",
        photo_type=row.photo_type,
    )


def owners(session: Session, handles: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Which person owns each (kind, normalized value), for those that exist."""
    found: dict[tuple[str, str], int] = {}
    for kind in {k for k, _v in handles}:
        values = [v for k, v in handles if k == kind]
        for start in range(0, len(values), 500):
            rows = session.execute(
                select(Handle.value, Handle.person_id).where(
                    Handle.kind == kind, Handle.value.in_(values[start : start + 500])
                )
            )
            found.update({(kind, v): pid for v, pid in rows})
    return found


def normalized_handles(
    card: ContactCard, region: str
) -> tuple[list[tuple[str, str]], list[CardHandle]]:
    """(kind, value) of the card's handles, and those that are not readable as their kind."""
    good, bad = _normalized(card, region)
    return list(good), bad


def _normalized(
    card: ContactCard, region: str
) -> tuple[dict[tuple[str, str], str], list[CardHandle]]:
    """(kind, value) -> the first label written for it, and the unreadable handles."""
    good: dict[tuple[str, str], str] = {}
    bad: list[CardHandle] = []
    for h in card.handles:
        value = normalize_handle(h.kind, h.value, region)
        if not value:
            bad.append(h)
        elif not good.get((h.kind, value)):
            good[(h.kind, value)] = h.label
    return good, bad


def write_card(session: Session, person_id: int, card: ContactCard, region: str) -> CardWrite:
    """Make `card` the person's card; add its handles no one owns yet."""
    result = CardWrite()
    handles, result.unreadable = normalized_handles(card, region)
    owned = owners(session, handles)
    for kind, value in handles:
        owner = owned.get((kind, value))
        if owner is None:
            session.add(Handle(kind=kind, value=value, display_name="", person_id=person_id))
            result.added.append((kind, value))
        elif owner != person_id:
            result.elsewhere.setdefault(owner, []).append(value)
    row = session.get(PersonCard, person_id) or PersonCard(person_id=person_id)
    row.uid = card.uid or row.uid or ""
    for name in ("full_name", "given_name", "family_name", "nickname", "company", "title"):
        setattr(row, name, getattr(card, name))
    row.birthday = card.birthday
    row.note = card.note
    row.photo = card.photo or None
    row.photo_type = card.photo_type if card.photo else ""
    row.updated_at = int(time.time())
    session.add(row)
    session.execute(delete(PersonField).where(PersonField.person_id == person_id))
    custom = list(card.custom) + [(h.label or h.kind, h.value) for h in result.unreadable]
    labels, _bad = _normalized(card, region)
    rows = [
        *(
            PersonField(kind=HANDLE_LABEL, label=f"{k}:{v}", value=label)
            for (k, v), label in labels.items()
            if label
        ),
        *(PersonField(kind=ADDRESS, label=a.label, value=a.to_json()) for a in card.addresses),
        *(PersonField(kind=TAG, label="", value=t) for t in dict.fromkeys(card.tags)),
        *(PersonField(kind=URL, label="", value=u) for u in dict.fromkeys(card.urls)),
        *(PersonField(kind=CUSTOM, label=label, value=v) for label, v in dict.fromkeys(custom)),
    ]
    for position, f in enumerate(rows):
        f.person_id = person_id
        f.position = position
    session.add_all(rows)
    # A card without any name must not rename someone known by name from mail.
    named = any((card.full_name, card.given_name, card.family_name, card.nickname, card.company))
    name = card.display_name() if named else ""
    person = session.get(Person, person_id)
    if person is not None and name:
        person.display_name = name
    session.flush()
    return result

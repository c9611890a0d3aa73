"""People's contact cards in the store: read them as ContactCards, write them back.

Set-at-a-time (a 5,000-card import or export is a few statements per 500
people), with one-person wrappers. Handles are never taken from another
person by writing a card: a handle that already belongs to someone else is
reported, so the caller can suggest a merge (never a silent one).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from unibox.core.contacts import CardHandle, ContactCard, PostalAddress
from unibox.core.identity import normalize_handle
from unibox.store.schema import Handle, Person, next_id, table
from unibox.store.schema_people import PersonCard, PersonField

ADDRESS, TAG, URL, CUSTOM = "address", "tag", "url", "custom"
HANDLE_LABEL = "handle_label"  # label "kind:value", value the label (work, cell, …)
_CHUNK = 500
_TEXT = ("uid", "full_name", "given_name", "family_name", "nickname", "company", "title")
_H, _P, _C, _F = table(Handle), table(Person), table(PersonCard), table(PersonField)


@dataclass(slots=True)
class CardWrite:
    """What writing a card did to the person's handles."""

    added: list[tuple[str, str]] = field(default_factory=list)  # (kind, value) now theirs
    # handles the card lists that belong to someone else: other person id -> values
    elsewhere: dict[int, list[str]] = field(default_factory=dict)
    unreadable: list[CardHandle] = field(default_factory=list)  # kept as custom fields


def create_person(session: Session, display_name: str) -> int:
    return create_people(session, [display_name])[0]


def create_people(session: Session, names: list[str]) -> list[int]:
    """New contacts (not the user), one per name; ids in the same order."""
    session.flush()
    conn = session.connection()
    first = next_id(conn, _P)
    now = int(time.time())
    ids = [first + i for i in range(len(names))]
    if ids:
        conn.execute(
            _P.insert(),
            [
                {"id": pid, "display_name": n, "is_me": False, "created_at": now}
                for pid, n in zip(ids, names, strict=True)
            ],
        )
    return ids


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def read_card(session: Session, person_id: int) -> ContactCard:
    """The person's card with every handle they own (empty fields when they have none)."""
    return read_cards(session, [person_id])[person_id]


def read_cards(session: Session, person_ids: Iterable[int]) -> dict[int, ContactCard]:
    """Cards of many people at once: three queries per 500 people."""
    ids = list(dict.fromkeys(person_ids))
    rows: dict[int, Any] = {}
    fields_: dict[int, list[tuple[str, str, str]]] = {}
    handles: dict[int, list[tuple[str, str]]] = {}
    for chunk in _chunks(ids):
        rows.update(
            {r.person_id: r for r in session.execute(select(_C).where(_C.c.person_id.in_(chunk)))}
        )
        for pid, kind, label, value in session.execute(
            select(_F.c.person_id, _F.c.kind, _F.c.label, _F.c.value)
            .where(_F.c.person_id.in_(chunk))
            .order_by(_F.c.person_id, _F.c.kind, _F.c.position, _F.c.id)
        ):
            fields_.setdefault(pid, []).append((kind, label, value))
        for pid, kind, value in session.execute(
            select(_H.c.person_id, _H.c.kind, _H.c.value)
            .where(_H.c.person_id.in_(chunk))
            .order_by(_H.c.person_id, _H.c.kind, _H.c.id)
        ):
            handles.setdefault(pid, []).append((kind, value))
    return {pid: _card(rows.get(pid), fields_.get(pid, []), handles.get(pid, [])) for pid in ids}


def _card(
    row: Any, fields_: list[tuple[str, str, str]], owned: list[tuple[str, str]]
) -> ContactCard:
    labels = {label: v for k, label, v in fields_ if k == HANDLE_LABEL}
    card = ContactCard(
        handles=tuple(CardHandle(k, v, labels.get(f"{k}:{v}", "")) for k, v in owned),
        addresses=tuple(
            PostalAddress.from_json(v, label) for k, label, v in fields_ if k == ADDRESS
        ),
        tags=tuple(v for k, _label, v in fields_ if k == TAG),
        urls=tuple(v for k, _label, v in fields_ if k == URL),
        custom=tuple((label, v) for k, label, v in fields_ if k == CUSTOM),
    )
    if row is None:
        return card
    return replace(
        card,
        **{name: getattr(row, name) for name in _TEXT},
        birthday=row.birthday,
        note=row.note,
        photo=row.photo or b"",
        photo_type=row.photo_type,
    )


def owners(session: Session, handles: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Which person owns each (kind, normalized value), for those that exist."""
    found: dict[tuple[str, str], int] = {}
    for kind in {k for k, _v in handles}:
        values = list({v for k, v in handles if k == kind})
        for start in range(0, len(values), _CHUNK):
            rows = session.execute(
                select(Handle.value, Handle.person_id).where(
                    Handle.kind == kind, Handle.value.in_(values[start : start + _CHUNK])
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
    return write_cards(session, {person_id: card}, region)[person_id]


def write_cards(
    session: Session, cards: dict[int, ContactCard], region: str
) -> dict[int, CardWrite]:
    """Make each card its person's card (set-at-a-time); add the handles no one owns yet.

    Within the batch the first card to list an unowned handle gets it; a
    later card listing it sees it as someone else's.
    """
    session.flush()  # pending ORM changes first: expire_all below would drop them
    results = {pid: CardWrite() for pid in cards}
    norm = {pid: _normalized(card, region) for pid, card in cards.items()}
    owned = owners(session, [key for good, _bad in norm.values() for key in good])
    conn = session.connection()
    new_handles: list[dict[str, Any]] = []
    hid = next_id(conn, _H)
    for pid, (good, bad) in norm.items():
        results[pid].unreadable = bad
        for key in good:
            owner = owned.get(key)
            if owner is None:
                owned[key] = pid
                new_handles.append(
                    {
                        "id": hid,
                        "kind": key[0],
                        "value": key[1],
                        "display_name": "",
                        "person_id": pid,
                    }
                )
                hid += 1
                results[pid].added.append(key)
            elif owner != pid:
                results[pid].elsewhere.setdefault(owner, []).append(key[1])
    if new_handles:
        conn.execute(_H.insert(), new_handles)
    ids = list(cards)
    old_uid: dict[int, str] = {}
    for chunk in _chunks(ids):
        old_uid.update(
            dict(
                conn.execute(
                    select(_C.c.person_id, _C.c.uid).where(_C.c.person_id.in_(chunk))
                ).all()
            )
        )
        conn.execute(_C.delete().where(_C.c.person_id.in_(chunk)))
        conn.execute(_F.delete().where(_F.c.person_id.in_(chunk)))
        # A card makes a contact of someone known only from mass mailings.
        conn.execute(
            table(Person).update().where(table(Person).c.id.in_(chunk)).values(listed=True)
        )
    now = int(time.time())
    conn.execute(
        _C.insert(),
        [
            {
                **{name: getattr(card, name) for name in _TEXT},
                "person_id": pid,
                "uid": card.uid or old_uid.get(pid, ""),
                "birthday": card.birthday,
                "note": card.note,
                "photo": card.photo or None,
                "photo_type": card.photo_type if card.photo else "",
                "updated_at": now,
            }
            for pid, card in cards.items()
        ],
    )
    field_rows = [
        row
        for pid, card in cards.items()
        for row in _field_rows(pid, card, norm[pid][0], results[pid])
    ]
    if field_rows:
        conn.execute(_F.insert(), field_rows)
    renames = [{"pid": pid, "n": name} for pid, card in cards.items() if (name := _card_name(card))]
    if renames:
        conn.execute(
            _P.update().where(_P.c.id == bindparam("pid")).values(display_name=bindparam("n")),
            renames,
        )
    session.expire_all()  # ORM objects loaded earlier must not shadow these rows
    return results


def _card_name(card: ContactCard) -> str:
    # A card without any name must not rename someone known by name from mail.
    named = any((card.full_name, card.given_name, card.family_name, card.nickname, card.company))
    return card.display_name() if named else ""


def _field_rows(
    pid: int, card: ContactCard, labels: dict[tuple[str, str], str], result: CardWrite
) -> list[dict[str, Any]]:
    custom = list(card.custom) + [(h.label or h.kind, h.value) for h in result.unreadable]
    values = [
        *((HANDLE_LABEL, f"{k}:{v}", label) for (k, v), label in labels.items() if label),
        *((ADDRESS, a.label, a.to_json()) for a in card.addresses),
        *((TAG, "", t) for t in dict.fromkeys(card.tags)),
        *((URL, "", u) for u in dict.fromkeys(card.urls)),
        *((CUSTOM, label, v) for label, v in dict.fromkeys(custom)),
    ]
    return [
        {"person_id": pid, "kind": k, "label": label, "value": v, "position": i}
        for i, (k, label, v) in enumerate(values)
    ]

"""Applying address-book cards to people, and reading people back out as cards.

A card joins the person its UID or one of its handles already belongs to;
otherwise it makes a new person (two cards in one file sharing a handle
make one). What the card says is laid over what the person's card had
(nothing the card leaves out is lost). A card that lists handles of two
different people suggests merging them, never merges. Set-at-a-time: a few
statements per 500 cards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.card_merge import combine
from unibox.core.contacts import ContactCard
from unibox.store.merge_suggestions import VCARD, suggest
from unibox.store.person_card import (
    create_people,
    normalized_handles,
    owners,
    read_cards,
    write_cards,
)
from unibox.store.person_edit import live_ids
from unibox.store.schema import Person
from unibox.store.schema_people import PersonCard


@dataclass(slots=True)
class ImportReport:
    """What an import did, for the report the user sees."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    suggestions: int = 0
    people: set[int] = field(default_factory=set)
    created_ids: set[int] = field(default_factory=set)
    updated_ids: set[int] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)  # handles kept as custom fields


def apply_card(session: Session, card: ContactCard, region: str, report: ImportReport) -> int:
    """Put one card on its person (found or new); returns the person's id."""
    return _import(session, [card], region, report)[0]


def import_cards(session: Session, cards: Iterable[ContactCard], region: str) -> ImportReport:
    """Apply every card in the caller's transaction; says what happened."""
    report = ImportReport()
    _import(session, list(cards), region, report)
    return report


def _targets(
    session: Session, cards: list[ContactCard], keys: list[list[tuple[str, str]]]
) -> list[int | None]:
    """The existing person each card belongs to (by UID, else by its first known handle)."""
    uids = list({c.uid for c in cards if c.uid})
    by_uid: dict[str, int] = {}
    for start in range(0, len(uids), 500):
        rows = session.execute(
            select(PersonCard.uid, PersonCard.person_id).where(
                PersonCard.uid.in_(uids[start : start + 500])
            )
        )
        by_uid.update({uid: pid for uid, pid in rows})
    owned = owners(session, [k for ks in keys for k in ks])
    found: list[int | None] = []
    for card, ks in zip(cards, keys, strict=True):
        pid = by_uid.get(card.uid) if card.uid else None
        if pid is None:
            pid = next((owned[k] for k in ks if k in owned), None)
        found.append(pid)
    live = live_ids(session, [p for p in found if p is not None])
    return [live[p] if p is not None else None for p in found]


def _import(
    session: Session, batch: list[ContactCard], region: str, report: ImportReport
) -> list[int]:
    """The person of each card, in order, after applying them all."""
    keys = [normalized_handles(c, region)[0] for c in batch]
    targets = _targets(session, batch, keys)
    # Cards for nobody yet: one new person per distinct contact in the file.
    claimed: dict[tuple[str, str], int] = {}
    new_index: list[int] = []
    slot: list[int] = []  # negative: the n-th new person
    for card_keys, target in zip(keys, targets, strict=True):
        if target is not None:
            slot.append(target)
            continue
        shared = next((claimed[k] for k in card_keys if k in claimed), None)
        if shared is None:
            shared = -(len(new_index) + 1)
            new_index.append(len(slot))
        for k in card_keys:
            claimed.setdefault(k, shared)
        slot.append(shared)
    new_ids = create_people(session, [batch[i].display_name() for i in new_index])
    person_of = [s if s > 0 else new_ids[-s - 1] for s in slot]
    report.created += len(new_ids)
    report.created_ids |= set(new_ids)
    fresh = set(new_ids)
    stored = read_cards(session, [p for p in person_of if p not in fresh])
    merged: dict[int, ContactCard] = {}
    for pid, card in zip(person_of, batch, strict=True):
        merged[pid] = combine(merged.get(pid) or stored.get(pid) or ContactCard(), card)
    changed = {}
    for pid, card in merged.items():
        before = stored.get(pid)
        if before is None:
            changed[pid] = card
            continue
        have = {(h.kind, h.value) for h in before.handles}
        listed = {k for ks, p in zip(keys, person_of, strict=True) if p == pid for k in ks}
        new_handles = listed - have
        if replace(card, handles=()) == replace(before, handles=()) and not new_handles:
            report.unchanged += 1
        else:
            report.updated += 1
            report.updated_ids.add(pid)
            changed[pid] = card
    results = write_cards(session, changed, region) if changed else {}
    report.people |= set(merged)
    others = live_ids(session, [o for r in results.values() for o in r.elsewhere])
    for pid, result in results.items():
        report.unreadable.extend(f"{h.kind} “{h.value}”" for h in result.unreadable)
        for other, values in result.elsewhere.items():
            if others[other] != pid:
                detail = (
                    f"The card “{merged[pid].display_name()}” also lists "
                    f"{', '.join(values)}, which is theirs."
                )
                report.suggestions += suggest(session, pid, others[other], VCARD, detail)
    return person_of


def export_cards(session: Session, person_ids: Iterable[int]) -> list[ContactCard]:
    """The people as cards, named as unibox shows them when their card has no name."""
    ids = list(person_ids)
    names = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Person.id, Person.display_name).where(Person.id.in_(ids[start : start + 500]))
        )
        names.update({pid: name for pid, name in rows})
    cards = read_cards(session, [i for i in ids if i in names])
    out = []
    for pid in ids:
        if pid not in names:
            continue
        card = cards[pid]
        if not card.full_name and names[pid] and "@" not in names[pid]:
            card = replace(card, full_name=names[pid])
        if not card.uid:
            card = replace(card, uid=f"urn:unibox:person:{pid}")
        out.append(card)
    return out

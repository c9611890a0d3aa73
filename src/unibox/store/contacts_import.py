"""Applying address-book cards to people, and reading people back out as cards.

A card joins the person its UID or one of its handles already belongs to;
otherwise it makes a new person. What the card says is laid over what the
person's card had (nothing the card leaves out is lost). A card that lists
handles of two different people suggests merging them, never merges.
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
    create_person,
    normalized_handles,
    owners,
    read_card,
    write_card,
)
from unibox.store.person_edit import live_person
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
    unreadable: list[str] = field(default_factory=list)  # handles kept as custom fields


def _person_for(session: Session, card: ContactCard, region: str) -> int | None:
    if card.uid:
        pid = session.scalar(select(PersonCard.person_id).where(PersonCard.uid == card.uid))
        if pid is not None:
            return live_person(session, pid).id
    handles, _bad = normalized_handles(card, region)
    owned = owners(session, handles)
    for key in handles:
        if key in owned:
            return live_person(session, owned[key]).id
    return None


def _same(a: ContactCard, b: ContactCard) -> bool:
    return replace(a, handles=()) == replace(b, handles=())


def apply_card(session: Session, card: ContactCard, region: str, report: ImportReport) -> int:
    """Put one card on its person (found or new); returns the person's id."""
    pid = _person_for(session, card, region)
    if pid is None:
        pid = create_person(session, card.display_name())
        stored = ContactCard()
        report.created += 1
    else:
        stored = read_card(session, pid)
    merged = combine(stored, card)
    handles, _bad = normalized_handles(card, region)
    new_handles = set(handles) - {(h.kind, h.value) for h in stored.handles}
    if pid not in report.people and stored != ContactCard():
        if _same(merged, stored) and not new_handles:
            report.unchanged += 1
            report.people.add(pid)
            return pid
        report.updated += 1
    result = write_card(session, pid, merged, region)
    report.people.add(pid)
    report.unreadable.extend(f"{h.kind} “{h.value}”" for h in result.unreadable)
    name = card.display_name()
    for other, values in result.elsewhere.items():
        other_live = live_person(session, other).id
        if other_live != pid:
            detail = f"The card “{name}” also lists {', '.join(values)}, which is theirs."
            report.suggestions += suggest(session, pid, other_live, VCARD, detail)
    return pid


def import_cards(session: Session, cards: Iterable[ContactCard], region: str) -> ImportReport:
    """Apply every card in one transaction (the caller's)."""
    report = ImportReport()
    for card in cards:
        apply_card(session, card, region, report)
        session.flush()
    return report


def export_cards(session: Session, person_ids: Iterable[int]) -> list[ContactCard]:
    """The people as cards, named as unibox shows them when their card has no name."""
    cards = []
    for pid in person_ids:
        person = session.get(Person, pid)
        if person is None:
            continue
        card = read_card(session, pid)
        if not card.full_name and person.display_name and "@" not in person.display_name:
            card = replace(card, full_name=person.display_name)
        if not card.uid:
            card = replace(card, uid=f"urn:unibox:person:{pid}")
        cards.append(card)
    return cards

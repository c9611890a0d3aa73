"""Two-way CardDAV sync of one address book with the people in the store.

1. PROPFIND the ETags; fetch only cards whose ETag changed (multiget).
2. Apply them: a new card joins or makes a person (like an import); a card
   we know is three-way merged with the person's current card against the
   version both sides last agreed on, so an edit on either side survives
   and a field edited on both keeps both values.
3. Push: people whose card differs from that agreed version are PUT with
   If-Match; contacts the book lacks are created (If-None-Match). A 412
   means the server changed meanwhile: fetch, merge, try again.
A card deleted on the server leaves its person here (with their mail) and
is not sent back; nothing is ever deleted on the server. The network is
never touched inside a write transaction.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from unibox.channels.carddav import CardDavClient, Conflict, RemoteCard
from unibox.channels.importers.vcf import read_vcards
from unibox.channels.importers.vcf_write import to_vcard
from unibox.core.card_merge import three_way
from unibox.core.contacts import CardHandle, ContactCard
from unibox.core.identity import normalize_handle
from unibox.store import address_books as books
from unibox.store.address_books import BookInfo
from unibox.store.contacts_import import ImportReport, apply_card, export_cards
from unibox.store.person_card import write_card
from unibox.store.store import Store

log = logging.getLogger("unibox.sync.contacts")


@dataclass(slots=True)
class ContactSyncReport:
    fetched: int = 0
    created_here: int = 0  # new people from the server
    updated_here: int = 0
    created_there: int = 0
    updated_there: int = 0
    deleted_there: int = 0  # cards deleted on the server (their people stay here)
    conflicts: list[str] = field(default_factory=list)  # "Ann Example: company"
    people: set[int] = field(default_factory=set)


def canonical(card: ContactCard, region: str) -> ContactCard:
    """A card in the form both sides compare equal in: handles normalized, ids dropped."""
    handles: dict[tuple[str, str], str] = {}
    for h in card.handles:
        key = (h.kind, normalize_handle(h.kind, h.value, region) or h.value)
        handles[key] = handles.get(key) or h.label.lower()
    return replace(
        card,
        uid="",
        handles=tuple(CardHandle(k, v, label) for (k, v), label in sorted(handles.items())),
        photo_type=card.photo_type if card.photo else "",
    )


def _parse(text: str, region: str) -> ContactCard | None:
    cards = read_vcards(text).cards
    return canonical(cards[0], region) if cards else None


def _uid(text: str) -> str:
    """The UID of a card as the server holds it ("" if unreadable)."""
    cards = read_vcards(text).cards
    return cards[0].uid if cards else ""


def sync_address_book(
    store: Store, client: CardDavClient, book: BookInfo, region: str
) -> ContactSyncReport:
    report = ContactSyncReport()
    remote = client.etags(book.url)
    with store.read() as s:
        known = books.links(s, book.id)
    changed = [h for h, etag in remote.items() if h not in known or known[h].etag != etag]
    fetched = client.fetch(book.url, changed)
    report.fetched = len(fetched)
    with store.write() as s:
        for card in fetched:
            _apply(s, book, card, known.get(card.href), region, report)
        # Deleted on the server: the person stays here, and is not sent there again.
        gone = [h for h, link in known.items() if h not in remote and link.etag]
        books.mark_deleted(s, book.id, gone)
        report.deleted_there = len(gone)
    for _round in range(3):
        if not _push(store, client, book, region, report):
            break
    with store.write() as s:
        books.set_sync_result(s, book.id)
    return report


def _apply(
    s: Session,
    book: BookInfo,
    card: RemoteCard,
    link: books.CardLink | None,
    region: str,
    report: ContactSyncReport,
) -> None:
    theirs = _parse(card.vcard, region)
    if theirs is None:
        log.warning("%s: card %s is unreadable; left alone", book.name, card.href)
        return
    if link is None or link.person_id is None:
        # Keep the server's UID: a card written back under another one is refused (409).
        pid = apply_card(s, replace(theirs, uid=_uid(card.vcard)), region, ImportReport())
        report.created_here += 1
        base_text = card.vcard
    else:
        pid = link.person_id
        base = _parse(link.vcard, region) or ContactCard()
        mine = canonical(export_cards(s, [pid])[0], region)
        merged = three_way(base, mine, theirs)
        if merged.card != mine:
            write_card(s, pid, merged.card, region)
            report.updated_here += 1
        name = merged.card.display_name()
        report.conflicts.extend(f"{name}: {f.replace('_', ' ')}" for f in merged.conflicts)
        base_text = card.vcard
    report.people.add(pid)
    books.save_link(s, book.id, card.href, card.etag, pid, base_text)


def _push(
    store: Store, client: CardDavClient, book: BookInfo, region: str, report: ContactSyncReport
) -> bool:
    """PUT what changed here; True if a conflict asks for another round."""
    with store.write() as s:
        linked = books.links(s, book.id)
        owner: dict[int, str] = {}
        for href, link in sorted(linked.items()):
            if link.person_id is not None and link.etag:  # not deleted on the server
                owner.setdefault(link.person_id, href)  # two cards, one person: the first
        updates = []
        for pid, href in owner.items():
            card = export_cards(s, [pid])[0]
            base = _parse(linked[href].vcard, region)
            if base is None or canonical(card, region) != base:
                # The card at `href` keeps the UID it has there, whatever ours says.
                card = replace(card, uid=_uid(linked[href].vcard) or card.uid)
                updates.append((pid, href, linked[href].etag, card))
        creates = []
        for pid in books.unlinked_contacts(s, book.id):
            card = export_cards(s, [pid])[0]
            if card.uid.startswith("urn:unibox:person:"):
                card = replace(card, uid=f"urn:uuid:{uuid.uuid4()}")
                books.set_card_uid(s, pid, card.uid)
            creates.append((pid, client.new_href(book.url, card.uid), card))
    again = False
    for pid, href, etag, card in updates:
        text = to_vcard(card, "3.0")
        try:
            new_etag = client.put(href, text, etag)
        except Conflict:
            again = True
            _refetch(store, client, book, href, region, report)
            continue
        with store.write() as s:
            books.save_link(s, book.id, href, new_etag, pid, text)
        report.updated_there += 1
    for pid, href, card in creates:
        text = to_vcard(card, "3.0")
        try:
            new_etag = client.put(href, text, None)
        except Conflict:  # a card of that name exists: take it in next round
            again = True
            _refetch(store, client, book, href, region, report)
            continue
        with store.write() as s:
            books.save_link(s, book.id, href, new_etag, pid, text)
        report.created_there += 1
    return again


def _refetch(
    store: Store,
    client: CardDavClient,
    book: BookInfo,
    href: str,
    region: str,
    report: ContactSyncReport,
) -> None:
    cards = client.fetch(book.url, [href])
    with store.write() as s:
        link = books.links(s, book.id).get(href)
        for card in cards:
            _apply(s, book, card, link, region, report)

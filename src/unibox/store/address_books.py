"""CardDAV address books in the store: their settings and which card is which person.

Each synced card keeps the vCard both sides last agreed on (the base of a
three-way merge) and its ETag, so a sync asks the server only for what
changed and never overwrites a change it has not seen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store.person_edit import live_person
from unibox.store.schema import Person
from unibox.store.schema_people import AddressBook, AddressBookCard, PersonCard


@dataclass(frozen=True, slots=True)
class BookInfo:
    id: int
    name: str
    url: str
    username: str
    secret_ref: str
    ca_file: str
    last_sync_at: int | None
    last_error: str


@dataclass(frozen=True, slots=True)
class CardLink:
    href: str
    etag: str  # "" once the card was deleted on the server
    person_id: int | None  # the live person (merges followed); None if gone
    vcard: str


def _info(b: AddressBook) -> BookInfo:
    return BookInfo(
        b.id, b.name, b.url, b.username, b.secret_ref, b.ca_file, b.last_sync_at, b.last_error
    )


def add_book(
    session: Session, *, name: str, url: str, username: str, secret_ref: str, ca_file: str = ""
) -> BookInfo:
    if session.scalar(select(AddressBook.id).where(AddressBook.name == name)) is not None:
        raise UserError(f"There is already an address book called “{name}”.")
    book = AddressBook(
        name=name,
        url=url,
        username=username,
        secret_ref=secret_ref,
        ca_file=ca_file,
        created_at=int(time.time()),
        last_error="",
    )
    session.add(book)
    session.flush()
    return _info(book)


def list_books(session: Session) -> list[BookInfo]:
    return [_info(b) for b in session.scalars(select(AddressBook).order_by(AddressBook.name))]


def get_book(session: Session, name: str) -> BookInfo:
    book = session.scalar(select(AddressBook).where(AddressBook.name == name))
    if book is None:
        raise UserError(f"There is no address book called “{name}”.")
    return _info(book)


def update_book(session: Session, name: str, *, username: str, ca_file: str) -> BookInfo:
    """A new user name or CA file for a book (its address and cards stay as they are)."""
    book = session.scalar(select(AddressBook).where(AddressBook.name == name))
    if book is None:
        raise UserError(f"There is no address book called “{name}”.")
    book.username = username
    book.ca_file = ca_file
    book.last_error = ""
    session.flush()
    return _info(book)


def remove_book(session: Session, name: str) -> BookInfo:
    """Forget an address book locally (its people stay; nothing is deleted on the server)."""
    info = get_book(session, name)
    session.execute(delete(AddressBook).where(AddressBook.id == info.id))
    return info


def set_sync_result(session: Session, book_id: int, error: str = "") -> None:
    book = session.get(AddressBook, book_id)
    if book is not None:
        book.last_sync_at = int(time.time())
        book.last_error = error


def links(session: Session, book_id: int) -> dict[str, CardLink]:
    found = {}
    for row in session.scalars(select(AddressBookCard).where(AddressBookCard.book_id == book_id)):
        pid = live_person(session, row.person_id).id if row.person_id is not None else None
        found[row.href] = CardLink(row.href, row.etag, pid, row.vcard)
    return found


def save_link(
    session: Session, book_id: int, href: str, etag: str, person_id: int | None, vcard: str
) -> None:
    row = session.get(AddressBookCard, (book_id, href))
    if row is None:
        row = AddressBookCard(book_id=book_id, href=href)
        session.add(row)
    row.etag, row.person_id, row.vcard = etag, person_id, vcard


def mark_deleted(session: Session, book_id: int, hrefs: list[str]) -> None:
    """Cards deleted on the server: keep the link (so the person is not sent back) without
    an ETag or base, so the card is fetched afresh if it ever reappears."""
    if hrefs:
        session.execute(
            update(AddressBookCard)
            .where(AddressBookCard.book_id == book_id, AddressBookCard.href.in_(hrefs))
            .values(etag="", vcard="")
        )


def unlinked_contacts(session: Session, book_id: int) -> list[int]:
    """Live contacts with a card that this book does not hold yet (to create there)."""
    linked = {
        link.person_id for link in links(session, book_id).values() if link.person_id is not None
    }
    rows = session.scalars(
        select(Person.id)
        .join(PersonCard, PersonCard.person_id == Person.id)
        .where(Person.is_me.is_(False), Person.merged_into_id.is_(None))
        .order_by(Person.id)
    )
    return [pid for pid in rows if pid not in linked]


def set_card_uid(session: Session, person_id: int, uid: str) -> None:
    card = session.get(PersonCard, person_id)
    if card is not None and not card.uid:
        card.uid = uid

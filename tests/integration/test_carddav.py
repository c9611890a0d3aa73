"""CardDAV sync both ways against a real Radicale: round trips, ETags, conflicts."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers.items import new_store
from tests.helpers.radicale import Radicale
from unibox.channels.carddav import CardDavClient, CardDavError, Conflict, DavAccount
from unibox.channels.importers.vcf import read_vcards
from unibox.channels.importers.vcf_write import to_vcard
from unibox.core.contacts import CardHandle, ContactCard, PostalAddress
from unibox.store import address_books as books
from unibox.store.contacts_import import export_cards, import_cards
from unibox.store.people_list import people_ids
from unibox.store.person_card import read_card, write_card
from unibox.store.person_edit import find_person
from unibox.store.store import Store
from unibox.sync.contacts import canonical, sync_address_book

pytestmark = pytest.mark.integration
_users = itertools.count(1)
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4

ANN = ContactCard(
    full_name="Ann Example",
    given_name="Ann",
    family_name="Example",
    company="Acme, Inc.",
    title="CEO",
    birthday="1985-04-12",
    note="Met at the fair;\nlikes tea",
    handles=(
        CardHandle("email", "ann@example.org", "work"),
        CardHandle("phone", "+49 30 1234567", "cell"),
        CardHandle("xmpp", "ann@jabber.example"),
    ),
    addresses=(PostalAddress("home", street="Main St 1", city="Berlin", postcode="10115"),),
    tags=("important", "friends"),
    urls=("https://ann.example",),
    custom=(("spouse", "Sam"),),
    photo=PHOTO,
    photo_type="image/jpeg",
)
BOB = ContactCard(full_name="Bob Builder", handles=(CardHandle("email", "bob@example.org"),))


@pytest.fixture
def book_url(radicale: Radicale) -> tuple[str, str]:
    user = f"user{next(_users)}"
    radicale.add_user(user, "pw")
    return radicale.make_address_book(user, "pw", "contacts"), user


def _client(radicale: Radicale, user: str) -> CardDavClient:
    return CardDavClient(DavAccount(radicale.url, user, "pw"))


def _store(tmp_path: Path, name: str, url: str, user: str) -> tuple[Store, books.BookInfo]:
    store = new_store(tmp_path / name)
    with store.write() as s:
        book = books.add_book(s, name="Home", url=url, username=user, secret_ref="x")
    return store, book


def _card(store: Store, who: str) -> ContactCard:
    with store.read() as s:
        pid = find_person(s, who)
        assert pid is not None
        return export_cards(s, [pid])[0]


def test_discovery_finds_the_book_from_the_server_root(
    radicale: Radicale, book_url: tuple[str, str]
) -> None:
    url, user = book_url
    books_found = _client(radicale, user).discover()
    assert [(b.url, b.name) for b in books_found] == [(url, "contacts")]
    with pytest.raises(CardDavError, match="user name or password"):
        CardDavClient(DavAccount(radicale.url, user, "wrong")).discover()
    with pytest.raises(CardDavError, match="only to this computer"):
        CardDavClient(DavAccount("http://dav.example.com/", user, "pw"))


def test_two_stores_share_every_field_through_the_server(
    radicale: Radicale, book_url: tuple[str, str], tmp_path: Path
) -> None:
    url, user = book_url
    first, book1 = _store(tmp_path, "a", url, user)
    with first.write() as s:
        import_cards(s, [ANN, BOB], "DE")
    report = sync_address_book(first, _client(radicale, user), book1, "DE")
    assert (report.created_there, report.fetched) == (2, 0)
    again = sync_address_book(first, _client(radicale, user), book1, "DE")
    assert (again.fetched, again.created_there, again.updated_there) == (0, 0, 0)  # ETags

    second, book2 = _store(tmp_path, "b", url, user)
    report = sync_address_book(second, _client(radicale, user), book2, "DE")
    assert (report.fetched, report.created_here, report.updated_there) == (2, 2, 0)
    for who in ("ann@example.org", "bob@example.org"):
        assert canonical(_card(second, who), "DE") == canonical(_card(first, who), "DE")
    ann = _card(second, "+49301234567")
    assert ann.photo == PHOTO and ann.note == ANN.note and ann.custom == (("spouse", "Sam"),)
    assert CardHandle("email", "ann@example.org", "work") in ann.handles


def test_edits_on_either_side_arrive_and_conflicts_keep_both_values(
    radicale: Radicale, book_url: tuple[str, str], tmp_path: Path
) -> None:
    url, user = book_url
    here, book = _store(tmp_path, "a", url, user)
    with here.write() as s:
        import_cards(s, [ANN], "DE")
    sync_address_book(here, _client(radicale, user), book, "DE")

    # Another device edits the company and adds a tag; here the company and a phone change.
    phone = _client(radicale, user)
    [(href, etag)] = phone.etags(url).items()
    [remote] = phone.fetch(url, [href])
    theirs = read_vcards(remote.vcard).cards[0]
    theirs = replace(theirs, company="Globex", title="Chair", tags=(*theirs.tags, "board"))
    phone.put(href, to_vcard(theirs, "4.0"), etag)
    with here.write() as s:
        pid = find_person(s, "ann@example.org")
        assert pid is not None
        mine = read_card(s, pid)
        mine = replace(
            mine, company="Initech", handles=(*mine.handles, CardHandle("phone", "+4915112345678"))
        )
        write_card(s, pid, mine, "DE")

    report = sync_address_book(here, _client(radicale, user), book, "DE")
    assert report.conflicts == ["Ann Example: company"]
    local = _card(here, "ann@example.org")
    assert (local.company, local.title) == ("Initech", "Chair")
    assert ("company (other version)", "Globex") in local.custom
    assert "board" in local.tags
    assert any(h.value == "+4915112345678" for h in local.handles)
    [server] = phone.fetch(url, [href])
    on_server = canonical(read_vcards(server.vcard).cards[0], "DE")
    assert on_server == canonical(local, "DE")


def test_a_change_on_the_server_during_the_push_is_merged_not_overwritten(
    radicale: Radicale, book_url: tuple[str, str], tmp_path: Path
) -> None:
    url, user = book_url
    here, book = _store(tmp_path, "a", url, user)
    with here.write() as s:
        import_cards(s, [BOB], "DE")
    sync_address_book(here, _client(radicale, user), book, "DE")
    with here.write() as s:
        pid = find_person(s, "bob@example.org")
        assert pid is not None
        write_card(s, pid, replace(read_card(s, pid), title="Foreman"), "DE")

    class RacingClient(CardDavClient):
        """Another device saves the card between our read and our write, once."""

        raced = False

        def put(self, href: str, vcard: str, etag: str | None) -> str:
            if not self.raced and etag is not None:
                self.raced = True
                other = _client(radicale, user)
                [card] = other.fetch(url, [href])
                edited = replace(read_vcards(card.vcard).cards[0], nickname="Bobby")
                other.put(href, to_vcard(edited, "3.0"), card.etag)
            return super().put(href, vcard, etag)

    racing = RacingClient(DavAccount(radicale.url, user, "pw"))
    sync_address_book(here, racing, book, "DE")
    assert racing.raced
    local = _card(here, "bob@example.org")
    assert (local.title, local.nickname) == ("Foreman", "Bobby")
    [(href, _etag)] = racing.etags(url).items()
    [server] = racing.fetch(url, [href])
    assert "Foreman" in server.vcard and "Bobby" in server.vcard
    with pytest.raises(Conflict):
        racing.put(href, server.vcard, '"stale"')


def test_a_card_deleted_on_the_server_stays_deleted_there_and_kept_here(
    radicale: Radicale, book_url: tuple[str, str], tmp_path: Path
) -> None:
    url, user = book_url
    here, book = _store(tmp_path, "a", url, user)
    with here.write() as s:
        import_cards(s, [BOB], "DE")
    client = _client(radicale, user)
    sync_address_book(here, client, book, "DE")
    [(href, etag)] = client.etags(url).items()
    client.delete(href, etag)
    report = sync_address_book(here, _client(radicale, user), book, "DE")
    assert report.deleted_there == 1
    with here.read() as s:
        assert len(people_ids(s)) == 1  # Bob and his mail stay here
    # ... and he is not sent back to the server the user deleted him from.
    assert report.created_there == 0 and client.etags(url) == {}
    assert sync_address_book(here, _client(radicale, user), book, "DE").created_there == 0


def test_the_addressbook_commands(
    radicale: Radicale,
    book_url: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io
    import json
    import sys

    from unibox import cli

    url, user = book_url
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    vcf = tmp_path / "ann.vcf"
    vcf.write_text(to_vcard(ANN, "3.0"))
    assert cli.main(["import", str(vcf)]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    args = ["addressbook", "add", "--name", "Home", "--url", radicale.url, "--username", user]
    assert cli.main([*args, "--password-stdin"]) == 0
    assert url in capsys.readouterr().out
    assert cli.main(["addressbook", "sync"]) == 0
    assert "1 new there" in capsys.readouterr().out
    assert cli.main(["addressbook", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["name"], listed["url"], listed["last_error"]) == ("Home", url, "")
    assert len(_client(radicale, user).etags(url)) == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong\n"))
    assert cli.main([*args[:3], "Bad", *args[4:], "--password-stdin"]) == 1
    assert "user name or password" in capsys.readouterr().err
    assert cli.main(["addressbook", "remove", "Home"]) == 0

"""vCard files in and out: real-world shapes read, and nothing lost on a round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unibox.channels.importers.vcf import read_vcards
from unibox.channels.importers.vcf_write import to_vcard, to_vcf
from unibox.core.contacts import CardHandle, ContactCard, PostalAddress

APPLE_30 = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\n"
    b"N:M\xc3\xbcller;J\xc3\xb6rg;;Dr.;\r\nFN:Dr. J\xc3\xb6rg M\xc3\xbcller\r\n"
    b"ORG:Acme GmbH;Vertrieb\r\nTITLE:Head of Sales\\, EMEA\r\n"
    b"EMAIL;type=INTERNET;type=WORK;type=pref:joerg@acme.example\r\n"
    b"TEL;type=CELL;type=VOICE;type=pref:+49 151 12345678\r\n"
    b"item1.ADR;type=HOME;type=pref:;;Hauptstr. 1;Berlin;;10115;Germany\r\n"
    b"item1.X-ABADR:de\r\nitem2.URL;type=pref:https://acme.example\r\n"
    b"item2.X-ABLabel:_$!<HomePage>!$_\r\nBDAY;value=date:1975-02-28\r\n"
    b"NOTE:Met at the fair\\, hall 3.\\nLikes tea.\r\n"
    b"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n"
    b" /2wBDAAgGBgcGBQgHBwcJCQ==\r\n"
    b"X-SOCIALPROFILE;type=twitter:x-apple:joerg\r\nEND:VCARD\r\n"
)
V4 = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Example\r\nN:Example;Ann;;;\r\n"
    "EMAIL;TYPE=work:ann@example.org\r\nTEL;VALUE=uri;TYPE=cell:tel:+1-202-555-0143\r\n"
    "IMPP:xmpp:ann@jabber.example\r\nIMPP:matrix:u/ann:matrix.example\r\n"
    "BDAY:--0412\r\nCATEGORIES:friends,important\r\n"
    "PHOTO:data:image/png;base64,iVBORw0KGgo=\r\nNOTE:Commas, unescaped, kept\r\n"
    "END:VCARD\r\n"
)


def test_an_apple_contacts_export_is_read_whole() -> None:
    read = read_vcards(APPLE_30)
    assert read.skipped == [] and len(read.cards) == 1
    c = read.cards[0]
    assert (c.full_name, c.given_name, c.family_name) == ("Dr. Jörg Müller", "Jörg", "Müller")
    assert (c.company, c.title, c.birthday) == ("Acme GmbH", "Head of Sales, EMEA", "1975-02-28")
    assert c.note == "Met at the fair, hall 3.\nLikes tea."
    assert CardHandle("email", "joerg@acme.example", "work") in c.handles
    assert CardHandle("phone", "+49 151 12345678", "cell") in c.handles
    assert c.addresses[0].city == "Berlin" and c.addresses[0].label == "home"
    assert c.urls == ("https://acme.example",)
    assert c.photo.startswith(b"\xff\xd8") and c.photo_type == "image/jpeg"
    assert ("department", "Vertrieb") in c.custom
    assert ("twitter", "x-apple:joerg") in c.custom  # unknown properties are kept


def test_vcard_4_uris_data_photos_and_unescaped_commas() -> None:
    c = read_vcards(V4).cards[0]
    kinds = {(h.kind, h.value) for h in c.handles}
    assert ("phone", "tel:+1-202-555-0143") in kinds
    assert ("xmpp", "xmpp:ann@jabber.example") in kinds
    assert ("matrix", "matrix:u/ann:matrix.example") in kinds
    assert c.birthday == "--04-12"
    assert c.tags == ("friends", "important")
    assert c.photo.startswith(b"\x89PNG") and c.photo_type == "image/png"
    assert c.note == "Commas, unescaped, kept"


def test_unusable_cards_are_reported_with_the_reason() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nothing else\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut off\r\n"
    )
    read = read_vcards(text)
    assert [c.full_name for c in read.cards] == ["Cut off"]
    assert read.skipped[0].where.startswith("card 1")
    assert "no name" in read.skipped[0].reason
    assert "END:VCARD" in read.warnings[0]
    assert "not a vCard" in read_vcards(b"name,email\r\n").skipped[0].reason


safe_text = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\r"),
    max_size=20,
).map(str.strip)
multiline = st.lists(safe_text, max_size=3).map("\n".join).map(str.strip)


@st.composite
def cards(draw: st.DrawFn) -> ContactCard:
    handles = draw(
        st.lists(
            st.one_of(
                st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.org", fullmatch=True).map(
                    lambda v: CardHandle("email", v, "work")
                ),
                st.from_regex(r"\+49 30 [0-9]{5,8}", fullmatch=True).map(
                    lambda v: CardHandle("phone", v)
                ),
                st.from_regex(r"[a-z]{1,8}@jabber\.org", fullmatch=True).map(
                    lambda v: CardHandle("xmpp", "xmpp:" + v)
                ),
            ),
            max_size=3,
            unique=True,
        )
    )
    return ContactCard(
        uid="urn:uuid:" + draw(st.uuids()).hex,
        full_name=draw(safe_text.filter(bool)),
        given_name=draw(safe_text),
        family_name=draw(safe_text),
        company=draw(safe_text),
        title=draw(safe_text),
        note=draw(multiline),
        birthday=draw(st.sampled_from(["", "1980-02-29", "--12-31"])),
        handles=tuple(handles),
        addresses=tuple(
            draw(
                st.lists(
                    st.builds(
                        PostalAddress, st.just("home"), street=safe_text, city=safe_text
                    ).filter(lambda a: not a.is_empty()),
                    max_size=2,
                    unique=True,
                )
            )
        ),
        tags=tuple(draw(st.lists(safe_text.filter(bool), max_size=3, unique=True))),
        custom=tuple(
            draw(st.lists(st.tuples(safe_text, multiline.filter(bool)), max_size=2, unique=True))
        ),
        photo=draw(st.binary(max_size=64)),
        photo_type="image/png",
    )


@settings(max_examples=150)
@given(cards(), st.sampled_from(["3.0", "4.0"]))
def test_a_card_survives_export_and_import(card: ContactCard, version: str) -> None:
    back = read_vcards(to_vcard(card, version)).cards
    assert len(back) == 1
    got = back[0]
    if version == "4.0":  # vCard 4 writes phones as tel: URIs
        got = got.with_handles(
            tuple(type(h)(h.kind, h.value.removeprefix("tel:"), h.label) for h in got.handles)
        )
    expected = card if card.photo else ContactCard(**{**_fields(card), "photo_type": ""})
    assert got == expected


def _fields(card: ContactCard) -> dict[str, object]:
    return {f: getattr(card, f) for f in card.__slots__}


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_version_comes_right_after_begin(version: str) -> None:
    text = to_vcf([ContactCard(full_name="A B"), ContactCard(full_name="C D")], version)
    assert text.count(f"BEGIN:VCARD\r\nVERSION:{version}\r\n") == 2

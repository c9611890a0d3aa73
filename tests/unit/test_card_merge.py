"""Cards combine without losing a field: imports lay over, sync edits merge three ways."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.items import new_store
from tests.helpers.people import Mailbox
from unibox.core.card_merge import combine, parse_birthday, three_way
from unibox.core.contacts import SCALAR_FIELDS, CardHandle, ContactCard
from unibox.core.items import Address
from unibox.store import merge_suggestions as ms
from unibox.store.contacts_import import export_cards, import_cards

values = st.sampled_from(["", "a", "b", "c"])


@st.composite
def card(draw: st.DrawFn) -> ContactCard:
    return ContactCard(
        company=draw(values),
        title=draw(values),
        note=draw(values),
        tags=tuple(draw(st.lists(st.sampled_from(["x", "y", "z"]), unique=True))),
    )


@given(card(), card(), card())
def test_three_way_keeps_every_value_either_side_changed(
    base: ContactCard, local: ContactCard, remote: ContactCard
) -> None:
    merged = three_way(base, local, remote).card
    kept = set(merged.custom)
    for name in SCALAR_FIELDS:
        b, mine, theirs = (getattr(c, name) for c in (base, local, remote))
        for value in (mine, theirs):
            if value and value != b:  # this side's edit
                assert getattr(merged, name) == value or any(v == value for _l, v in kept)
        if mine == theirs:
            assert getattr(merged, name) == mine
    for tag in set(local.tags) | set(remote.tags):
        removed_elsewhere = tag in base.tags and (tag not in local.tags or tag not in remote.tags)
        assert (tag in merged.tags) != removed_elsewhere


def test_three_way_conflict_keeps_local_and_files_remote() -> None:
    base = ContactCard(company="Acme")
    merged = three_way(base, ContactCard(company="Acme Corp"), ContactCard(company="Globex"))
    assert merged.card.company == "Acme Corp"
    assert ("company (other version)", "Globex") in merged.card.custom
    assert merged.conflicts == ("company",)


def test_an_import_fills_and_updates_but_never_blanks() -> None:
    stored = ContactCard(company="Acme", title="CEO", tags=("vip",))
    merged = combine(stored, ContactCard(title="Chair", tags=("board",)))
    assert (merged.company, merged.title, merged.tags) == ("Acme", "Chair", ("vip", "board"))


def test_birthdays() -> None:
    assert parse_birthday("19850412") == "1985-04-12"
    assert parse_birthday("--0229") == "--02-29"
    assert parse_birthday("2/29/2001") == ""  # not a leap year
    assert parse_birthday("0/0/00") == ""
    assert parse_birthday("1985-04-12T00:00:00Z") == "1985-04-12"


def test_a_card_naming_two_known_people_suggests_a_merge(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    box = Mailbox(store)
    box.hear(Address("ann@example.org", "Ann"), "Hi", 0)
    box.hear(Address("a.example@work.example", "A. Example"), "Hi", 1)
    ann, work = box.person("ann@example.org"), box.person("a.example@work.example")
    both = ContactCard(
        full_name="Ann Example",
        handles=(
            CardHandle("email", "ann@example.org"),
            CardHandle("email", "A.Example@work.example"),
            CardHandle("phone", "+49 30 1234567", "work"),
        ),
    )
    with store.write() as s:
        report = import_cards(s, [both], "")
        assert (report.created, report.updated, report.suggestions) == (0, 1, 1)
        [suggestion] = ms.suggestions(s)
        assert {suggestion.person_id, suggestion.other_person_id} == {ann, work}
        assert suggestion.reason == ms.VCARD and "a.example@work.example" in suggestion.detail
        [exported] = export_cards(s, [ann])
    assert exported.full_name == "Ann Example"
    assert {h.value for h in exported.handles} == {"ann@example.org", "+49301234567"}


def test_cards_sharing_a_handle_in_one_file_make_one_person(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    home = ContactCard(full_name="Ann Example", handles=(CardHandle("email", "ann@example.org"),))
    work = ContactCard(
        full_name="Ann Example",
        company="Acme",
        handles=(CardHandle("email", "ANN@example.org"), CardHandle("phone", "+49 30 1234567")),
    )
    other = ContactCard(full_name="Bob", handles=(CardHandle("email", "bob@example.org"),))
    with store.write() as s:
        report = import_cards(s, [home, work, other], "")
        assert (report.created, len(report.people)) == (2, 2)
        cards = export_cards(s, sorted(report.people))
    ann = next(c for c in cards if c.full_name == "Ann Example")
    assert ann.company == "Acme"
    assert {h.value for h in ann.handles} == {"ann@example.org", "+49301234567"}
    with store.write() as s:  # the same file again changes nothing
        again = import_cards(s, [home, work, other], "")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

"""A broadcast is not a relationship: mass-mailing recipients are handles, not People."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers.items import add_account, add_folders, item, new_store, parsed
from unibox.core.items import Address, IncomingMessage
from unibox.core.query import parse_query
from unibox.store import queries
from unibox.store.ingest import Ingestor
from unibox.store.merge_suggestions import refresh_suggestions, suggestion_count
from unibox.store.people_list import people_ids
from unibox.store.person_edit import find_person, log_touch_point
from unibox.store.schema import Handle
from unibox.store.store import Store

ME = Address("me@example.com", "Me")
BOSS = Address("boss@corp.example", "Bea Boss")
# Two hundred colleagues, two of them namesakes (a merge suggestion if they were People).
CROWD = tuple(Address(f"staff{n}@corp.example", f"Staff {n % 199}") for n in range(200))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


def _mail(
    uid: int,
    subject: str,
    from_: tuple[Address, ...],
    to: tuple[Address, ...],
    cc: tuple[Address, ...] = (),
) -> IncomingMessage:
    return item(uid, parsed(subject, message_id=f"{uid}@corp.example", from_=from_, to=to, cc=cc))


def _sync(store: Store, items: list[IncomingMessage]) -> None:
    with store.read() as s:
        known = queries.stats(s)["accounts"]
    acc = 1 if known else add_account(store)
    folder = add_folders(store, acc, "INBOX")["INBOX"]
    with store.write() as s:
        changes = Ingestor(acc, folder, [ME.email]).ingest(s, items)
        refresh_suggestions(s, changes.people)


def _people(store: Store) -> list[str]:
    with store.read() as s:
        ids = people_ids(s)
        return sorted(s.scalars(select(Handle.value).where(Handle.person_id.in_(ids))).all())


def test_the_recipients_of_a_mass_mailing_are_not_people(store: Store) -> None:
    _sync(store, [_mail(1, "All hands", from_=(BOSS,), to=(ME,), cc=CROWD)])
    assert _people(store) == ["boss@corp.example"]
    with store.read() as s:
        assert queries.stats(s)["people"] == 1
        assert s.scalar(select(func.count(Handle.id))) == 202  # every address kept
        hits = queries.search(s, parse_query("to:staff150@corp.example"))
        assert [h.subject for h in hits] == ["All hands"]
        assert suggestion_count(s) == 0
        # The person behind a handle still opens (the message header links to them).
        assert find_person(s, "staff150@corp.example") is not None


def test_a_conversation_makes_a_contact_of_a_mass_mailing_recipient(store: Store) -> None:
    _sync(store, [_mail(1, "All hands", from_=(BOSS,), to=(ME,), cc=CROWD)])
    _sync(store, [_mail(2, "Question", from_=(CROWD[7],), to=(ME,))])
    _sync(store, [_mail(3, "Lunch?", from_=(ME,), to=(CROWD[8],))])
    _sync(store, [_mail(4, "Small thread", from_=(BOSS,), to=(ME,), cc=CROWD[9:11])])
    assert _people(store) == [
        "boss@corp.example",
        "staff10@corp.example",
        "staff7@corp.example",
        "staff8@corp.example",
        "staff9@corp.example",
    ]


def test_what_the_user_sends_to_many_and_small_mail_make_people(store: Store) -> None:
    _sync(
        store,
        [
            _mail(1, "Newsletter", from_=(ME,), to=CROWD[:100]),
            _mail(2, "Dinner", from_=(BOSS,), to=(ME, CROWD[150], CROWD[151])),
            # In one batch: a mass mailing and a small message both list staff152.
            _mail(3, "Party", from_=(BOSS,), to=(ME,), cc=CROWD[100:]),
            _mail(4, "Re: Party", from_=(CROWD[152],), to=(ME,)),
        ],
    )
    people = _people(store)
    assert len(people) == 1 + 100 + 3
    assert "staff152@corp.example" in people and "staff153@corp.example" not in people


def test_a_note_makes_a_contact(store: Store) -> None:
    _sync(store, [_mail(1, "All hands", from_=(BOSS,), to=(ME,), cc=CROWD)])
    with store.write() as s:
        pid = find_person(s, "staff42@corp.example")
        assert pid is not None
        log_touch_point(s, pid, "call", "Talked about the offsite")
    assert "staff42@corp.example" in _people(store)

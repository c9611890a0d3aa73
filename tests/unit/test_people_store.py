"""The person record's storage, as a user of the People view would notice it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.helpers.items import add_account, add_folders, item, new_store, parsed
from unibox.core.items import Address
from unibox.store.ingest import Ingestor
from unibox.store.schema import Handle, Person
from unibox.store.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


def test_an_address_becomes_mine_when_its_account_is_added_later(store: Store) -> None:
    acc = add_account(store)
    inbox = add_folders(store, acc, "INBOX")["INBOX"]
    cc_home = parsed(
        "Hi", message_id="a@x", to=(Address("me@example.com"), Address("me@home.example"))
    )
    with store.write() as s:
        Ingestor(acc, inbox, ["me@example.com"]).ingest(s, [item(1, cc_home)])
    with store.write() as s:  # the home account now exists too
        Ingestor(acc, inbox, ["me@example.com", "me@home.example"]).ingest(
            s, [item(2, parsed("Again", message_id="b@x", to=(Address("me@home.example"),)))]
        )
    with store.read() as s:
        home = s.scalar(
            select(Person.is_me)
            .join(Handle, Handle.person_id == Person.id)
            .where(Handle.value == "me@home.example")
        )
    assert home is True


def test_people_search_reads_no_message_to_sort_one_match_and_only_last_touch_for_many(
    tmp_path: Path,
) -> None:
    from sqlalchemy import event

    from tests.helpers.people import Mailbox
    from unibox.store.people_list import people_ids

    store = new_store(tmp_path / "p")
    box = Mailbox(store)
    for n, who in enumerate(("Ann Archer", "Anna Bell", "Bob Carter")):
        box.hear(Address(f"p{n}@example.org", who), "Hi", n)
    statements: list[str] = []

    def capture(_conn, _cursor, sql, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(sql)

    event.listen(store.engine, "before_cursor_execute", capture)
    with store.read() as s:
        one = people_ids(s, "bob")
        reads_for_one = [q for q in statements if "participant" in q]
        statements.clear()
        two = people_ids(s, "ann")
    event.remove(store.engine, "before_cursor_execute", capture)
    assert len(one) == 1 and reads_for_one == []
    assert [box.person("p1@example.org"), box.person("p0@example.org")] == two  # newest first
    aggregates = [q for q in statements if "participant" in q]
    assert aggregates and not any("count(" in q.lower() for q in aggregates)

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

"""The user's own addresses, of every account, are never shown as contacts."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.helpers.items import BASE, add_account, add_folders, item, parsed
from unibox import cli
from unibox.config import store_path
from unibox.core.items import Address
from unibox.store import merge_suggestions as ms
from unibox.store.ingest import Ingestor
from unibox.store.people_list import going_cold, people, people_ids
from unibox.store.schema import Handle, Message
from unibox.store.signature_evidence import card_suggestions, scan_signatures
from unibox.store.store import Store

WORK = Address("me@work.example", "Mia Example")
HOME = Address("mia@home.example", "Mia Example")
ANN = Address("ann@example.org", "Ann Other")


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    return tmp_path / "profile"


def _mail(
    store: Store,
    account: int,
    mine: Address,
    uid: int,
    sender: Address,
    to: Address,
    text: str = "Hello",
) -> None:
    folder = add_folders(store, account, "INBOX")["INBOX"]
    p = replace(
        parsed(f"Note {uid}", message_id=f"n{uid}@t", from_=(sender,), to=(to,), text=text),
        date=BASE + timedelta(days=uid),
    )
    with store.write() as s:
        Ingestor(account, folder, [mine.email]).ingest(s, [item(uid, p)])


def _two_accounts(store: Store) -> None:
    work = add_account(store, "Work", WORK.email)
    # Mail between my two addresses, and my home address in a thread with Ann,
    # all seen in the work account before the home account syncs anything.
    _mail(store, work, WORK, 1, HOME, WORK, "Note to self\n\n-- \nMia\n+41 44 668 18 00\n")
    _mail(store, work, WORK, 2, WORK, HOME)
    _mail(store, work, WORK, 3, ANN, HOME, "Hi\n\nBest,\nAnn Other\nmia@home.example\n")
    for uid in range(4, 9):
        _mail(store, work, WORK, uid, WORK, ANN)


def test_another_accounts_address_is_me_everywhere(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    add_account(store, "Home", HOME.email)  # added first, synced later
    _two_accounts(store)
    with store.write() as s:
        ids = list(s.scalars(select(Message.id)))
        scan_signatures(s, ids, "CH")
        ms.refresh_suggestions(s)
        assert [r.handle for r in people(s)] == [ANN.email]
        assert [r.handle for r in going_cold(s, days=1, min_sent=1, now=10**10)] == [ANN.email]
        assert ms.suggestions(s) == [] and card_suggestions(s) == []
        # What I sent from home is outgoing mail, not a message waiting for my reply.
        home = s.scalar(select(Handle.id).where(Handle.value == HOME.email))
        directions = set(
            s.scalars(select(Message.direction).where(Message.sender_handle_id == home))
        )
    assert directions == {"out"}


def test_an_account_added_later_takes_its_address_out_of_people(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    _two_accounts(store)
    with store.write() as s:
        ms.refresh_suggestions(s)
        assert HOME.email in {r.handle for r in people(s)}  # not known to be mine yet
    add_account(store, "Home", HOME.email)
    with store.read() as s:
        assert [r.handle for r in people(s)] == [ANN.email]
        assert ms.suggestions(s) == []
        assert len(people_ids(s)) == 1


def test_the_people_command_lists_no_address_of_mine(
    profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(store_path(profile))
    add_account(store, "Home", HOME.email)
    _two_accounts(store)
    store.engine.dispose()
    capsys.readouterr()
    assert cli.main(["people", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in listed] == ["Ann Other"]
    assert cli.main(["people", "--cold", "1"]) == 0
    assert "Mia" not in capsys.readouterr().out

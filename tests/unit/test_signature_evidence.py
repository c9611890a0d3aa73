"""Signatures as merge evidence: suggested with a reason in words, never applied silently."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.helpers.items import BASE, add_account, add_folders, item, new_store, parsed
from tests.helpers.people import ME
from unibox.core.errors import UserError
from unibox.core.items import Address, ChangeSet
from unibox.secrets import SecretStore
from unibox.store import merge_suggestions as ms
from unibox.store.ingest import Ingestor
from unibox.store.person_edit import add_handle
from unibox.store.schema import Handle
from unibox.store.signature_evidence import (
    accept_card,
    card_suggestions,
    dismiss_card,
    scan_signatures,
)
from unibox.store.store import Store
from unibox.sync.runner import SyncRunner

ANA = Address("ana@acme.example", "Ana Lima")
ANA_PRIVATE = Address("ana.lima@home.example", "A. Lima")
SIGNED = "Hi,\n\nthe draft is attached.\n\nBest regards,\nAna Lima\nT +41 44 668 18 00\n"


class Inbox:
    def __init__(self, store: Store) -> None:
        self.store = store
        account = add_account(store)
        self.ingestor = Ingestor(account, add_folders(store, account, "INBOX")["INBOX"], [ME.email])
        self.uid = 0

    def mail(self, sender: Address, subject: str, text: str, to: Address = ME) -> int:
        self.uid += 1
        p = replace(
            parsed(subject, message_id=f"s{self.uid}@t", from_=(sender,), to=(to,), text=text),
            date=BASE + timedelta(days=122),  # 2 May 2024, 09:00 UTC
        )
        with self.store.write() as s:
            changes = self.ingestor.ingest(s, [item(self.uid, p)])
        [mid] = changes.messages_added
        return mid

    def person(self, email: str) -> int:
        with self.store.read() as s:
            pid = s.scalar(select(Handle.person_id).where(Handle.value == email))
        assert pid is not None
        return pid


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


def test_a_phone_in_a_signature_that_is_another_persons_suggests_a_merge(store: Store) -> None:
    box = Inbox(store)
    box.mail(ANA_PRIVATE, "Weekend", "See you!")
    with store.write() as s:
        add_handle(s, box.person(ANA_PRIVATE.email), "phone", "+41 44 668 18 00")
    mid = box.mail(ANA, "Contract draft", SIGNED)
    ana, private = box.person(ANA.email), box.person(ANA_PRIVATE.email)
    with store.write() as s:
        assert scan_signatures(s, [mid], "CH") == {ana, private}
        found = [(x.reason, x.detail) for x in ms.suggestions(s) if x.reason == ms.SIGNATURE]
        assert scan_signatures(s, [mid], "CH") == set()  # the same evidence, once
    assert found == [
        (
            ms.SIGNATURE,
            "Ana Lima’s signature in “Contract draft” (2 May 2024) lists +41 44 668 18 00, "
            "which is A. Lima’s phone number.",
        )
    ]
    assert box.person(ANA.email) != box.person(ANA_PRIVATE.email)  # nothing merged


def test_a_handle_nobody_has_is_proposed_for_the_card_and_added_only_on_accept(
    store: Store,
) -> None:
    box = Inbox(store)
    mid = box.mail(ANA, "Contract draft", SIGNED + "xmpp: ana@jabber.example\n")
    ana = box.person(ANA.email)
    with store.write() as s:
        scan_signatures(s, [mid], "CH")
        found = {(c.kind, c.value): c for c in card_suggestions(s, ana)}
        assert set(found) == {("phone", "+41446681800"), ("xmpp", "ana@jabber.example")}
        assert found["phone", "+41446681800"].detail == (
            "Ana Lima’s signature in “Contract draft” (2 May 2024) lists +41 44 668 18 00, "
            "a phone number no one in your contacts has."
        )
        assert s.scalar(select(Handle.id).where(Handle.kind == "phone")) is None  # not yet
        changes = accept_card(s, found["phone", "+41446681800"].id)
        dismiss_card(s, found["xmpp", "ana@jabber.example"].id)
        with pytest.raises(UserError, match="accepted already"):
            accept_card(s, found["phone", "+41446681800"].id)
        owner = s.scalar(select(Handle.person_id).where(Handle.value == "+41446681800"))
        assert (owner, changes.people) == (ana, {ana})
        assert card_suggestions(s) == []
    mid = box.mail(ANA, "Contract draft v2", SIGNED + "xmpp: ana@jabber.example\n")
    with store.write() as s:
        assert scan_signatures(s, [mid], "CH") == set()  # dismissed stays dismissed


def test_my_own_mail_and_quoted_signatures_are_never_evidence(store: Store) -> None:
    box = Inbox(store)
    mine = box.mail(ME, "Offer", "Hi Ana\n\nBest,\nMe\n+41 44 668 18 00\n", to=ANA)
    quoting = box.mail(
        ANA, "Re: Offer", "Fine.\n\nOn Monday Me wrote:\n> Best,\n> Me\n> x@y.example\n"
    )
    with store.write() as s:
        assert scan_signatures(s, [mine, quoting], "CH") == set()
        assert card_suggestions(s) == [] and ms.suggestions(s) == []


def test_the_sync_runner_reads_signatures_of_the_new_mail_only(store: Store) -> None:
    box = Inbox(store)
    box.mail(ANA, "Old", SIGNED)
    new = box.mail(
        Address("bob@b.example", "Bob Stone"), "New", "Hi\n\n-- \nBob Stone\n+1 415 555 0132\n"
    )
    seen: list[ChangeSet] = []
    runner = SyncRunner(store, SecretStore(), on_changes=seen.append)
    runner.phone_region = "CH"
    runner._suggest_merges(ChangeSet(messages_added={new}))
    with store.read() as s:
        assert [(c.person_name, c.value) for c in card_suggestions(s)] == [
            ("Bob Stone", "+14155550132")
        ]
    assert seen and seen[-1].people == {box.person("bob@b.example")}  # Ana's old mail: unread
    runner.close()

"""Which new mail gets a desktop notification, and what it says."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from tests.helpers.items import add_account, add_folders, item, new_store, parsed
from unibox.core.items import Address
from unibox.core.notify import NewMail, Notification, notification_for
from unibox.core.triage import TriageState
from unibox.store import triage
from unibox.store.ingest import Ingestor
from unibox.store.new_mail import new_mail

NOW = 1_900_000_000
ANA = NewMail(
    id=7,
    account="Work",
    sender_name="Ana Lima",
    sender_email="ana@example.org",
    subject="Contract draft",
    sent_at=NOW - 60,
    outgoing=False,
    in_inbox=True,
    seen=False,
    done=False,
    snoozed_until=None,
    history=False,
)


def test_one_new_message_names_its_sender_and_subject() -> None:
    assert notification_for([ANA], [], NOW) == Notification("Ana Lima", "Contract draft", 7, 1)
    nameless = replace(ANA, sender_name="", subject="")
    assert notification_for([nameless], [], NOW) == Notification(
        "ana@example.org", "(no subject)", 7, 1
    )


def test_several_in_one_account_are_counted_and_open_the_newest() -> None:
    batch = [
        replace(ANA, id=10 + n, sent_at=NOW - n, sender_name=name)
        for n, name in enumerate(["Ana Lima", "Ben Ode", "Ana Lima", "Cleo", "Dan", "Eve"])
    ]
    found = notification_for(batch, [], NOW)
    assert found == Notification(
        "6 new messages in Work", "From Ana Lima, Ben Ode, Cleo and 2 more", 10, 6
    )


def test_several_accounts_say_how_many_in_each() -> None:
    batch = [replace(ANA, id=n, account="Home" if n < 3 else "Work") for n in range(1, 6)]
    found = notification_for(batch, [], NOW)
    assert found is not None
    assert (found.title, found.body) == ("5 new messages", "3 in Work · 2 in Home")


def test_nothing_for_mail_that_is_not_news() -> None:
    not_news = [
        replace(ANA, outgoing=True),  # I sent it
        replace(ANA, history=True),  # old mail of an account's first sync
        replace(ANA, in_inbox=False),  # filed elsewhere by a rule
        replace(ANA, seen=True),  # read on another device already
        replace(ANA, done=True),
        replace(ANA, snoozed_until=NOW + 3600),
    ]
    for mail in not_news:
        assert notification_for([mail], [], NOW) is None, mail
    # Only what is news counts, and a snooze that has ended is news again.
    woke = replace(ANA, id=8, snoozed_until=NOW - 1)
    assert notification_for([*not_news, woke], [], NOW) == Notification(
        "Ana Lima", "Contract draft", 8, 1
    )


def test_an_account_with_notifications_off_stays_quiet() -> None:
    assert notification_for([ANA], ["Work"], NOW) is None
    home = replace(ANA, id=9, account="Home", sender_name="Bo")
    assert notification_for([ANA, home], ["Work"], NOW) == Notification(
        "Bo", "Contract draft", 9, 1
    )


def test_the_store_says_what_is_news(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX", "Sent", "Archive")
    future = int((datetime.fromtimestamp(time.time() + 86_400 * 400, UTC) - parsed().date).days)
    me = (Address("me@example.com", "Me"),)
    batches = {
        "INBOX": [
            item(1, parsed("Old news", message_id="old@x")),  # before the account was added
            item(2, parsed("Fresh", message_id="fresh@x", day=future)),
            item(3, parsed("Read already", message_id="read@x", day=future), flags=("\\Seen",)),
            item(4, parsed("Note to self", message_id="self@x", day=future, from_=me)),
            item(5, parsed("Done", message_id="done@x", day=future)),
        ],
        "Archive": [item(1, parsed("Filed", message_id="filed@x", day=future))],
    }
    added: set[int] = set()
    for folder, items in batches.items():
        with store.write() as s:
            added |= Ingestor(acc, f[folder], ["me@example.com"]).ingest(s, items).messages_added
    with store.read() as s:
        facts = {m.subject: m for m in new_mail(s, added)}
    with store.write() as s:
        triage.set_state(s, facts["Done"].id, TriageState(done=True), NOW)
    with store.read() as s:
        facts = {m.subject: m for m in new_mail(s, added)}
    assert facts["Old news"].history and not facts["Fresh"].history
    assert facts["Read already"].seen and facts["Note to self"].outgoing
    assert facts["Done"].done and not facts["Filed"].in_inbox
    assert (facts["Fresh"].account, facts["Fresh"].sender_email) == ("Work", "ann@example.org")
    assert notification_for(facts.values(), [], NOW) == Notification(
        "Ann Example", "Fresh", facts["Fresh"].id, 1
    )
    store.close()

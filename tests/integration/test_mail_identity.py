"""Every message the server holds is kept: one per (folder, UID), whatever its headers say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.email_corpus import corpus_messages
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.integration.cli_helpers import add_account, run, search, stats
from unibox.config import store_path
from unibox.store.store import Store
from unibox.store.triage_views import needs_followup_ids

pytestmark = pytest.mark.integration

SHARED_ID = "<weekly-report@lists.example.org>"
# Five distinct messages with one Message-ID and one subject (a broken mailer,
# a resent list post): each has its own word; the first three in INBOX.
SIBLINGS = ("aardvark", "bison", "capybara", "dromedary", "echidna")


def _sibling(word: str, n: int) -> bytes:
    return simple_message(
        "Weekly report",
        f"This week: the {word} project moved on.",
        from_=f"Sender {n} <sender{n}@lists.example.org>",
        message_id=SHARED_ID,
        date=dt.datetime(2024, 3, 4 + n, 9, 0, tzinfo=dt.UTC),
    )


def _server_count(dovecot: Dovecot, user: str) -> int:
    with dovecot.imap(user) as client:
        return sum(
            int(client.folder_status(name, [b"MESSAGES"])[b"MESSAGES"])
            for _flags, _delim, name in client.list_folders()
        )


def _one_hit(capsys: pytest.CaptureFixture[str], word: str) -> dict[str, object]:
    hits = search(capsys, word)
    assert len(hits) == 1, (word, hits)
    return hits[0]


def test_every_message_on_the_server_is_stored_and_found(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = corpus_messages()
    if not corpus:
        pytest.skip("CPython's email test corpus is not installed (libpython3.11-testsuite)")
    me = f"{mail_user}@example.com"
    dovecot.deliver_many(mail_user, [raw for _name, raw in corpus], dates_from_headers=False)
    dovecot.deliver_many(mail_user, generate_mailbox(400, seed=11, me=me))
    for n, word in enumerate(SIBLINGS[:3]):
        dovecot.deliver(mail_user, _sibling(word, n))
    for n, word in enumerate(SIBLINGS[3:], start=3):
        dovecot.deliver(mail_user, _sibling(word, n), folder="Archive")
    on_server = _server_count(dovecot, mail_user)
    assert on_server == len(corpus) + 400 + 5
    add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch)

    assert run("sync") == 0
    s = stats(capsys)
    assert s["messages"] == on_server
    assert s["messages_without_body"] == 0
    for word in SIBLINGS:
        assert _one_hit(capsys, word)["subject"] == "Weekly report"
    # One thread: they share a Message-ID.
    assert len({_one_hit(capsys, w)["conversation_id"] for w in SIBLINGS}) == 1
    assert run("sync") == 0
    assert stats(capsys)["messages"] == on_server

    # Local state stays on the one message it was given, wherever it moves.
    capybara = _one_hit(capsys, "capybara")
    assert run("mark", str(capybara["id"]), "followup:2099-01-01T09:00") == 0
    with dovecot.imap(mail_user) as other:
        other.create_folder("Projects")
        other.select_folder("INBOX")
        uids = other.search(["BODY", "capybara"])
        assert len(uids) == 1
        other.move(uids, "Projects")
    assert run("sync") == 0
    assert stats(capsys)["messages"] == on_server
    moved = _one_hit(capsys, "capybara")
    assert moved["id"] == capybara["id"]
    assert moved["folder"] == "Projects"
    with Store(store_path(profile)).read() as s:
        due = needs_followup_ids(s, int(dt.datetime(2100, 1, 1, tzinfo=dt.UTC).timestamp()))
    assert due == [capybara["id"]]


def test_a_message_that_cannot_be_written_costs_only_itself(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import unibox.store.ingest_content as ingest_content

    for n in range(5):
        dovecot.deliver(mail_user, simple_message(f"Fine {n}", f"walrus number {n}"))
    dovecot.deliver(
        mail_user, simple_message("Poisoned", "narwhal", from_="Bug <poison@example.org>")
    )
    # A fault of ours, injected: writing this one sender's index entry fails.
    real = ingest_content._search_people

    def failing(p: Any) -> tuple[str, str]:
        if any(a.email == "poison@example.org" for a in p.from_):
            raise ValueError("injected write fault")
        return real(p)

    monkeypatch.setattr(ingest_content, "_search_people", failing)
    add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch)
    capsys.readouterr()
    assert run("sync") == 0
    err = capsys.readouterr().err
    assert "1 message could not be stored as read" in err
    s = stats(capsys)
    assert s["messages"] == 6
    assert s["messages_partial"] == 1
    assert len(search(capsys, "walrus")) == 5
    assert [h["subject"] for h in search(capsys, "poisoned")] == ["Poisoned"]


def test_a_flag_pushed_after_the_server_renumbered_reaches_only_its_own_message(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from unibox.secrets import SecretStore
    from unibox.services.mail import act, deliver_now
    from unibox.store import accounts
    from unibox.store.actions import Action, ActionKind

    for n, word in enumerate(SIBLINGS[:3]):
        dovecot.deliver(mail_user, _sibling(word, n))
    add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch)
    assert run("sync") == 0
    bison = _one_hit(capsys, "bison")
    store = Store(store_path(profile))
    act(store, [int(str(bison["id"]))], Action(ActionKind.FLAG))  # queued, not pushed yet
    dovecot.reset_uidvalidity(mail_user, "INBOX")
    with store.read() as s:
        account = accounts.get_account(s, "Work")
    # The queued UID is stale: the message is looked up by Message-ID, which all three share.
    deliver_now(store, SecretStore(), account)
    with dovecot.imap(mail_user) as other:
        other.select_folder("INBOX", readonly=True)
        flagged = other.search(["FLAGGED"])
        assert flagged == other.search(["BODY", "bison"])
        assert len(flagged) == 1

"""Mastodon accounts from the command line to the store: add-mastodon, sync, reply, send.

Tested against mastodon-mock (PyPI), a stateful fake of Mastodon's REST API started
once per session on a loopback port chosen at run time — not against a real
Mastodon, which cannot run here. What the mock does not model (federation, the
notification policy, streaming limits) is not tested.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.helpers.mastodon_mock import MastodonMock
from tests.integration.cli_helpers import add_account, run
from unibox.config import store_path
from unibox.store.store import Store

pytestmark = pytest.mark.integration
Users = Callable[[str], tuple[str, str]]


def add_mastodon(
    mock: MastodonMock, token: str, monkeypatch: pytest.MonkeyPatch, *, name: str = "Masto"
) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(token + "\n"))
    return run("account", "add-mastodon", "--name", name, "--instance", mock.url, "--token-stdin")


def stored(profile: Path) -> list[dict[str, Any]]:
    """The stored Mastodon messages, in the order they were stored."""
    store = Store(store_path(profile))
    with store.read() as s:
        rows = s.execute(
            text(
                "SELECT m.id, m.direction, m.remote_id, a.name AS account, "
                "c.remote_ref AS conversation, s.body FROM message m "
                "JOIN account a ON a.id = m.account_id "
                "JOIN conversation c ON c.id = m.conversation_id "
                "JOIN message_search s ON s.message_id = m.id "
                "WHERE m.channel = 'mastodon' ORDER BY length(m.remote_id), m.remote_id"
            )
        ).mappings()
        return [dict(r) for r in rows]


def json_out(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert run(*args) == 0
    return json.loads(capsys.readouterr().out)


def test_sync_stores_direct_messages_and_mentions_and_a_resync_adds_nothing(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Users,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (alice, alice_token), (bob, bob_token) = mastodon_user_factory("a"), mastodon_user_factory("b")
    carol, carol_token = mastodon_user_factory("c")
    bob_api, carol_api = mastodon_mock.client(bob_token), mastodon_mock.client(carol_token)
    # The instance writes the text as HTML (<p>, &amp;, &lt;): the store keeps it as text.
    bob_api.status_post(f"@{alice} Lunch at noon? Fish & chips <3 map", visibility="direct")
    carol_api.status_post(f"Great talk by @{alice} today", visibility="public")
    carol_api.status_post("Nothing to do with alice", visibility="public")
    # From another client: the user's own direct message is in the history too.
    mastodon_mock.client(alice_token).status_post(f"@{bob} yes!", visibility="direct")

    assert add_mastodon(mastodon_mock, alice_token, monkeypatch) == 0
    assert alice_token not in capsys.readouterr().out
    listed = {a["name"]: a for a in json_out(capsys, "account", "list", "--json")}
    assert listed["Masto"]["kind"] == "mastodon"
    assert listed["Masto"]["address"] == mastodon_mock.acct(alice)
    assert run("sync") == 0
    got = stored(profile)
    assert [(r["direction"], r["conversation"], r["body"]) for r in got] == [
        ("in", mastodon_mock.acct(bob), "Lunch at noon? Fish & chips <3 map"),
        ("in", mastodon_mock.acct(carol), f"Great talk by @{alice} today"),
        ("out", mastodon_mock.acct(bob), "yes!"),
    ]
    assert listed["Masto"]["state"] == "never synced"
    assert json_out(capsys, "account", "list", "--json")[0]["state"] == "synced"

    assert run("sync") == 0
    assert stored(profile) == got  # nothing twice, from any of the histories
    bob_api.status_post(f"@{alice} see you there", visibility="direct")
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)][len(got) :] == ["see you there"]

    hits = json_out(capsys, "search", "channel:mastodon", "map", "--json")
    assert [(h["channel"], h["snippet"]) for h in hits] == [
        ("mastodon", "Lunch at noon? Fish & chips <3 map")
    ]
    assert json_out(capsys, "search", "channel:xmpp", "map", "--json") == []
    assert alice_token.encode() not in store_path(profile).read_bytes()


def test_reply_lands_as_a_direct_reply_in_the_thread_once(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Users,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (alice, alice_token), (bob, bob_token) = mastodon_user_factory("a"), mastodon_user_factory("b")
    _carol, carol_token = mastodon_user_factory("c")
    bob_api = mastodon_mock.client(bob_token)
    question = bob_api.status_post(f"@{alice} are you coming?", visibility="direct")
    carol_api = mastodon_mock.client(carol_token)
    mention = carol_api.status_post(f"@{alice} slides?", visibility="public")
    assert add_mastodon(mastodon_mock, alice_token, monkeypatch) == 0
    assert run("sync") == 0
    by_body = {r["body"]: r for r in stored(profile)}

    monkeypatch.setattr(sys, "stdin", io.StringIO("Yes, at 12"))
    assert run("reply", str(by_body["are you coming?"]["id"])) == 0
    (answer,) = bob_api.status_context(question["id"])["descendants"]
    assert answer["visibility"] == "direct"
    assert str(answer["in_reply_to_id"]) == str(question["id"])
    assert "Yes, at 12" in answer["content"]
    assert [m["acct"] for m in answer["mentions"]] == [bob]

    monkeypatch.setattr(sys, "stdin", io.StringIO("Posted them"))
    assert run("reply", str(by_body["slides?"]["id"])) == 0
    (public,) = bob_api.status_context(mention["id"])["descendants"]
    assert public["visibility"] == "public"  # a mention is answered as it was written

    monkeypatch.setattr(sys, "stdin", io.StringIO("New topic"))
    assert run("send", "--account", "Masto", "--to", f"@{mastodon_mock.acct(bob)}") == 0
    newest = bob_api.notifications(types=["mention"])[0]["status"]
    assert newest["visibility"] == "direct" and "New topic" in newest["content"]

    assert run("sync") == 0  # the instance's copies are the messages sent, not new ones
    rows = [(r["direction"], r["body"]) for r in stored(profile)]
    assert rows.count(("out", "Yes, at 12")) == 1 and rows.count(("out", "New topic")) == 1
    outbox = json_out(capsys, "outbox", "--all", "--json")
    assert [r["state"] for r in outbox if r["channel"] == "chat"] == ["sent"] * 3
    statuses = mastodon_mock.client(alice_token).account_statuses(
        mastodon_mock.client(alice_token).account_verify_credentials()["id"]
    )
    assert len(statuses) == 3  # each went once


def test_a_fediverse_handle_in_a_mail_signature_joins_the_person(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Users,
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, alice_token = mastodon_user_factory("a")
    dana, dana_token = mastodon_user_factory("d")
    body = f"See you Monday.\n\n-- \nDana Field\nMastodon: @{dana}@{mastodon_mock.domain}\n"
    dovecot.deliver(mail_user, simple_message("Monday", body, from_="Dana Field <dana@corp.test>"))
    assert add_account(dovecot, mail_user, monkeypatch=monkeypatch) == 0
    assert run("sync") == 0
    mastodon_mock.client(dana_token).status_post(f"@{alice} ping from the fediverse", "direct")
    assert add_mastodon(mastodon_mock, alice_token, monkeypatch) == 0
    assert run("sync") == 0

    person = json_out(capsys, "person", "show", "dana@corp.test", "--json")
    kinds = {(h["kind"], h["value"]) for h in person["handles"]}
    assert ("mastodon", mastodon_mock.acct(dana)) in kinds
    assert ("email", "dana@corp.test") in kinds
    channels = [e["channel"] for e in person["timeline"]]
    assert sorted(channels) == ["mail", "mastodon"]


def test_a_revoked_token_fails_only_its_account_and_a_new_one_loses_nothing(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Users,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (alice, alice_token), (_bob, bob_token) = mastodon_user_factory("a"), mastodon_user_factory("b")
    erin, erin_token = mastodon_user_factory("e")
    capsys.readouterr()
    assert add_mastodon(mastodon_mock, "not-a-token", monkeypatch) == 1
    assert "refused the access token" in capsys.readouterr().err
    assert json_out(capsys, "account", "list", "--json") == []

    assert add_mastodon(mastodon_mock, alice_token, monkeypatch) == 0
    assert add_mastodon(mastodon_mock, erin_token, monkeypatch, name="Erin") == 0
    bob_api = mastodon_mock.client(bob_token)
    bob_api.status_post(f"@{alice} first", visibility="direct")
    assert run("sync") == 0
    mastodon_mock.revoke(alice_token)
    bob_api.status_post(f"@{alice} while the token was revoked", visibility="direct")
    bob_api.status_post(f"@{erin} for erin", visibility="direct")
    capsys.readouterr()
    assert run("sync") == 1
    err = capsys.readouterr().err
    assert "Masto:" in err and "refused the access token" in err and "set-token" in err
    assert [r["body"] for r in stored(profile)] == ["first", "for erin"]
    listed = {a["name"]: a for a in json_out(capsys, "account", "list", "--json")}
    assert listed["Masto"]["state"] == "error" and listed["Erin"]["state"] == "synced"

    monkeypatch.setattr(sys, "stdin", io.StringIO(erin_token + "\n"))
    assert run("account", "set-token", "Masto", "--token-stdin") == 1  # someone else's
    assert "is for" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO(mastodon_mock.user_token(alice) + "\n"))
    assert run("account", "set-token", "Masto", "--token-stdin") == 0
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)] == [
        "first",
        "while the token was revoked",
        "for erin",
    ]


def test_a_rate_limit_waits_and_a_down_instance_is_said(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Users,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (alice, alice_token), (_bob, bob_token) = mastodon_user_factory("a"), mastodon_user_factory("b")
    assert add_mastodon(mastodon_mock, alice_token, monkeypatch) == 0
    mastodon_mock.client(bob_token).status_post(f"@{alice} hello", visibility="direct")
    try:
        soon = {"X-RateLimit-Reset": str(int(time.time()) + 1), "Retry-After": "1"}
        mastodon_mock.fault("/api/v1/notifications", status=429, headers=soon)
        assert run("sync") == 0  # it waited and asked again
        assert [r["body"] for r in stored(profile)] == ["hello"]
        mastodon_mock.fault("/api/v1/*", status=503, count=1000)
        capsys.readouterr()
        assert run("sync") == 1
        assert "is having trouble (503" in capsys.readouterr().err
    finally:
        mastodon_mock.clear_faults()
    assert [r["body"] for r in stored(profile)] == ["hello"]


def test_add_mastodon_by_signing_in_with_a_code(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Users,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, _token = mastodon_user_factory("a")
    # The person opens the printed address, signs in as alice and copies the code.
    code = mastodon_mock.authorization_code(alice)
    monkeypatch.setattr(sys, "stdin", io.StringIO(code + "\n"))
    capsys.readouterr()
    assert run("account", "add-mastodon", "--name", "M", "--instance", mastodon_mock.url) == 0
    out = capsys.readouterr()
    assert "/oauth/authorize?" in out.err and f"Added M: {mastodon_mock.acct(alice)}" in out.out
    from unibox.secrets import SecretStore

    token = SecretStore().get("mastodon:M")
    assert token and token not in out.out + out.err
    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong-code\n"))
    assert run("account", "add-mastodon", "--name", "N", "--instance", mastodon_mock.url) == 1
    assert "did not accept that authorization code" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("x\n"))
    argv = ("account", "add-mastodon", "--name", "P", "--instance", "http://192.0.2.1")
    assert run(*argv, "--token-stdin") == 1
    assert "only to this computer" in capsys.readouterr().err


def test_an_instance_that_is_down_holds_up_no_other_account(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Users,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (alice, alice_token), (_bob, bob_token) = mastodon_user_factory("a"), mastodon_user_factory("b")
    with MastodonMock() as other:  # a second instance, which then goes away
        assert add_mastodon(other, other.user("zed"), monkeypatch, name="Gone") == 0
    assert add_mastodon(mastodon_mock, alice_token, monkeypatch) == 0
    mastodon_mock.client(bob_token).status_post(f"@{alice} still here", visibility="direct")
    capsys.readouterr()
    assert run("sync") == 1
    err = capsys.readouterr().err
    assert "Gone:" in err and "could not be reached" in err
    assert [r["body"] for r in stored(profile)] == ["still here"]
    listed = {a["name"]: a for a in json_out(capsys, "account", "list", "--json")}
    assert listed["Gone"]["state"] == "error" and listed["Masto"]["state"] == "synced"


def test_the_token_is_in_the_keyring_and_in_no_file_log_or_output(
    mastodon_mock: MastodonMock,
    mastodon_user_factory: Users,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    import sqlite3

    from tests.integration.test_secret_leaks import assert_nowhere
    from unibox.secrets import SecretStore

    caplog.set_level(logging.DEBUG)
    (alice, alice_token), (_bob, bob_token) = mastodon_user_factory("a"), mastodon_user_factory("b")
    mastodon_mock.client(bob_token).status_post(f"@{alice} hi", visibility="direct")
    assert run("stats", "--json") == 0  # the store exists: hold it open so its WAL stays
    keeper = sqlite3.connect(store_path(profile))
    try:
        keeper.execute("SELECT count(*) FROM sqlite_master").fetchone()
        assert add_mastodon(mastodon_mock, "Wrong-Sentinel-m4st", monkeypatch) == 1
        assert add_mastodon(mastodon_mock, alice_token, monkeypatch) == 0
        assert run("-v", "sync") == 0
        monkeypatch.setattr(sys, "stdin", io.StringIO("hello back"))
        assert run("-v", "reply", str(stored(profile)[0]["id"])) == 0
        assert run("account", "list", "--json") == 0
        out = capsys.readouterr()
        assert SecretStore().get("mastodon:Masto") == alice_token
        for secret in ("Wrong-Sentinel-m4st", alice_token):
            assert_nowhere(secret, profile, out.out + out.err, caplog.records)
    finally:
        keeper.close()

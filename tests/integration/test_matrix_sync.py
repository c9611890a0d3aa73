"""Matrix accounts from the command line to the store, against a real Synapse: add-matrix,
sync, send, reply, edits, redactions, reactions, read markers, invitations."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers.matrix_e2e_peer import E2EPeer
from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.synapse import MatrixUser, Synapse
from tests.integration.cli_helpers import run
from unibox.config import store_path
from unibox.store.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]
Factory = Callable[[str], MatrixUser]


def add_matrix(
    synapse: Synapse,
    user: MatrixUser,
    monkeypatch: pytest.MonkeyPatch,
    *,
    name: str = "Mx",
    password: str | None = None,
) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO((password or user.password) + "\n"))
    return run(
        "account", "add-matrix", "--name", name, "--homeserver", synapse.url,
        "--user", user.user_id, "--password-stdin",
    )  # fmt: skip


def stored(profile: Path | Store, account: str = "Mx") -> list[dict[str, Any]]:
    """The account's stored messages that are not removed, in the order they were stored."""
    store = profile if isinstance(profile, Store) else Store(store_path(profile))
    with store.read() as s:
        rows = s.execute(
            text(
                "SELECT m.id, m.direction, m.remote_id, m.is_seen, m.in_reply_to, "
                "c.remote_ref AS conversation, c.subject, b.text AS body FROM message m "
                "JOIN account a ON a.id = m.account_id "
                "JOIN conversation c ON c.id = m.conversation_id "
                "JOIN message_body b ON b.message_id = m.id "
                "WHERE a.name = :name AND m.deleted_at IS NULL ORDER BY m.id"
            ),
            {"name": account},
        ).mappings()
        return [dict(r) for r in rows]


def json_out(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert run(*args) == 0
    return json.loads(capsys.readouterr().out)


def talk(synapse: Synapse, alice: MatrixUser, bob: MatrixUser) -> tuple[MatrixPeer, str]:
    """Bob opens a direct chat with Alice, who joins it on another client."""
    peer = MatrixPeer(synapse, bob)
    room = peer.direct_chat(alice.user_id)
    MatrixPeer(synapse, alice).join(room)
    return peer, room


def test_add_sync_resync_search_and_no_secret_in_the_store(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer, room = talk(synapse, alice, bob)
    for i in range(130):  # more than a page of history
        peer.say(room, f"message {i}")
    peer.say(room, "lunch at the harbour?")
    MatrixPeer(synapse, alice).say(room, "yes, at noon")

    capsys.readouterr()
    assert add_matrix(synapse, alice, monkeypatch, password="wrong") == 1
    assert "refused the user name or password" in capsys.readouterr().err
    assert add_matrix(synapse, alice, monkeypatch) == 0
    listed = json_out(capsys, "account", "list", "--json")
    assert [(a["kind"], a["address"], a["state"]) for a in listed] == [
        ("matrix", alice.user_id, "never synced")
    ]
    assert run("sync") == 0
    got = stored(profile)
    assert len(got) == 132 and {r["conversation"] for r in got} == {bob.user_id}
    pairs = {(r["direction"], r["body"]) for r in got}
    assert {("in", "lunch at the harbour?"), ("out", "yes, at noon")} <= pairs
    assert run("sync") == 0
    assert stored(profile) == got  # nothing twice
    peer.say(room, "see you")
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)][len(got) :] == ["see you"]

    hits = json_out(capsys, "search", "harbour", "--json")
    assert [(h["channel"], h["snippet"]) for h in hits] == [("matrix", "lunch at the harbour?")]
    assert json_out(capsys, "search", "channel:matrix", "harbour", "--json") == hits
    assert json_out(capsys, "search", "channel:xmpp", "harbour", "--json") == []
    for secret in (alice.password, alice.access_token):
        assert secret.encode() not in store_path(profile).read_bytes()
    assert alice.password.encode() not in test_keyring.read_bytes()


def test_send_reply_and_the_homeserver_copies_are_not_new_messages(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob, carol = (matrix_user_factory(r) for r in ("alice", "bob", "carol"))
    assert add_matrix(synapse, alice, monkeypatch) == 0
    carol_peer = E2EPeer(synapse, carol, tmp_path / "carol-keys")  # a new chat is encrypted
    try:
        monkeypatch.setattr(sys, "stdin", io.StringIO("Hello Carol"))
        assert run("send", "--account", "Mx", "--to", carol.user_id) == 0  # a new direct chat
        (invited,) = carol_peer.join_invited()
        assert carol_peer.texts(invited) == ["Hello Carol"]
    finally:
        carol_peer.close()

    peer, room = talk(synapse, alice, bob)
    question = peer.say(room, "are you coming?")
    assert run("sync") == 0
    by_body = {r["body"]: r for r in stored(profile)}
    monkeypatch.setattr(sys, "stdin", io.StringIO("Yes, at 12"))
    assert run("reply", str(by_body["are you coming?"]["id"])) == 0
    answer = peer.messages(room)[0]
    assert answer["content"]["body"] == "Yes, at 12"
    assert answer["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == question

    assert run("sync") == 0
    rows = [(r["direction"], r["body"], r["conversation"]) for r in stored(profile)]
    assert rows.count(("out", "Yes, at 12", bob.user_id)) == 1
    assert rows.count(("out", "Hello Carol", carol.user_id)) == 1
    outbox = json_out(capsys, "outbox", "--all", "--json")
    assert [r["state"] for r in outbox if r["channel"] == "chat"] == ["sent", "sent"]
    reply_row = next(r for r in stored(profile) if r["body"] == "Yes, at 12")
    assert reply_row["in_reply_to"] == question


def test_edits_redactions_and_reactions_change_what_is_stored(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer, room = talk(synapse, alice, bob)
    early = peer.say(room, "meet at 9")
    peer.edit(room, early, "meet at 10")  # edited before the first sync
    for i in range(120):  # the edit and its message end up on different history pages
        peer.say(room, f"filler {i}")
    typo = peer.say(room, "the pasword is hunter2")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    assert "meet at 10" in [r["body"] for r in stored(profile)]

    peer.edit(room, typo, "never mind")
    kept = peer.say(room, "kept")
    peer.react(room, kept, "👍")
    gone = peer.say(room, "a secret, sent by mistake")
    peer.redact(room, gone)
    assert run("sync") == 0
    bodies = [r["body"] for r in stored(profile)]
    assert "never mind" in bodies and "the pasword is hunter2" not in bodies
    assert "a secret, sent by mistake" not in bodies and "kept" in bodies
    assert json_out(capsys, "search", "mistake", "--json") == []
    assert json_out(capsys, "search", "hunter2", "--json") == []
    store = Store(store_path(profile))
    from unibox.store.chat_updates import reactions

    with store.read() as s:
        kept_id = next(r["id"] for r in stored(profile) if r["body"] == "kept")
        assert reactions(s, [kept_id]) == {kept_id: [("👍", 1)]}


def test_read_markers_go_both_ways(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    peer, room = talk(synapse, alice, bob)
    first = peer.say(room, "read elsewhere")
    peer.say(room, "unread")
    unread = peer.say(room, "unread too")
    assert run("sync") == 0
    assert [r["is_seen"] for r in stored(profile)] == [False] * 3
    MatrixPeer(synapse, alice).read_up_to(room, first)  # Alice read one on her phone
    assert run("sync") == 0
    assert [(r["body"], r["is_seen"]) for r in stored(profile)][-1] == ("unread too", False)
    assert [r["remote_id"] for r in stored(profile) if r["is_seen"]] == [first]
    assert unread

    second = peer.say(room, "read in unibox")
    assert run("sync") == 0
    row = stored(profile)[-1]
    assert not row["is_seen"]
    from unibox.services.chat import read_chat
    from unibox.store.schema import Message

    store = Store(store_path(profile))
    with store.read() as s:
        conversation_id = s.get(Message, row["id"]).conversation_id
    read_chat(store, conversation_id)
    assert run("sync") == 0
    receipts = peer.api("GET", f"/rooms/{room}/event/{second}")  # still there
    assert receipts["event_id"] == second
    sync = MatrixPeer(synapse, alice).api("GET", "/sync?timeout=0")
    ephemeral = sync["rooms"]["join"][room]["ephemeral"]["events"]
    read = [
        event_id
        for e in ephemeral
        if e["type"] == "m.receipt"
        for event_id, kinds in e["content"].items()
        if alice.user_id in kinds.get("m.read", {})
    ]
    assert read == [second]


def test_an_invitation_is_shown_and_a_reply_accepts_it(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob = matrix_user_factory("alice"), matrix_user_factory("bob")
    peer = MatrixPeer(synapse, bob)
    room = peer.room("Project Kestrel", [alice.user_id])
    peer.say(room, "welcome to the project")
    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0
    (invitation,) = stored(profile)
    assert invitation["conversation"] == room and "Invitation" in invitation["body"]
    assert invitation["subject"] == "Project Kestrel"

    monkeypatch.setattr(sys, "stdin", io.StringIO("Thanks, glad to join"))
    assert run("reply", str(invitation["id"])) == 0
    members = peer.api("GET", f"/rooms/{room}/joined_members")["joined"]
    assert alice.user_id in members
    assert peer.messages(room)[0]["content"]["body"] == "Thanks, glad to join"
    assert run("sync") == 0
    bodies = [r["body"] for r in stored(profile)]
    assert "welcome to the project" in bodies and bodies.count("Thanks, glad to join") == 1

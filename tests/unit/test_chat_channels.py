"""Chat beside mail wherever the store answers: counts, Needs reply, search, timelines, CLI."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.helpers.chat import ME, add_chat_account, chat
from tests.helpers.items import add_account, add_folders, item, new_store, parsed
from unibox import cli
from unibox.core.items import Address, ChatMessage
from unibox.core.query import parse_query
from unibox.core.triage import TriageState
from unibox.store import queries
from unibox.store.channels import present_channels
from unibox.store.chat import ChatIngestor, queue_chat
from unibox.store.ingest import Ingestor
from unibox.store.schema import Handle, Message
from unibox.store.store import Store
from unibox.store.timeline import timeline
from unibox.store.triage import set_state
from unibox.store.view_counts import counts
from unibox.store.view_rows import rows_for
from unibox.store.views import View, ViewKind, view_ids

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


def _recent(remote_id: str, text: str, *, minutes_ago: int, **kw: Any) -> ChatMessage:
    return replace(chat(remote_id, text, **kw), sent_at=NOW - timedelta(minutes=minutes_ago))


def _mail_and_chat(store: Store) -> tuple[int, int]:
    """Mail from Ann in the inbox, and a chat with Bob: (mail account, chat account)."""
    mail = add_account(store)
    inbox = add_folders(store, mail, "INBOX")["INBOX"]
    with store.write() as s:
        Ingestor(mail, inbox, ["me@example.com"]).ingest(
            s, [item(1, parsed("Zeppelin budget", message_id="z@x", text="the zeppelin plan"))]
        )
    acc = add_chat_account(store)
    with store.write() as s:
        ChatIngestor(acc, [ME]).ingest(
            s,
            [
                _recent(
                    "b1", "zeppelin at noon?", minutes_ago=30, peer="bob@chat.example", name="Bob"
                ),
                _recent("b2", "or later", minutes_ago=20, peer="bob@chat.example", name="Bob"),
            ],
        )
    return mail, acc


def _ids_by_text(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {snip: mid for mid, snip in s.execute(select(Message.id, Message.snippet))}


def test_the_inbox_and_unread_show_chat_beside_mail(store: Store) -> None:
    _mail_and_chat(store)
    ids = _ids_by_text(store)
    chat_row, mail_row = ids["or later"], ids["the zeppelin plan"]
    with store.read() as s:
        inbox = view_ids(s, View(ViewKind.INBOX))
        unread = view_ids(s, View(ViewKind.UNREAD))
        xmpp = view_ids(s, View(ViewKind.CHANNEL, channel="xmpp"))
        email = view_ids(s, View(ViewKind.CHANNEL, channel="email"))
        rows = {r.id: r for r in rows_for(s, inbox)}
        c = counts(s)
    assert inbox == unread == [chat_row, mail_row]  # a chat is one row: its newest line
    assert xmpp == [chat_row] and email == [mail_row]
    assert rows[chat_row].channel == "xmpp" and rows[mail_row].channel == "email"
    assert rows[chat_row].sender_name == "Bob"
    assert c.views[ViewKind.INBOX] == 2 and c.channels == {"email": 1, "xmpp": 1}


def test_a_chat_marked_done_leaves_the_inbox(store: Store) -> None:
    _mail_and_chat(store)
    ids = _ids_by_text(store)
    with store.write() as s:
        set_state(s, ids["or later"], TriageState(done=True), int(time.time()))
    with store.read() as s:
        assert ids["or later"] not in view_ids(s, View(ViewKind.INBOX))


def test_an_unanswered_chat_needs_a_reply_until_the_user_answers(store: Store) -> None:
    _, acc = _mail_and_chat(store)
    with store.read() as s:
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == []  # the user never wrote to Bob
    with store.write() as s:  # an earlier line of the user's, as a backfill brings it
        ChatIngestor(acc, [ME]).ingest(
            s, [_recent("b0", "free today?", minutes_ago=40, peer="bob@chat.example", out=True)]
        )
    ids = _ids_by_text(store)
    with store.read() as s:
        # Bob asked since ("zeppelin at noon?"): his newest line waits, though it asks nothing.
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == [ids["or later"]]
    with store.write() as s:
        queue_chat(s, acc, "bob@chat.example", "noon works")
    with store.read() as s:
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == []


def test_a_chat_line_that_asks_nothing_waits_for_nothing(store: Store) -> None:
    acc = add_chat_account(store)
    bob = {"peer": "bob@chat.example", "name": "Bob"}
    with store.write() as s:
        ChatIngestor(acc, [ME]).ingest(
            s,
            [
                _recent("c1", "can you check the footer?", minutes_ago=50, out=True, **bob),
                _recent("c2", "fixed and deployed", minutes_ago=40, **bob),
            ],
        )
    with store.read() as s:
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == []
        assert len(view_ids(s, View(ViewKind.INBOX))) == 1  # still in the inbox
    with store.write() as s:
        ChatIngestor(acc, [ME]).ingest(
            s, [_recent("c3", "deploy Friday too？", minutes_ago=30, **bob)]
        )
    with store.read() as s:
        assert len(view_ids(s, View(ViewKind.NEEDS_REPLY))) == 1  # a fullwidth ？ asks too


def test_group_chat_waits_for_no_one(store: Store) -> None:
    acc = add_chat_account(store)
    room = "team@rooms.chat.example"
    with store.write() as s:
        ChatIngestor(acc, [ME]).ingest(
            s, [_recent("g1", "anyone?", minutes_ago=5, room=room, nick="cy")]
        )
    with store.read() as s:
        assert view_ids(s, View(ViewKind.NEEDS_REPLY)) == []
        assert len(view_ids(s, View(ViewKind.INBOX))) == 1


def test_search_names_the_channel_and_channel_narrows_it(store: Store) -> None:
    _mail_and_chat(store)
    with store.read() as s:
        everything = queries.search(s, parse_query("zeppelin"))
        chats = queries.search(s, parse_query("zeppelin channel:xmpp"))
        mail = queries.search(s, parse_query("zeppelin channel:email"))
        any_chat = queries.search(s, parse_query("channel:chat"))
    assert sorted(h.channel for h in everything) == ["mail", "xmpp"]
    assert [(h.channel, h.snippet) for h in chats] == [("xmpp", "zeppelin at noon?")]
    assert [h.subject for h in mail] == ["Zeppelin budget"]
    assert len(any_chat) == 2 and everything[0].as_json()["channel"] in ("mail", "xmpp")


def test_a_persons_timeline_holds_mail_and_chat_by_channel(store: Store) -> None:
    mail = add_account(store)
    inbox = add_folders(store, mail, "INBOX")["INBOX"]
    ann = Address("ann@example.org", "Ann Example")
    with store.write() as s:
        Ingestor(mail, inbox, ["me@example.com"]).ingest(
            s, [item(1, parsed("Lunch", message_id="l@x", from_=(ann,)))]
        )
        ann_id = s.scalar(select(Handle.person_id).where(Handle.value == "ann@example.org"))
        s.add(Handle(kind="xmpp", value="ann@chat.example", person_id=ann_id))  # from her card
    acc = add_chat_account(store)
    with store.write() as s:
        ChatIngestor(acc, [ME]).ingest(s, [chat("a1", "see you at lunch", peer="ann@chat.example")])
    with store.read() as s:
        page = timeline(s, ann_id)
        chats = timeline(s, ann_id, channels=frozenset({"xmpp"}))
    assert sorted(e.channel for e in page.entries) == ["mail", "xmpp"]
    assert [e.snippet for e in chats.entries] == ["see you at lunch"]


def test_the_sidebar_lists_a_channel_once_it_has_an_account(store: Store) -> None:
    add_account(store)
    with store.read() as s:
        assert [k for k, _t, _i in present_channels(s)] == ["email"]
    add_chat_account(store)
    with store.read() as s:
        assert [k for k, _t, _i in present_channels(s)] == ["email", "xmpp"]


def test_the_cli_json_names_channels(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _mail_and_chat(store)
    store.engine.dispose()
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    capsys.readouterr()
    assert cli.main(["search", "zeppelin", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert sorted(h["channel"] for h in hits) == ["mail", "xmpp"]
    assert cli.main(["search", "channel:xmpp", "--json"]) == 0
    assert {h["channel"] for h in json.loads(capsys.readouterr().out)} == {"xmpp"}
    assert cli.main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["by_channel"] == {"mail": 1, "xmpp": 2} and stats["messages"] == 3
    assert cli.main(["person", "show", "bob@chat.example", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {e["channel"] for e in shown["timeline"]} == {"xmpp"}


def test_history_older_than_the_account_is_read_and_quiet(store: Store) -> None:
    acc = add_chat_account(store, created_at=int(time.time()))
    with store.write() as s:
        ChatIngestor(acc, [ME]).ingest(s, [chat("h1", "long ago", history=True)])
    with store.read() as s:
        c = counts(s)
    assert c.unread == 0 and c.views[ViewKind.INBOX] == 0


def test_triage_of_a_chat_stays_local_and_archive_is_done(store: Store) -> None:
    from unibox.core.errors import UserError
    from unibox.store.actions import Action, ActionKind, apply_action
    from unibox.store.schema_actions import PendingOp

    _mail_and_chat(store)
    ids = _ids_by_text(store)
    later = ids["or later"]
    now = int(time.time())
    with store.write() as s:
        apply_action(s, [later], Action(ActionKind.READ), now)
        apply_action(s, [later], Action(ActionKind.FLAG), now)
        apply_action(s, [later], Action(ActionKind.ARCHIVE), now)
        with pytest.raises(UserError, match="mark it done"):
            apply_action(s, [later], Action(ActionKind.DELETE), now)
    with store.read() as s:
        assert s.scalar(select(PendingOp.id)) is None  # nothing for a mail server to do
        assert later not in view_ids(s, View(ViewKind.INBOX))
        assert later in view_ids(s, View(ViewKind.FLAGGED))

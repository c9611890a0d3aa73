"""Chats in the window's views: one row per chat in the inbox, read a page at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from unibox.demo import build_demo_profile
from unibox.store.chat_view import chat_thread, chats_with, mark_chat_read
from unibox.store.persons import handle_ids
from unibox.store.schema import Handle
from unibox.store.store import Store
from unibox.store.view_rows import rows_for
from unibox.store.views import View, ViewKind, view_ids

NOW = datetime(2031, 6, 2, 18, 0, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "demo.sqlite3")
    build_demo_profile(store, now=NOW)
    yield store
    store.close()


def _chat_rows(store: Store, view: View) -> dict[str, object]:
    with store.read() as s:
        rows = rows_for(s, view_ids(s, view))
    return {r.sender_name: r for r in rows if r.chat}


def test_the_inbox_shows_each_chat_once_beside_the_mail(demo: Store) -> None:
    chats = _chat_rows(demo, View(ViewKind.INBOX))
    assert set(chats) == {
        "Zoë Müller",
        "Leo Castell",
        "Marcus Lee",
        "Hannah Becker",
        "Brightwave launch",
        "Yuki Tanaka",  # the two on Mastodon
        "Søren Kjær",
        "Aoife O'Brien",  # the two on Matrix, bridged from Telegram and WhatsApp
        "Jonas Weber",
    }
    group = chats["Brightwave launch"]
    assert group.chat == "group" and group.channel == "xmpp"  # type: ignore[attr-defined]
    assert group.subject.startswith("Felix Brandt: Thanks Mira")  # type: ignore[attr-defined]
    assert chats["Leo Castell"].subject.startswith("You: ")  # type: ignore[attr-defined]
    assert chats["Zoë Müller"].thread_size == 9  # type: ignore[attr-defined]
    assert not chats["Zoë Müller"].is_seen  # type: ignore[attr-defined]
    xmpp = set(_chat_rows(demo, View(ViewKind.CHANNEL, channel="xmpp")))
    assert xmpp == set(chats) - {"Yuki Tanaka", "Søren Kjær", "Aoife O'Brien", "Jonas Weber"}
    mastodon = _chat_rows(demo, View(ViewKind.CHANNEL, channel="mastodon"))
    assert set(mastodon) == {"Yuki Tanaka", "Søren Kjær"}
    assert not mastodon["Søren Kjær"].is_seen  # type: ignore[attr-defined]
    assert not _chat_rows(demo, View(ViewKind.CHANNEL, channel="email"))


def test_needs_reply_holds_the_chats_that_asked_the_user_something(demo: Store) -> None:
    waiting = set(_chat_rows(demo, View(ViewKind.NEEDS_REPLY)))
    # "… Shall I send them the final PDFs?"; "Would a square and a story version …?"
    assert waiting == {"Zoë Müller", "Aoife O'Brien"}
    # Not Marcus ("Invoice … no rush") nor Hannah ("I'll update the contract"): their
    # newest lines ask nothing; not Leo: the user wrote last; not the group chat.


def test_a_chat_reads_oldest_to_newest_and_opening_it_reads_it(demo: Store) -> None:
    zoe = _chat_rows(demo, View(ViewKind.INBOX))["Zoë Müller"]
    with demo.read() as s:
        thread = chat_thread(s, zoe.conversation_id)  # type: ignore[attr-defined]
        page = chat_thread(s, zoe.conversation_id, limit=3)  # type: ignore[attr-defined]
    assert thread is not None and page is not None
    assert thread.kind == "chat" and thread.address == "zoe@chat.brightwave.example"
    dates = [line.sent_at for line in thread.lines]
    assert dates == sorted(dates) and len(dates) == 9
    assert thread.lines[-1].text.startswith("Otherwise we're good")
    assert [line.outgoing for line in thread.lines[:3]] == [False, True, False]
    assert page.lines == thread.lines[-3:] and page.has_older
    with demo.write() as s:
        changed = mark_chat_read(s, thread.conversation_id)
    assert len(changed.messages_changed) == 2
    assert _chat_rows(demo, View(ViewKind.INBOX))["Zoë Müller"].is_seen  # type: ignore[attr-defined]


def test_the_chat_joins_the_person_of_the_mail(demo: Store) -> None:
    with demo.read() as s:
        person = s.scalar(
            select(Handle.person_id).where(Handle.value == "zoe.mueller@brightwave.example")
        )
        assert person is not None
        chats = chats_with(s, handle_ids(s, person))
    assert [c.title for c in chats] == ["Brightwave launch", "Zoë Müller"]  # newest first
    assert chats[1].count == 9 and chats[1].channel == "xmpp" and chats[1].kind == "chat"


def test_a_bridged_chat_says_its_network_and_joins_the_person_of_the_mail(demo: Store) -> None:
    aoife = _chat_rows(demo, View(ViewKind.INBOX))["Aoife O'Brien"]
    with demo.read() as s:
        thread = chat_thread(s, aoife.conversation_id)  # type: ignore[attr-defined]
        assert thread is not None
        person = s.scalar(select(Handle.person_id).where(Handle.value == "aoife@greenleaf.example"))
        kinds = {
            (h.kind, h.value) for h in s.scalars(select(Handle).where(Handle.person_id == person))
        }
    assert (thread.channel, thread.via, thread.kind) == ("matrix", "telegram", "chat")
    assert ("telegram", "user5120447731") in kinds  # beside her mail address and Matrix id
    assert ("matrix", thread.address) in kinds

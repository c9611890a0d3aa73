"""Chat messages in the store: ingest, the outbox and its echoes, history cursors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers.chat import ME, add_chat_account, chat
from tests.helpers.items import new_store
from unibox.core.items import HistoryCursor
from unibox.core.query import parse_query
from unibox.store import queries
from unibox.store.chat import (
    ChatIngestor,
    chat_failed,
    chat_sent,
    chat_states,
    due_chats,
    load_cursor,
    queue_chat,
    save_cursor,
)
from unibox.store.new_mail import new_mail
from unibox.store.schema import Conversation, Handle, Message, Person
from unibox.store.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


def _ingest(store: Store, account: int, items: list) -> None:
    with store.write() as s:
        ChatIngestor(account, [ME]).ingest(s, items)


def _messages(store: Store) -> list[tuple[str | None, str, str]]:
    with store.read() as s:
        rows = s.execute(
            select(Message.remote_id, Message.direction, Message.snippet).order_by(Message.id)
        )
        return [tuple(r) for r in rows]


def test_the_same_history_twice_is_stored_once(store: Store) -> None:
    acc = add_chat_account(store)
    peers = [f"p{i}@chat.example" for i in range(5)]
    batch = [chat(f"a{i}", f"note {i}", peer=peers[i % 5], minutes=i) for i in range(60)]
    _ingest(store, acc, batch)
    _ingest(store, acc, batch)
    _ingest(store, acc, batch[10:30] + batch[10:12])
    assert len(_messages(store)) == 60
    with store.read() as s:
        convs = s.execute(
            select(Conversation.remote_ref, Conversation.kind, Conversation.message_count)
        ).all()
        assert sorted(convs) == [(p, "chat", 12) for p in peers]
        assert [r.snippet for r in queries.search(s, parse_query("note 17"))][:1] == ["note 17"]


def test_a_jid_is_one_handle_whatever_its_case_and_resource(store: Store) -> None:
    acc = add_chat_account(store)
    _ingest(
        store,
        acc,
        [
            chat("1", peer="Ann@Chat.Example/phone"),
            chat("2", peer="ann@chat.example/laptop"),
            chat("3", peer="ann@chat.example", out=True),
        ],
    )
    with store.read() as s:
        handles = s.execute(select(Handle.kind, Handle.value).where(Handle.kind == "xmpp")).all()
        assert sorted(handles) == [("xmpp", "ann@chat.example"), ("xmpp", ME)]
        assert s.scalar(select(func.count(Conversation.id))) == 1
        me = s.scalar(select(Person.is_me).join(Handle).where(Handle.value == ME))
        assert me is True
    assert [d for _r, d, _s in _messages(store)] == ["in", "in", "out"]


def test_a_person_whose_card_has_the_jid_gets_the_chat(store: Store) -> None:
    with store.write() as s:
        ann = Person(display_name="Ann Example", created_at=0)
        s.add(ann)
        s.flush()
        s.add(Handle(kind="xmpp", value="ann@chat.example", person_id=ann.id))
        ann_id = ann.id
    acc = add_chat_account(store)
    _ingest(store, acc, [chat("1", peer="ann@chat.example/phone", name="Annie")])
    with store.read() as s:
        assert s.scalar(select(func.count(Person.id)).where(Person.is_me.is_(False))) == 1
        sender = s.scalar(
            select(Handle.person_id).join(Message, Message.sender_handle_id == Handle.id)
        )
        assert sender == ann_id


def test_group_members_known_only_by_nickname_never_become_the_room(store: Store) -> None:
    acc = add_chat_account(store)
    room = "team@rooms.chat.example"
    _ingest(
        store,
        acc,
        [
            chat("g1", room=room, nick="bob", name="bob"),
            chat("g2", room=room, nick="cy", name="cy"),
        ],
    )
    with store.read() as s:
        assert s.scalar(select(Conversation.kind)) == "group"
        assert s.scalar(select(Conversation.subject)) == "Team room"
        kinds = s.execute(select(Handle.kind, Handle.value).where(Handle.kind != "email")).all()
        assert ("xmpp", room) not in kinds
        assert {v for k, v in kinds if k == "occupant"} == {f"{room}/bob", f"{room}/cy"}


def test_a_sent_message_and_its_echo_are_one_message(store: Store) -> None:
    acc = add_chat_account(store)
    _ingest(store, acc, [chat("1", "are you there?")])
    with store.write() as s:
        outbox_id = queue_chat(s, acc, "Ann@chat.example", "yes, here")
    with store.read() as s:
        (due,) = due_chats(s, acc)
    assert (due.id, due.conversation, due.text) == (outbox_id, "ann@chat.example", "yes, here")
    assert [r[1:] for r in _messages(store)] == [("in", "are you there?"), ("out", "yes, here")]
    with store.write() as s:
        chat_sent(s, outbox_id, "")
    echo = chat("srv-2", "yes, here", out=True, origin_id=due.origin_id, minutes=1)
    _ingest(store, acc, [echo])
    _ingest(store, acc, [echo])  # and once more from the archive
    assert _messages(store) == [("1", "in", "are you there?"), ("srv-2", "out", "yes, here")]
    with store.read() as s:
        assert due_chats(s, acc) == []
        mid = s.scalar(select(Message.id).where(Message.remote_id == "srv-2"))
        assert chat_states(s, [mid])[mid].state == "sent"


def test_an_echo_before_the_send_is_recorded_completes_the_outbox(store: Store) -> None:
    acc = add_chat_account(store)
    with store.write() as s:
        outbox_id = queue_chat(s, acc, "ann@chat.example", "quick")
    with store.read() as s:
        (due,) = due_chats(s, acc)
    _ingest(store, acc, [chat("srv-1", "quick", out=True, origin_id=due.origin_id)])
    with store.write() as s:
        chat_failed(s, outbox_id, "connection lost", final=False)
    with store.read() as s:
        assert due_chats(s, acc, now=2**40) == []
    assert len(_messages(store)) == 1


def test_failed_sends_retry_later_and_stop_when_final(store: Store) -> None:
    acc = add_chat_account(store)
    with store.write() as s:
        outbox_id = queue_chat(s, acc, "ann@chat.example", "hello?")
    with store.write() as s:
        chat_failed(s, outbox_id, "The server is unreachable.", final=False)
    with store.read() as s:
        assert due_chats(s, acc) == []  # not before its retry time
        assert [q.id for q in due_chats(s, acc, now=2**40)] == [outbox_id]
    with store.write() as s:
        chat_failed(s, outbox_id, "Recipient unavailable", final=True)
    with store.read() as s:
        assert due_chats(s, acc, now=2**40) == []
        mid = s.scalar(select(Message.id))
        state = chat_states(s, [mid])[mid]
        assert (state.state, state.attempts, state.error) == ("failed", 2, "Recipient unavailable")


def test_a_cursor_round_trips(store: Store) -> None:
    acc = add_chat_account(store)
    with store.write() as s:
        assert load_cursor(s, acc, "") == HistoryCursor()
        save_cursor(s, acc, "", HistoryCursor("n1", "o1", False))
        save_cursor(s, acc, "room@muc.example", HistoryCursor("n2", "", True))
    with store.write() as s:
        save_cursor(s, acc, "", HistoryCursor("n3", "o0", True))
    with store.read() as s:
        assert load_cursor(s, acc, "") == HistoryCursor("n3", "o0", True)
        assert load_cursor(s, acc, "room@muc.example") == HistoryCursor("n2", "", True)


def test_history_never_notifies_and_old_history_is_read(store: Store) -> None:
    acc = add_chat_account(store)
    _ingest(
        store,
        acc,
        [chat("old", "from last year", history=True), chat("live", "just now", minutes=5)],
    )
    with store.read() as s:
        ids = list(s.scalars(select(Message.id).order_by(Message.id)))
        found = {n.id: n for n in new_mail(s, ids)}
        seen = dict(s.execute(select(Message.remote_id, Message.is_seen)).all())
    assert found[ids[0]].history and not found[ids[1]].history
    assert found[ids[1]].in_inbox
    assert seen == {"old": True, "live": False}


def test_a_store_with_mail_from_before_chat_upgrades_in_place(tmp_path: Path) -> None:
    from alembic import command

    from tests.helpers.items import (
        add_account,
        add_folders,
        item,
        newer_columns_for_ingest,
        parsed,
    )
    from unibox.store.engine import SCHEMA_HEAD, _alembic_config, open_engine, schema_version
    from unibox.store.ingest import Ingestor
    from unibox.store.views import View, ViewKind, view_ids

    path = tmp_path / "profile" / "unibox.sqlite3"
    engine = open_engine(path)
    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn.execution_options(unibox_write=True)), "0009")
        conn.commit()
    engine.dispose()
    old = Store.__new__(Store)  # the store as the release before chat left it: no migration
    old.path, old.engine = path, open_engine(path)
    with newer_columns_for_ingest(old):
        acc = add_account(old)
        inbox = add_folders(old, acc, "INBOX")["INBOX"]
        with old.write() as s:
            Ingestor(acc, inbox, ["me@example.com"]).ingest(
                s, [item(1, parsed("Zeppelin schedule", message_id="z@x"))]
            )
    old.engine.dispose()

    store = Store(path)  # opening migrates
    assert schema_version(store.engine) == SCHEMA_HEAD
    with store.read() as s:
        (hit,) = queries.search(s, parse_query("zeppelin"))
        assert hit.subject == "Zeppelin schedule"
        assert s.scalar(select(Message.channel)) == "mail"
        assert view_ids(s, View(ViewKind.INBOX)) == [hit.id]
    chat_acc = add_chat_account(store)
    _ingest(store, chat_acc, [chat("c1", "zeppelin by chat")])
    with store.read() as s:
        assert len(queries.search(s, parse_query("zeppelin"))) == 2


def test_a_jid_from_someones_signature_brings_the_chat_to_them(store: Store) -> None:
    from unibox.store.schema_people import HandleSuggestion
    from unibox.store.signature_evidence import card_suggestions

    with store.write() as s:
        ann = Person(display_name="Ann Example", created_at=0)
        s.add(ann)
        s.flush()
        s.add(Handle(kind="email", value="ann@example.org", person_id=ann.id))
        s.add(
            HandleSuggestion(
                person_id=ann.id,
                kind="xmpp",
                value="ann@chat.example",
                detail="Listed in the signature of Ann's mail",
                state="pending",
                created_at=0,
            )
        )
        ann_id = ann.id
    acc = add_chat_account(store)
    _ingest(store, acc, [chat("1", peer="ann@chat.example/phone")])
    with store.read() as s:
        sender = s.scalar(
            select(Handle.person_id).join(Message, Message.sender_handle_id == Handle.id)
        )
        assert sender == ann_id
        assert s.scalar(select(func.count(Person.id)).where(Person.is_me.is_(False))) == 1
        assert card_suggestions(s, ann_id) == []  # taken, not proposed any more


@pytest.mark.parametrize(
    "line", ["IMPP;TYPE=home:xmpp:Ann@Jabber.example", "X-JABBER:ann@jabber.example"]
)
def test_a_jid_on_someones_card_brings_the_chat_to_their_record(store: Store, line: str) -> None:
    from unibox.channels.importers.vcf import read_vcards
    from unibox.store.contacts_import import import_cards

    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Example\r\nEMAIL:ann@example.org\r\n{line}\r\n"
    with store.write() as s:
        import_cards(s, read_vcards(card + "END:VCARD\r\n").cards, "DE")
        ann_id = s.scalar(select(Handle.person_id).where(Handle.value == "ann@example.org"))
    acc = add_chat_account(store)
    # Her client writes from a resource, and the case differs from the card's.
    _ingest(store, acc, [chat("1", "hi from the train", peer="ann@jabber.EXAMPLE/phone")])
    with store.read() as s:
        sender = s.scalar(
            select(Handle.person_id).join(Message, Message.sender_handle_id == Handle.id)
        )
        assert ann_id is not None and sender == ann_id
        assert s.scalar(select(func.count(Person.id)).where(Person.is_me.is_(False))) == 1

"""Which stored message a location is: its own, unless it is a copy by content."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.helpers.items import (
    add_account,
    add_folders,
    item,
    new_store,
    newer_columns_for_ingest,
    parsed,
)
from unibox.core.items import IncomingMessage
from unibox.core.query import parse_query
from unibox.store import folders, queries
from unibox.store.ingest import Ingestor
from unibox.store.schema import Message, MessageLocation
from unibox.store.store import Store

SHARED = "weekly@lists.example.org"
WORDS = ("aardvark", "bison", "capybara", "dromedary", "echidna")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


def _sibling(uid: int, n: int) -> IncomingMessage:
    """One of five distinct messages with one Message-ID and one subject."""
    word = WORDS[n]
    raw = (
        f"From: Sender {n} <s{n}@lists.example.org>\r\nSubject: Weekly report\r\n"
        f"Message-ID: <{SHARED}>\r\n\r\nThe {word} project.\r\n"
    ).encode()
    return item(
        uid, parsed("Weekly report", message_id=SHARED, text=f"The {word} project."), raw=raw
    )


def _ingest(store: Store, account: int, folder: int, items: list[IncomingMessage]) -> Ingestor:
    ing = Ingestor(account, folder, ["me@example.com"])
    with store.write() as s:
        ing.ingest(s, items)
    return ing


def _ids_by_word(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {w: queries.search(s, parse_query(w))[0].id for w in WORDS}


def test_messages_sharing_a_message_id_are_kept_apart_and_thread_together(store: Store) -> None:
    acc = add_account(store)
    fs = add_folders(store, acc, "INBOX", "Archive")
    _ingest(store, acc, fs["INBOX"], [_sibling(uid, n) for uid, n in ((1, 0), (2, 1), (3, 2))])
    _ingest(store, acc, fs["Archive"], [_sibling(1, 3), _sibling(2, 4)])
    with store.read() as s:
        assert queries.stats(s)["messages"] == 5
        for word in WORDS:
            assert len(queries.search(s, parse_query(word))) == 1
        assert len(set(s.scalars(select(Message.conversation_id)))) == 1


def test_a_renumbered_folder_gives_each_message_back_its_own_row(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    _ingest(store, acc, f, [_sibling(uid, uid - 1) for uid in range(1, 6)])
    before = _ids_by_word(store)
    with store.write() as s:
        folders.reset_uidvalidity(s, f)
    # New UIDs, in another order: each must find its own message by content.
    _ingest(store, acc, f, [_sibling(100 + n, 4 - n) for n in range(5)])
    with store.write() as s:
        folders.hide_unplaced(s, acc)
    assert _ids_by_word(store) == before
    with store.read() as s:
        assert queries.stats(s)["messages"] == 5


def test_a_copy_in_another_folder_is_one_message_two_copies_in_one_folder_are_two(
    store: Store,
) -> None:
    acc = add_account(store)
    fs = add_folders(store, acc, "INBOX", "Archive")
    _ingest(store, acc, fs["INBOX"], [_sibling(1, 0), _sibling(2, 0)])
    _ingest(store, acc, fs["Archive"], [_sibling(7, 0)])
    with store.read() as s:
        assert queries.stats(s)["messages"] == 2
        assert s.scalar(select(func.count(MessageLocation.id))) == 3


def test_rows_from_before_content_keys_match_by_the_old_rule_once(store: Store) -> None:
    acc = add_account(store)
    fs = add_folders(store, acc, "INBOX", "Archive")
    _ingest(store, acc, fs["INBOX"], [_sibling(1, 0)])
    with store.write() as s:
        s.execute(update(Message).values(content_key=""))
        folders.remove_uids(s, fs["INBOX"], [1])
    # Moved by another client: same Message-ID and subject, so it is the old row.
    _ingest(store, acc, fs["Archive"], [_sibling(5, 0)])
    with store.read() as s:
        assert s.scalar(select(func.count(Message.id))) == 1
        assert s.scalar(select(Message.content_key)) != ""
        assert queries.stats(s)["messages"] == 1


def test_a_message_that_cannot_be_written_is_kept_raw_and_the_rest_goes_on(
    store: Store,
) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    good = [item(i, parsed(f"Fine {i}", message_id=f"g{i}@x", text="plain")) for i in (1, 3)]
    # A lone surrogate cannot be encoded for SQLite: this one message fails to write.
    bad = item(
        2,
        parsed("Broken", message_id="b@x", text="caf\udce9 ocelot"),
        raw=b"Subject: Broken\r\n\r\ncaf\xe9 ocelot\r\n",
    )
    ing = _ingest(store, acc, f, [good[0], bad, good[1]])
    assert ing.raw_only == 1
    with store.read() as s:
        counts = queries.stats(s)
        assert counts["messages"] == 3
        assert counts["messages_partial"] == 1
        assert [r.subject for r in queries.search(s, parse_query("broken"))] == ["Broken"]
        error = s.scalar(select(Message.parse_error).where(Message.subject == "Broken"))
        assert error and "raw source is kept" in error
        assert len(folders.local_uids(s, f)) == 3
    assert store.check_integrity() == []


def test_the_migration_gives_stored_mail_its_content_key(tmp_path: Path) -> None:
    from alembic import command

    from unibox.store.engine import _alembic_config, open_engine

    path = tmp_path / "old.sqlite3"
    engine = open_engine(path)
    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn.execution_options(unibox_write=True)), "0010")
        conn.commit()
    old = Store.__new__(Store)
    old.path, old.engine = path, engine
    with newer_columns_for_ingest(old):
        acc = add_account(old)
        f = add_folders(old, acc, "INBOX")["INBOX"]
        _ingest(old, acc, f, [_sibling(1, 0), _sibling(2, 1)])
        _ingest(old, acc, f, [item(3, parsed("Headers only", message_id="h@x"), headers_only=True)])
        with old.read() as s:
            expected = {m.id: m.content_key for m in s.scalars(select(Message))}
            headers_only = s.scalar(select(Message.id).where(Message.subject == "Headers only"))
    engine.dispose()
    store = Store(path)  # opening migrates
    with store.read() as s:
        keys = {m.id: m.content_key for m in s.scalars(select(Message))}
    # From the raw source, as a sync computes it; without one, the old rule applies.
    assert keys == {**expected, headers_only: ""}
    assert all(expected.values())
    store.close()


def test_messages_folded_by_an_older_version_come_back(tmp_path: Path) -> None:
    from alembic import command

    from unibox.store.engine import _alembic_config, open_engine
    from unibox.store.schema import Folder

    path = tmp_path / "old.sqlite3"
    engine = open_engine(path)
    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn.execution_options(unibox_write=True)), "0012")
        conn.commit()
    old = Store.__new__(Store)
    old.path, old.engine = path, engine
    acc = add_account(old)
    f = add_folders(old, acc, "INBOX")["INBOX"]
    _ingest(old, acc, f, [_sibling(1, 0)])
    with old.write() as s:  # as the old rule left it: UID 2 (another message) joined UID 1
        kept = s.scalar(select(Message.id))
        s.add(MessageLocation(message_id=kept, folder_id=f, uid=2, flags=""))
        s.execute(update(Folder).values(uidvalidity=7, uidnext=3, highestmodseq=9))
    engine.dispose()
    store = Store(path)  # opening migrates
    with store.read() as s:
        assert folders.local_uids(s, f) == {}
        folder = s.get(Folder, f)
        assert folder is not None and (folder.uidnext, folder.highestmodseq) == (None, None)
    # The next sync fetches both again: each is its own message, the first keeps its row.
    _ingest(store, acc, f, [_sibling(1, 0), _sibling(2, 1)])
    with store.read() as s:
        assert [r.id for r in queries.search(s, parse_query("aardvark"))] == [kept]
        assert len(queries.search(s, parse_query("bison"))) == 1
        assert queries.stats(s)["messages"] == 2
    store.close()

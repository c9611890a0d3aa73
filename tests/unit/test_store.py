"""The store as a user of search and the message list would notice it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from tests.helpers.items import add_account, add_folders, item, new_store, parsed
from unibox.core.items import Address, AttachmentInfo, ParseState
from unibox.core.query import parse_query
from unibox.store import folders, queries
from unibox.store.ingest import Ingestor
from unibox.store.schema import Handle, Message, Participant, full_metadata
from unibox.store.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return new_store(tmp_path)


def _ingest(store: Store, account_id: int, folder_id: int, items: list) -> None:
    ing = Ingestor(account_id, folder_id, ["me@example.com"])
    with store.write() as s:
        ing.ingest(s, items)


def _count(store: Store) -> int:
    with store.read() as s:
        return queries.stats(s)["messages"]


def test_the_migrated_schema_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), full_metadata())
    # FTS5 virtual tables and their shadow tables are made by raw DDL on purpose.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("message_fts"))]
    assert diff == []


def test_ingesting_the_same_mail_twice_never_duplicates(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    batch = [item(i, parsed(f"Subject {i}", message_id=f"m{i}@x")) for i in range(1, 51)]
    _ingest(store, acc, f, batch)
    _ingest(store, acc, f, batch)
    _ingest(store, acc, f, batch[10:20])
    assert _count(store) == 50
    with store.read() as s:
        assert len(folders.local_uids(s, f)) == 50


def test_raw_source_is_kept_byte_exact(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    raw = b"Subject: caf\xe9\r\nX-Odd:  \t spaced\r\n\r\n\x00binary\xff\r\n"
    _ingest(store, acc, f, [item(1, parsed("café", message_id="raw@x"), raw=raw)])
    with store.read() as s:
        mid = s.scalar(select(Message.id))
        assert mid is not None
        assert queries.raw_source(s, mid) == raw


def test_every_address_becomes_a_handle_of_one_person(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    _ingest(
        store,
        acc,
        f,
        [
            item(1, parsed("a", message_id="a@x", from_=(Address("Ann@Example.org", "Ann"),))),
            item(
                2,
                parsed(
                    "b",
                    message_id="b@x",
                    from_=(Address("ann@example.org", "Ann E."),),
                    to=(Address("me@example.com"), Address("bob@example.org", "Bob")),
                ),
            ),
        ],
    )
    with store.read() as s:
        values = set(s.scalars(select(Handle.value)))
        assert values == {"ann@example.org", "me@example.com", "bob@example.org"}
        ann = s.scalars(select(Handle.person_id).where(Handle.value == "ann@example.org")).all()
        assert len(ann) == 1
        # Display names as written in each message are kept.
        names = set(s.scalars(select(Participant.name).where(Participant.role == "from")))
        assert names == {"Ann", "Ann E."}
        assert queries.stats(s)["people"] == 2  # Ann and Bob; "me" is not a contact


def test_replies_join_their_thread_even_when_they_arrive_first(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    root = parsed("Quote", message_id="root@x", day=0)
    r1 = parsed("Re: Quote", message_id="r1@x", in_reply_to="root@x", references=("root@x",), day=1)
    r2 = parsed(
        "Re: Quote", message_id="r2@x", in_reply_to="r1@x", references=("root@x", "r1@x"), day=2
    )
    # Newest first, in separate batches, as a sync delivers them.
    _ingest(store, acc, f, [item(3, r2)])
    _ingest(store, acc, f, [item(2, r1)])
    _ingest(store, acc, f, [item(1, root)])
    with store.read() as s:
        convs = set(s.scalars(select(Message.conversation_id)))
        assert len(convs) == 1
        assert queries.stats(s)["conversations"] == 1


def test_two_threads_merge_when_a_message_links_them(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    a = parsed("Plan", message_id="a@x")
    b = parsed("Other", message_id="b@x", day=1)
    link = parsed("Re: Plan", message_id="c@x", references=("a@x", "b@x"), day=2)
    _ingest(store, acc, f, [item(1, a), item(2, b)])
    _ingest(store, acc, f, [item(3, link)])
    with store.read() as s:
        assert len(set(s.scalars(select(Message.conversation_id)))) == 1


def test_subject_fallback_joins_replies_but_not_lookalikes(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    _ingest(store, acc, f, [item(1, parsed("Invoice", message_id="i1@x", day=0))])
    _ingest(store, acc, f, [item(2, parsed("Re: Invoice", message_id="i2@x", day=1))])
    _ingest(store, acc, f, [item(3, parsed("Invoice", message_id="i3@x", day=3))])
    _ingest(store, acc, f, [item(4, parsed("Re: Invoice", message_id="i4@x", day=90))])
    with store.read() as s:
        conv = dict(s.execute(select(Message.message_id_header, Message.conversation_id)).all())
    assert conv["i1@x"] == conv["i2@x"]
    assert conv["i3@x"] != conv["i1@x"]
    assert conv["i4@x"] not in (conv["i1@x"], conv["i3@x"])  # outside the 30-day window


def test_headers_first_then_bodies_makes_mail_searchable(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    head = parsed("Budget review", message_id="h@x", state=ParseState.HEADERS)
    _ingest(store, acc, f, [item(1, head, headers_only=True)])
    with store.read() as s:
        assert queries.stats(s)["messages_without_body"] == 1
        assert folders.missing_body_sizes(s, f) == [(1, 0)]
        assert folders.folder_counts(s, f) == (1, 1)
    full = parsed("Budget review", message_id="h@x", text="The zeppelin numbers are in.")
    _ingest(store, acc, f, [item(1, full)])
    with store.read() as s:
        assert queries.stats(s)["messages_without_body"] == 0
        found = queries.search(s, parse_query("zeppelin"))
        assert [r.subject for r in found] == ["Budget review"]
        assert "zeppelin" in found[0].snippet
    assert _count(store) == 1


def test_search_operators(store: Store) -> None:
    acc = add_account(store)
    fs = add_folders(store, acc, "INBOX", "Archive")
    pdf = AttachmentInfo("offer.pdf", "application/pdf", 1200)
    _ingest(
        store,
        acc,
        fs["INBOX"],
        [
            item(
                1,
                parsed(
                    "Offer for Müller",
                    message_id="1@x",
                    day=10,
                    attachments=(pdf,),
                    from_=(Address("zoe@mueller.de", "Zoë Müller"),),
                    text="Angebot anbei",
                ),
            ),
            item(
                2,
                parsed(
                    "Lunch",
                    message_id="2@x",
                    day=20,
                    text="Pizza?",
                    to=(Address("bob@example.org", "Bob"),),
                ),
            ),
        ],
    )
    _ingest(
        store,
        acc,
        fs["Archive"],
        [
            item(1, parsed("Old offer", message_id="3@x", day=1, text="Angebot alt")),
        ],
    )

    def subjects(q: str) -> list[str]:
        with store.read() as s:
            return [r.subject for r in queries.search(s, parse_query(q))]

    assert subjects("angebot") == ["Offer for Müller", "Old offer"]
    assert subjects("from:zoe") == ["Offer for Müller"]
    assert subjects("from:müller") == ["Offer for Müller"]  # display names count
    assert subjects("zoe") == ["Offer for Müller"]  # free words match names
    assert subjects("muller") == ["Offer for Müller"]  # diacritics folded
    assert subjects("to:bob") == ["Lunch"]
    assert subjects("subject:offer") == ["Offer for Müller", "Old offer"]
    assert subjects("has:attachment") == ["Offer for Müller"]
    assert subjects("in:archive") == ["Old offer"]
    assert subjects("angebot in:inbox") == ["Offer for Müller"]
    assert subjects("after:2024-01-15") == ["Lunch"]
    assert subjects("before:2024-01-05") == ["Old offer"]
    with store.read() as s:
        r = queries.search(s, parse_query("pizza"))[0].as_json()
    assert set(r) >= {"id", "account", "folder", "from", "to", "subject", "date", "snippet"}
    assert r["date"].startswith("2024-01-21")


def test_expunged_mail_hides_and_a_move_keeps_the_same_message(store: Store) -> None:
    acc = add_account(store)
    fs = add_folders(store, acc, "INBOX", "Archive")
    _ingest(store, acc, fs["INBOX"], [item(7, parsed("Keep me", message_id="k@x"))])
    with store.read() as s:
        original = s.scalar(select(Message.id))
    # Another client moves it: gone from INBOX, appears in Archive with a new UID.
    with store.write() as s:
        folders.remove_uids(s, fs["INBOX"], [7])
    assert _count(store) == 0
    _ingest(store, acc, fs["Archive"], [item(3, parsed("Keep me", message_id="k@x"))])
    with store.read() as s:
        assert s.scalar(select(func.count(Message.id))) == 1
        assert s.scalar(select(Message.id).where(Message.deleted_at.is_(None))) == original


def test_uidvalidity_reset_rematches_by_message_id(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    batch = [item(i, parsed(f"S{i}", message_id=f"u{i}@x"), flags=("\\Seen",)) for i in (1, 2, 3)]
    _ingest(store, acc, f, batch)
    with store.read() as s:
        before = sorted(s.scalars(select(Message.id)))
    with store.write() as s:
        folders.reset_uidvalidity(s, f)
    renumbered = [item(i + 100, b.parsed, flags=b.flags) for i, b in enumerate(batch)]
    _ingest(store, acc, f, renumbered)
    with store.write() as s:
        folders.hide_unplaced(s, acc)
    with store.read() as s:
        assert sorted(s.scalars(select(Message.id))) == before
        assert sorted(folders.local_uids(s, f)) == [100, 101, 102]
    assert _count(store) == 3


def test_flag_changes_reach_the_message(store: Store) -> None:
    from unibox.core.items import FlagUpdate

    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    _ingest(store, acc, f, [item(1, parsed("Flags", message_id="f@x"))])
    with store.write() as s:
        folders.apply_flags(s, f, [FlagUpdate(1, ("\\Seen", "\\Flagged", "$label1"))])
    with store.read() as s:
        m = s.scalars(select(Message)).one()
        assert (m.is_seen, m.is_flagged, m.keywords) == (True, True, "$label1")
        assert queries.stats(s)["unread"] == 0


def test_store_integrity_after_heavy_use(store: Store) -> None:
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    _ingest(store, acc, f, [item(i, parsed(f"S{i}", message_id=f"g{i}@x")) for i in range(200)])
    with store.write() as s:
        folders.remove_uids(s, f, list(range(0, 200, 3)))
    assert store.check_integrity() == []


def test_schema_head_constant_matches_the_migrations() -> None:
    from unibox.store.engine import SCHEMA_HEAD, alembic_head

    assert alembic_head() == SCHEMA_HEAD


def test_an_old_store_is_migrated_with_its_mail(tmp_path: Path) -> None:
    from alembic import command

    from unibox.store.engine import SCHEMA_HEAD, _alembic_config, open_engine, schema_version

    path = tmp_path / "old.sqlite3"
    engine = open_engine(path)
    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn.execution_options(unibox_write=True)), "0001")
        conn.commit()
    engine.dispose()
    store = Store(path)  # opening migrates
    assert schema_version(store.engine) == SCHEMA_HEAD
    acc = add_account(store)
    f = add_folders(store, acc, "INBOX")["INBOX"]
    _ingest(store, acc, f, [item(1, parsed("After upgrade", message_id="u@x"))])
    with store.read() as s:
        assert [r.subject for r in queries.search(s, parse_query("upgrade"))] == ["After upgrade"]


def test_removing_an_account_removes_its_mail_and_index_entries(store: Store) -> None:
    from unibox.store.accounts import remove_account

    work = add_account(store, "Work")
    home = add_account(store, "Home", email="me@home.example")
    fw = add_folders(store, work, "INBOX")["INBOX"]
    fh = add_folders(store, home, "INBOX")["INBOX"]
    _ingest(store, work, fw, [item(1, parsed("Quarterly zeppelin", message_id="w@x"))])
    _ingest(store, home, fh, [item(1, parsed("Holiday zeppelin", message_id="h@x"))])
    with store.write() as s:
        remove_account(s, "Work")
    with store.read() as s:
        assert [r.subject for r in queries.search(s, parse_query("zeppelin"))] == [
            "Holiday zeppelin"
        ]
        assert queries.stats(s)["accounts"] == 1
    assert store.check_integrity() == []


def test_a_reused_message_id_with_another_subject_is_another_message(store: Store) -> None:
    acc = add_account(store)
    fs = add_folders(store, acc, "INBOX", "Archive")
    _ingest(
        store,
        acc,
        fs["INBOX"],
        [
            item(1, parsed("Invoice 7", message_id="1@localhost", text="first")),
            item(2, parsed("Lunch?", message_id="1@localhost", text="second")),
        ],
    )
    _ingest(
        store,
        acc,
        fs["Archive"],
        [
            item(1, parsed("Weekly report", message_id="1@localhost", text="third")),
            item(2, parsed("Invoice 7", message_id="1@localhost", text="first")),  # a real copy
        ],
    )
    with store.read() as s:
        assert queries.stats(s)["messages"] == 3
        for word in ("first", "second", "third"):
            assert len(queries.search(s, parse_query(word))) == 1


def test_finding_replies_to_a_message_uses_an_index(store: Store) -> None:
    from sqlalchemy.orm import aliased

    from unibox.store.schema import Message as M

    reply, parent = aliased(M), aliased(M)
    query = (
        select(reply.id)
        .join(
            parent,
            (parent.account_id == reply.account_id)
            & (parent.message_id_header == reply.in_reply_to),
        )
        .where(parent.id == 1)
    )
    with store.read() as s:
        sql = str(query.compile(compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r) for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "ix_message_in_reply_to" in plan  # without it: one scan of the account per parent

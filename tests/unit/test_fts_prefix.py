"""Migration 0007: one- and two-letter search prefixes have their own FTS5 index."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tests.helpers.items import add_account, add_folders, item, newer_columns_for_ingest, parsed
from unibox.core.query import parse_query
from unibox.store import queries
from unibox.store.ingest import Ingestor
from unibox.store.store import Store


def _fts_sql(store: Store) -> str:
    with store.read() as s:
        return str(s.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'message_fts'")))


def _ingest(store: Store, subjects: list[str]) -> None:
    acc = add_account(store)
    folder = add_folders(store, acc, "INBOX")["INBOX"]
    items = [item(n + 1, parsed(s, message_id=f"m{n}@x")) for n, s in enumerate(subjects)]
    with store.write() as s:
        Ingestor(acc, folder, ["me@example.com"]).ingest(s, items)


def test_a_new_store_indexes_short_prefixes(tmp_path: Path) -> None:
    store = Store(tmp_path / "new.sqlite3")
    assert "prefix='1 2'" in _fts_sql(store)
    store.close()


def test_mail_indexed_before_the_migration_is_found_by_short_prefixes(tmp_path: Path) -> None:
    from alembic import command

    from unibox.store.engine import _alembic_config, open_engine

    path = tmp_path / "old.sqlite3"
    engine = open_engine(path)
    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn.execution_options(unibox_write=True)), "0006")
        conn.commit()
    # Mail indexed by the old schema (this migration changes only the index).
    old = Store.__new__(Store)
    old.path, old.engine = path, engine
    assert "prefix" not in _fts_sql(old)
    with newer_columns_for_ingest(old):
        _ingest(old, ["Zebra crossing", "Quokka photos"])
    engine.dispose()
    store = Store(path)  # opening migrates
    assert "prefix='1 2'" in _fts_sql(store)
    assert store.check_integrity() == []
    with store.read() as s:
        for prefix, subjects in (("z", ["Zebra crossing"]), ("ze", ["Zebra crossing"]),
                                 ("q", ["Quokka photos"]), ("ph", ["Quokka photos"]),
                                 ("xy", [])):  # fmt: skip
            assert [r.subject for r in queries.search(s, parse_query(prefix))] == subjects
    store.close()

"""Opening the SQLite database: pragmas, transactions, migrations."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

log = logging.getLogger("unibox.store")

_MIGRATIONS = str(Path(__file__).with_name("migrations"))


def _alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", _MIGRATIONS)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def open_engine(path: Path) -> Engine:
    """An engine on `path` with WAL, foreign keys and explicit BEGIN handling."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit handling is wrong for SQLite).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # Remote data can be fetched again: NORMAL is safe against crashes in WAL mode.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA cache_size=-32000")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the lock up front so two writers never deadlock on upgrade.
        if conn.get_execution_options().get("unibox_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    with engine.connect() as conn:
        conn = conn.execution_options(unibox_write=True)
        cfg = _alembic_config(conn)
        command.upgrade(cfg, "head")
        conn.commit()


def needs_migration(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(_alembic_config())
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current != script.get_current_head()


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction (BEGIN IMMEDIATE), committed on success."""
    with engine.connect() as conn:
        conn = conn.execution_options(unibox_write=True)
        with Session(bind=conn, expire_on_commit=False) as session:
            with session.begin():
                yield session
            conn.commit()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short read transaction; WAL lets it run beside the writer."""
    with Session(bind=engine, expire_on_commit=False) as session, session.begin():
        yield session

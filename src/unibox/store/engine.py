"""Opening the SQLite database: pragmas, transactions, migrations."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from unibox.store import file_locks

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("unibox.store")

# The newest migration. Checked against Alembic by a test; lets a short-lived
# command (a no-change sync) skip importing Alembic when nothing is due.
SCHEMA_HEAD = "0021"

_MIGRATIONS = str(Path(__file__).with_name("migrations"))


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

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

    # Counted in before SQLite opens the file and out when it closes it: the header check
    # must not drop SQLite's locks (file_locks).
    @event.listens_for(engine, "do_connect")
    def _do_connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        file_locks.opening(path)
        try:
            return dialect.loaded_dbapi.connect(*cargs, **cparams)
        except BaseException:
            file_locks.closed(path)
            raise

    @event.listens_for(engine, "close")
    @event.listens_for(engine, "close_detached")
    def _on_close(_dbapi_conn: Any, *_record: Any) -> None:
        file_locks.closed(path)

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
        cur.execute("PRAGMA wal_autocheckpoint=8000")
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
    """Bring the schema to the newest Alembic revision (a no-op when it is there)."""
    if not needs_migration(engine):
        return
    from alembic import command

    with engine.connect() as conn:
        conn = conn.execution_options(unibox_write=True)
        command.upgrade(_alembic_config(conn), "head")
        conn.commit()


def schema_version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # a new, empty database
            return None


def needs_migration(engine: Engine) -> bool:
    return schema_version(engine) != SCHEMA_HEAD


def alembic_head() -> str | None:
    """The newest revision as Alembic sees it (for the test that guards SCHEMA_HEAD)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


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

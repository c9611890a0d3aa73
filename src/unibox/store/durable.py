"""Write transactions whose commit must survive a power cut (user intent: notes, tasks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from unibox.store.store import StoreError


def _pragma(conn: Any, value: str) -> None:
    # SQLite refuses to change the safety level inside a transaction, and
    # SQLAlchemy would open one for any statement: go to the driver directly.
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and conn.dialect.name == "sqlite":
        dbapi.execute(f"PRAGMA synchronous={value}")


@contextmanager
def durable_write(engine: Engine) -> Iterator[Session]:
    """Like Store.write, with synchronous=FULL for this commit only.

    The store runs with synchronous=NORMAL (remote data can be fetched
    again); what the user typed cannot, so its commit waits for the disk.
    """
    with engine.connect() as conn:
        _pragma(conn, "FULL")
        try:
            conn = conn.execution_options(unibox_write=True)
            with Session(bind=conn, expire_on_commit=False) as session:
                with session.begin():
                    yield session
                conn.commit()
        except OperationalError as exc:
            detail = str(exc.orig) if exc.orig is not None else str(exc)
            raise StoreError(f"Your change could not be saved ({detail}); try again.") from exc
        finally:
            conn.rollback()
            _pragma(conn, "NORMAL")

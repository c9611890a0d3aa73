"""Write transactions for user intent (outbox, pending operations): synchronous=FULL.

The store runs with synchronous=NORMAL because remote data can be fetched
again; a message the user wrote or a change they made cannot, so its commit
waits until it is on the disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from unibox.store.store import Store, StoreError


def _synchronous(conn: Any, value: str) -> None:
    # Not allowed inside a transaction, and SQLAlchemy opens one for any
    # statement: set it on the driver connection directly.
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and conn.dialect.name == "sqlite":
        dbapi.execute(f"PRAGMA synchronous={value}")


@contextmanager
def intent_write(store: Store) -> Iterator[Session]:
    """Like Store.write, but the commit survives a power cut."""
    with store.engine.connect() as conn:
        _synchronous(conn, "FULL")
        try:
            conn = conn.execution_options(unibox_write=True)
            with Session(bind=conn, expire_on_commit=False) as session:
                with session.begin():
                    yield session
                conn.commit()
        except OperationalError as exc:
            detail = str(exc.orig) if exc.orig is not None else str(exc)
            if "full" in detail:
                raise StoreError(
                    "The disk is full, so your change could not be saved; free some space."
                ) from exc
            raise StoreError(f"Your change could not be saved ({detail}); try again.") from exc
        finally:
            conn.rollback()
            _synchronous(conn, "NORMAL")

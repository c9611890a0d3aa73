"""The Store: one SQLite file, migrated on open, handing out short transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store.engine import migrate, open_engine, read_session, write_session


class StoreError(UserError):
    """The local store could not be written; nothing committed before was lost."""


def _sentence(exc: OperationalError) -> StoreError:
    detail = str(exc.orig) if exc.orig is not None else str(exc)
    if "full" in detail:
        return StoreError(
            "The disk is full, so unibox stopped writing; everything stored before is intact. "
            "Free some space and sync again."
        )
    if "locked" in detail or "busy" in detail:
        return StoreError("The store is busy in another unibox process; try again in a moment.")
    if "readonly" in detail or "read-only" in detail:
        return StoreError("The store is read-only; check the profile folder's permissions.")
    return StoreError(f"The local store could not be written ({detail}).")


class Store:
    """Owns the engine. Pass it into constructors; never look it up globally."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = open_engine(path)
        try:
            migrate(self.engine)
        except OperationalError as exc:
            raise _sentence(exc) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction; a database failure becomes a StoreError sentence."""
        try:
            with write_session(self.engine) as session:
                yield session
        except OperationalError as exc:
            raise _sentence(exc) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        with read_session(self.engine) as session:
            yield session

    def check_integrity(self) -> list[str]:
        """Problems SQLite and the full-text index report; empty when all is well."""
        with self.engine.connect() as conn:
            problems = [r[0] for r in conn.execute(text("PRAGMA integrity_check")) if r[0] != "ok"]
            try:
                conn.execute(
                    text("INSERT INTO message_fts(message_fts, rank) VALUES('integrity-check', 1)")
                )
            except Exception as exc:  # SQLite reports corruption as an error
                problems.append(f"full-text index: {exc}")
            conn.rollback()
        return problems

    def close(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        self.engine.dispose()

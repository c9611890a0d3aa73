"""The Store: one SQLite file, migrated on open, handing out short transactions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store.engine import migrate, open_engine, read_session, write_session
from unibox.store.health import StoreDamaged, check_header, is_damage, temporary_name


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


def _create(path: Path) -> None:
    """A new store: built under a temporary name, then put in place only if none is there.

    So a store file that exists always held tables: a 0-byte one was emptied.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    building = temporary_name(path)
    engine = open_engine(building)
    try:
        migrate(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError as exc:
        raise _sentence(exc) from exc
    finally:
        engine.dispose()
    try:
        os.link(building, path)  # never replaces a store another process just made
    except FileExistsError:
        pass
    finally:
        for leftover in (building, *(building.with_name(building.name + s) for s in _SIDE)):
            leftover.unlink(missing_ok=True)


_SIDE = ("-wal", "-shm")


class Store:
    """Owns the engine. Pass it into constructors; never look it up globally."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            _create(path)
        check_header(path)
        self.engine = open_engine(path)
        try:
            migrate(self.engine)
        except (sqlite3.DatabaseError, DBAPIError) as exc:
            self.engine.dispose()
            if is_damage(exc):
                raise self._damaged(exc) from exc
            if isinstance(exc, OperationalError):
                raise _sentence(exc) from exc
            raise

    def _damaged(self, exc: BaseException) -> StoreDamaged:
        return StoreDamaged(self.path, f"SQLite says: {getattr(exc, 'orig', None) or exc}")

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction; a database failure becomes a StoreError sentence."""
        try:
            with write_session(self.engine) as session:
                yield session
        except OperationalError as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise _sentence(exc) from exc
        except (sqlite3.DatabaseError, DBAPIError) as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with read_session(self.engine) as session:
                yield session
        except (sqlite3.DatabaseError, DBAPIError) as exc:
            if is_damage(exc):
                raise self._damaged(exc) from exc
            raise

    def quick_check(self) -> list[str]:
        """SQLite's quick_check (every page read; ~0.2 s per 20,000 messages): empty when sound."""
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(text("PRAGMA quick_check")) if r[0] != "ok"]

    def check_integrity(self) -> list[str]:
        """Problems SQLite and the full-text index report; empty when all is well."""
        with self.engine.connect() as conn:
            try:
                rows = conn.execute(text("PRAGMA integrity_check")).all()
                problems = [r[0] for r in rows if r[0] != "ok"]
            except DBAPIError as exc:  # so damaged that SQLite cannot even list what is wrong
                return [str(exc.orig or exc)]
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

"""nio's key store, one call at a time in the whole process.

nio's SQLite store (`DefaultStore`) binds peewee's model classes to its own
database for the length of each call (`bind_ctx`). The model classes are
module-level, shared by every store in the process, so two stores used at once
(two Matrix accounts' chat threads, a key import beside a sync) undo each
other's binding: a query fails ("Query must be bound to a database") or,
worse, lands in the other account's file. Every binding here holds one
process-wide re-entrant lock; a store call is short and never awaits, so the
accounts merely take turns.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from nio.store import DefaultStore
from peewee import SqliteDatabase

_BINDING = threading.RLock()


class _OneBindingAtATime(SqliteDatabase):
    @contextmanager
    def bind_ctx(
        self, models: Sequence[Any], bind_refs: bool = True, bind_backrefs: bool = True
    ) -> Iterator[Any]:
        with _BINDING, super().bind_ctx(models, bind_refs, bind_backrefs) as bound:
            yield bound


class KeyStore(DefaultStore):
    """nio's default store (olm account, sessions, device keys, trust) behind the lock."""

    def _create_database(self) -> SqliteDatabase:
        return _OneBindingAtATime(
            self.database_path, pragmas={"foreign_keys": 1, "secure_delete": 1}
        )

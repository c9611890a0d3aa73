"""What an account's encryption keeps beside nio's store, in pending.sqlite3 of its keys
folder: encrypted events not decrypted yet (to try again when their key comes), and the
keys known devices came back with that were not those first seen (crypto.py)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

Keys = tuple[str | None, str | None]  # a device's ed25519 and curve25519 keys


class PendingEvents:
    """Encrypted events that could not be decrypted yet, kept to try again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with closing(self._db()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS pending (event_id TEXT PRIMARY KEY, room_id TEXT,"
                " session_id TEXT, source TEXT, kept_at INTEGER)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS changed_keys (user_id TEXT, device_id TEXT,"
                " ed25519 TEXT, curve25519 TEXT, PRIMARY KEY (user_id, device_id, curve25519))"
            )

    def changed(self, user: str, device_id: str, keys: Keys) -> None:
        """Keys a known device came back with, other than those first seen."""
        with closing(self._db()) as db, db:
            db.execute("INSERT OR IGNORE INTO changed_keys VALUES (?, ?, ?, ?)",
                       (user, device_id, keys[0] or "", keys[1] or ""))  # fmt: skip

    def changed_keys(self) -> list[tuple[str, str, str, str]]:
        with closing(self._db()) as db:
            return db.execute("SELECT * FROM changed_keys ORDER BY user_id, device_id").fetchall()

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def keep(self, room_id: str, source: dict[str, Any]) -> None:
        content = source.get("content") or {}
        with closing(self._db()) as db, db:
            db.execute(
                "INSERT OR IGNORE INTO pending VALUES (?, ?, ?, ?, ?)",
                (str(source.get("event_id")), room_id, str(content.get("session_id") or ""),
                 json.dumps(source), int(time.time())),
            )  # fmt: skip

    def all(self) -> list[tuple[str, dict[str, Any]]]:
        with closing(self._db()) as db:
            rows = db.execute("SELECT room_id, source FROM pending ORDER BY kept_at").fetchall()
        return [(room_id, json.loads(source)) for room_id, source in rows]

    def waiting(self) -> dict[str, tuple[str, str, str]]:
        """{event id: (room id, sender key, session id)}: what says which key each awaits."""
        found = {}
        for room_id, source in self.all():
            content = source.get("content") or {}
            found[str(source.get("event_id"))] = (
                room_id, str(content.get("sender_key") or ""), str(content.get("session_id") or "")
            )  # fmt: skip
        return found

    def sources(self, event_ids: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
        ids = list(event_ids)
        with closing(self._db()) as db:
            rows = [
                row
                for start in range(0, len(ids), 500)
                for row in db.execute(
                    "SELECT room_id, source FROM pending WHERE event_id IN "
                    f"({','.join('?' * len(ids[start : start + 500]))}) ORDER BY kept_at",
                    ids[start : start + 500],
                )
            ]
        return [(room_id, json.loads(source)) for room_id, source in rows]

    def drop(self, event_ids: Iterable[str]) -> None:
        with closing(self._db()) as db, db:
            db.executemany("DELETE FROM pending WHERE event_id = ?", [(e,) for e in event_ids])

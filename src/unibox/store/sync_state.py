"""What a no-change check needs from the store, read with plain sqlite3.

`unibox sync` asks this before it loads SQLAlchemy and the sync engine: each
mail account's folders with the server state stored at the last sync
(UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, how many messages, how many still
without their body) and whether the account has work queued (a pending
operation, a message due to be sent, a snooze that has ended). The queries
mirror `folders.folder_counts`, `pending_ops.has_pending`, `outbox.due_items`
and `triage_views.snooze_ended_ids`; tests/unit/test_sync_state.py keeps
them in step (every outbox state), tests/integration/test_quick_sync.py the rest.

A store that is missing, damaged, or not at this version's schema gives None:
the caller then runs the full sync, which creates, migrates or reports it.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

_VERSIONS = Path(__file__).with_name("migrations") / "versions"


@dataclass(frozen=True, slots=True)
class StoredFolder:
    name: str
    delimiter: str
    role: str
    sync_enabled: bool
    uidvalidity: int | None
    uidnext: int | None
    highestmodseq: int | None
    messages: int
    without_body: int


@dataclass(frozen=True, slots=True)
class StoredAccount:
    id: int
    name: str
    kind: str
    secret_ref: str
    settings_json: str
    folders: tuple[StoredFolder, ...]
    work_queued: bool  # something to push, send or wake: only the full sync does that


def newest_revision() -> str:
    """The newest migration's revision ("0009"), read from the file names, not Alembic."""
    return max(p.name[:4] for p in _VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def _connect(path: Path) -> sqlite3.Connection | None:
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        # mode=rw: never create a store here.
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)
        db.execute("PRAGMA busy_timeout=30000")
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    if row is None or row[0] != newest_revision():
        db.close()
        return None
    return db


_FOLDERS = """
SELECT f.name, f.delimiter, f.role, f.sync_enabled, f.uidvalidity, f.uidnext, f.highestmodseq,
  (SELECT count(*) FROM message_location l WHERE l.folder_id = f.id),
  (SELECT count(*) FROM message_location l JOIN message m ON m.id = l.message_id
    WHERE l.folder_id = f.id AND m.parse_state = 'headers')
FROM folder f WHERE f.account_id = ?
"""

_WORK = """
SELECT EXISTS(SELECT 1 FROM pending_op WHERE account_id = :a AND state = 'pending')
  OR EXISTS(SELECT 1 FROM outbox WHERE account_id = :a AND (
    (state = 'queued' AND send_at <= :now
      AND (next_attempt_at IS NULL OR next_attempt_at <= :now))
    OR (state IN ('sending', 'unconfirmed') AND next_attempt_at <= :now)
    OR state = 'accepted'
    -- a state this query does not know yet: let the full sync decide
    OR state NOT IN ('queued', 'sending', 'unconfirmed', 'accepted', 'done', 'failed',
      'cancelled')))
  OR EXISTS(SELECT 1 FROM message_triage t JOIN message m ON m.id = t.message_id
    WHERE m.deleted_at IS NULL AND t.snoozed_until <= :now AND m.account_id = :a)
"""


def stored_accounts(path: Path, only: str | None = None) -> list[StoredAccount] | None:
    """Every account (or the one named `only`) as the last sync left it; None if unreadable."""
    db = _connect(path)
    if db is None:
        return None
    now = int(time.time())
    try:
        with db:
            db.execute("BEGIN")  # one snapshot for all of it
            rows = db.execute(
                "SELECT id, name, kind, secret_ref, settings_json FROM account"
                " WHERE kind != 'caldav' ORDER BY id"
            ).fetchall()
            found = []
            for account_id, name, kind, secret_ref, settings_json in rows:
                if only is not None and name != only:
                    continue
                folders = tuple(
                    StoredFolder(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6], r[7], r[8])
                    for r in db.execute(_FOLDERS, (account_id,))
                )
                queued = bool(db.execute(_WORK, {"a": account_id, "now": now}).fetchone()[0])
                found.append(
                    StoredAccount(
                        account_id, name, kind, secret_ref, settings_json, folders, queued
                    )
                )
            return found
    except sqlite3.Error:
        return None
    finally:
        db.close()


def stored_uidls(path: Path, account_id: int) -> dict[str, int] | None:
    """UIDL -> when it was downloaded, of a POP3 account (store.pop3_state); None if unreadable."""
    db = _connect(path)
    if db is None:
        return None
    try:
        rows = db.execute(
            "SELECT u.uidl, u.downloaded_at FROM pop3_uidl u JOIN folder f ON f.id = u.folder_id "
            "WHERE f.account_id = ?",
            (account_id,),
        ).fetchall()
        return {uidl: at for uidl, at in rows}
    except sqlite3.Error:
        return None
    finally:
        db.close()


def record_unchanged(path: Path, account_id: int) -> bool:
    """Note a successful sync that found nothing new (as `accounts.record_sync` does)."""
    db = _connect(path)
    if db is None:
        return False
    try:
        with db:
            db.execute(
                "UPDATE account SET last_error = '', last_sync_at = ? WHERE id = ?",
                (int(time.time()), account_id),
            )
        return True
    except sqlite3.Error:
        return False
    finally:
        db.close()


def caldav_names(path: Path) -> list[str]:
    """The names of the CalDAV accounts (store.caldav_accounts) without loading the ORM."""
    db = _connect(path)
    if db is None:
        return []
    try:
        rows = db.execute("SELECT name FROM account WHERE kind = 'caldav' ORDER BY name")
        return [str(name).removeprefix("caldav:") for (name,) in rows]
    except sqlite3.Error:
        return []
    finally:
        db.close()

"""Backing up, restoring and checking a profile: everything that exists only on this computer.

What exists only here: the store (accounts, notes, tags, follow-ups, merges,
the outbox and pending changes, and the mail as fetched), `settings.json`,
and autosaved drafts. Mail can be fetched again; the rest cannot. Passwords
are in the OS keyring, never in a backup.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from unibox.config import store_path
from unibox.core.errors import UserError
from unibox.store.backup import (
    BackupInfo,
    damaged,
    in_use,
    put_in_place,
    read_backup,
    take_backup,
)
from unibox.store.health import StoreDamaged, check_header

SETTINGS = "settings.json"
DRAFTS = "drafts"


def local_files(profile: Path) -> dict[str, bytes]:
    """The profile's local-only files besides the store, by name relative to the profile."""
    found: dict[str, bytes] = {}
    settings = profile / SETTINGS
    if settings.is_file():
        found[SETTINGS] = settings.read_bytes()
    drafts = profile / DRAFTS
    if drafts.is_dir():
        for draft in sorted(drafts.glob("*.json")):
            found[f"{DRAFTS}/{draft.name}"] = draft.read_bytes()
    return found


def backup_profile(profile: Path, target: Path) -> BackupInfo:
    """A consistent copy of the store and the local files into `target` (safe while syncing)."""
    store_file = store_path(profile)
    if not store_file.exists():
        raise UserError(f"There is no store in {profile} to back up.")
    check_header(store_file)
    try:
        return take_backup(store_file, target, local_files(profile))
    except OSError as exc:
        raise UserError(f"The backup could not be written: {exc.strerror or exc}.") from None


@dataclass(frozen=True, slots=True)
class Restored:
    backup: BackupInfo
    kept_aside: Path | None  # where the store that was replaced now is


def restore_profile(profile: Path, backup: Path, *, force: bool) -> Restored:
    """Put a checked backup in place; the current store (if any) is kept aside, not deleted.

    A store that is sound is replaced only with `force`; a damaged one without it.
    """
    from unibox.store.store import Store

    info = read_backup(backup)
    store_file = store_path(profile)
    if store_file.exists() and not force and not damaged(store_file):
        raise UserError(
            f"{store_file} exists and would be replaced by the backup; add --force "
            "(the current store is then kept aside, not deleted)."
        )
    if in_use(store_file):
        raise UserError(
            "Another unibox (the window or a sync) has the store open; close it, then restore."
        )
    profile.mkdir(parents=True, exist_ok=True)
    try:
        aside = put_in_place(backup, store_file)
        _put_files(profile, info.files)
    except OSError as exc:
        raise UserError(f"The backup could not be restored: {exc.strerror or exc}.") from None
    try:
        Store(store_file).close()  # an older backup is migrated now, not at the next command
    except StoreDamaged as exc:  # cannot be after the checks above, but say it plainly if so
        raise UserError(f"The restored store could not be opened: {exc}") from None
    return Restored(info, aside)


def _put_files(profile: Path, files: dict[str, bytes]) -> None:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for name, data in files.items():
        path = profile / name
        if path.resolve().parent not in (profile.resolve(), (profile / DRAFTS).resolve()):
            continue  # only the profile's own files, whatever a crafted backup names
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_bytes() != data:
            os.replace(path, path.with_name(f"{path.name}.before-restore-{stamp}"))
        partial = path.with_name(f".{path.name}.restoring")
        partial.write_bytes(data)
        os.replace(partial, path)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The full check of a store: SQLite's and the search index's own words."""

    path: Path
    problems: list[str]
    seconds: float
    messages: int


def check_profile(profile: Path) -> CheckReport:
    """`PRAGMA integrity_check` and the FTS index check (a damaged header raises StoreDamaged)."""
    from sqlalchemy import text

    from unibox.store.store import Store

    store_file = store_path(profile)
    if not store_file.exists():
        raise UserError(f"There is no store in {profile} yet.")
    started = time.perf_counter()
    store = Store(store_file)
    try:
        problems = store.check_integrity()
        messages = 0
        if not problems:
            with store.read() as s:
                messages = int(s.execute(text("SELECT count(*) FROM message")).scalar() or 0)
    finally:
        store.engine.dispose()
    return CheckReport(store_file, problems, time.perf_counter() - started, messages)

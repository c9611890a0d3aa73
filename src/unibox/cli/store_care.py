"""`unibox check`, `unibox backup FILE`, `unibox restore FILE`: the store's health and copies."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from unibox.cli.context import profile
from unibox.core.errors import UserError


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    ch = sub.add_parser("check", help="check the whole store for damage (integrity_check)")
    ch.add_argument("--json", action="store_true")
    bk = sub.add_parser(
        "backup", help="copy the store, settings and drafts into FILE (safe while syncing)"
    )
    bk.add_argument("file", type=Path, metavar="FILE")
    rs = sub.add_parser("restore", help="put a backup in place (the current store kept aside)")
    rs.add_argument("file", type=Path, metavar="FILE")
    rs.add_argument("--force", action="store_true", help="replace a store that holds data")
    return {"check": _cmd_check, "backup": _cmd_backup, "restore": _cmd_restore}


def _cmd_check(args: argparse.Namespace) -> int:
    from unibox.services.backup import check_profile
    from unibox.store.health import damage_sentence

    report = check_profile(profile(args))
    if args.json:
        print(
            json.dumps(
                {
                    "store": str(report.path),
                    "ok": not report.problems,
                    "problems": report.problems[:100],
                    "messages": report.messages,
                    "seconds": round(report.seconds, 3),
                },
                indent=2,
            )
        )
    if report.problems:
        first = report.problems[0]
        more = f", and {len(report.problems) - 1} more" if len(report.problems) > 1 else ""
        raise UserError(damage_sentence(report.path, f"SQLite's check: {first}{more}"))
    if not args.json:
        print(
            f"The store is sound: {report.messages:,} messages, checked in {report.seconds:.1f} s."
        )
    return 0


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _cmd_backup(args: argparse.Namespace) -> int:
    from unibox.services.backup import backup_profile

    info = backup_profile(profile(args), args.file)
    extra = f" and {len(info.files)} other file(s)" if info.files else ""
    print(f"Backed up {info.messages:,} messages{extra} to {info.path}.")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from unibox.services.backup import restore_profile

    done = restore_profile(profile(args), args.file, force=args.force)
    kept = f" The store it replaced is kept as {done.kept_aside}." if done.kept_aside else ""
    print(
        f"Restored {done.backup.messages:,} messages from the backup of "
        f"{_when(done.backup.taken_at)}.{kept} Sync to fetch what came since."
    )
    return 0

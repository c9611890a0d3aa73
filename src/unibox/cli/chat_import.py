"""`unibox import` of a chat export: progress on a terminal, then the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from unibox.sync.mail import Progress


def import_chat_export(args: argparse.Namespace) -> int | None:
    """Import the WhatsApp export at args.file; None when it is no such export."""
    from unibox.cli.context import region, store_for
    from unibox.cli.progress import ProgressLine
    from unibox.services.chat_import import export_sources, import_whatsapp

    path = Path(args.file)
    if not path.exists() or not export_sources(path):
        return None
    line = ProgressLine(sys.stderr)

    def show(chat: str, done: int, total: int) -> None:
        line.update(Progress("whatsapp", chat, "bodies", min(done, total), total))

    try:
        report = import_whatsapp(store_for(args), path, region(args), args.me, show)
    finally:
        line.clear()
    print(
        f"{path.name}: {report.conversations} conversation(s), {report.messages} new "
        f"message(s), {report.already} already imported, {report.media} with media; "
        f"people: {report.people_created} created, {report.people_matched} matched; "
        f"you are “{report.me}”"
    )
    for note in report.notes:
        print(f"note: {note}")
    print(f"skipped {report.skipped_count} line(s)")
    for where, skip in report.skipped[:50]:
        print(f"  {where} line {skip.line}: {skip.reason}")
    if report.skipped_count > 50:
        print(f"  … and {report.skipped_count - 50} more")
    return 0

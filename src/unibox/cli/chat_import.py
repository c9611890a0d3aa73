"""`unibox import` of a chat or social export: progress on a terminal, then the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from unibox.services.imports import ImportProgress, ImportReport
from unibox.sync.mail import Progress

_LISTED_SKIPS = 50


def import_chat_export(args: argparse.Namespace) -> int | None:
    """Import the export at args.file; None when it is no export an importer knows."""
    from unibox.cli.context import region, store_for
    from unibox.cli.progress import ProgressLine
    from unibox.services.imports import find_importer, import_path

    path = Path(args.file)
    fmt = getattr(args, "format", "") or ""
    if find_importer(path, fmt) is None:
        return None
    line = ProgressLine(sys.stderr)

    def show(p: ImportProgress) -> None:
        done = min(p.done, p.total) if p.total else p.done
        line.update(Progress(p.format, p.label, "bodies", done, p.total))

    try:
        report = import_path(store_for(args), path, region(args), args.me, show, fmt)
    finally:
        line.clear()
    print_report(path.name, report)
    return 0


def print_report(name: str, report: ImportReport) -> None:
    tallies = "".join(f", {n} {what}" for what, n in sorted(report.tallies.items()))
    print(
        f"{name}: {report.conversations} conversation(s), {report.messages} new "
        f"message(s), {report.already} already imported{tallies}; "
        f"people: {report.people_created} created, {report.people_matched} matched"
        + (f"; you are “{report.me}”" if report.me else "")
    )
    if report.notices:
        listed = ", ".join(f"{what} ({n})" for what, n in report.notices.most_common())
        print(f"not messages from people: {listed}")
    for note in report.notes:
        print(f"note: {note}")
    print(f"skipped {report.skipped_count} line(s) or record(s)")
    for skip in report.skipped[:_LISTED_SKIPS]:
        print(f"  {f'{skip.where} {skip.at}'.strip()}: {skip.reason}")
    if report.skipped_count > _LISTED_SKIPS:
        print(f"  … and {report.skipped_count - _LISTED_SKIPS} more")

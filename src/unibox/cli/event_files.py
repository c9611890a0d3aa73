"""`unibox import FILE.ics` and `unibox export events FILE.ics` (dispatched by cli.contacts)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from unibox.core.errors import UserError


def import_ics(args: argparse.Namespace, data: bytes) -> int:
    from unibox.core.ics import read_ics

    read = read_ics(data)
    if read.problem and not read.events:
        raise UserError(f"“{args.file}”: {read.problem}.")
    print(f"{args.file}: {len(read.events)} event(s)")
    for skip in read.skipped:
        print(f"skipped {skip.where}: {skip.reason}")
    for note in read.notes:
        print(f"note: {note}")
    if read.problem:
        print(f"note: {read.problem}")
    if args.dry_run:
        print(
            f"dry run: {len(read.events)} event(s) would be imported, {len(read.skipped)} skipped"
        )
        return 0
    from unibox.cli.context import store_for
    from unibox.store.event_files import import_events

    outcome = import_events(store_for(args), read.events)
    print(
        f"imported into the local calendar: {outcome.added} new, {outcome.updated} updated, "
        f"{outcome.unchanged} unchanged, {len(read.skipped)} skipped"
    )
    return 0


def export_ics(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.core.ics import to_ics
    from unibox.store.event_files import stored_events

    with store_for(args).read() as s:
        events = stored_events(s)
    data = to_ics(events)
    try:
        if args.file == "-":
            sys.stdout.buffer.write(data)
        else:
            Path(args.file).write_bytes(data)
    except OSError as exc:
        raise UserError(f"“{args.file}” could not be written: {exc.strerror or exc}.") from None
    if args.file != "-":
        print(f"exported {len(events)} event(s) to {args.file}")
    return 0

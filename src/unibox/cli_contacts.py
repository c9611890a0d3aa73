"""`unibox import FILE.vcf|FILE.csv` and `unibox export people` (registered by cli_people)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from unibox.core.errors import UserError


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"“{path}” could not be read: {exc.strerror or exc}.") from None


def cmd_import(args: argparse.Namespace) -> int:
    from unibox.channels.importers.vcf import read_vcards

    data = _read(args.file)
    suffix = Path(args.file).suffix.lower()
    if suffix in (".vcf", ".vcard"):
        read = read_vcards(data)
        cards, skipped, warnings = read.cards, read.skipped, read.warnings
        print(f"{args.file}: {len(cards)} card(s)")
    elif suffix == ".csv":
        cards, skipped, warnings = _csv(args, data)
    else:
        raise UserError(f"unibox imports .vcf and .csv files, not “{suffix or args.file}”.")
    for skip in skipped:
        print(f"skipped {skip.where}: {skip.reason}")
    for w in warnings:
        print(f"note: {w}")
    if args.dry_run:
        print(f"dry run: {len(cards)} contact(s) would be imported, {len(skipped)} skipped")
        return 0
    from unibox.cli import store_for
    from unibox.cli_people import region
    from unibox.store.contacts_import import import_cards
    from unibox.store.durable import durable_write
    from unibox.store.merge_suggestions import refresh_suggestions

    store = store_for(args)
    with durable_write(store.engine) as s:
        report = import_cards(s, cards, region(args))
        report.suggestions += refresh_suggestions(s, report.people)
    for handle in report.unreadable:
        print(f"note: {handle} is not readable as such; kept as a custom field")
    print(
        f"imported: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(skipped)} skipped; "
        f"{report.suggestions} merge suggestion(s) (see: unibox person suggestions)"
    )
    return 0


def _csv(args: argparse.Namespace, data: bytes) -> tuple[list[Any], list[Any], list[str]]:
    from unibox.channels.importers.contacts_csv import csv_cards, preview_csv
    from unibox.channels.importers.csv_mapping import parse_target

    preview = preview_csv(data)
    mapping = dict(preview.mapping)
    index = {c.lower(): i for i, c in enumerate(preview.columns)}
    for item in args.map:
        column, eq, target = item.partition("=")
        if not eq or column.strip().lower() not in index:
            known = ", ".join(preview.columns)
            raise UserError(f"--map wants COLUMN=FIELD with a column of the file ({known}).")
        try:
            mapping[index[column.strip().lower()]] = parse_target(target)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    preview.mapping = mapping
    print(f"{args.file}: {preview.format}, header on line {preview.header_line}")
    print("column mapping (change with --map COLUMN=FIELD):")
    for column, target, sample in preview.describe():
        print(f"  {column[:30]:<30} -> {target:<24} {sample}")
    read = csv_cards(preview, mapping)
    return [c for _line, c in read.cards], read.skipped, read.warnings


def cmd_export(args: argparse.Namespace) -> int:
    from unibox.channels.importers.vcf_write import to_vcf
    from unibox.cli import store_for
    from unibox.store.contacts_import import export_cards
    from unibox.store.people_list import PeopleSort, people_ids

    store = store_for(args)
    with store.read() as s:
        ids = people_ids(s, " ".join(args.query), PeopleSort.NAME)
        cards = export_cards(s, ids)
    text = to_vcf(cards, args.vcard_version)
    try:
        if args.file == "-":
            sys.stdout.write(text)
        else:
            Path(args.file).write_text(text, "utf-8", newline="")
    except OSError as exc:
        raise UserError(f"“{args.file}” could not be written: {exc.strerror or exc}.") from None
    if args.file != "-":
        print(f"exported {len(cards)} people to {args.file}")
    return 0

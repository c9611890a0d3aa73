"""Address books: `unibox import FILE.vcf|FILE.csv` (and .ics, to cli.event_files),
`unibox export people|events`, and
`unibox addressbook add|list|sync|remove` for CardDAV (registered through cli_people)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from unibox.core.errors import UserError


def register_contacts(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    imp = sub.add_parser(
        "import",
        help="import contacts (.vcf, .csv), events (.ics) or a chat, social or mail export",
    )
    imp.add_argument("file", metavar="PATH")
    imp.add_argument(
        "--me",
        default="",
        metavar="NAME",
        help="exports: who you are in it (a name; SMS: your number; LinkedIn: your profile URL; "
        "X: your user id)",
    )
    imp.add_argument(
        "--format", default="", metavar="NAME", help="chat exports: the format, not detected"
    )
    imp.add_argument("--dry-run", action="store_true", help="show the mapping and report only")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="CSV: put COLUMN into FIELD (email, phone:work, company, custom:Label, ignore, …)",
    )
    exp = sub.add_parser("export", help="export people (.vcf) or events (.ics) to a file")
    exp.add_argument("what", choices=["people", "events"])
    exp.add_argument("--format", choices=["vcf"], default="vcf")
    exp.add_argument("--vcard-version", choices=["3.0", "4.0"], default="4.0")
    exp.add_argument("file", metavar="FILE", help="the file, or - for standard output")
    exp.add_argument("query", nargs="*", help="only people matching these words")
    ab = sub.add_parser("addressbook", help="CardDAV address books synced both ways")
    abs_ = ab.add_subparsers(dest="book_command", required=True)
    add = abs_.add_parser("add", help="add a CardDAV address book (password on stdin)")
    add.add_argument("--name", required=True)
    add.add_argument("--url", required=True, help="the server, your principal or the book")
    add.add_argument("--username", required=True)
    add.add_argument("--password-stdin", action="store_true", required=True)
    add.add_argument("--ca-file", default="", help="trust this CA certificate (PEM)")
    ls = abs_.add_parser("list", help="list address books")
    ls.add_argument("--json", action="store_true")
    sy = abs_.add_parser("sync", help="sync address books both ways")
    sy.add_argument("name", nargs="?", help="only this one")
    rm = abs_.add_parser("remove", help="forget an address book (nothing is deleted anywhere)")
    rm.add_argument("name")
    return {"import": cmd_import, "export": cmd_export, "addressbook": cmd_addressbook}


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"“{path}” could not be read: {exc.strerror or exc}.") from None


def cmd_import(args: argparse.Namespace) -> int:
    from unibox.channels.importers.vcf import read_vcards
    from unibox.cli.chat_import import import_chat_export

    suffix = Path(args.file).suffix.lower()
    done = import_chat_export(args)  # every export format first: some are .csv too
    if done is not None:
        return done
    data = _read(args.file)
    if suffix in (".ics", ".ical", ".ifb"):
        from unibox.cli.event_files import import_ics

        return import_ics(args, data)
    if suffix in (".vcf", ".vcard"):
        read = read_vcards(data)
        cards, skipped, warnings = read.cards, read.skipped, read.warnings
        print(f"{args.file}: {len(cards)} card(s)")
    elif suffix == ".csv":
        cards, skipped, warnings = _csv(args, data)
    else:
        from unibox.services.imports import known_formats

        raise UserError(
            f"unibox imports .vcf, .csv and .ics files and exports ({known_formats()}), "
            f"not “{suffix or args.file}”."
        )
    for skip in skipped:
        print(f"skipped {skip.where}: {skip.reason}")
    for w in warnings:
        print(f"note: {w}")
    if args.dry_run:
        print(f"dry run: {len(cards)} contact(s) would be imported, {len(skipped)} skipped")
        return 0
    from unibox.cli.context import region, store_for
    from unibox.services.contacts import import_contacts

    outcome = import_contacts(store_for(args), cards, region(args))
    for note in outcome.notes:
        print(f"note: {note}")
    print(
        f"imported: {outcome.added} new, {outcome.updated} updated, "
        f"{outcome.unchanged} unchanged, {len(skipped)} skipped; "
        f"{outcome.suggestions} merge suggestion(s) (see: unibox person suggestions)"
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
    if args.what == "events":
        from unibox.cli.event_files import export_ics

        return export_ics(args)
    from unibox.channels.importers.vcf_write import to_vcf
    from unibox.cli.context import store_for
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


def cmd_addressbook(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.store import address_books as books

    store = store_for(args)
    if args.book_command == "add":
        return _add_book(args, store)
    if args.book_command == "remove":
        from unibox.secrets import SecretStore
        from unibox.services.books import remove_address_book

        remove_address_book(store, SecretStore(), args.name)
        return 0
    with store.read() as s:
        found = (
            [books.get_book(s, args.name)] if getattr(args, "name", None) else books.list_books(s)
        )
    if args.book_command == "list":
        rows = [
            {"name": b.name, "url": b.url, "username": b.username, "last_error": b.last_error}
            for b in found
        ]
        if args.json:
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        for r in [] if args.json else rows:
            print(f"{r['name']}\t{r['url']}\t{r['username']}\t{r['last_error']}")
        return 0
    return _sync_books(args, store, found)


def _account(book: Any) -> Any:
    from unibox.channels.carddav import DavAccount
    from unibox.secrets import SecretStore

    password = SecretStore().get(book.secret_ref)
    return DavAccount(book.url, book.username, password, book.ca_file)


def _add_book(args: argparse.Namespace, store: Any) -> int:
    from unibox.secrets import SecretStore
    from unibox.services.books import add_address_book

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("No password was given on standard input.")
    info, remote_name = add_address_book(
        store,
        SecretStore(),
        name=args.name,
        url=args.url,
        username=args.username,
        password=password,
        ca_file=args.ca_file or "",
    )
    print(f"{info.name}: {remote_name} at {info.url}")
    return 0


def _sync_books(args: argparse.Namespace, store: Any, found: list[Any]) -> int:
    from unibox.channels.carddav import CardDavClient
    from unibox.cli.context import region
    from unibox.store import address_books as books
    from unibox.sync.contacts import sync_address_book

    failed = False
    for book in found:
        client = CardDavClient(_account(book))
        try:
            r = sync_address_book(store, client, book, region(args))
        except UserError as exc:
            with store.write() as s:
                books.set_sync_result(s, book.id, str(exc))
            print(f"unibox: {book.name}: {exc}", file=sys.stderr)
            failed = True
            continue
        finally:
            client.close()
        if r.people:
            from unibox.store.merge_suggestions import refresh_suggestions

            with store.write() as s:
                refresh_suggestions(s, r.people)
        print(
            f"{book.name}: {r.fetched} fetched, {r.created_here} new here, "
            f"{r.updated_here} updated here, {r.created_there} new there, "
            f"{r.updated_there} updated there, {r.deleted_there} deleted there"
        )
        for conflict in r.conflicts:
            print(f"  both sides changed {conflict}; the server's value is kept as a custom field")
    return 1 if failed else 0

"""`unibox calendar add-caldav|add-local|list|remove|sync`: the calendars and their servers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from unibox.core.errors import UserError


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    cal = sub.add_parser("calendar", help="calendars: local ones and CalDAV synced both ways")
    cs = cal.add_subparsers(dest="calendar_command", required=True)
    add = cs.add_parser(
        "add-caldav", help="add the calendars of a CalDAV server (password on stdin)"
    )
    add.add_argument("--name", required=True)
    add.add_argument("--url", required=True, help="the server, your principal or one calendar")
    add.add_argument("--username", required=True)
    add.add_argument("--password-stdin", action="store_true", required=True)
    add.add_argument("--ca-file", default="", help="trust this CA certificate (PEM)")
    local = cs.add_parser("add-local", help="add a calendar kept only here")
    local.add_argument("--name", required=True)
    ls = cs.add_parser("list", help="list calendars")
    ls.add_argument("--json", action="store_true")
    sy = cs.add_parser("sync", help="sync CalDAV calendars both ways")
    sy.add_argument("name", nargs="?", help="only this CalDAV account")
    rm = cs.add_parser(
        "remove", help="forget a calendar or CalDAV account here (nothing is deleted on a server)"
    )
    rm.add_argument("name")
    return {"calendar": cmd_calendar}


def cmd_calendar(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.secrets import SecretStore

    store = store_for(args)
    command = args.calendar_command
    if command == "add-caldav":
        from unibox.services.calendars import add_caldav

        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UserError("No password was given on standard input.")
        added = add_caldav(
            store,
            SecretStore(),
            name=args.name,
            url=args.url,
            username=args.username,
            password=password,
            ca_file=args.ca_file or "",
        )
        for c in added:
            print(
                f"{c.name}: {c.display_name} at {c.url}" + (" (read-only)" if c.read_only else "")
            )
        return sync_calendars(store, args.name, discover=False)
    if command == "add-local":
        from unibox.store import calendars

        with store.write() as s:
            info = calendars.add_local_calendar(s, args.name)
        print(info.name)
        return 0
    if command == "remove":
        from unibox.services.calendars import remove

        for name in remove(store, SecretStore(), args.name):
            print(f"forgot {name}")
        return 0
    if command == "list":
        return _list(store, args.json)
    return sync_calendars(store, args.name)


def _list(store: Any, as_json: bool) -> int:
    from sqlalchemy import func, select

    from unibox.store import calendars
    from unibox.store.schema_events import Event

    with store.read() as s:
        counts: dict[int | None, int] = {
            cid: n
            for cid, n in s.execute(
                select(Event.calendar_id, func.count())
                .where(Event.local_state != "deleted")
                .group_by(Event.calendar_id)
            )
        }
        rows = [
            {
                "name": c.name,
                "kind": c.kind,
                "url": c.url,
                "display_name": c.display_name,
                "color": c.color,
                "read_only": c.read_only,
                "default": c.is_default,
                "events": counts.get(c.id, 0),
                "last_sync_at": c.last_sync_at,
                "last_error": c.last_error,
            }
            for c in calendars.list_calendars(s)
        ]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        mark = "*" if r["default"] else " "
        print(
            f"{mark} {r['name']}\t{r['kind']}\t{r['events']} events\t{r['url']}\t{r['last_error']}"
        )
    return 0


def sync_calendars(store: Any, only: str | None = None, *, discover: bool = True) -> int:
    """Sync the CalDAV calendars, one line each; 1 if any failed (said on stderr)."""
    from unibox.cli.sync_calendars import lines
    from unibox.secrets import SecretStore
    from unibox.services.calendars import sync_all

    done = sync_all(store, SecretStore(), only, discover=discover)
    said = lines(done)
    for line, _failed in said:
        print(f"unibox: {line}", file=sys.stderr)
    for r in [r for account in done for r in account.reports]:
        print(
            f"{r.calendar}: {r.fetched} fetched, {r.added_here} new here, "
            f"{r.updated_here} updated here, {r.deleted_here} deleted here, "
            f"{r.created_there} new there, {r.updated_there} updated there, "
            f"{r.deleted_there} deleted there"
        )
    return 1 if any(failed for _line, failed in said) else 0

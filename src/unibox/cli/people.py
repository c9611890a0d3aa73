"""Commands about people: the People list, one person's record, merges, notes, tasks;
address books (import, export, CardDAV) come from cli_contacts.

Light to import: everything heavy is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from unibox.cli.context import region
from unibox.core.errors import UserError

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    pe = sub.add_parser("people", help="list people: last touch, open items, channels")
    pe.add_argument("query", nargs="*", help="words of a name, address, company or tag")
    pe.add_argument(
        "--sort", choices=["last_touch", "name", "open_items", "messages", "next_meeting"]
    )
    pe.add_argument("--cold", type=int, metavar="DAYS", help="only people going cold")
    pe.add_argument("--limit", type=int, default=200)
    pe.add_argument("--json", action="store_true")

    person = sub.add_parser("person", help="one person: show, merge, split, note, task")
    ps = person.add_subparsers(dest="person_command", required=True)
    show = ps.add_parser("show", help="card, handles, pending, done, numbers, timeline")
    show.add_argument("who", metavar="HANDLE_OR_ID")
    show.add_argument("--timeline", type=int, default=10, metavar="N", help="latest N items")
    show.add_argument("--json", action="store_true")
    merge = ps.add_parser("merge", help="merge B into A (recorded; undo with person undo)")
    merge.add_argument("a", metavar="A")
    merge.add_argument("b", metavar="B")
    split = ps.add_parser("split", help="move handles of a person to a new person")
    split.add_argument("who", metavar="HANDLE_OR_ID")
    split.add_argument("handles", nargs="+", metavar="HANDLE")
    split.add_argument("--name", default="", help="the new person's name")
    undo = ps.add_parser("undo", help="undo a merge or split by its record id")
    undo.add_argument("record", type=int, metavar="RECORD_ID")
    sug = ps.add_parser("suggestions", help="suggested merges and card additions, with the reason")
    sug.add_argument("--accept", type=int, metavar="ID")
    sug.add_argument("--dismiss", type=int, metavar="ID")
    sug.add_argument("--accept-card", type=int, metavar="ID", help="add the handle to the card")
    sug.add_argument("--dismiss-card", type=int, metavar="ID")
    sug.add_argument("--json", action="store_true")
    note = ps.add_parser("log", help="log a call, meeting or note (a touch point)")
    note.add_argument("who", metavar="HANDLE_OR_ID")
    note.add_argument("text")
    note.add_argument("--kind", choices=["call", "meeting", "note"], default="note")
    note.add_argument("--at", metavar="ISO_TIME", help="when (default now; future: planned)")
    note.add_argument("--by", default="", help="who did it (default: you)")
    task = ps.add_parser("task", help="add a task or follow-up with a person")
    task.add_argument("who", metavar="HANDLE_OR_ID")
    task.add_argument("title")
    task.add_argument("--due", metavar="ISO_TIME")
    task.add_argument("--owner", default="", help="who is going to do it (default: you)")
    done = ps.add_parser("done", help="mark a task done")
    done.add_argument("task", type=int, metavar="TASK_ID")
    done.add_argument("--undo", action="store_true", help="open it again")

    from unibox.cli.contacts import register_contacts

    return {"people": _cmd_people, "person": _cmd_person, **register_contacts(sub)}


def _time(text: str) -> datetime:
    """An ISO 8601 date or time; without a zone it is local time."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"“{text}” is not a time unibox understands (2025-03-01T09:00).") from None
    return when if when.tzinfo is not None else when.astimezone()


def _print_json(value: Any) -> None:
    from unibox.services.people_format import jsonable

    print(json.dumps(jsonable(value), indent=2, ensure_ascii=False))


def _cmd_people(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.services.people_format import person_line
    from unibox.store.people_list import PeopleSort, going_cold, people_ids, people_rows

    store = store_for(args)
    with store.read() as s:
        if args.cold is not None:
            rows = going_cold(s, days=args.cold, limit=args.limit)
        else:
            sort = PeopleSort(args.sort or "last_touch")
            rows = people_rows(s, people_ids(s, " ".join(args.query), sort)[: args.limit])
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2, ensure_ascii=False))
    else:
        for r in rows:
            print(person_line(r))
    return 0


def _cmd_person(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for

    store = store_for(args)
    handler = {
        "show": _show,
        "merge": _merge,
        "split": _split,
        "undo": _undo,
        "suggestions": _suggestions,
        "log": _log,
        "task": _task,
        "done": _done,
    }[args.person_command]
    return handler(args, store)


def find(session: Any, who: str, args: argparse.Namespace) -> int:
    from unibox.store.person_edit import find_person

    pid = find_person(session, who, region(args))
    if pid is None:
        raise UserError(f"Nobody is known as “{who}”.")
    return pid


def _show(args: argparse.Namespace, store: Any) -> int:
    from unibox.services.people_format import print_record
    from unibox.store.persons import person_record
    from unibox.store.timeline import timeline

    with store.read() as s:
        record = person_record(s, find(s, args.who, args))
        latest = timeline(s, record.id, limit=max(0, args.timeline)).entries
    if args.json:
        _print_json({**_record_json(record), "timeline": latest})
    else:
        print_record(record, latest, sys.stdout)
    return 0


def _record_json(record: Any) -> dict[str, Any]:
    from dataclasses import asdict

    data = asdict(record)
    card = data.pop("card")
    card["has_photo"] = bool(card.pop("photo"))
    return {**data, "card": card}


def _merge(args: argparse.Namespace, store: Any) -> int:
    from unibox.store.merges import merge_people

    with store.write() as s:
        a, b = find(s, args.a, args), find(s, args.b, args)
        record, _changes = merge_people(s, a, b)
    print(f"Merged {b} into {a}; undo with: unibox person undo {record}")
    return 0


def _split(args: argparse.Namespace, store: Any) -> int:
    from sqlalchemy import select

    from unibox.core.identity import guess_handle
    from unibox.store.merges import split_person
    from unibox.store.schema import Handle

    with store.write() as s:
        pid = find(s, args.who, args)
        ids = []
        for text in args.handles:
            guessed = guess_handle(text, region(args))
            hid = None
            if guessed is not None:
                kind, value = guessed
                hid = s.scalar(
                    select(Handle.id).where(
                        Handle.kind.in_([kind, "xmpp"] if kind == "email" else [kind]),
                        Handle.value == value,
                        Handle.person_id == pid,
                    )
                )
            if hid is None:
                raise UserError(f"“{text}” is not a handle of person {pid}.")
            ids.append(hid)
        new, record, _changes = split_person(s, pid, ids, args.name)
    print(f"Split into person {new}; undo with: unibox person undo {record}")
    return 0


def _undo(args: argparse.Namespace, store: Any) -> int:
    from unibox.store.merges import undo

    with store.write() as s:
        undo(s, args.record)
    return 0


def _suggestions(args: argparse.Namespace, store: Any) -> int:
    from unibox.services.people_format import jsonable
    from unibox.store import merge_suggestions as ms
    from unibox.store import signature_evidence as se

    with store.write() as s:
        if args.accept_card is not None:
            se.accept_card(s, args.accept_card)
            return 0
        if args.dismiss_card is not None:
            se.dismiss_card(s, args.dismiss_card)
            return 0
        if args.accept is not None:
            record, _changes = ms.accept(s, args.accept)
            print(f"Merged; undo with: unibox person undo {record}")
            return 0
        if args.dismiss is not None:
            ms.dismiss(s, args.dismiss)
            return 0
        ms.refresh_suggestions(s)
        found = ms.suggestions(s)
        cards = se.card_suggestions(s)
    if args.json:  # one list; "kind" tells a merge from a handle proposed for a card
        _print_json(
            [{**jsonable(x), "kind": "merge"} for x in found]
            + [{**jsonable(c), "kind": "card", "handle_kind": c.kind} for c in cards]
        )
        return 0
    for x in found:
        print(f"{x.id:>5}  {x.person_name} ({x.person_id}) + {x.other_name} ({x.other_person_id})")
        print(f"       {x.detail}")
    for c in cards:
        print(f"card {c.id:>3}  add {c.value} to {c.person_name} ({c.person_id})")
        print(f"       {c.detail}  (unibox person suggestions --accept-card {c.id})")
    return 0


def _log(args: argparse.Namespace, store: Any) -> int:
    from unibox.store.intent import intent_write
    from unibox.store.person_edit import log_touch_point

    at = _time(args.at) if args.at else None
    with intent_write(store) as s:
        pid = find(s, args.who, args)
        nid = log_touch_point(s, pid, args.kind, args.text, at=at, done_by=args.by)
    print(nid)
    return 0


def _task(args: argparse.Namespace, store: Any) -> int:
    from unibox.store.intent import intent_write
    from unibox.store.person_edit import add_task

    due = _time(args.due) if args.due else None
    with intent_write(store) as s:
        tid = add_task(s, find(s, args.who, args), args.title, due=due, owner=args.owner)
    print(tid)
    return 0


def _done(args: argparse.Namespace, store: Any) -> int:
    from unibox.store.intent import intent_write
    from unibox.store.person_edit import set_task_done

    with intent_write(store) as s:
        set_task_done(s, args.task, not args.undo)
    return 0

"""`unibox event add|respond|delete`: create a meeting, answer an invitation, delete one.

The iTIP mail an action queues (REQUEST, REPLY, CANCEL) is sent at once, as
`unibox send` does. A usage error (an unknown UID, a date or RRULE that
cannot be read) exits 2 with a sentence. Light to import.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from typing import Any

from unibox.core.errors import UserError

Handler = Callable[[argparse.Namespace], int]


class UsageProblem(UserError):
    """Bad input the person can fix by writing the command differently: exit 2."""


def register(sub: Any) -> dict[str, Handler]:
    ev = sub.add_parser("event", help="create, answer or delete a calendar event")
    actions = ev.add_subparsers(dest="event_command", required=True)
    respond = actions.add_parser("respond", help="answer an invitation (sends a REPLY)")
    respond.add_argument("uid", help="the event's UID (see “unibox events --json”)")
    respond.add_argument("answer", choices=("accept", "tentative", "decline"))
    add = actions.add_parser("add", help="a new event; with attendees, invitations by mail")
    add.add_argument("--calendar", metavar="NAME", help="the calendar (default: the default one)")
    add.add_argument("--summary", required=True, metavar="TEXT")
    add.add_argument("--start", required=True, metavar="ISO", help="2026-11-23T09:00 (local)")
    add.add_argument("--end", required=True, metavar="ISO")
    add.add_argument("--rrule", default="", metavar="RULE", help="FREQ=WEEKLY;BYDAY=MO …")
    add.add_argument("--attendee", action="append", default=[], metavar="EMAIL")
    add.add_argument("--location", default="", metavar="TEXT")
    add.add_argument("--description", default="", metavar="TEXT")
    add.add_argument("--json", action="store_true", help="print the new event's uid as JSON")
    rm = actions.add_parser("delete", help="delete an event (as organizer: cancel it for all)")
    rm.add_argument("uid")
    return {"event": _cmd_event}


def _cmd_event(args: argparse.Namespace) -> int:
    try:
        if args.event_command == "respond":
            return _respond(args)
        if args.event_command == "add":
            return _add(args)
        if args.event_command == "delete":
            return _delete(args)
    except UsageProblem as exc:
        print(f"unibox event: {exc}", file=sys.stderr)
        return 2
    raise UserError(f"Unknown event command {args.event_command}.")


def _respond(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.cli.mail_actions import deliver_queued
    from unibox.services.event_actions import respond

    store = store_for(args)
    _known(store, args.uid)
    done = respond(store, args.uid, args.answer)
    if done.item is None:
        print(f"Already answered {done.partstat}; nothing sent again.")
        return 0
    return deliver_queued(store, done.item)


def _known(store: Any, uid: str) -> None:
    from unibox.store.event_replies import find_event

    with store.read() as s:
        try:
            find_event(s, uid)
        except UserError as exc:
            raise UsageProblem(str(exc)) from None


def _add(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.cli.mail_actions import deliver_queued
    from unibox.services.event_actions import add
    from unibox.services.event_times import check_rrule, parse_when
    from unibox.store.calendars import get_calendar

    try:
        start = parse_when(args.start, "The start")
        end = parse_when(args.end, "The end")
        if args.rrule:
            check_rrule(args.rrule, start)
    except UserError as exc:
        raise UsageProblem(str(exc)) from None
    store = store_for(args)
    if args.calendar:
        with store.read() as s:
            try:
                get_calendar(s, args.calendar)
            except UserError as exc:
                raise UsageProblem(str(exc)) from None
    created = add(
        store,
        summary=args.summary,
        start=start,
        end=end,
        rrule=args.rrule,
        attendees=args.attendee,
        calendar=args.calendar,
        location=args.location,
        description=args.description,
    )
    code = 0
    if created.item is not None:  # the invitations go now; what happened is said on stderr
        with contextlib.redirect_stdout(sys.stderr if args.json else sys.stdout):
            code = deliver_queued(store, created.item)
    if args.json:
        print(json.dumps({"uid": created.uid, "calendar": created.calendar}))
    else:
        print(f"Added “{args.summary}” to “{created.calendar}” (UID {created.uid}).")
    return code


def _delete(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.cli.mail_actions import deliver_queued
    from unibox.services.event_actions import delete

    store = store_for(args)
    _known(store, args.uid)
    deleted = delete(store, args.uid)
    print(f"Deleted “{deleted.summary or deleted.uid}”.")
    if deleted.item is None:
        return 0
    return deliver_queued(store, deleted.item)

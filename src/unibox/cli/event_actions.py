"""`unibox event add|respond|delete`: create a meeting, answer an invitation, delete one.

The iTIP mail an action queues (REQUEST, REPLY, CANCEL) is sent at once, as
`unibox send` does. A usage error (an unknown UID, a date or RRULE that
cannot be read) exits 2 with a sentence. Light to import.
"""

from __future__ import annotations

import argparse
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
    return {"event": _cmd_event}


def _cmd_event(args: argparse.Namespace) -> int:
    try:
        if args.event_command == "respond":
            return _respond(args)
    except UsageProblem as exc:
        print(f"unibox event: {exc}", file=sys.stderr)
        return 2
    raise UserError(f"Unknown event command {args.event_command}.")


def _respond(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.cli.mail_actions import deliver_queued
    from unibox.services.event_actions import respond
    from unibox.store.event_replies import find_event

    store = store_for(args)
    with store.read() as s:
        try:
            find_event(s, args.uid)
        except UserError as exc:
            raise UsageProblem(str(exc)) from None
    done = respond(store, args.uid, args.answer)
    if done.item is None:
        print(f"Already answered {done.partstat}; nothing sent again.")
        return 0
    return deliver_queued(store, done.item)

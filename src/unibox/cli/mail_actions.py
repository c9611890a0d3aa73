"""Commands that act on mail: send, reply, forward, mark, outbox, followups.

Light to import: everything heavy is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from unibox.core.errors import UserError

Handler = Callable[[argparse.Namespace], int]
MARK_HELP = (
    "read|unread|flag|unflag|archive|delete|junk|notjunk|done|undone|"
    "snooze:TIME|unsnooze|followup:TIME|followup-noreply:TIME|nofollowup|move:FOLDER"
)


def register(sub: Any) -> dict[str, Handler]:
    send = sub.add_parser("send", help="send a new message (through the outbox)")
    send.add_argument("--account", required=True)
    send.add_argument("--to", action="append", default=[], required=True, metavar="ADDR")
    send.add_argument("--cc", action="append", default=[], metavar="ADDR")
    send.add_argument("--bcc", action="append", default=[], metavar="ADDR")
    send.add_argument("--subject", help="the subject (mail only)")
    _body_options(send)

    reply = sub.add_parser("reply", help="reply to a stored message")
    reply.add_argument("message_id", type=int, metavar="MESSAGE_ID")
    reply.add_argument("--all", action="store_true", help="reply to everyone but yourself")
    _body_options(reply)

    fwd = sub.add_parser("forward", help="forward a stored message with its attachments")
    fwd.add_argument("message_id", type=int, metavar="MESSAGE_ID")
    fwd.add_argument("--to", action="append", default=[], required=True, metavar="ADDR")
    fwd.add_argument("--cc", action="append", default=[], metavar="ADDR")
    _body_options(fwd)

    mark = sub.add_parser("mark", help="triage a message: " + MARK_HELP)
    mark.add_argument("message_id", type=int, metavar="MESSAGE_ID")
    mark.add_argument("action", metavar="ACTION", help=MARK_HELP)

    box = sub.add_parser("outbox", help="what is queued, when it goes, and the last error")
    box.add_argument("--json", action="store_true")
    box.add_argument("--all", action="store_true", help="also recently sent or cancelled mail")
    box.add_argument("--cancel", type=int, metavar="ID", help="undo send of a queued message")
    box.add_argument(
        "--send-again", type=int, metavar="ID", help="send a message that may have been sent"
    )
    box.add_argument(
        "--discard", type=int, metavar="ID", help="never resend one that may have been sent"
    )

    fol = sub.add_parser("followups", help="messages that need a follow-up now")
    fol.add_argument("--json", action="store_true")
    return {
        "send": _cmd_send,
        "reply": _cmd_reply,
        "forward": _cmd_forward,
        "mark": _cmd_mark,
        "outbox": _cmd_outbox,
        "followups": _cmd_followups,
    }


def _body_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--body-file", metavar="F", help="the text (default: standard input)")
    p.add_argument("--attach", action="append", default=[], metavar="FILE")
    p.add_argument("--at", metavar="ISO_TIME", help="send later, at this time")


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; without a zone it is local time."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"“{text}” is not a time unibox understands (use 2025-03-01T09:00)."
        ) from None
    return when if when.tzinfo is not None else when.astimezone()


def _body(args: argparse.Namespace) -> str:
    if args.body_file:
        try:
            return Path(args.body_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"The text file “{args.body_file}” could not be read: {exc}.") from None
    return sys.stdin.read()


def _outgoing(args: argparse.Namespace) -> Any:
    from unibox.services.mail import Outgoing

    return Outgoing(
        to=getattr(args, "to", ()),
        cc=getattr(args, "cc", ()),
        bcc=getattr(args, "bcc", ()),
        subject=getattr(args, "subject", ""),
        body=_body(args),
        attachments=[Path(a) for a in args.attach],
        send_at=parse_time(args.at) if args.at else None,
    )


def _undo_seconds(args: argparse.Namespace) -> int:
    from unibox.config import UNDO_SEND_SECONDS, Settings, profile_dir

    return int(Settings(profile_dir(args.profile)).get(UNDO_SEND_SECONDS))


def _cmd_send(args: argparse.Namespace) -> int:
    from unibox.cli import chat
    from unibox.cli.context import store_for
    from unibox.services.chat import chat_account
    from unibox.services.mail import queue_new

    store = store_for(args)
    account = chat_account(store, args.account)
    if account is not None:
        return chat.send(args, store, account, _body(args))
    if args.subject is None:
        return chat.usage("--subject is required for mail.")
    item = queue_new(store, args.account, _outgoing(args), undo_seconds=_undo_seconds(args))
    return _after_queue(args, store, item)


def _cmd_reply(args: argparse.Namespace) -> int:
    from unibox.cli import chat
    from unibox.cli.context import store_for
    from unibox.services.chat import chat_origin
    from unibox.services.mail import queue_reply

    store = store_for(args)
    origin = chat_origin(store, args.message_id)
    if origin is not None:  # answered in its own conversation, on its own channel
        return chat.reply(args, store, origin, _body(args))
    mail = _outgoing(args)
    undo = _undo_seconds(args)
    item = queue_reply(store, args.message_id, mail, reply_all=args.all, undo_seconds=undo)
    return _after_queue(args, store, item)


def _cmd_forward(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.services.mail import queue_forward

    store = store_for(args)
    item = queue_forward(store, args.message_id, _outgoing(args), undo_seconds=_undo_seconds(args))
    return _after_queue(args, store, item)


def _local(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _after_queue(args: argparse.Namespace, store: Any, item: Any) -> int:
    """Wait out the undo delay (Ctrl-C undoes), then send now; or leave it scheduled."""
    from unibox.services.mail import cancel

    if args.at:
        print(f"Queued as {item.id}; it goes at {_local(item.send_at)} with the next sync.")
        return 0
    wait = item.send_at - time.time()
    if wait > 0:
        print(f"Sending in {wait:.0f} s; press Ctrl-C to undo.", file=sys.stderr)
        try:
            time.sleep(wait)
        except KeyboardInterrupt:
            cancel(store, item.id)
            print("Undone: the message was not sent.", file=sys.stderr)
            return 0
    return deliver_queued(store, item)


def deliver_queued(store: Any, item: Any) -> int:
    from unibox.core.errors import ChannelError
    from unibox.secrets import SecretStore
    from unibox.services.mail import account_of_outbox, deliver_now
    from unibox.store import outbox

    account = account_of_outbox(store, item.id)
    try:
        deliver_now(store, SecretStore(), account)
    except ChannelError as exc:
        print(f"unibox: {account.name}: {exc}", file=sys.stderr)
    with store.read() as s:
        now = outbox.get_item(s, item.id)
    if now.state in (outbox.DONE, outbox.ACCEPTED):
        note = f" {now.last_error}" if now.last_error else ""
        print(f"Sent.{note}")
        return 0
    if now.state == outbox.FAILED:
        raise UserError(f"Not sent: {now.last_error}")
    if now.state == outbox.UNCONFIRMED:
        raise UserError(
            f"Maybe sent: {now.last_error} The next sync looks for it in Sent; "
            "it is not sent again unless you say so (“unibox outbox”)."
        )
    raise UserError(
        f"Not sent yet: {now.last_error or 'the server could not be reached.'} "
        "It stays in the outbox and is tried again with the next sync."
    )


def parse_action(text: str) -> Any:
    from unibox.store.actions import Action, ActionKind

    name, _, value = text.partition(":")
    name = name.strip().lower()
    if name in ("snooze", "followup", "followup-noreply"):
        if not value:
            raise UserError(f"Say when: {name}:2025-03-01T09:00.")
        when = int(parse_time(value).timestamp())
        kind = ActionKind.SNOOZE if name == "snooze" else ActionKind.FOLLOWUP
        return Action(kind, when=when, if_no_reply=name == "followup-noreply")
    if name == "move":
        if not value:
            raise UserError("Say which folder: move:FOLDER.")
        return Action(ActionKind.MOVE, folder=value)
    try:
        kind = ActionKind(name)
    except ValueError:
        raise UserError(f"“{text}” is not an action; use one of {MARK_HELP}.") from None
    if kind in (ActionKind.SNOOZE, ActionKind.FOLLOWUP, ActionKind.MOVE):
        raise UserError(f"Say when or where: {name}:VALUE.")
    return Action(kind)


def _cmd_mark(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.core.errors import ChannelError
    from unibox.secrets import SecretStore
    from unibox.services.mail import account_of_message, act, deliver_now

    action = parse_action(args.action)
    store = store_for(args)
    account = account_of_message(store, args.message_id)
    act(store, [args.message_id], action)
    try:
        deliver_now(store, SecretStore(), account)
    except ChannelError as exc:
        print(f"Saved here; it reaches the server with the next sync ({exc}).", file=sys.stderr)
    return 0


def _cmd_outbox(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.services.mail import cancel, decide_maybe_sent
    from unibox.store import outbox

    store = store_for(args)
    if args.cancel is not None:
        item = cancel(store, args.cancel)
        print(f"Undone: “{item.subject}” will not be sent.")
        return 0
    if args.discard is not None:
        item = decide_maybe_sent(store, args.discard, send_again=False)
        print(f"Discarded: “{item.subject}” will not be sent again.")
        return 0
    if args.send_again is not None:
        return deliver_queued(store, decide_maybe_sent(store, args.send_again, send_again=True))
    from unibox.cli import chat

    with store.read() as s:
        items = outbox.list_items(s, include_finished=args.all)
    if args.json:
        rows = [i.as_json() for i in items] + chat.outbox_json(store, include_sent=args.all)
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for line in chat.outbox_lines(store, include_sent=args.all):
        print(line)
    for i in items:
        to = ", ".join(i.recipients)
        error = f"  ({i.last_error})" if i.last_error else ""
        state = "maybe-sent" if i.state == outbox.UNCONFIRMED else i.state
        print(f"{i.id:>5}  {state:<10} {_local(i.send_at)}  {i.subject[:40]:<40}  {to}{error}")
    return 0


def _cmd_followups(args: argparse.Namespace) -> int:
    from unibox.cli.context import store_for
    from unibox.store.queries import summaries_for
    from unibox.store.triage_views import needs_followup_ids

    store = store_for(args)
    with store.read() as s:
        found = summaries_for(s, needs_followup_ids(s, int(time.time())))
    if args.json:
        print(json.dumps([r.as_json() for r in found], indent=2, ensure_ascii=False))
        return 0
    for r in found:
        sender = (r.from_name or r.from_email)[:24]
        print(f"{r.id:>7}  {r.date:%Y-%m-%d}  {sender:<24}  {r.subject}")
    return 0

"""Chat accounts on the command line: `account add-xmpp`, and chat for `send`, `reply`,
`outbox`, `sync` and `account list`.

Light to import: everything heavy is imported inside the functions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from unibox.core.errors import UserError

USAGE = 2


def add_xmpp_parser(acc: Any) -> None:
    add = acc.add_parser("add-xmpp", help="add an XMPP (Jabber) chat account")
    add.add_argument("--name", required=True)
    add.add_argument("--jid", required=True, help="the account's address, user@domain")
    add.add_argument("--display-name", default="")
    add.add_argument("--host", default="", help="the server (default: found from the JID)")
    add.add_argument("--port", type=int, default=0)
    add.add_argument("--security", choices=["starttls", "tls", "plain"], default="starttls")
    add.add_argument("--ca-file", default="", help="trust this CA certificate (PEM)")
    add.add_argument("--rooms", default="", help="group chats to join, besides bookmarks")
    add.add_argument("--nick", default="", help="your name in group chats")
    add.add_argument("--password-stdin", action="store_true", required=True)
    add.add_argument("--no-check", action="store_true", help="do not log in to check")


def add_xmpp(args: argparse.Namespace, store: Any) -> int:
    from unibox.secrets import SecretStore
    from unibox.services.chat import create_xmpp_account, xmpp_settings

    settings = xmpp_settings(
        jid=args.jid,
        host=args.host,
        port=args.port,
        security=args.security,
        ca_file=args.ca_file,
        rooms=args.rooms,
        nick=args.nick,
    )
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("No password was given on standard input.")
    create_xmpp_account(
        store,
        SecretStore(),
        name=args.name,
        settings=settings,
        password=password,
        display_name=args.display_name,
        check=not args.no_check,
    )
    return 0


def account_json(a: Any) -> dict[str, Any]:
    """`account list --json` for a chat account (a store.chat_accounts.ChatAccount)."""
    s = a.settings
    return {
        "name": a.name,
        "kind": a.kind,
        "address": s.address,
        "host": s.host,
        "port": s.port,
        "security": s.security,
        **({"instance": s.instance} if s.instance else {}),
        **({"homeserver": s.homeserver} if s.homeserver else {}),
        "state": state(a),
        "last_sync_at": a.last_sync_at,
        "last_error": a.last_error,
    }


def state(a: Any) -> str:
    if a.last_error:
        return "error"
    return "synced" if a.last_sync_at else "never synced"


def usage(message: str) -> int:
    print(f"unibox: {message}", file=sys.stderr)
    return USAGE


def mail_only_options(args: argparse.Namespace, *, what: str, files: bool = False) -> str:
    """The mail options given to a chat command, said as a usage error ("" for none);
    `files`: the chat takes --attach (Matrix)."""
    given = [
        flag
        for flag, value in (
            ("--subject", getattr(args, "subject", None)),
            ("--cc", getattr(args, "cc", None)),
            ("--bcc", getattr(args, "bcc", None)),
            ("--attach", None if files else getattr(args, "attach", None)),
            ("--at", getattr(args, "at", None)),
            ("--all", getattr(args, "all", None)),
        )
        if value
    ]
    if not given:
        return ""
    return f"{', '.join(given)} is for mail only; {what} is a chat."


def send(args: argparse.Namespace, store: Any, account: Any, text: str) -> int:
    from unibox.services.chat import queue_message

    problem = mail_only_options(args, what=f"“{account.name}”", files=account.kind == "matrix")
    if problem:
        return usage(problem)
    if len(args.to) != 1:
        return usage("A chat message goes to one address (--to once).")
    files = [Path(a) for a in getattr(args, "attach", None) or ()]
    if len(files) > 1:
        return usage("A chat message carries one file (--attach once); send each on its own.")
    outbox_id = queue_message(store, account, args.to[0], text, files=files)
    return deliver(store, account, outbox_id)


def reply(args: argparse.Namespace, store: Any, origin: Any, text: str) -> int:
    from unibox.services.chat import queue_reply

    matrix = origin.account.kind == "matrix"
    problem = mail_only_options(args, what=f"message {args.message_id}", files=matrix)
    if problem:
        return usage(problem)
    files = [Path(a) for a in getattr(args, "attach", None) or ()]
    if len(files) > 1:
        return usage("A chat message carries one file (--attach once); send each on its own.")
    account, outbox_id = queue_reply(store, args.message_id, text, files=files)
    return deliver(store, account, outbox_id)


def deliver(store: Any, account: Any, outbox_id: int) -> int:
    from unibox.core.errors import ChannelError
    from unibox.secrets import SecretStore
    from unibox.services.chat import outbox_state, send_now

    try:
        send_now(store, SecretStore(), account)
    except ChannelError as exc:
        print(f"unibox: {account.name}: {exc}", file=sys.stderr)
    row = outbox_state(store, outbox_id)
    if row.state == "sent":
        print("Sent.")
        return 0
    if row.state == "failed":
        raise UserError(f"Not sent: {row.error}")
    raise UserError(
        f"Not sent yet: {row.error or 'the server could not be reached.'} "
        "It stays in the outbox and is tried again with the next sync."
    )


def outbox_lines(store: Any, *, include_sent: bool) -> list[str]:
    from unibox.services.chat import outbox_rows

    lines = []
    for r in outbox_rows(store, include_sent=include_sent):
        error = f"  ({r.error})" if r.error else ""
        text = r.text.replace("\n", " ")[:40]
        lines.append(f"{r.id:>5}  {r.state:<10} chat  {text:<40}  {r.conversation}{error}")
    return lines


def outbox_json(store: Any, *, include_sent: bool) -> list[dict[str, object]]:
    from unibox.services.chat import outbox_rows

    return [r.as_json() for r in outbox_rows(store, include_sent=include_sent)]

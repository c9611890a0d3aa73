"""`unibox account`: add, list and remove accounts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from unibox.cli import chat
from unibox.cli.context import store_for
from unibox.core.errors import UserError
from unibox.core.identity import normalize_email


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    acc = sub.add_parser("account", help="add, list or remove accounts").add_subparsers(
        dest="account_command", required=True
    )
    add = acc.add_parser("add-mail", help="add an IMAP/SMTP mail account")
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--display-name", default="")
    add.add_argument("--imap-host", required=True)
    add.add_argument("--imap-port", type=int, required=True)
    add.add_argument("--imap-security", choices=["ssl", "starttls", "plain"], default="ssl")
    add.add_argument("--smtp-host")
    add.add_argument("--smtp-port", type=int)
    add.add_argument("--smtp-security", choices=["ssl", "starttls", "plain"], default="ssl")
    add.add_argument("--username", required=True)
    add.add_argument("--password-stdin", action="store_true", required=True)
    add.add_argument("--ca-file", default="", help="trust this CA certificate (PEM)")
    add.add_argument("--fingerprint", default="", help="pin the server certificate's SHA-256")
    chat.add_xmpp_parser(acc)
    ls = acc.add_parser("list", help="list accounts")
    ls.add_argument("--json", action="store_true")
    rm = acc.add_parser("remove", help="remove an account and its local mail")
    rm.add_argument("name")
    return {"account": _cmd_account}


def _cmd_account(args: argparse.Namespace) -> int:
    from unibox.secrets import SecretStore
    from unibox.store import accounts
    from unibox.store.chat_accounts import chat_accounts

    store = store_for(args)
    if args.account_command == "list":
        with store.read() as s:
            found = accounts.list_accounts(s)
            chats = {a.name: a for a in chat_accounts(s)}
        if args.json:
            rows = [
                chat.account_json(chats[a.name]) if a.name in chats else _account_json(a)
                for a in found
            ]
            print(json.dumps(rows, indent=2))
        else:
            for a in found:
                if a.name in chats:
                    c = chats[a.name].settings
                    where = f"{c.host}:{c.port}" if c.host else "(from the JID)"
                    print(f"{a.name}\t{c.address}\t{where} ({c.security})")
                    continue
                imap = a.settings.imap
                print(f"{a.name}\t{a.email}\t{imap.host}:{imap.port} ({imap.security})")
        return 0
    if args.account_command == "add-xmpp":
        return chat.add_xmpp(args, store)
    if args.account_command == "remove":
        from unibox.services.accounts import remove_account

        remove_account(store, SecretStore(), args.name)
        return 0
    return _add_mail(args, store)


def _add_mail(args: argparse.Namespace, store: Any) -> int:
    from unibox.channels.imap_conn import is_loopback
    from unibox.secrets import SecretStore
    from unibox.services.accounts import create_mail_account
    from unibox.store import accounts

    if not normalize_email(args.email):
        raise UserError(f"“{args.email}” is not an e-mail address.")
    for host, sec, what in (
        (args.imap_host, args.imap_security, "IMAP"),
        (args.smtp_host, args.smtp_security, "SMTP"),
    ):
        if host and sec == "plain" and not is_loopback(host):
            raise UserError(f"Unencrypted {what} is allowed only to this computer, not to {host}.")
    if args.ca_file and not os.path.isfile(args.ca_file):
        raise UserError(f"The CA file “{args.ca_file}” does not exist.")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("No password was given on standard input.")
    settings = accounts.MailSettings(
        imap=accounts.MailServer(args.imap_host, args.imap_port, args.imap_security),
        smtp=accounts.MailServer(args.smtp_host, args.smtp_port or 465, args.smtp_security)
        if args.smtp_host
        else None,
        username=args.username,
        ca_file=os.path.abspath(args.ca_file) if args.ca_file else "",
        fingerprint=args.fingerprint,
    )
    create_mail_account(
        store,
        SecretStore(),
        name=args.name,
        email=args.email,
        display_name=args.display_name,
        settings=settings,
        password=password,
    )
    return 0


def _account_json(a: Any) -> dict[str, Any]:
    s = a.settings
    return {
        "name": a.name,
        "kind": a.kind,
        "email": a.email,
        "imap": {"host": s.imap.host, "port": s.imap.port, "security": s.imap.security},
        "smtp": {"host": s.smtp.host, "port": s.smtp.port, "security": s.smtp.security}
        if s.smtp
        else None,
        "username": s.username,
        "state": chat.state(a),
        "last_sync_at": a.last_sync_at,
        "last_error": a.last_error,
    }

"""`unibox account`: add, list and remove accounts."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from unibox.cli import account_oauth, chat, mastodon, matrix
from unibox.cli.context import store_for
from unibox.core.errors import UserError

log = logging.getLogger("unibox.cli")


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    acc = sub.add_parser("account", help="add, list or remove accounts").add_subparsers(
        dest="account_command", required=True
    )
    add = acc.add_parser("add-mail", help="add an IMAP/SMTP mail account")
    _mail_options(add, "imap", oauth=True)
    account_oauth.add_options(add)
    pop = acc.add_parser("add-pop3", help="add a POP3/SMTP mail account")
    _mail_options(pop, "pop3", oauth=True)
    account_oauth.add_options(pop)
    pop.add_argument(
        "--delete-after-days",
        type=_days,
        default=0,
        metavar="N",
        help="delete mail from the server N days after downloading it (default: never)",
    )
    chat.add_xmpp_parser(acc)
    mastodon.add_parsers(acc)
    matrix.add_parsers(acc)
    ls = acc.add_parser("list", help="list accounts")
    ls.add_argument("--json", action="store_true")
    rm = acc.add_parser("remove", help="remove an account and its local mail")
    rm.add_argument("name")
    again = acc.add_parser("reauth", help="sign an OAuth2 account in again in the browser")
    again.add_argument("name")
    account_oauth.add_browser_option(again)
    return {"account": _cmd_account}


def _mail_options(add: Any, incoming: str, *, oauth: bool = False) -> None:
    # With OAuth2 the provider knows its servers, and there is no password.
    needed = not oauth
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--display-name", default="")
    add.add_argument(f"--{incoming}-host", required=needed)
    add.add_argument(f"--{incoming}-port", type=_port, required=needed)
    add.add_argument(f"--{incoming}-security", choices=["ssl", "starttls", "plain"], default="ssl")
    add.add_argument("--smtp-host")
    add.add_argument("--smtp-port", type=_port)
    add.add_argument("--smtp-security", choices=["ssl", "starttls", "plain"], default="ssl")
    add.add_argument("--username", required=needed)
    add.add_argument("--password-stdin", action="store_true", required=needed)
    add.add_argument("--ca-file", default="", help="trust this CA certificate (PEM)")
    add.add_argument("--fingerprint", default="", help="pin the server certificate's SHA-256")
    add.add_argument(
        "--no-check",
        action="store_true",
        help="add it without signing in to the servers first",
    )


def _missing_for_password(args: argparse.Namespace) -> str:
    incoming = "pop3" if args.account_command == "add-pop3" else "imap"
    wanted = [
        (f"--{incoming}-host", getattr(args, f"{incoming}_host")),
        (f"--{incoming}-port", getattr(args, f"{incoming}_port")),
        ("--username", args.username),
        ("--password-stdin", args.password_stdin),
    ]
    missing = [flag for flag, value in wanted if not value]
    if not missing:
        return ""
    return ", ".join(missing) + (" is" if len(missing) == 1 else " are")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"“{text}” is not a port: use a number from 1 to 65535")
    return port


def _days(text: str) -> int:
    if not text.isdigit() or int(text) > 36500:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number of days: use 0 or more")
    return int(text)


def _cmd_account(args: argparse.Namespace) -> int:
    from unibox.secrets import SecretStore
    from unibox.store import accounts
    from unibox.store.chat_accounts import chat_accounts

    if args.account_command in ("add-mail", "add-pop3"):
        if getattr(args, "auth", "password") == "oauth2":
            return account_oauth.add_oauth_mail(args)
        missing = _missing_for_password(args)
        if missing:
            print(f"unibox: {missing} needed to sign in with a password", file=sys.stderr)
            return 2
        return _add_mail(args)
    if args.account_command == "reauth":
        return account_oauth.reauth(args)
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
                    if c.instance or c.homeserver:
                        print(f"{a.name}\t{c.address}\t{c.instance or c.homeserver}")
                        continue
                    print(f"{a.name}\t{c.address}\t{where} ({c.security})")
                    continue
                inc = a.settings.incoming
                signs_in = ", oauth2" if a.settings.auth == "oauth2" else ""
                print(f"{a.name}\t{a.email}\t{inc.host}:{inc.port} ({inc.security}{signs_in})")
        return 0
    if args.account_command == "add-xmpp":
        return chat.add_xmpp(args, store)
    if args.account_command == "add-mastodon":
        return mastodon.add_mastodon(args, store)
    if args.account_command == "set-token":
        return mastodon.set_token(args, store)
    if args.account_command == "add-matrix":
        return matrix.add_matrix(args, store)
    if args.account_command == "login-matrix":
        return matrix.login_matrix(args, store)
    if args.account_command == "import-matrix-keys":
        return matrix.import_matrix_keys(args, store)
    if args.account_command == "matrix-devices":
        return matrix.matrix_devices(args, store)
    if args.account_command == "remove":
        from unibox.services.accounts import remove_account

        remove_account(store, SecretStore(), args.name)
        return 0
    raise AssertionError(args.account_command)  # argparse allows no other


def _add_mail(args: argparse.Namespace) -> int:
    from unibox.secrets import SecretStore
    from unibox.services.accounts import create_mail_account
    from unibox.services.mail_setup import MailAccountForm, check_servers, settings_for

    incoming = "pop3" if args.account_command == "add-pop3" else "imap"
    form = MailAccountForm(
        name=args.name.strip(),
        display_name=args.display_name.strip(),
        email=args.email.strip(),
        username=args.username,
        imap_host=getattr(args, f"{incoming}_host").strip(),
        imap_port=getattr(args, f"{incoming}_port"),
        imap_security=getattr(args, f"{incoming}_security"),
        incoming=incoming,
        delete_after_days=getattr(args, "delete_after_days", 0),
        smtp_host=(args.smtp_host or "").strip(),
        smtp_port=args.smtp_port or 0,
        smtp_security=args.smtp_security,
        ca_file=args.ca_file,
        fingerprint=args.fingerprint,
    )
    settings = settings_for(form)  # a UserError says what to fix
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("No password was given on standard input.")
    if not args.no_check:
        # As Thunderbird does: sign in to IMAP (or POP3) and SMTP before anything is stored.
        log.info("%s", check_servers(settings, password))
    create_mail_account(
        store_for(args),  # only now: a refused account leaves no new profile behind
        SecretStore(),
        name=form.name,
        email=form.email,
        display_name=form.display_name,
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
        **_incoming_json(s),
        "smtp": {"host": s.smtp.host, "port": s.smtp.port, "security": s.smtp.security}
        if s.smtp
        else None,
        "username": s.username,
        "auth": s.auth,
        **({"oauth_provider": s.oauth.provider, "oauth_issuer": s.oauth.issuer} if s.oauth else {}),
        "state": chat.state(a),
        "last_sync_at": a.last_sync_at,
        "last_error": a.last_error,
    }


def _incoming_json(s: Any) -> dict[str, Any]:
    if s.pop3 is not None:
        pop3 = {"host": s.pop3.host, "port": s.pop3.port, "security": s.pop3.security}
        return {"pop3": pop3, "delete_after_days": s.delete_after_days}
    return {"imap": {"host": s.imap.host, "port": s.imap.port, "security": s.imap.security}}

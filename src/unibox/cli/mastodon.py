"""Mastodon accounts on the command line: `account add-mastodon` and `account set-token`.

Sending, replying, syncing and listing are chat's (cli/chat.py). Light to import.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from unibox.core.errors import UserError


def add_parsers(acc: Any) -> None:
    add = acc.add_parser(
        "add-mastodon",
        help="add a Mastodon (fediverse) account: its direct messages and mentions",
        description="Without --token-stdin, unibox registers itself as an app on the "
        "instance and prints an address: open it, sign in, allow unibox, and paste the "
        "code the instance shows.",
    )
    add.add_argument("--name", required=True)
    add.add_argument("--instance", required=True, help="the instance: mastodon.example")
    add.add_argument("--display-name", default="")
    add.add_argument("--ca-file", default="", help="trust this CA certificate (PEM)")
    add.add_argument(
        "--token-stdin",
        action="store_true",
        help="read an access token made in the instance's settings (Development) from stdin",
    )
    tok = acc.add_parser("set-token", help="give a Mastodon account a new access token")
    tok.add_argument("name")
    tok.add_argument(
        "--token-stdin", action="store_true", required=True, help="the token on standard input"
    )


def _line() -> str:
    return sys.stdin.readline().strip()


def add_mastodon(args: argparse.Namespace, store: Any) -> int:
    from unibox.secrets import SecretStore
    from unibox.services import mastodon

    settings = mastodon.mastodon_settings(args.instance, ca_file=args.ca_file)
    if args.token_stdin:
        token = _line()
        if not token:
            raise UserError("No access token was given on standard input.")
    else:
        auth = mastodon.start_authorization(settings.instance, settings.ca_file)
        print(
            "Open this address, sign in and allow unibox:\n"
            f"  {auth.authorize_url}\n"
            "Then paste the code the instance shows here:",
            file=sys.stderr,
        )
        code = _line()
        if not code:
            raise UserError("No authorization code was given.")
        token = mastodon.finish_authorization(auth, code)
    account = mastodon.create_mastodon_account(
        store,
        SecretStore(),
        name=args.name,
        settings=settings,
        token=token,
        display_name=args.display_name,
    )
    print(f"Added {account.name}: {account.settings.address}.")
    return 0


def set_token(args: argparse.Namespace, store: Any) -> int:
    from unibox.secrets import SecretStore
    from unibox.services.mastodon import set_mastodon_token

    set_mastodon_token(store, SecretStore(), args.name, _line())
    print(f"{args.name} has its new token; unibox sync reads what it missed.")
    return 0

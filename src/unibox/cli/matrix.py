"""Matrix accounts on the command line: `account add-matrix`, `account login-matrix`,
`account import-matrix-keys` and `account matrix-devices`.

Sending, replying, syncing and listing are chat's (cli/chat.py). Light to import.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from unibox.core.errors import UserError


def add_parsers(acc: Any) -> None:
    add = acc.add_parser(
        "add-matrix",
        help="add a Matrix account: its direct chats and rooms",
        description="Logs in once with the password (read from standard input); the keyring "
        "keeps the session it gives, never the password.",
    )
    add.add_argument("--name", required=True)
    add.add_argument("--homeserver", required=True, help="the homeserver: https://matrix.example")
    add.add_argument("--user", required=True, help="the Matrix user id, @user:server")
    add.add_argument("--display-name", default="")
    add.add_argument("--ca-file", default="", help="trust this CA certificate (PEM)")
    add.add_argument("--password-stdin", action="store_true", required=True)
    again = acc.add_parser(
        "login-matrix", help="sign a Matrix account in again (its session expired or was ended)"
    )
    again.add_argument("name")
    again.add_argument("--password-stdin", action="store_true", required=True)
    keys = acc.add_parser(
        "import-matrix-keys",
        help="import a room-key export (Element's “Export E2E room keys”) for encrypted history",
        description="Imports the room keys of FILE into the account's device (the passphrase "
        "that encrypts the file is read from standard input); messages stored as not yet "
        "decrypted that they open read in clear.",
    )
    keys.add_argument("name")
    keys.add_argument("file")
    keys.add_argument("--passphrase-stdin", action="store_true", required=True)
    devices = acc.add_parser(
        "matrix-devices",
        help="the devices of encrypted chats, their fingerprints and trust; verify one",
        description="Lists the devices the account's encryption has seen. With --verify, "
        "marks one verified if the fingerprint read on standard input (as Element shows it "
        "in the session's details on that device) is its key.",
    )
    devices.add_argument("name")
    devices.add_argument("--verify", nargs=2, metavar=("USER", "DEVICE"))
    devices.add_argument("--json", action="store_true")


def _password(what: str = "password") -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError(f"No {what} was given on standard input.")
    return password


def add_matrix(args: argparse.Namespace, store: Any) -> int:
    from unibox.secrets import SecretStore
    from unibox.services.matrix import create_matrix_account, matrix_settings

    settings = matrix_settings(args.homeserver, args.user, ca_file=args.ca_file)
    account = create_matrix_account(
        store,
        SecretStore(),
        name=args.name,
        settings=settings,
        password=_password(),
        display_name=args.display_name,
    )
    print(f"Added {account.name}: {account.settings.address}.")
    return 0


def login_matrix(args: argparse.Namespace, store: Any) -> int:
    from unibox.secrets import SecretStore
    from unibox.services.matrix import login_again

    account = login_again(store, SecretStore(), args.name, _password())
    print(f"{account.name} is signed in again; unibox sync reads what it missed.")
    return 0


def import_matrix_keys(args: argparse.Namespace, store: Any) -> int:
    from pathlib import Path

    from unibox.secrets import SecretStore
    from unibox.services.matrix import import_room_keys

    result = import_room_keys(
        store, SecretStore(), args.name, Path(args.file), _password("passphrase")
    )
    print(result.words())
    return 0


def matrix_devices(args: argparse.Namespace, store: Any) -> int:
    import json
    from dataclasses import asdict

    from unibox.secrets import SecretStore
    from unibox.services.matrix import devices, verify_device

    if args.verify:
        user, device = args.verify
        seen = _password("fingerprint")
        done = verify_device(store, SecretStore(), args.name, user, device, seen)
        print(f"{done.user_id}'s device {done.device_id} is verified.")
        return 0
    found = devices(store, SecretStore(), args.name)
    if args.json:
        print(json.dumps([asdict(d) for d in found], indent=2))
        return 0
    for d in found:
        print(f"{d.user_id}\t{d.device_id}\t{d.trust}\t{d.fingerprint}\t{d.name}")
    return 0
